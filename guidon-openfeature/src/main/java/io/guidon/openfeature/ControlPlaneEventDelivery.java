package io.guidon.openfeature;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends event batches to the control plane's {@code POST /api/v1/events} with the sidecar key, in the format a
 * sidecar sends (ADR 0106): gzip-compressed JSON {@code {"batchId", "sidecarId", "createdAt", "counts": [{"flag",
 * "variant", "minute", "count"}], "exposures": [{"flag", "variant", "targetingKey", "timestamp"}], "conversions":
 * [{"targetingKey", "event", "value"?, "timestamp"}]}}, the batch id repeated as {@code Idempotency-Key} so that a
 * retried batch is stored once. This provider is one "sidecar" to the control plane: its id is made at start.
 * 2xx is delivered (events it lists as rejected are logged); another 4xx but 408 and 429 is refused for good
 * (logged, not retried); the rest is retried.
 */
final class ControlPlaneEventDelivery implements EventDelivery {

    private static final Logger log = LoggerFactory.getLogger(ControlPlaneEventDelivery.class);
    private static final JsonFactory JSON = new JsonFactory();

    record Batch(String id, int events, byte[] gzipped) {
    }

    private final URI uri;
    private final String authorization;
    private final HttpClient http;
    private final Duration timeout;
    private final String sidecarId = UUID.randomUUID().toString();

    ControlPlaneEventDelivery(URI baseUrl, String sidecarKey, HttpClient http, Duration timeout) {
        String b = baseUrl.toString();
        this.uri = URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + "/api/v1/events");
        this.authorization = "Bearer " + sidecarKey;
        this.http = http;
        this.timeout = timeout;
    }

    @Override
    public Object prepare(EventRecorder.Drained d, long nowMillis) {
        String id = UUID.randomUUID().toString();
        return new Batch(id, d.size(), gzip(json(id, sidecarId, nowMillis, d)));
    }

    @Override
    public boolean send(Object batch) throws IOException, InterruptedException {
        Batch b = (Batch) batch;
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip").header("Idempotency-Key", b.id())
                .POST(HttpRequest.BodyPublishers.ofByteArray(b.gzipped())).build(),
                HttpResponse.BodyHandlers.ofString());
        int status = r.statusCode();
        if (status >= 200 && status < 300) {
            if (r.body() != null && r.body().contains("\"rejected\":[{")) {
                log.warn("the control plane stored event batch {} but rejected some of its events: {}", b.id(),
                        r.body().length() > 500 ? r.body().substring(0, 500) : r.body());
            }
            return true;
        }
        if (status >= 500 || status == 408 || status == 429) {
            throw new IOException("the control plane answered " + status + " to event batch " + b.id());
        }
        log.warn("the control plane refused event batch {} ({} events) with {}: {}", b.id(), b.events(), status,
                r.body().length() > 500 ? r.body().substring(0, 500) : r.body());
        return true;
    }

    /** The batch's JSON before gzip. */
    static byte[] json(String id, String sidecarId, long now, EventRecorder.Drained d) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + d.size() * 96);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("batchId", id);
            g.writeStringField("sidecarId", sidecarId);
            g.writeStringField("createdAt", Instant.ofEpochMilli(now).toString());
            g.writeArrayFieldStart("counts");
            for (EventRecorder.Count c : d.counts()) {
                g.writeStartObject();
                g.writeStringField("flag", c.flag());
                g.writeStringField("variant", c.variant());
                g.writeStringField("minute", Instant.ofEpochMilli(c.minuteEpochMillis()).toString());
                g.writeNumberField("count", c.count());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("exposures");
            for (EventRecorder.Exposure x : d.exposures()) {
                g.writeStartObject();
                g.writeStringField("flag", x.flag());
                g.writeStringField("variant", x.variant());
                g.writeStringField("targetingKey", x.targetingKey());
                g.writeStringField("timestamp", Instant.ofEpochMilli(x.timestampMillis()).toString());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("conversions");
            for (EventRecorder.Conversion t : d.conversions()) {
                g.writeStartObject();
                g.writeStringField("targetingKey", t.targetingKey());
                g.writeStringField("event", t.event());
                if (t.value() != null) {
                    g.writeNumberField("value", t.value());
                }
                g.writeStringField("timestamp", Instant.ofEpochMilli(t.timestampMillis()).toString());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
