package io.guidon.sidecar.connected;

import io.guidon.protocol.ClientIdentity;
import io.guidon.protocol.ProtocolException;
import io.guidon.protocol.snapshots.SnapshotAnswer;
import io.guidon.protocol.snapshots.SnapshotCodec;
import io.guidon.sidecar.SidecarConfig;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The sidecar's calls to the control plane, each bounded by a timeout and guarded by a circuit breaker: after
 * {@code breaker-failures} failures in a row the breaker opens and calls fail at once (the sidecar keeps serving
 * its last good flag set) until {@code breaker-reset-timeout} lets one call probe again. Flags and events have a
 * breaker each, so that trouble with event ingestion never stops flag updates.
 *
 * <p>Everything read is bounded: a whole exchange (connect, send, every byte of the answer) must finish within
 * {@code timeout}, and an answer body may hold at most {@code max-response-size} bytes (decompressed), counted as
 * it streams in. An exchange that fails in any way (too large, too slow, unreadable, cut) resets its request, which
 * closes the HTTP/1.1 connection, so that the pool never hands a half-read connection to the next call. An
 * answer of 401 or 403 is an {@link #isAuthFailure auth failure}: it does not trip the breaker (the control plane
 * answered; waiting for a reset timeout cures nothing) and is counted in {@code guidon_upstream_auth_failures_total}.
 *
 * <p>Every request names this process (the protocol's {@link ClientIdentity}): {@code Guidon-Instance} with
 * {@link #instanceId()}, the same for the life of the client, and {@code User-Agent: guidon-sidecar/<version>}, so
 * that the control plane can list which sidecars hold which version of the environment's flags.
 */
public final class ControlPlaneClient {

    /**
     * What {@code GET /api/v1/sidecar/flags} answered: a whole document or a delta ({@link #answer}, read by the
     * protocol's {@link SnapshotCodec}), or "not modified" (304: {@code answer} null).
     */
    public record FlagsResponse(SnapshotAnswer answer) {
        static final FlagsResponse NOT_MODIFIED = new FlagsResponse(null);

        public boolean notModified() {
            return answer == null;
        }

        /** The version answered; -1 when not modified. */
        public long version() {
            return answer == null ? -1 : answer.version();
        }
    }

    /** An answer body larger than {@code control-plane.max-response-size}: its connection was closed unread. */
    public static final class TooLarge extends RuntimeException {
        TooLarge(long limit, String what) {
            super("the control plane's answer is larger than control-plane.max-response-size (" + limit
                    + " bytes" + what + "); stopped reading and closed the connection", null, false, false);
        }
    }

    /** Error bodies are only quoted in messages: a few KiB are plenty. */
    static final int ERROR_BODY_LIMIT = 8 * 1024;

    /** A response the control plane gave with a status we do not retry as is (auth, validation). */
    public static final class Rejected extends RuntimeException {
        private final int status;

        Rejected(int status, String body) {
            super("control plane answered " + status + ": " + (body.length() > 300 ? body.substring(0, 300) : body),
                    null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** Whether {@code e} is the control plane refusing the sidecar key (401 or 403). */
    public static boolean isAuthFailure(Throwable e) {
        return e instanceof Rejected r && (r.status() == 401 || r.status() == 403);
    }

    private final Vertx vertx;
    private final HttpClientAgent http;
    private final long maxResponseBytes;
    private final Counter flagsAuthFailures;
    private final Counter eventsAuthFailures;
    private final String base;
    private final String authorization;
    private final String instanceId;
    private final String userAgent = ClientIdentity.userAgent(ClientIdentity.SIDECAR);
    private final long timeoutMillis;
    private final CircuitBreaker breaker;
    private final CircuitBreaker eventsBreaker;
    /** A client whose meters go nowhere (tests). */
    public ControlPlaneClient(Vertx vertx, SidecarConfig.ControlPlane config) {
        this(vertx, config, new SimpleMeterRegistry());
    }

    public ControlPlaneClient(Vertx vertx, SidecarConfig.ControlPlane config, MeterRegistry registry) {
        this.vertx = vertx;
        this.maxResponseBytes = config.maxResponseSize();
        // Keep-alive connections unused for a while are closed rather than trusted later (a peer or a middlebox
        // may have dropped them silently); a connection whose exchange failed is closed at once (see call).
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.timeout().toMillis())
                .setDecompressionSupported(true)
                .setKeepAlive(true)
                .setKeepAliveTimeout(30));
        this.flagsAuthFailures = authFailures(registry, "flags");
        this.eventsAuthFailures = authFailures(registry, "events");
        String url = config.url().toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.authorization = "Bearer " + config.sidecarKey();
        this.instanceId = config.instanceId() == null || config.instanceId().isEmpty()
                ? ClientIdentity.newInstanceId() : config.instanceId();
        this.timeoutMillis = config.timeout().toMillis();
        this.breaker = CircuitBreaker.create("control-plane-flags", vertx, breakerOptions(config));
        this.eventsBreaker = CircuitBreaker.create("control-plane-events", vertx, breakerOptions(config));
        // A refused key is not an outage: it must show as what it is, not as an open circuit.
        this.breaker.failurePolicy(ar -> ar.failed() && !isAuthFailure(ar.cause()));
        this.eventsBreaker.failurePolicy(ar -> ar.failed() && !isAuthFailure(ar.cause()));
    }

    private static Counter authFailures(MeterRegistry registry, String call) {
        return Counter.builder("guidon.upstream.auth.failures").tag("call", call)
                .description("Calls the control plane refused with 401 or 403 (the sidecar key is revoked, wrong "
                        + "or for another environment)")
                .register(registry);
    }

    private CircuitBreakerOptions breakerOptions(SidecarConfig.ControlPlane config) {
        return new CircuitBreakerOptions()
                .setMaxFailures(config.breakerFailures())
                .setTimeout(timeoutMillis + 1_000)
                .setResetTimeout(config.breakerResetTimeout().toMillis())
                .setFallbackOnFailure(false);
    }

    /** The id sent as {@code Guidon-Instance}: {@code control-plane.instance-id}, or made once at construction. */
    public String instanceId() {
        return instanceId;
    }

    /** The headers that name this process on every request. */
    private RequestOptions identified(RequestOptions options) {
        return options.putHeader(ClientIdentity.INSTANCE_HEADER, instanceId).putHeader("User-Agent", userAgent);
    }

    /** The breaker of flag fetches; its {@code state()} may be read from any thread. */
    public CircuitBreaker breaker() {
        return breaker;
    }

    /** The breaker of event uploads; its {@code state()} may be read from any thread. */
    public CircuitBreaker eventsBreaker() {
        return eventsBreaker;
    }

    /** The environment's flags: everything, or what changed after {@code since} (when not negative). */
    public Future<FlagsResponse> fetchFlags(long since) {
        String uri = base + "/api/v1/sidecar/flags" + (since >= 0 ? "?since=" + since : "");
        RequestOptions options = identified(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(uri)
                .putHeader("Authorization", authorization).putHeader("Accept", "application/json")
                .putHeader("Accept-Encoding", "gzip")
                .setConnectTimeout(timeoutMillis).setIdleTimeout(timeoutMillis));
        if (since >= 0) {
            options.putHeader("If-None-Match", "\"" + since + "\"");
        }
        return breaker.execute(() -> call(options, null, response -> body(response).map(body -> parseFlags(response,
                body)))).onFailure(e -> {
                    if (isAuthFailure(e)) {
                        flagsAuthFailures.increment();
                    }
                });
    }

    /**
     * One exchange, bounded by {@code timeout} from start to the last byte of the answer (the request's own idle
     * timeout only notices silence, and a peer trickling a huge body is never silent). Whatever fails resets the
     * request: for HTTP/1.1 that closes the connection instead of returning a half-read one to the pool.
     */
    private <T> Future<T> call(RequestOptions options, Buffer payload, Function<HttpClientResponse, Future<T>> read) {
        Promise<T> result = Promise.promise();
        HttpClientRequest[] sent = new HttpClientRequest[1];
        long deadline = vertx.setTimer(timeoutMillis, id -> {
            if (result.tryFail(new TimeoutException("no complete answer from the control plane within "
                    + timeoutMillis + " ms (control-plane.timeout)"))) {
                reset(sent[0]);
            }
        });
        http.request(options)
                .compose(request -> {
                    sent[0] = request;
                    return payload == null ? request.send() : request.send(payload);
                })
                .compose(read)
                .onComplete(ar -> {
                    vertx.cancelTimer(deadline);
                    if (ar.succeeded()) {
                        result.tryComplete(ar.result());
                    } else {
                        reset(sent[0]);
                        result.tryFail(ar.cause());
                    }
                });
        return result.future();
    }

    private static void reset(HttpClientRequest request) {
        if (request != null) {
            request.reset(); // a no-op once the exchange completed; its outcome tells nothing more
        }
    }

    /**
     * The answer's body, read as it streams and given up (connection closed) as soon as it passes the limit:
     * {@code max-response-size} for a success, a few KiB for an error (only quoted in a message, so an over-long
     * error body is cut, not failed). Never buffers more than the limit.
     */
    Future<Buffer> body(HttpClientResponse response) {
        boolean success = response.statusCode() >= 200 && response.statusCode() < 300;
        long limit = success ? maxResponseBytes : ERROR_BODY_LIMIT;
        Promise<Buffer> promise = Promise.promise();
        String declared = response.getHeader("Content-Length");
        if (success && declared != null && response.getHeader("Content-Encoding") == null) {
            try {
                if (Long.parseLong(declared.trim()) > limit) {
                    response.request().reset();
                    return Future.failedFuture(new TooLarge(limit, ", Content-Length " + declared.trim()));
                }
            } catch (NumberFormatException ignored) {
                // counted as it streams
            }
        }
        List<Buffer> chunks = new ArrayList<>();
        long[] size = {0};
        response.exceptionHandler(promise::tryFail);
        response.handler(chunk -> {
            if (promise.future().isComplete()) {
                return;
            }
            size[0] += chunk.length();
            if (size[0] <= limit) {
                chunks.add(chunk);
                return;
            }
            chunks.clear();
            response.handler(null);
            // Settled first: the reset reports a "stream reset" of its own, which must not be the outcome.
            if (success) {
                promise.tryFail(new TooLarge(limit, ""));
            } else {
                promise.tryComplete(Buffer.buffer("(an error body over " + limit + " bytes, not read)"));
            }
            response.request().reset();
        });
        response.endHandler(v -> {
            Buffer whole = Buffer.buffer((int) size[0]);
            for (Buffer chunk : chunks) {
                whole.appendBuffer(chunk);
            }
            chunks.clear();
            promise.tryComplete(whole);
        });
        return promise.future();
    }

    private FlagsResponse parseFlags(HttpClientResponse response, Buffer body) {
        if (response.statusCode() == 304) {
            return FlagsResponse.NOT_MODIFIED;
        }
        if (response.statusCode() != 200) {
            throw new Rejected(response.statusCode(), body.toString());
        }
        try {
            return new FlagsResponse(SnapshotCodec.decode(body.getBytes()));
        } catch (ProtocolException e) {
            throw new IllegalStateException("the control plane sent unreadable flags: " + e.getMessage(), e);
        }
    }

    /** What {@code POST /api/v1/events} answered: its status and body (which lists the events it left out). */
    public record EventsAnswer(int status, Buffer body) {
    }

    /**
     * Posts one gzipped event batch; yields the answer (2xx delivered, 4xx refused for good). 5xx, 408, 429 and
     * network errors fail the future: the batch is to be retried.
     */
    public Future<EventsAnswer> postEvents(Buffer gzippedJson, String batchId) {
        RequestOptions options = identified(new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(base + "/api/v1/events")
                .putHeader("Authorization", authorization)
                .putHeader("Content-Type", "application/json")
                .putHeader("Content-Encoding", "gzip")
                .putHeader("Idempotency-Key", batchId)
                .setConnectTimeout(timeoutMillis).setIdleTimeout(timeoutMillis));
        return eventsBreaker.execute(() -> call(options, gzippedJson, response -> body(response).map(body -> {
                    int status = response.statusCode();
                    if (status >= 500 || status == 429 || status == 408) {
                        throw new IllegalStateException("control plane answered " + status);
                    }
                    if (status == 401 || status == 403) {
                        eventsAuthFailures.increment();
                    }
                    return new EventsAnswer(status, body);
                })));
    }

    public Future<Void> close() {
        return http.close();
    }
}
