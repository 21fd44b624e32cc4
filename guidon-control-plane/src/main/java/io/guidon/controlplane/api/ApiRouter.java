package io.guidon.controlplane.api;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.json.BoundedJson;
import io.guidon.common.ops.LogLimiter;
import io.guidon.controlplane.ControlPlaneConfig;
import io.guidon.controlplane.auth.Authenticator;
import io.guidon.controlplane.auth.Principal;
import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.db.DependencyUnavailable;
import io.guidon.controlplane.db.TransientFailure;
import io.guidon.controlplane.ratelimit.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP surface of the control plane: request ids, body limits, authentication and rate limiting of
 * {@code /api/v1}, the route table with the role each route needs, and the one failure handler that turns every
 * error into RFC 9457 problem+json. Also {@code /healthz}, {@code /readyz} and the OpenAPI document
 * ({@code /metrics} is on the management port, see {@link #healthRoutes}).
 */
public final class ApiRouter {

    private static final Logger LOG = LoggerFactory.getLogger("io.guidon.controlplane.access");
    private static final Logger ERRORS = LoggerFactory.getLogger(ApiRouter.class);
    /** Failures that answer 503 (a dependency away): one log line per kind of cause per this interval. */
    static final long UNAVAILABLE_LOG_EVERY_MS = 10_000;

    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final String PROBLEM_JSON = "application/problem+json";
    /** Where sidecars send event batches: a body limit of its own, read only after the key is checked. */
    public static final String EVENTS = "/api/v1/events";
    private static final String CLIENT = "client";
    private static final String FORWARDED_FOR = "X-Forwarded-For";

    /** Handles one authorized call. */
    public interface Handler {
        Future<Reply> handle(Call call);
    }

    /**
     * A route of the API, the role it needs ({@code null}: public) and the query parameters it reads (any other is
     * refused with 400, so that a misspelt filter is never silently ignored).
     */
    public record RouteSpec(HttpMethod method, String path, Role role, String summary, List<String> query) {
        public RouteSpec {
            query = List.copyOf(query);
        }

        /** Whether this route's path (with {@code :name} parameters) matches {@code requestPath}. */
        boolean matches(String requestPath) {
            String[] want = path.split("/", -1);
            String[] have = requestPath.split("/", -1);
            if (want.length != have.length) {
                return false;
            }
            for (int i = 0; i < want.length; i++) {
                if (!(want[i].startsWith(":") ? !have[i].isEmpty() : want[i].equals(have[i]))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Readiness: completes when the server can serve (database reachable, schema current); fails with why not. */
    public interface Readiness {
        Future<Map<String, Object>> check();
    }

    /** Per router, so per event loop: a flood is bounded to one line per kind per interval on each. */
    private final LogLimiter unavailableLog = new LogLimiter(UNAVAILABLE_LOG_EVERY_MS);
    private final Router router;
    private final Authenticator authenticator;
    private final RateLimiter limiter;
    private final ControlPlaneConfig config;
    /**
     * Decimals exact (the control plane keeps numbers as written); numbers of up to 500 characters, because a decimal
     * is stored and answered written out in full (jsonb has no exponent: {@code 1e300} comes back as 301 digits and
     * {@code .0}), and a body read from this API must be accepted back unchanged. 500 holds the plain form of every
     * decimal of the double range written in 100 characters (at most about 430).
     */
    private final BoundedJson json = new BoundedJson(64, 10_000, 100_000, 500, true);
    private final List<RouteSpec> routes = new ArrayList<>();
    private final Map<String, java.util.function.Consumer<ApiException>> observers = new java.util.HashMap<>();

    /**
     * @param metrics a {@code /metrics} handler on this router, or null (the servers serve it on the management
     *     port only)
     */
    public ApiRouter(Router router, Authenticator authenticator, RateLimiter limiter, ControlPlaneConfig config,
            io.vertx.core.Handler<RoutingContext> metrics, Readiness readiness, Supplier<byte[]> openApi) {
        this.router = router;
        this.authenticator = authenticator;
        this.limiter = limiter;
        this.config = config;

        router.route().handler(this::requestId);
        healthRoutes(router, readiness, config.http().requestTimeout().toMillis());
        if (metrics != null) {
            router.get("/metrics").handler(metrics);
        }
        routes.add(new RouteSpec(HttpMethod.GET, "/api/v1/openapi.json", null, "This API as OpenAPI 3.1", List.of()));
        router.get("/api/v1/openapi.json").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json").end(io.vertx.core.buffer.Buffer.buffer(openApi.get())));

        // Event batches may be far larger than admin requests: their body is read only once the key is known to be
        // good (the request is paused until then, so no byte of it is lost or buffered).
        router.post(EVENTS).handler(ctx -> {
            ctx.request().pause();
            ctx.next();
        });
        BodyHandler body = BodyHandler.create(false).setBodyLimit(config.http().maxBodySize());
        router.postWithRegex("/api/v1/(?!events$).*").handler(body);
        router.put("/api/v1/*").handler(body);
        router.patch("/api/v1/*").handler(body);
        router.route("/api/v1/*").handler(this::gate);
        router.post(EVENTS).handler(BodyHandler.create(false).setBodyLimit(config.events().maxBodySize()));

        router.route().failureHandler(this::failure);
        router.errorHandler(400, ctx -> {
            String refused = io.guidon.common.ops.ErrorBody.routerRefusal(ctx.request());
            if (refused != null) {
                problem(ctx, ApiException.malformed(refused));
                return;
            }
            List<FieldError> where = Parameters.encodingErrors(ctx.request());
            problem(ctx, where.isEmpty() ? ApiException.malformed("the request's path or query string is not valid:"
                    + " percent-encode it as UTF-8 (%XX with two hexadecimal digits)")
                    : ApiException.invalidParameter(where));
        });
        router.errorHandler(404, ctx -> problem(ctx, ApiException.notFound("no such resource: "
                + ctx.request().method() + " " + ctx.request().path())));
        router.errorHandler(405, ctx -> {
            String allow = allowed(ctx.request().path());
            problem(ctx, new ApiException(405, "method-not-allowed", "Method not allowed",
                    ctx.request().method() + " is not allowed on " + ctx.request().path() + "; allowed: " + allow,
                    List.of(), Map.of("Allow", allow)));
        });
    }

    /**
     * {@code /healthz} (the process answers) and {@code /readyz} (the {@code readiness} check, within
     * {@code timeoutMillis}: 200 with its details, else 503 with why), on the API port and on the management port.
     * The check is cached by the caller ({@code management.readiness-max-age}), so a flood of probes is cheap.
     */
    public static void healthRoutes(Router router, Readiness readiness, long timeoutMillis) {
        router.get("/healthz").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .end("{\"status\":\"UP\"}"));
        router.get("/readyz").handler(ctx -> {
            io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
            // The shared check may complete on another event loop: the answer is written from this request's own.
            readiness.check().timeout(timeoutMillis, TimeUnit.MILLISECONDS)
                    .onComplete(r -> context.runOnContext(v -> {
                        if (r.succeeded()) {
                            ObjectNode o = Json.MAPPER.valueToTree(r.result());
                            o.put("status", "READY");
                            ctx.response().putHeader("Content-Type", "application/json").end(Json.write(o));
                        } else {
                            ObjectNode o = Json.object().put("status", "NOT_READY")
                                    .put("reason", String.valueOf(r.cause().getMessage()));
                            ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json")
                                    .end(Json.write(o));
                        }
                    }));
        });
    }

    /** The methods routed on {@code path}, for {@code Allow}. */
    private String allowed(String path) {
        java.util.Set<String> methods = new java.util.TreeSet<>();
        if (path.equals("/healthz") || path.equals("/readyz") || path.equals("/metrics")) {
            methods.add("GET");
        }
        for (RouteSpec r : routes) {
            if (r.matches(path)) {
                methods.add(r.method().name());
            }
        }
        return String.join(", ", methods);
    }

    /**
     * Adds a route that needs {@code role} (or a role above it; sidecar routes need exactly a sidecar key) and takes
     * no query parameters.
     */
    public void add(HttpMethod method, String path, Role role, String summary, Handler handler) {
        add(method, path, role, summary, List.of(), handler);
    }

    /**
     * Adds a route that needs {@code role} (or a role above it; sidecar routes need exactly a sidecar key) and reads
     * the query parameters {@code query}. Before the handler runs, every path and query parameter is checked (see
     * {@link Parameters}): a query parameter not in {@code query} and a value no store can hold are a 400 that names
     * them, so the handler sees only parameters it knows.
     */
    public void add(HttpMethod method, String path, Role role, String summary, List<String> query,
            Handler handler) {
        RouteSpec spec = new RouteSpec(method, path, role, summary, query);
        routes.add(spec);
        router.route(method, path).handler(ctx -> {
            Principal p = ctx.get("principal");
            String requestId = ctx.get("requestId");
            if (!p.role().satisfies(role)) {
                ctx.fail(ApiException.forbidden("a " + p.role().jsonName() + " key cannot " + method + " " + path
                        + (role == Role.SIDECAR ? " (sidecar keys only)" : " (needs " + role.jsonName() + ")")));
                return;
            }
            List<FieldError> parameterErrors = Parameters.check(ctx, spec.query());
            if (!parameterErrors.isEmpty()) {
                ctx.fail(ApiException.invalidParameter(parameterErrors));
                return;
            }
            Future<Reply> reply;
            try {
                reply = handler.handle(new Call(ctx, p, requestId, json, config.api().defaultPageSize(),
                        config.api().maxPageSize()));
            } catch (RuntimeException e) {
                reply = Future.failedFuture(e);
            }
            Future<Reply> pending = reply;
            reply.timeout(config.http().requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .recover(e -> Future.failedFuture(e instanceof TimeoutException && !pending.isComplete()
                            ? new DependencyUnavailable("the server", TransientFailure.Kind.BUSY, "the request did not"
                                    + " complete within http.request-timeout (" + config.http().requestTimeout().toMillis()
                                    + " ms); a change may still be applied: read before you retry it", e) : e))
                    .onSuccess(r -> write(ctx, r))
                    .onFailure(ctx::fail);
        });
    }

    /** Calls {@code observer} with every problem answered on {@code path} (for the metrics of a route). */
    public void observeProblems(String path, java.util.function.Consumer<ApiException> observer) {
        observers.put(path, observer);
    }

    public List<RouteSpec> routes() {
        return List.copyOf(routes);
    }

    /** The client as {@link TrustedProxies} sees it; the TCP peer unless a trusted proxy forwarded the request. */
    private String clientAddress(RoutingContext ctx) {
        io.vertx.core.net.SocketAddress peer = ctx.request().remoteAddress();
        String peerHost = peer == null ? null : peer.hostAddress();
        if (peerHost == null) {
            return "unknown";
        }
        return config.http().trustedProxies().clientAddress(peerHost, ctx.request().headers().getAll(FORWARDED_FOR));
    }

    private void requestId(RoutingContext ctx) {
        String given = ctx.request().getHeader("X-Request-Id");
        String id = given != null && REQUEST_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
        ctx.put("requestId", id);
        ctx.response().putHeader("X-Request-Id", id);
        safeHeaders(ctx);
        String client = clientAddress(ctx);
        ctx.put(CLIENT, client);
        long started = System.nanoTime();
        ctx.addEndHandler(x -> {
            Principal p = ctx.get("principal");
            String path = ctx.request().path();
            boolean quiet = path.equals("/metrics") || path.equals("/healthz") || path.equals("/readyz")
                    || path.startsWith("/api/v1/sidecar/") || path.equals(EVENTS);
            if (quiet ? LOG.isDebugEnabled() : LOG.isInfoEnabled()) {
                Object[] fields = {kv("requestId", id), kv("method", ctx.request().method().name()), kv("path", path),
                        kv("client", client), kv("status", ctx.response().getStatusCode()),
                        kv("durationMs", (System.nanoTime() - started) / 1_000_000.0),
                        kv("tenant", p == null ? null : p.tenantKey()),
                        kv("keyId", p == null ? null : p.keyId().toString())};
                if (quiet) {
                    LOG.debug("request", fields);
                } else {
                    LOG.info("request", fields);
                }
            }
        });
        ctx.next();
    }

    /**
     * On every response: {@code nosniff}, so no browser reads a JSON body as HTML or script; and on the API's,
     * {@code Cache-Control: no-store}, so no cache keeps a new key's secret or a tenant's data (a route may
     * answer otherwise, as the sidecars' document does with {@code no-cache} and its ETag).
     */
    private static void safeHeaders(RoutingContext ctx) {
        HttpServerResponse res = ctx.response();
        res.putHeader("X-Content-Type-Options", "nosniff");
        if (ctx.request().path() != null && ctx.request().path().startsWith("/api/")) {
            res.putHeader("Cache-Control", "no-store");
        }
    }

    /** Authenticates, then counts the request against its key's limit, or its address's when unauthenticated. */
    private void gate(RoutingContext ctx) {
        authenticator.authenticate(ctx.request().getHeader("Authorization")).onComplete(auth -> {
            if (!config.rateLimit().enabled()) {
                proceed(ctx, auth.succeeded() ? auth.result() : null, auth.cause());
                return;
            }
            String bucket;
            int limit;
            if (auth.succeeded()) {
                bucket = "key:" + auth.result().keyId();
                limit = config.rateLimit().perKey();
            } else {
                bucket = "addr:" + ctx.<String>get(CLIENT);
                limit = config.rateLimit().perAddress();
            }
            limiter.acquire(bucket, limit).onComplete(d -> {
                if (d.succeeded()) {
                    HttpServerResponse res = ctx.response();
                    res.putHeader("RateLimit-Limit", Integer.toString(limit));
                    res.putHeader("RateLimit-Remaining", Long.toString(Math.max(0, limit - d.result().count())));
                    if (!d.result().allowed()) {
                        ctx.fail(ApiException.tooManyRequests(Math.max(1, (d.result().retryAfterMillis() + 999) / 1000)));
                        return;
                    }
                }
                proceed(ctx, auth.succeeded() ? auth.result() : null, auth.cause());
            });
        });
    }

    private static void proceed(RoutingContext ctx, Principal p, Throwable authFailure) {
        if (p == null) {
            ctx.fail(authFailure);
            return;
        }
        ctx.put("principal", p);
        ctx.next();
    }

    private static void write(RoutingContext ctx, Reply r) {
        HttpServerResponse res = ctx.response();
        res.setStatusCode(r.status());
        r.headers().forEach(res::putHeader);
        if (r.raw() != null) {
            res.putHeader("Content-Type", "application/json").end(io.vertx.core.buffer.Buffer.buffer(r.raw()));
        } else if (r.body() != null) {
            res.putHeader("Content-Type", "application/json").end(io.vertx.core.buffer.Buffer.buffer(Json.bytes(r.body())));
        } else {
            res.end();
        }
    }

    private void failure(RoutingContext ctx) {
        Throwable e = ctx.failure();
        if (e instanceof io.guidon.controlplane.domain.DomainException d) {
            e = domainProblem(d);
        }
        // A failure of PostgreSQL or Redis that a retry may cure, classified by type in one place: 503 with
        // Retry-After, logged here once with its cause (the layers below only pass it up).
        DependencyUnavailable transientFailure = e == null || e instanceof ApiException ? null
                : TransientFailure.unavailable("the database", e);
        ApiException problem;
        String refused = e instanceof ApiException ? null : io.guidon.common.ops.ErrorBody.routerRefusal(ctx.request());
        if (e instanceof ApiException api) {
            problem = api;
        } else if (refused != null && ctx.statusCode() == 400) {
            // Refused by the router before any route ran (no Host, a target that is not a path).
            problem = ApiException.malformed(refused);
        } else if (transientFailure != null) {
            problem = ApiException.unavailable(transientFailure.getMessage() + "; retry the request",
                    transientFailure.retryAfterSeconds());
            logUnavailable(ctx, transientFailure, e);
        } else if (e == null && ctx.statusCode() == 413) {
            boolean events = ctx.request().path().equals(EVENTS);
            problem = ApiException.tooLarge("the body exceeds " + (events ? config.events().maxBodySize()
                    : config.http().maxBodySize()) + " bytes" + (events ? " (events.max-body-size)" : ""));
        } else if (e == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            problem = new ApiException(ctx.statusCode(), "client-error", "Bad request", "the request was refused");
        } else {
            ERRORS.error("request failed", kv("requestId", ctx.get("requestId")), kv("path", ctx.request().path()), e);
            problem = new ApiException(500, "internal", "Internal server error",
                    "an unexpected error occurred; the request id identifies it in the server's log");
        }
        java.util.function.Consumer<ApiException> observer = observers.get(ctx.request().path());
        if (observer != null) {
            observer.accept(problem);
        }
        problem(ctx, problem);
    }

    /**
     * A domain error as the problem it has always been answered with. Minimal stand-in until the one mapping of
     * domain errors to problem+json (api.Problems) lands.
     */
    static ApiException domainProblem(io.guidon.controlplane.domain.DomainException d) {
        List<FieldError> errors = d.violations().stream().map(v -> new FieldError(v.where().text(), v.message()))
                .toList();
        return switch (d.kind()) {
            case INVALID -> ApiException.invalid(errors);
            case INVALID_PARAMETER -> ApiException.invalidParameter(errors);
            case INVALID_EVENT_BATCH -> new ApiException(400, "invalid-event-batch", "Invalid event batch", d.detail(),
                    errors, Map.of());
            case NOT_FOUND -> ApiException.notFound(d.detail());
            case CONFLICT -> ApiException.conflict(d.detail());
            case STALE -> ApiException.stale(d.detail());
            case PRECONDITION_REQUIRED -> ApiException.preconditionRequired(d.detail());
            case UNAUTHENTICATED -> ApiException.unauthorized(d.detail());
            case FORBIDDEN -> ApiException.forbidden(d.detail());
            case TOO_LARGE -> ApiException.tooLarge(d.detail());
            case RATE_LIMITED -> ApiException.tooManyRequests(d.retryAfterSeconds());
            case UNAVAILABLE -> ApiException.unavailable(d.detail(), d.retryAfterSeconds());
        };
    }

    /**
     * Logs a dependency failure that answered 503: a full pool or a database away fails every request, so per kind
     * of cause one line per {@value #UNAVAILABLE_LOG_EVERY_MS} ms (per event loop), with how many of that kind were not logged, and
     * the stack trace only with the first of its kind.
     */
    private void logUnavailable(RoutingContext ctx, DependencyUnavailable failure, Throwable e) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : e;
        LogLimiter.Decision d = unavailableLog.admit(failure.kind().name() + ":" + cause.getClass().getName());
        if (!d.log()) {
            return;
        }
        Object requestId = kv("requestId", ctx.get("requestId"));
        Object path = kv("path", ctx.request().path());
        Object kind = kv("kind", failure.kind().name());
        if (d.first()) {
            ERRORS.warn("request failed: {}", failure.getMessage(), requestId, path, kind, cause);
        } else {
            ERRORS.warn("request failed: {} ({} more of this kind not logged in the last {} s)", failure.getMessage(),
                    d.suppressed(), UNAVAILABLE_LOG_EVERY_MS / 1000, requestId, path, kind,
                    kv("suppressed", d.suppressed()));
        }
    }

    private static void problem(RoutingContext ctx, ApiException p) {
        HttpServerResponse res = ctx.response();
        if (res.ended()) {
            return;
        }
        String requestId = ctx.get("requestId");
        if (requestId == null) {
            // Refused by the router before any handler ran (a path that does not decode).
            requestId = UUID.randomUUID().toString();
            res.putHeader("X-Request-Id", requestId);
        }
        ObjectNode o = Json.object();
        o.put("type", p.type());
        o.put("title", p.title());
        o.put("status", p.status());
        o.put("detail", p.detail());
        o.put("instance", "urn:guidon:request:" + requestId);
        o.put("requestId", requestId);
        if (!p.errors().isEmpty()) {
            ArrayNode errors = o.putArray("errors");
            for (FieldError fe : p.errors()) {
                errors.addObject().put("path", fe.path()).put("message", fe.message());
            }
        }
        res.setStatusCode(p.status());
        safeHeaders(ctx);
        p.headers().forEach(res::putHeader);
        // Refused before its body was read (no key, too large, an event batch of another role): the rest of the body
        // is still on the connection, which cannot carry another request. After the answer the rest is read and
        // dropped, up to DRAIN_BYTES or DRAIN_MILLIS, then the connection is closed: closing at once would reset it
        // while the client still writes, and the client would often lose the answer (a broken pipe, no 413).
        String length = ctx.request().getHeader("Content-Length");
        boolean unread = !ctx.request().isEnded() && (ctx.request().getHeader("Transfer-Encoding") != null
                || length != null && !length.trim().equals("0"));
        if (unread) {
            res.putHeader("Connection", "close");
        }
        res.putHeader("Content-Type", PROBLEM_JSON).end(Json.write(o)).onComplete(x -> {
            if (unread && !ctx.request().isEnded()) {
                drainThenClose(ctx);
            }
        });
    }

    /** At most this many bytes of a refused request's body are read and dropped before its connection closes. */
    static final long DRAIN_BYTES = 1 << 20;
    /** ... and for at most this long. */
    static final long DRAIN_MILLIS = 2_000;

    private static void drainThenClose(RoutingContext ctx) {
        io.vertx.core.http.HttpServerRequest request = ctx.request();
        io.vertx.core.Vertx vertx = ctx.vertx();
        long[] read = {0};
        long timer = vertx.setTimer(DRAIN_MILLIS, t -> request.connection().close());
        Runnable close = () -> {
            vertx.cancelTimer(timer);
            request.connection().close();
        };
        request.handler(chunk -> {
            read[0] += chunk.length();
            if (read[0] > DRAIN_BYTES) {
                close.run();
            }
        });
        request.endHandler(v -> close.run());
        request.exceptionHandler(e -> close.run());
        request.resume();
    }
}
