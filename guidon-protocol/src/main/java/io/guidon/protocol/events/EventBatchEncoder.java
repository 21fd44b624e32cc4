package io.guidon.protocol.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;

/**
 * Writes an {@link EventBatch} as the sender does: compact JSON in the member order of {@link EventBatch}'s
 * documentation, times as {@link java.time.Instant#toString()} ({@code 2026-11-26T10:14:31.123Z}), a value as the
 * shortest decimal that reads back as the same double. Streams: no tree is built. Every event must pass its
 * {@code problem()} check first (the sidecar leaves out and counts one that does not): an unpaired surrogate, for
 * one, cannot be written as UTF-8 and fails the whole batch with an {@link IllegalArgumentException}.
 */
public final class EventBatchEncoder {

    private static final JsonFactory JSON = new JsonFactory();

    private EventBatchEncoder() {
    }

    /** The batch as UTF-8 JSON. */
    public static byte[] encode(EventBatch batch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + batch.events() * 96);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("batchId", batch.batchId().toString());
            g.writeStringField("sidecarId", batch.sidecarId().toString());
            g.writeStringField("createdAt", batch.createdAt().toString());
            g.writeArrayFieldStart("counts");
            for (EventBatch.Count c : batch.counts()) {
                g.writeStartObject();
                g.writeStringField("flag", c.flag());
                g.writeStringField("variant", c.variant());
                g.writeStringField("minute", c.minute().toString());
                g.writeNumberField("count", c.count());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("exposures");
            for (EventBatch.Exposure x : batch.exposures()) {
                g.writeStartObject();
                g.writeStringField("flag", x.flag());
                g.writeStringField("variant", x.variant());
                g.writeStringField("targetingKey", x.targetingKey());
                g.writeStringField("timestamp", x.timestamp().toString());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("conversions");
            for (EventBatch.Conversion t : batch.conversions()) {
                g.writeStartObject();
                g.writeStringField("targetingKey", t.targetingKey());
                g.writeStringField("event", t.event());
                if (t.value() != null) {
                    g.writeNumberField("value", t.value());
                }
                g.writeStringField("timestamp", t.timestamp().toString());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            // Writing to memory fails only on text JSON cannot hold (an unpaired surrogate).
            throw new IllegalArgumentException("the batch cannot be written as JSON: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** The batch as gzip-compressed UTF-8 JSON, the form sidecars send ({@code Content-Encoding: gzip}). */
    public static byte[] encodeGzip(EventBatch batch) {
        return gzip(encode(batch));
    }

    /** {@code raw} gzip-compressed. */
    public static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
