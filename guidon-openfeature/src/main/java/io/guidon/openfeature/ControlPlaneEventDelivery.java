package io.guidon.openfeature;

import io.guidon.protocol.ClientIdentity;
import io.guidon.protocol.ProtocolException;
import io.guidon.protocol.events.EventBatch;
import io.guidon.protocol.events.EventBatchAnswer;
import io.guidon.protocol.events.EventBatchEncoder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends event batches to the control plane's {@code POST /api/v1/events} with the sidecar key, in the format a
 * sidecar sends (ADR 0106; the protocol module's {@link EventBatch}, written by {@link EventBatchEncoder}): gzip-compressed JSON {@code {"batchId", "sidecarId", "createdAt", "counts": [{"flag",
 * "variant", "minute", "count"}], "exposures": [{"flag", "variant", "targetingKey", "timestamp"}], "conversions":
 * [{"targetingKey", "event", "value"?, "timestamp"}]}}, the batch id repeated as {@code Idempotency-Key} so that a
 * retried batch is stored once. This provider is one "sidecar" to the control plane: its id is made at start.
 * 2xx is delivered (events it lists as rejected are logged); another 4xx but 408 and 429 is refused for good
 * (logged, not retried); the rest is retried.
 */
final class ControlPlaneEventDelivery implements EventDelivery {

    private static final Logger log = LoggerFactory.getLogger(ControlPlaneEventDelivery.class);

    record Batch(String id, int events, byte[] gzipped) {
    }

    private final URI uri;
    private final String authorization;
    private final HttpClient http;
    private final Duration timeout;
    private final String instanceId;
    private final UUID sidecarId = UUID.randomUUID();

    /** {@code instanceId}: sent as {@code Guidon-Instance} (the protocol's {@link ClientIdentity}). */
    ControlPlaneEventDelivery(URI baseUrl, String sidecarKey, HttpClient http, Duration timeout, String instanceId) {
        this.instanceId = instanceId;
        String b = baseUrl.toString();
        this.uri = URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + "/api/v1/events");
        this.authorization = "Bearer " + sidecarKey;
        this.http = http;
        this.timeout = timeout;
    }

    @Override
    public Object prepare(EventRecorder.Drained d, long nowMillis) {
        UUID id = UUID.randomUUID();
        return new Batch(id.toString(), d.size(), EventBatchEncoder.encodeGzip(batch(id, sidecarId, nowMillis, d)));
    }

    @Override
    public boolean send(Object batch) throws IOException, InterruptedException {
        Batch b = (Batch) batch;
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip").header("Idempotency-Key", b.id())
                .header(ClientIdentity.INSTANCE_HEADER, instanceId)
                .header("User-Agent", ClientIdentity.userAgent(ClientIdentity.OPENFEATURE))
                .POST(HttpRequest.BodyPublishers.ofByteArray(b.gzipped())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        int status = r.statusCode();
        if (status >= 200 && status < 300) {
            try {
                EventBatchAnswer answer = EventBatchAnswer.decode(r.body());
                if (answer.rejectedEvents() > 0) {
                    log.warn("the control plane stored event batch {} but rejected {} of its events, such as {}",
                            b.id(), answer.rejectedEvents(), answer.rejected().isEmpty() ? "(not listed)"
                                    : answer.rejected().get(0));
                }
            } catch (ProtocolException e) {
                log.warn("the control plane stored event batch {} but its answer is not JSON: {}", b.id(),
                        Http.excerpt(r.body()));
            }
            return true;
        }
        if (status >= 500 || status == 408 || status == 429) {
            throw new IOException("the control plane answered " + status + " to event batch " + b.id());
        }
        log.warn("the control plane refused event batch {} ({} events) with {}: {}", b.id(), b.events(), status,
                Http.excerpt(r.body()));
        return true;
    }

    /** A drain as the protocol's {@link EventBatch}. */
    static EventBatch batch(UUID id, UUID sidecarId, long now, EventRecorder.Drained d) {
        List<EventBatch.Count> counts = new ArrayList<>(d.counts().size());
        for (EventRecorder.Count c : d.counts()) {
            counts.add(new EventBatch.Count(c.flag(), c.variant(), Instant.ofEpochMilli(c.minuteEpochMillis()),
                    c.count()));
        }
        List<EventBatch.Exposure> exposures = new ArrayList<>(d.exposures().size());
        for (EventRecorder.Exposure x : d.exposures()) {
            exposures.add(new EventBatch.Exposure(x.flag(), x.variant(), x.targetingKey(),
                    Instant.ofEpochMilli(x.timestampMillis())));
        }
        List<EventBatch.Conversion> conversions = new ArrayList<>(d.conversions().size());
        for (EventRecorder.Conversion t : d.conversions()) {
            conversions.add(new EventBatch.Conversion(t.targetingKey(), t.event(), t.value(),
                    Instant.ofEpochMilli(t.timestampMillis())));
        }
        return new EventBatch(id, sidecarId, Instant.ofEpochMilli(now), counts, exposures, conversions);
    }
}
