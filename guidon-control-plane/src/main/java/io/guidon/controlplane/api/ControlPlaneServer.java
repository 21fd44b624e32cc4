package io.guidon.controlplane.api;

import io.guidon.controlplane.ControlPlaneConfig;
import io.guidon.controlplane.auth.Authenticator;
import io.guidon.controlplane.ratelimit.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One HTTP server instance of the control plane (one per event loop; they share the port and every service).
 * Its state is the router only; everything else is passed in by the composition root
 * ({@code io.guidon.controlplane.ControlPlaneMain}).
 */
public final class ControlPlaneServer extends VerticleBase {

    private final ControlPlaneConfig config;
    private final Consumer<ApiRouter> routes;
    private final Authenticator authenticator;
    private final RateLimiter limiter;
    private final io.vertx.core.Handler<RoutingContext> metrics;
    private final ApiRouter.Readiness readiness;
    private final Supplier<byte[]> openApi;
    private final Consumer<List<ApiRouter.RouteSpec>> routeTable;
    private final io.guidon.controlplane.api.ContractValidation contract;
    private final Consumer<Router> more;
    private final Cursors cursors;
    private HttpServer server;

    /**
     * @param routes adds the API's routes to a new router's {@link ApiRouter}
     * @param metrics a {@code /metrics} handler on the API port, or null (the management port serves it)
     * @param routeTable receives the route table once the routes are added
     */
    public ControlPlaneServer(ControlPlaneConfig config, Consumer<ApiRouter> routes, Authenticator authenticator, RateLimiter limiter,
            io.vertx.core.Handler<RoutingContext> metrics, ApiRouter.Readiness readiness, Supplier<byte[]> openApi,
            Consumer<List<ApiRouter.RouteSpec>> routeTable, io.guidon.controlplane.api.ContractValidation contract,
            Cursors cursors) {
        this(config, routes, authenticator, limiter, metrics, readiness, openApi, routeTable, contract, cursors,
                r -> { });
    }

    /**
     * @param cursors the signing of page cursors (the key every replica shares)
     * @param more adds routes beside the API's to each new router (the admin UI's), after the API's
     */
    public ControlPlaneServer(ControlPlaneConfig config, Consumer<ApiRouter> routes, Authenticator authenticator,
            RateLimiter limiter, io.vertx.core.Handler<RoutingContext> metrics, ApiRouter.Readiness readiness,
            Supplier<byte[]> openApi, Consumer<List<ApiRouter.RouteSpec>> routeTable,
            io.guidon.controlplane.api.ContractValidation contract, Cursors cursors, Consumer<Router> more) {
        this.more = more;
        this.cursors = cursors;
        this.config = config;
        this.contract = contract;
        this.routes = routes;
        this.authenticator = authenticator;
        this.limiter = limiter;
        this.metrics = metrics;
        this.readiness = readiness;
        this.openApi = openApi;
        this.routeTable = routeTable;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.route().handler(ControlPlaneServer::varyOnAcceptEncoding);
        ApiRouter api = new ApiRouter(router, authenticator, limiter, config, metrics, readiness, openApi, contract,
                cursors);
        routes.accept(api);
        more.accept(router);
        routeTable.accept(api.routes());
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.http().host())
                .setPort(config.http().port())
                .setIdleTimeout((int) Math.max(1, config.http().idleTimeout().toSeconds()))
                .setCompressionSupported(true)
                // HTTP/1.1 only on plain connections: an "Upgrade: h2c" from a client (the JDK's HttpClient sends one)
                // is declined. HTTP/2 belongs behind TLS at the ingress.
                .setHttp2ClearTextEnabled(false);
        // The admin UI's forms are decoded (only those: the API reads JSON) within the UI's body limit, http.max-body-size
        // (UiRouter's BodyHandler), not within the decoder's defaults of 8 KiB a field and 256 fields: a flag's whole
        // configuration in an environment is one form, with a field per clause input and textareas of targeting keys.
        int formLimit = (int) Math.min(Integer.MAX_VALUE, config.http().maxBodySize());
        options.setMaxFormAttributeSize(formLimit).setMaxFormBufferedBytes(formLimit).setMaxFormFields(formLimit);
        // What the HTTP decoder refuses (a request line over 4096 bytes: 414) gets a problem body, not none.
        return vertx.createHttpServer(options)
                .invalidRequestHandler(io.guidon.common.ops.ErrorBody.PROBLEM.invalidRequests())
                .requestHandler(router).listen()
                .recover(e -> Future.failedFuture(new io.guidon.common.ops.ListenException(config.http().host(),
                        config.http().port(), "http.port", e)))
                .onSuccess(s -> server = s);
    }

    /**
     * Adds {@code Vary: Accept-Encoding} to each answer whose encoding the HTTP server chooses by the request's
     * {@code Accept-Encoding} (compression is on): every answer without a {@code Content-Encoding} of its own when its
     * headers go out. Without it a shared cache could hand a gzip body to a client that cannot read it, or keep one
     * copy for both. An answer that set its encoding itself (an export asked as a gzip file: {@code identity}) does
     * not vary by it, and one that already says so is left as it is.
     */
    static void varyOnAcceptEncoding(RoutingContext ctx) {
        ctx.addHeadersEndHandler(v -> {
            io.vertx.core.MultiMap headers = ctx.response().headers();
            if (headers.contains("Content-Encoding")) {
                return;
            }
            String vary = headers.get("Vary");
            if (vary == null || vary.isBlank()) {
                headers.set("Vary", "Accept-Encoding");
            } else if (java.util.Arrays.stream(vary.split(",")).map(String::trim)
                    .noneMatch(x -> x.equalsIgnoreCase("Accept-Encoding") || x.equals("*"))) {
                headers.set("Vary", vary + ", Accept-Encoding");
            }
        });
        ctx.next();
    }

    /** The port bound (the configured one, or the one chosen when that is 0). */
    public int port() {
        return server.actualPort();
    }

    @Override
    public Future<?> stop() {
        // In-flight requests get shutdown.grace-period to finish; idle keep-alive connections close at once.
        return server == null ? Future.succeededFuture()
                : server.shutdown(config.http().shutdownTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
}
