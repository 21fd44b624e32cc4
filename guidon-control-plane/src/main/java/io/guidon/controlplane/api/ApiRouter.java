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
import io.guidon.controlplane.domain.DomainException;
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
    /** Where sidecars send event batches (its route, in {@link EventRoutes}, has a body limit of its own). */
    public static final String EVENTS = "/api/v1/events";
    /** The key under which the routing context holds the client's address (see {@link #clientAddress}). */
    static final String CLIENT = "client";
    private static final String FORWARDED_FOR = "X-Forwarded-For";

    /** Handles one authorized call. */
    public interface Handler {
        Future<Reply> handle(Call call);
    }

    /**
     * A route of the API and everything the HTTP layer needs to know of it, declared where the route is added: the
     * role it needs ({@code null}: public), the query parameters it reads (any other is refused with 400, so that a
     * misspelt filter is never silently ignored), its own body limit ({@code null}: {@code http.max-body-size}) and
     * whether its requests are logged at debug rather than info ({@code quiet}: routes polled by machines).
     */
    public record RouteSpec(HttpMethod method, String path, Role role, String summary, List<String> query,
            BodyLimit bodyLimit, boolean quiet) {
        public RouteSpec {
            query = List.copyOf(query);
        }

        /** A route that reads no query parameters, with the default body limit, logged at info. */
        public static RouteSpec of(HttpMethod method, String path, Role role, String summary) {
            return new RouteSpec(method, path, role, summary, List.of(), null, false);
        }

        /** This route, reading the query parameters {@code names}. */
        public RouteSpec withQuery(String... names) {
            return new RouteSpec(method, path, role, summary, List.of(names), bodyLimit, quiet);
        }

        /**
         * This route, with a body limit of its own: its body is read only once the key is known to be good (the
         * request is paused until then, so no byte of it is lost or buffered), and may be far larger than an admin
         * request's.
         */
        public RouteSpec withBodyLimit(long bytes, String setting) {
            return new RouteSpec(method, path, role, summary, query, new BodyLimit(bytes, setting), quiet);
        }

        /** This route, its requests logged at debug: sidecars and probes call it all the time. */
        public RouteSpec quietly() {
            return new RouteSpec(method, path, role, summary, query, bodyLimit, true);
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

    /** A body limit of a route's own: {@code bytes}, set by {@code setting} (named in the 413's detail). */
    public record BodyLimit(long bytes, String setting) {
    }

    /**
     * The operational routes of the API port ({@link #healthRoutes}, and {@code /metrics} when served here): not part
     * of {@code /api/v1} (never in {@link #routes()} nor in the OpenAPI document), GET only, and quiet, since probes
     * and scrapers call them all the time.
     */
    private static final List<RouteSpec> OPERATIONAL = List.of(
            RouteSpec.of(HttpMethod.GET, "/healthz", null, "The process answers").quietly(),
            RouteSpec.of(HttpMethod.GET, "/readyz", null, "The server can serve").quietly(),
            RouteSpec.of(HttpMethod.GET, "/metrics", null, "Prometheus metrics").quietly());

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
    /** The routes with a body limit of their own, and the handler that reads their body. */
    private final Map<RouteSpec, BodyHandler> ownBodies = new java.util.HashMap<>();
    /** The paths whose requests are logged at debug (every quiet route has a path without parameters). */
    private final java.util.Set<String> quietPaths = new java.util.HashSet<>();
    private final Map<String, java.util.function.Consumer<ApiException>> observers = new java.util.HashMap<>();
    /** The OpenAPI document as the contract of each route's requests (ADR 0111). */
    private final ContractValidation contract;
    /** Signs and checks the page cursors of every route (ADR 0122 "Cursors are signed"). */
    private final Cursors cursors;

    /**
     * @param metrics a {@code /metrics} handler on this router, or null (the servers serve it on the management
     *     port only)
     * @param contract the checks of requests against {@code openApi}, shared by the routers of every event loop
     * @param cursors the signing of page cursors, with the key every replica shares
     */
    public ApiRouter(Router router, Authenticator authenticator, RateLimiter limiter, ControlPlaneConfig config,
            io.vertx.core.Handler<RoutingContext> metrics, Readiness readiness, Supplier<byte[]> openApi,
            ContractValidation contract, Cursors cursors) {
        this.cursors = cursors;
        this.router = router;
        this.authenticator = authenticator;
        this.limiter = limiter;
        this.config = config;
        this.contract = contract;

        router.route().handler(this::requestId);
        healthRoutes(router, readiness, config.http().requestTimeout().toMillis());
        if (metrics != null) {
            router.get("/metrics").handler(metrics);
        }
        OPERATIONAL.stream().filter(RouteSpec::quiet).forEach(r -> quietPaths.add(r.path()));
        RouteSpec document = RouteSpec.of(HttpMethod.GET, "/api/v1/openapi.json", null, "This API as OpenAPI 3.1");
        routes.add(document);
        router.get(document.path()).handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json").end(io.vertx.core.buffer.Buffer.buffer(openApi.get())));

        // A body is read before the key is checked, within http.max-body-size, unless its route has a limit of its
        // own (RouteSpec.bodyLimit): then the request is paused, and its body read once the key is known to be good.
        BodyHandler body = BodyHandler.create(false).setBodyLimit(config.http().maxBodySize());
        io.vertx.core.Handler<RoutingContext> bodyBeforeKey = ctx -> {
            if (ownBody(ctx) == null) {
                body.handle(ctx);
            } else {
                ctx.request().pause();
                ctx.next();
            }
        };
        router.postWithRegex("/api/v1/.*").handler(bodyBeforeKey);
        router.put("/api/v1/*").handler(bodyBeforeKey);
        router.patch("/api/v1/*").handler(bodyBeforeKey);
        router.route("/api/v1/*").handler(this::gate);
        router.route("/api/v1/*").handler(ctx -> {
            BodyHandler own = ownBody(ctx);
            if (own == null) {
                ctx.next();
            } else {
                own.handle(ctx);
            }
        });

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
        router.errorHandler(404, ctx -> problem(ctx, Problems.of(DomainException.notFound("no such resource: "
                + ctx.request().method() + " " + ctx.request().path()))));
        router.errorHandler(405, ctx -> {
            String allow = allowed(ctx.request().path());
            problem(ctx, ApiException.methodNotAllowed(ctx.request().method() + " is not allowed on "
                    + ctx.request().path() + "; allowed: " + allow, allow));
        });
    }

    /**
     * The routes of the management port: {@link #healthRoutes} and {@code /metrics} ({@code metrics}).
     */
    public static java.util.function.Consumer<Router> managementRoutes(Readiness readiness, long timeoutMillis,
            io.vertx.core.Handler<RoutingContext> metrics) {
        return router -> {
            healthRoutes(router, readiness, timeoutMillis);
            router.get("/metrics").handler(metrics);
        };
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

    /** The methods the route table routes on {@code path}, for {@code Allow}. */
    private String allowed(String path) {
        java.util.Set<String> methods = new java.util.TreeSet<>();
        for (List<RouteSpec> table : List.of(OPERATIONAL, routes)) {
            for (RouteSpec r : table) {
                if (r.matches(path)) {
                    methods.add(r.method().name());
                }
            }
        }
        return String.join(", ", methods);
    }

    /** The route with a body limit of its own that {@code ctx} is for, or null (read within http.max-body-size). */
    private BodyHandler ownBody(RoutingContext ctx) {
        if (ownBodies.isEmpty()) {
            return null;
        }
        RouteSpec own = ownBodyRoute(ctx);
        return own == null ? null : ownBodies.get(own);
    }

    private RouteSpec ownBodyRoute(RoutingContext ctx) {
        HttpMethod method = ctx.request().method();
        String path = ctx.request().path();
        for (RouteSpec r : ownBodies.keySet()) {
            if (r.method().equals(method) && r.matches(path)) {
                return r;
            }
        }
        return null;
    }

    /**
     * Adds a route that needs {@code role} (or a role above it; sidecar routes need exactly a sidecar key) and takes
     * no query parameters.
     */
    public void add(HttpMethod method, String path, Role role, String summary, Handler handler) {
        add(RouteSpec.of(method, path, role, summary), handler);
    }

    /**
     * Adds a route that needs {@code role} (or a role above it; sidecar routes need exactly a sidecar key) and reads
     * the query parameters {@code query}. Before the handler runs, every path and query parameter is checked (see
     * {@link Parameters}): a query parameter not in {@code query} and a value no store can hold are a 400 that names
     * them, so the handler sees only parameters it knows.
     */
    public void add(HttpMethod method, String path, Role role, String summary, List<String> query,
            Handler handler) {
        add(RouteSpec.of(method, path, role, summary).withQuery(query.toArray(String[]::new)), handler);
    }

    /**
     * Adds the route {@code spec} with its options (see {@link RouteSpec}): it needs {@code spec.role()} (or a role
     * above it; sidecar routes need exactly a sidecar key) and reads the query parameters {@code spec.query()}.
     * Before the handler runs, every path and query parameter is checked (see {@link Parameters}).
     */
    public void add(RouteSpec spec, Handler handler) {
        HttpMethod method = spec.method();
        String path = spec.path();
        Role role = spec.role();
        routes.add(spec);
        // Event batches are streamed and large; their rules are the protocol module's (ADR 0111).
        ContractValidation.Route checks = contract.route(method, path, !path.equals(EVENTS));
        if (spec.bodyLimit() != null) {
            ownBodies.put(spec, BodyHandler.create(false).setBodyLimit(spec.bodyLimit().bytes()));
        }
        if (spec.quiet()) {
            if (path.contains(":")) {
                throw new IllegalArgumentException("a quiet route has a path without parameters: " + path);
            }
            quietPaths.add(path);
        }
        router.route(method, path).handler(ctx -> {
            Principal p = ctx.get("principal");
            String requestId = ctx.get("requestId");
            if (!p.role().satisfies(role)) {
                ctx.fail(DomainException.forbidden(p.role().withArticle() + " key cannot " + method + " " + path
                        + (role == Role.SIDECAR ? " (sidecar keys only)" : " (needs " + role.jsonName() + ")")));
                return;
            }
            List<FieldError> parameterErrors = Parameters.check(ctx, spec.query());
            if (!parameterErrors.isEmpty()) {
                ctx.fail(ApiException.invalidParameter(parameterErrors));
                return;
            }
            List<FieldError> contractErrors = checks == null ? List.of() : checks.parameters(ctx);
            if (!contractErrors.isEmpty()) {
                ctx.fail(ApiException.invalidParameter(contractErrors));
                return;
            }
            Future<Reply> reply;
            try {
                reply = handler.handle(new Call(ctx, p, requestId, json, config.api().defaultPageSize(),
                        config.api().maxPageSize(), checks, cursors));
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

    /**
     * The client as {@link io.guidon.controlplane.TrustedProxies} sees it; the TCP peer unless a trusted proxy
     * forwarded the request.
     */
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
            boolean quiet = quietPaths.contains(path);
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
                        ctx.fail(DomainException.rateLimited((int) Math.min(Integer.MAX_VALUE,
                                Math.max(1, (d.result().retryAfterMillis() + 999) / 1000))));
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
        if (r.stream() != null) {
            res.setChunked(true);
            r.stream().write(res).onComplete(done -> {
                if (done.failed()) {
                    LOG.warn("a streamed response failed after its headers; resetting the connection", done.cause());
                    res.reset();
                } else if (!res.ended()) {
                    res.end();
                }
            });
        } else if (r.raw() != null) {
            res.putHeader("Content-Type", "application/json").end(io.vertx.core.buffer.Buffer.buffer(r.raw()));
        } else if (r.body() != null) {
            res.putHeader("Content-Type", "application/json").end(io.vertx.core.buffer.Buffer.buffer(Json.bytes(r.body())));
        } else {
            res.end();
        }
    }

    private void failure(RoutingContext ctx) {
        Throwable e = ctx.failure();
        // A failure of PostgreSQL or Redis that a retry may cure, classified by type in one place: 503 with
        // Retry-After, logged here once with its cause (the layers below only pass it up).
        ApiException known = Problems.known(e);
        // A handler that failed with a 4xx says the request was at fault (a body that could not be decoded): its
        // cause, an IOException say, must not be taken for a lost database connection.
        boolean clientFault = ctx.statusCode() >= 400 && ctx.statusCode() < 500;
        DependencyUnavailable transientFailure = e == null || known != null || clientFault ? null
                : TransientFailure.unavailable("the database", e);
        ApiException problem;
        String refused = known != null ? null : io.guidon.common.ops.ErrorBody.routerRefusal(ctx.request());
        if (known != null) {
            problem = ContractValidation.withoutRepeats(known, ctx.get(ContractValidation.VIOLATIONS));
        } else if (refused != null && (ctx.statusCode() == 400 || e == null)) {
            // Refused by the router before any route ran (no Host, a target that is not a path: the router
            // answers 400 for the first and 404 for the second, and both are one fault of the request).
            problem = ApiException.malformed(refused);
        } else if (transientFailure != null) {
            problem = Problems.of(DomainException.unavailable(transientFailure.getMessage() + "; retry the request",
                    transientFailure.retryAfterSeconds()));
            logUnavailable(ctx, transientFailure, e);
        } else if (e == null && ctx.statusCode() == 413) {
            RouteSpec own = ownBodies.isEmpty() ? null : ownBodyRoute(ctx);
            problem = Problems.of(DomainException.tooLarge("the body exceeds " + (own != null
                    ? own.bodyLimit().bytes() + " bytes (" + own.bodyLimit().setting() + ")"
                    : config.http().maxBodySize() + " bytes")));
        } else if (clientFault) {
            problem = new ApiException(ctx.statusCode(), "client-error", "Bad request", e == null
                    ? "the request was refused" : "the request could not be decoded: " + e.getMessage());
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
                ObjectNode item = errors.addObject().put("path", fe.path());
                io.guidon.json.Pointer pointer = ContractValidation.pointerOf(p, fe);
                if (pointer != null) {
                    item.put("pointer", pointer.toString());
                }
                item.put("message", fe.message());
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
