package io.guidon.controlplane.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.protocol.events.EventBatch;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A stored batch's Kafka messages: kinds in order, keys, timestamps, the schema's fields; and the outbox round trip. */
class EventMessagesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final UUID BATCH = UUID.fromString("0b6c3d1e-6f8a-4c0e-9d2b-5a7e1f3c9b40");
    static final UUID SIDECAR = UUID.fromString("9a1f0c2e-41d7-4b59-8f0e-2c6d3b7a1e55");

    static EventOutbox.Pending pending() {
        EventBatch batch = new EventBatch(BATCH, SIDECAR, Instant.parse("2026-11-26T10:15:05Z"),
                List.of(new EventBatch.Count("new-checkout", "on", Instant.parse("2026-11-26T10:14:00Z"), 1840)),
                List.of(new EventBatch.Exposure("new-checkout", "on", "user-42",
                                Instant.parse("2026-11-26T10:14:31.207123Z")),
                        new EventBatch.Exposure("search", "off", "user-\"7\"", Instant.parse("2026-11-26T10:14:32Z"))),
                List.of(new EventBatch.Conversion("user-42", "checkout", 42.5, Instant.parse("2026-11-26T10:15:01Z")),
                        new EventBatch.Conversion("user-42", "signup", null, Instant.parse("2026-11-26T10:15:02Z"))));
        return new EventOutbox.Pending(7, new EventSource(1, "acme", 2, "production"),
                Instant.parse("2026-11-26T10:15:05.912Z"), batch);
    }

    @Test
    void oneMessagePerEventKeyedForOrderWithItsSchemaAndDedupeKey() throws Exception {
        List<EventMessages.Message> m = EventMessages.of(pending());

        assertThat(m).extracting(EventMessages.Message::kind).containsExactly(EventMessages.Kind.COUNTS,
                EventMessages.Kind.EXPOSURES, EventMessages.Kind.EXPOSURES, EventMessages.Kind.CONVERSIONS,
                EventMessages.Kind.CONVERSIONS);
        assertThat(m).extracting(EventMessages.Message::key).containsExactly("acme/production/new-checkout",
                "acme/production/new-checkout", "acme/production/search", "acme/production/user-42",
                "acme/production/user-42");
        assertThat(m.get(1).timestamp()).isEqualTo(Instant.parse("2026-11-26T10:14:31.207Z").toEpochMilli());
        assertThat(m.get(0).timestamp()).isEqualTo(Instant.parse("2026-11-26T10:14:00Z").toEpochMilli());

        assertThat(JSON.readTree(m.get(1).value())).isEqualTo(JSON.readTree("""
                {"schema":"guidon.exposure","version":1,"tenant":"acme","environment":"production",
                 "batchId":"0b6c3d1e-6f8a-4c0e-9d2b-5a7e1f3c9b40","index":0,
                 "sidecarId":"9a1f0c2e-41d7-4b59-8f0e-2c6d3b7a1e55","storedAt":"2026-11-26T10:15:05.912Z",
                 "flag":"new-checkout","variant":"on","targetingKey":"user-42",
                 "timestamp":"2026-11-26T10:14:31.207123Z"}"""));
        JsonNode second = JSON.readTree(m.get(2).value());
        assertThat(second.get("index").asInt()).isEqualTo(1);
        assertThat(second.get("targetingKey").asText()).isEqualTo("user-\"7\"");
        assertThat(JSON.readTree(m.get(0).value()).get("count").asLong()).isEqualTo(1840);
        assertThat(JSON.readTree(m.get(0).value()).get("schema").asText()).isEqualTo("guidon.evaluation-count");
        JsonNode noValue = JSON.readTree(m.get(4).value());
        assertThat(noValue.get("schema").asText()).isEqualTo("guidon.conversion");
        assertThat(noValue.has("value") && noValue.get("value").isNull()).isTrue();
        assertThat(JSON.readTree(m.get(3).value()).get("value").asDouble()).isEqualTo(42.5);
    }

    @Test
    void anOutboxPayloadReadsBackAsTheSameBatch() {
        EventBatch batch = pending().batch();
        assertThat(OutboxPayload.read(OutboxPayload.of(batch))).isEqualTo(batch);
    }
}
