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
 * nor delay the API's connections. One instance; the routes are given by the server that deploys it. Unknown paths
 * answer 404.
 */
public final class ManagementServer extends VerticleBase {

    private final String host;
    private final int port;
    private final Consumer<Router> routes;
    private HttpServer server;

    public ManagementServer(String host, int port, Consumer<Router> routes) {
        this.host = host;
        this.port = port;
        this.routes = routes;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        routes.accept(router);
        return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setIdleTimeout(60)
                        .setTcpNoDelay(true))
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
