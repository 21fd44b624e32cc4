package io.guidon.sidecar.connected;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.sidecar.SidecarConfig;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;

/**
 * The sidecar's calls to the control plane, each bounded by a timeout and guarded by a circuit breaker: after
 * {@code breaker-failures} failures in a row the breaker opens and calls fail at once (the sidecar keeps serving
 * its last good flag set) until {@code breaker-reset-timeout} lets one call probe again. Flags and events have a
 * breaker each, so that trouble with event ingestion never stops flag updates.
 */
public final class ControlPlaneClient {

    /** What {@code GET /api/v1/sidecar/flags} answered: a whole document, a delta, or "not modified". */
    public record FlagsResponse(boolean notModified, String tenant, String environment, long version, boolean full,
            long since, JsonNode document, JsonNode changedFlags, JsonNode changedSegments) {
    }

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

    private final HttpClientAgent http;
    private final String base;
    private final String authorization;
    private final long timeoutMillis;
    private final CircuitBreaker breaker;
    private final CircuitBreaker eventsBreaker;
    private final ObjectMapper mapper = new ObjectMapper();

    public ControlPlaneClient(Vertx vertx, SidecarConfig.ControlPlane config) {
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.timeout().toMillis())
                .setDecompressionSupported(true)
                .setKeepAlive(true));
        String url = config.url().toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.authorization = "Bearer " + config.sidecarKey();
        this.timeoutMillis = config.timeout().toMillis();
        this.breaker = CircuitBreaker.create("control-plane-flags", vertx, breakerOptions(config));
        this.eventsBreaker = CircuitBreaker.create("control-plane-events", vertx, breakerOptions(config));
    }

    private CircuitBreakerOptions breakerOptions(SidecarConfig.ControlPlane config) {
        return new CircuitBreakerOptions()
                .setMaxFailures(config.breakerFailures())
                .setTimeout(timeoutMillis + 1_000)
                .setResetTimeout(config.breakerResetTimeout().toMillis())
                .setFallbackOnFailure(false);
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    /** The environment's flags: everything, or what changed after {@code since} (when not negative). */
    public Future<FlagsResponse> fetchFlags(long since) {
        String uri = base + "/api/v1/sidecar/flags" + (since >= 0 ? "?since=" + since : "");
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(uri)
                .putHeader("Authorization", authorization).putHeader("Accept", "application/json")
                .putHeader("Accept-Encoding", "gzip")
                .setTimeout(timeoutMillis);
        if (since >= 0) {
            options.putHeader("If-None-Match", "\"" + since + "\"");
        }
        return breaker.execute(() -> http.request(options)
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> parseFlags(response, body))));
    }

    private FlagsResponse parseFlags(HttpClientResponse response, Buffer body) {
        if (response.statusCode() == 304) {
            return new FlagsResponse(true, null, null, -1, false, -1, null, null, null);
        }
        if (response.statusCode() != 200) {
            throw new Rejected(response.statusCode(), body.toString());
        }
        try {
            JsonNode node = mapper.readTree(body.getBytes());
            boolean full = node.path("full").asBoolean(true);
            JsonNode changed = node.path("changed");
            return new FlagsResponse(false, node.path("tenant").asText(null), node.path("environment").asText(null),
                    node.path("version").asLong(-1), full, node.path("since").asLong(-1),
                    full ? node.get("document") : null,
                    full ? null : changed.path("flags"), full ? null : changed.path("segments"));
        } catch (IOException e) {
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
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(base + "/api/v1/events")
                .putHeader("Authorization", authorization)
                .putHeader("Content-Type", "application/json")
                .putHeader("Content-Encoding", "gzip")
                .putHeader("Idempotency-Key", batchId)
                .setTimeout(timeoutMillis);
        return eventsBreaker.execute(() -> http.request(options)
                .compose(request -> request.send(gzippedJson))
                .compose(response -> response.body().map(body -> {
                    int status = response.statusCode();
                    if (status >= 500 || status == 429 || status == 408) {
                        throw new IllegalStateException("control plane answered " + status);
                    }
                    return new EventsAnswer(status, body);
                })));
    }

    public Future<Void> close() {
        return http.close();
    }
}
