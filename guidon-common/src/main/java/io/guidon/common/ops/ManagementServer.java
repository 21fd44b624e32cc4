package io.guidon.common.ops;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.function.Consumer;

/**
 * The operations port of a server ({@code management.host}:{@code management.port}): {@code /metrics},
 * {@code /healthz}, {@code /readyz}, on an HTTP server of its own, so that scrapers and probes neither wait behind
 * nor delay the API's connections. One instance; the routes (GET only) are given by the server that deploys it.
 * Every answer carries {@code X-Content-Type-Options: nosniff}; errors (404 for an unknown path, 405 with
 * {@code Allow: GET, HEAD} for another method, 414/431/400 for what the HTTP decoder or router refuses) are JSON in
 * the {@link ErrorBody} shape of the server's API.
 */
public final class ManagementServer extends VerticleBase {

    private final String host;
    private final int port;
    private final Consumer<Router> routes;
    private final ErrorBody errors;
    private HttpServer server;

    public ManagementServer(String host, int port, ErrorBody errors, Consumer<Router> routes) {
        this.host = host;
        this.port = port;
        this.errors = errors;
        this.routes = routes;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            ctx.response().putHeader("X-Content-Type-Options", "nosniff");
            ctx.next();
        });
        // HEAD is GET without the body (Vert.x drops it): a probe may use either.
        router.routeWithRegex(io.vertx.core.http.HttpMethod.HEAD, "/(healthz|readyz|metrics)").handler(ctx -> ctx.reroute(
                io.vertx.core.http.HttpMethod.GET, ctx.request().uri()));
        routes.accept(router);
        router.errorHandler(404, ctx -> errors.write(ctx.response(), 404, "no endpoint " + ctx.request().path()
                + " on the management port; it serves GET /metrics, /healthz and /readyz"));
        router.errorHandler(405, ctx -> {
            ctx.response().putHeader("Allow", "GET, HEAD");
            errors.write(ctx.response(), 405, "method " + ctx.request().method() + " is not allowed on "
                    + ctx.request().path() + "; allowed: GET, HEAD");
        });
        router.route().failureHandler(ctx -> {
            String refused = ErrorBody.routerRefusal(ctx.request());
            if (refused != null) {
                errors.write(ctx.response(), 400, refused);
            } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
                errors.write(ctx.response(), ctx.statusCode(), "malformed request: the path or query string is "
                        + "not valid percent-encoding (such as %20 for a space)");
            } else {
                org.slf4j.LoggerFactory.getLogger(ManagementServer.class).error("unexpected failure on {} {}",
                        ctx.request().method(), ctx.request().path(), ctx.failure());
                errors.write(ctx.response(), 500, "internal error; the server's log has the details");
            }
        });
        router.errorHandler(400, ctx -> {
            String refused = ErrorBody.routerRefusal(ctx.request());
            errors.write(ctx.response(), 400, refused != null ? refused : "malformed request: the path or query "
                    + "string is not valid percent-encoding (such as %20 for a space)");
        });
        return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setIdleTimeout(60)
                        .setTcpNoDelay(true))
                .invalidRequestHandler(errors.invalidRequests())
                .requestHandler(router).listen()
                .recover(e -> Future.failedFuture(new ListenException(host, port, "management.port", e)))
                .onSuccess(s -> server = s);
    }

    /** The port bound (differs from the configured one when that is 0). */
    public int port() {
        return server == null ? -1 : server.actualPort();
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
