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
    private HttpServer server;

    /**
     * @param routes adds the API's routes to a new router's {@link ApiRouter}
     * @param metrics a {@code /metrics} handler on the API port, or null (the management port serves it)
     * @param routeTable receives the route table once the routes are added
     */
    public ControlPlaneServer(ControlPlaneConfig config, Consumer<ApiRouter> routes, Authenticator authenticator, RateLimiter limiter,
            io.vertx.core.Handler<RoutingContext> metrics, ApiRouter.Readiness readiness, Supplier<byte[]> openApi,
            Consumer<List<ApiRouter.RouteSpec>> routeTable, io.guidon.controlplane.api.ContractValidation contract) {
        this(config, routes, authenticator, limiter, metrics, readiness, openApi, routeTable, contract, r -> { });
    }

    /**
     * @param more adds routes beside the API's to each new router (the admin UI's), after the API's
     */
    public ControlPlaneServer(ControlPlaneConfig config, Consumer<ApiRouter> routes, Authenticator authenticator,
            RateLimiter limiter, io.vertx.core.Handler<RoutingContext> metrics, ApiRouter.Readiness readiness,
            Supplier<byte[]> openApi, Consumer<List<ApiRouter.RouteSpec>> routeTable,
            io.guidon.controlplane.api.ContractValidation contract, Consumer<Router> more) {
        this.more = more;
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
        ApiRouter api = new ApiRouter(router, authenticator, limiter, config, metrics, readiness, openApi, contract);
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
