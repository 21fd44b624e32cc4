package io.guidon.openfeature;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@code track} events to the sidecar's {@code POST /v1/track} ({@code {"targetingKey", "event", "value"?,
 * "timestamp"}} as epoch milliseconds; 202), one request per event, which the sidecar then uploads with its own. The
 * sidecar has no intake for exposures of evaluations made elsewhere, so with this source evaluations are not
 * reported. 202 is delivered; another 4xx but 408 and 429 is refused for good (logged); the rest is retried from
 * the first event not delivered.
 */
final class SidecarTrackDelivery implements EventDelivery {

    private static final Logger log = LoggerFactory.getLogger(SidecarTrackDelivery.class);

    /** The conversions of one drain and how many of them are delivered. */
    static final class Batch {
        final List<EventRecorder.Conversion> events;
        int delivered;

        Batch(List<EventRecorder.Conversion> events) {
            this.events = events;
        }
    }

    private final URI uri;
    private final HttpClient http;
    private final Duration timeout;

    SidecarTrackDelivery(URI baseUrl, HttpClient http, Duration timeout) {
        String b = baseUrl.toString();
        this.uri = URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + "/v1/track");
        this.http = http;
        this.timeout = timeout;
    }

    @Override
    public Object prepare(EventRecorder.Drained drained, long nowMillis) {
        return drained.conversions().isEmpty() ? null : new Batch(drained.conversions());
    }

    @Override
    public boolean send(Object batch) throws IOException, InterruptedException {
        Batch b = (Batch) batch;
        while (b.delivered < b.events.size()) {
            EventRecorder.Conversion c = b.events.get(b.delivered);
            StringBuilder json = new StringBuilder(128).append("{\"targetingKey\":");
            Json.string(json, c.targetingKey()).append(",\"event\":");
            Json.string(json, c.event());
            if (c.value() != null) {
                json.append(",\"value\":").append(c.value());
            }
            json.append(",\"timestamp\":").append(c.timestampMillis()).append('}');
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            int status = r.statusCode();
            if (status >= 500 || status == 408 || status == 429) {
                throw new IOException("the sidecar answered " + status + " to POST /v1/track");
            }
            if (status / 100 != 2) {
                log.warn("the sidecar refused track event \"{}\" with {}: {}", c.event(), status, r.body());
            }
            b.delivered++;
        }
        return true;
    }
}
