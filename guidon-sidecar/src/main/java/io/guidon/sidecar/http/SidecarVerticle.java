package io.guidon.sidecar.http;

import io.guidon.json.BoundedJson;
import io.guidon.sidecar.Evaluations;
import io.guidon.sidecar.FlagStore;
import io.guidon.sidecar.SidecarConfig;
import io.guidon.sidecar.UpstreamStatus;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import java.time.Clock;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One event loop's share of the sidecar's HTTP server: the routes of the OFREP and native APIs, the change streams
 * and {@code /healthz}, {@code /readyz}. The evaluation routes clients call per request are served by
 * {@link EvaluationDispatch} before the router, with the same checks; everything else by the router. Several
 * instances listen on the same port (Vert.x spreads connections over them).
 * Stopping ends the change streams, stops accepting, and lets requests in flight finish within the grace period.
 */
public final class SidecarVerticle extends VerticleBase {

    /** Event-bus address on which each published change reaches every instance, as {"version", "event"}. */
    public static final String CHANGES_ADDRESS = "guidon.sidecar.flags-changed";

    /**
     * Every POST body must be JSON, labelled so (415 otherwise). A platform handler, because Vert.x Web only lets
     * those run before a BodyHandler, and the label must be checked before the body is read.
     */
    private static final PlatformHandler BODY_IS_JSON = Http::requireJson;

    /** On every response, so that no browser reads a JSON body as HTML or script. */
    static final String NOSNIFF = "X-Content-Type-Options";

    private final SidecarConfig config;
    private final FlagStore store;
    private final Evaluations evaluations;
    private final OfrepAnswers answers;
    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier draining;
    private final UpstreamStatus upstream;
    private final Clock clock;

    private volatile HttpServer server;
    private ChangeStreams streams;
    private MessageConsumer<JsonObject> changes;

    /** {@code answers} is shared by every instance (one per event loop), so each answer is encoded once. */
    public SidecarVerticle(SidecarConfig config, FlagStore store, Evaluations evaluations, OfrepAnswers answers,
            PrometheusMeterRegistry registry, BooleanSupplier draining, UpstreamStatus upstream, Clock clock) {
        this.config = config;
        this.store = store;
        this.evaluations = evaluations;
        this.answers = answers;
        this.registry = registry;
        this.draining = draining;
        this.upstream = upstream;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        SidecarConfig.Http http = config.http();
        Requests bodies = new Requests(new BoundedJson(http.maxJsonDepth(), http.maxJsonElements(),
                http.maxStringLength()));
        OfrepApi ofrep = new OfrepApi(store, evaluations, answers, bodies, config.flags().watchInterval().toMillis());
        NativeApi api = new NativeApi(store, evaluations, bodies);
        OpsApi ops = new OpsApi(store, draining, upstream, clock);
        streams = new ChangeStreams(vertx, store, config.stream().heartbeatInterval().toMillis());

        Router router = Router.router(vertx);
        if (http.accessLog()) {
            router.route().handler(new AccessLog(clock));
        }
        Set<String> allowedHosts = new HashSet<>(http.allowedHosts());
        String bound = http.host().toLowerCase(Locale.ROOT).replace("[", "").replace("]", "");
        if (!bound.equals("0.0.0.0") && !bound.equals("::")) {
            allowedHosts.add(bound);
        }
        Set<String> hosts = Set.copyOf(allowedHosts);
        router.route().handler((PlatformHandler) ctx -> Http.guard(ctx, hosts));
        router.route().handler(Requests::checkUri);
        BodyHandler body = BodyHandler.create(false).setBodyLimit(http.maxBodyBytes());
        // The route table (SidecarRoute), each route bound to its handler; /metrics is on the management port only.
        for (SidecarRoute route : SidecarRoute.values()) {
            Handler<RoutingContext> handler = switch (route) {
                case OFREP_FLAG -> ofrep::single;
                case OFREP_FLAGS -> ofrep::bulk;
                case OFREP_CONFIGURATION -> ofrep::configuration;
                case OFREP_STREAM -> streams::ofrepSse;
                case EVALUATE -> api::evaluate;
                case FLAG -> api::one;
                case FLAGS -> api::document;
                case USER_FLAGS -> api::forUser;
                case EXPOSURES -> api::exposures;
                case TRACK -> api::track;
                case STREAM -> streams::sse;
                case WEB_SOCKET -> streams::webSocket;
                case HEALTH -> ops::health;
                case READY -> ops::ready;
            };
            switch (route.call()) {
                case EVALUATION -> router.post(route.path()).handler(BODY_IS_JSON).handler(body).handler(handler);
                case READ -> get(router, route.path()).handler(handler);
            }
        }

        ErrorHandler errors = new ErrorHandler(http.maxBodyBytes());
        router.route().failureHandler(errors);
        for (int status : new int[] {400, 404, 405, 413, 415, 500}) {
            // The router calls these without setting the context's status when a path fails to decode.
            router.errorHandler(status, errors.forStatus(status));
        }

        changes = vertx.eventBus().localConsumer(CHANGES_ADDRESS,
                msg -> streams.publish(msg.body().getLong("version"), msg.body().getString("event")));

        HttpServerOptions options = new HttpServerOptions()
                .setHost(http.host())
                .setPort(http.port())
                .setIdleTimeout((int) http.idleTimeout().toSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setCompressionSupported(http.compression())
                .setCompressionContentSizeThreshold(1024)
                .setTcpNoDelay(true);
        // The evaluation routes are served before the router, with the router's own checks (ADR 0207); with the
        // access log on, every request goes through the router, whose first handler writes the log line.
        Handler<HttpServerRequest> requests = http.accessLog() ? router
                : new EvaluationDispatch(router, ofrep, api, hosts, http.maxBodyBytes(), errors);
        if (http.compression()) {
            requests = new CodingValidators(requests);
        }
        // What the HTTP decoder refuses (a request line over 4096 bytes: 414) gets the API's error body, not none.
        server = vertx.createHttpServer(options).invalidRequestHandler(io.guidon.common.ops.ErrorBody.OFREP
                .invalidRequests()).requestHandler(requests);
        return server.listen().recover(e -> Future.failedFuture(
                new io.guidon.common.ops.ListenException(http.host(), http.port(), "http.port", e)));
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return server.actualPort();
    }

    @Override
    public Future<?> stop() {
        streams.closeAll();
        return changes.unregister()
                .compose(v -> server.shutdown(config.shutdown().gracePeriod().toMillis(), TimeUnit.MILLISECONDS));
    }

    /**
     * A route for GET and HEAD on {@code path}: HEAD runs the GET handler and Vert.x leaves the body out (the
     * headers, Content-Length included, stay those of GET), as RFC 9110 §9.3.2 asks.
     */
    static io.vertx.ext.web.Route get(Router router, String path) {
        return router.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD);
    }
}
