package io.guidon.controlplane.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.guidon.protocol.events.EventBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages of a stored batch as the Kafka sink publishes them (docs/events-export.md "Topics and schemas"): one
 * per event, JSON in UTF-8, each with its {@code schema} name and {@code version} ({@link #VERSION}), whose it is
 * ({@code tenant}, {@code environment}), the dedupe key ({@code batchId} + {@code index}, its position among the
 * batch's events of its kind, the {@code ordinal} of the event tables), when the control plane stored it
 * ({@code storedAt}) and the event's own fields. Keys, which decide the partition and so the order a consumer sees:
 * {@code tenant/environment/flag} for counts and exposures (a flag's events in order), and
 * {@code tenant/environment/targetingKey} for conversions (a user's conversions in order, and no partition made hot
 * by one popular event). The record's timestamp is the event's time (a count's minute).
 */
public final class EventMessages {

    /** The version of every schema; raised when a field changes meaning or goes, not when one is added. */
    public static final int VERSION = 1;

    /** The kinds of event, each to its own topic. */
    public enum Kind {
        COUNTS("guidon.evaluation-count"), EXPOSURES("guidon.exposure"), CONVERSIONS("guidon.conversion");

        private final String schema;

        Kind(String schema) {
            this.schema = schema;
        }

        /** The {@code schema} member of its messages. */
        public String schema() {
            return schema;
        }
    }

    /** One message: its kind (so its topic), key and value (UTF-8 JSON), and timestamp in epoch milliseconds. */
    public record Message(Kind kind, String key, byte[] value, long timestamp) {
    }

    private static final JsonFactory JSON = new JsonFactory();

    private EventMessages() {
    }

    /** The messages of one batch: its counts, then its exposures, then its conversions, each in batch order. */
    public static List<Message> of(EventOutbox.Pending p) {
        EventBatch b = p.batch();
        List<Message> out = new ArrayList<>(b.counts().size() + b.exposures().size() + b.conversions().size());
        String prefix = p.source().tenantKey() + "/" + p.source().environmentKey() + "/";
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
        try {
            List<EventBatch.Count> counts = b.counts();
            for (int i = 0; i < counts.size(); i++) {
                EventBatch.Count c = counts.get(i);
                JsonGenerator g = start(buffer, Kind.COUNTS, p, i);
                g.writeStringField("flag", c.flag());
                g.writeStringField("variant", c.variant());
                g.writeStringField("minute", c.minute().toString());
                g.writeNumberField("count", c.count());
                out.add(new Message(Kind.COUNTS, prefix + c.flag(), end(g, buffer), c.minute().toEpochMilli()));
            }
            List<EventBatch.Exposure> exposures = b.exposures();
            for (int i = 0; i < exposures.size(); i++) {
                EventBatch.Exposure e = exposures.get(i);
                JsonGenerator g = start(buffer, Kind.EXPOSURES, p, i);
                g.writeStringField("flag", e.flag());
                g.writeStringField("variant", e.variant());
                g.writeStringField("targetingKey", e.targetingKey());
                g.writeStringField("timestamp", e.timestamp().toString());
                out.add(new Message(Kind.EXPOSURES, prefix + e.flag(), end(g, buffer), e.timestamp().toEpochMilli()));
            }
            List<EventBatch.Conversion> conversions = b.conversions();
            for (int i = 0; i < conversions.size(); i++) {
                EventBatch.Conversion c = conversions.get(i);
                JsonGenerator g = start(buffer, Kind.CONVERSIONS, p, i);
                g.writeStringField("targetingKey", c.targetingKey());
                g.writeStringField("event", c.event());
                if (c.value() == null) {
                    g.writeNullField("value");
                } else {
                    g.writeNumberField("value", c.value());
                }
                g.writeStringField("timestamp", c.timestamp().toString());
                out.add(new Message(Kind.CONVERSIONS, prefix + c.targetingKey(), end(g, buffer),
                        c.timestamp().toEpochMilli()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static JsonGenerator start(ByteArrayOutputStream buffer, Kind kind, EventOutbox.Pending p, int index)
            throws IOException {
        buffer.reset();
        JsonGenerator g = JSON.createGenerator(buffer);
        g.writeStartObject();
        g.writeStringField("schema", kind.schema());
        g.writeNumberField("version", VERSION);
        g.writeStringField("tenant", p.source().tenantKey());
        g.writeStringField("environment", p.source().environmentKey());
        g.writeStringField("batchId", p.batch().batchId().toString());
        g.writeNumberField("index", index);
        g.writeStringField("sidecarId", p.batch().sidecarId().toString());
        g.writeStringField("storedAt", p.storedAt().toString());
        return g;
    }

    private static byte[] end(JsonGenerator g, ByteArrayOutputStream buffer) throws IOException {
        g.writeEndObject();
        g.close();
        return buffer.toByteArray();
    }
}
