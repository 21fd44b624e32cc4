package io.guidon.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.protocol.changes.ChangeNotification;
import io.guidon.protocol.events.EventBatch;
import io.guidon.protocol.events.EventBatchAnswer;
import io.guidon.protocol.events.EventBatchDecoder;
import io.guidon.protocol.events.EventBatchEncoder;
import io.guidon.protocol.snapshots.FullSnapshot;
import io.guidon.protocol.snapshots.SnapshotAnswer;
import io.guidon.protocol.snapshots.SnapshotCodec;
import io.guidon.protocol.snapshots.SnapshotDelta;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Each message kind against its golden file: decoding the file gives the expected record, and encoding that record
 * gives the file back byte for byte, so that neither side can drift from the form pinned here.
 */
class GoldenMessagesTest {

    static final UUID BATCH = UUID.fromString("0b6c3d1e-6f8a-4c0e-9d2b-5a7e1f3c9b40");
    static final UUID SIDECAR = UUID.fromString("9a1f0c2e-1111-4c0e-9d2b-5a7e1f3c9b41");
    static final Instant NOW = Instant.parse("2026-11-26T10:15:30Z");

    static final EventBatch EVENT_BATCH = new EventBatch(BATCH, SIDECAR, Instant.parse("2026-11-26T10:15:00.250Z"),
            List.of(new EventBatch.Count("new-checkout", "on", Instant.parse("2026-11-26T10:14:00Z"), 1840),
                    new EventBatch.Count("new-checkout", "off", Instant.parse("2026-11-26T10:14:00Z"), 1757),
                    new EventBatch.Count("payments-v2", "on", Instant.parse("2026-11-26T10:14:00Z"), 3597)),
            List.of(new EventBatch.Exposure("new-checkout", "on", "user-42", Instant.parse("2026-11-26T10:14:31.123Z")),
                    new EventBatch.Exposure("new-checkout", "off", "user-7", Instant.parse("2026-11-26T10:14:58Z"))),
            List.of(new EventBatch.Conversion("user-42", "checkout-completed", 42.5,
                            Instant.parse("2026-11-26T10:14:59.001Z")),
                    new EventBatch.Conversion("user-7", "signup", null, Instant.parse("2026-11-26T10:14:59.500Z"))));

    @Test
    void anEventBatchDecodesToItsRecordAndEncodesBackByteForByte() {
        byte[] golden = Golden.bytes("event-batch.json");
        EventBatchDecoder.Result r = new EventBatchDecoder(new EventBatchDecoder.Limits(1 << 20, 100))
                .decode(golden, false, BATCH.toString(), NOW.minus(Duration.ofDays(30)), NOW.plus(Duration.ofHours(1)));

        assertThat(r.refused()).isFalse();
        assertThat(r.rejected()).isEmpty();
        assertThat(r.batch()).isEqualTo(EVENT_BATCH);
        assertThat(new String(EventBatchEncoder.encode(EVENT_BATCH), StandardCharsets.UTF_8))
                .isEqualTo(Golden.text("event-batch.json"));
        assertThat(new EventBatchDecoder(new EventBatchDecoder.Limits(1 << 20, 100)).decode(
                EventBatchEncoder.encodeGzip(EVENT_BATCH), true, null, NOW.minus(Duration.ofDays(30)), NOW).batch())
                .isEqualTo(EVENT_BATCH);
    }

    @Test
    void anEventBatchAnswerDecodesToItsRecordAndEncodesBack() {
        EventBatchAnswer expected = new EventBatchAnswer(BATCH, false, 6, List.of(new EventBatchAnswer.Rejected(
                "conversions[1].timestamp", "/conversions/1/timestamp", "'2020-01-01T00:00:00Z' is older than events.max-event-age allows (the"
                        + " oldest accepted now is 2026-10-27T10:15:30Z)")), 0, 0, 1);

        assertThat(EventBatchAnswer.decode(Golden.bytes("event-batch-answer.json"))).isEqualTo(expected);
        assertThat(new String(expected.encode(), StandardCharsets.UTF_8)).isEqualTo(Golden.text("event-batch-answer.json"));
    }

    @Test
    void anAnswerWithoutPointersReadsThemFromThePaths() {
        EventBatchAnswer old = EventBatchAnswer.decode(("{\"rejected\":[{\"path\":\"exposures[3].targetingKey\","
                + "\"reason\":\"required\"},{\"path\":\"body\",\"reason\":\"x\"}]}").getBytes(StandardCharsets.UTF_8));
        assertThat(old.rejected()).extracting(EventBatchAnswer.Rejected::pointer)
                .containsExactly("/exposures/3/targetingKey", "/body");
    }

    @Test
    void aChangeNotificationDecodesToItsRecordAndEncodesBack() {
        ChangeNotification expected = new ChangeNotification("acme", "prod", 42, List.of("new-checkout", "payments-v2"));

        assertThat(ChangeNotification.decode(Golden.text("change-notification.json"))).isEqualTo(expected);
        assertThat(expected.encode()).isEqualTo(Golden.text("change-notification.json"));
        assertThat(ChangeNotification.channel("guidon", "acme", "prod")).isEqualTo("guidon:changes:acme:prod");
        assertThat(ChangeNotification.everyChannel("guidon")).isEqualTo("guidon:changes:*");
    }

    @Test
    void aFullSnapshotDecodesToItsRecordAndEncodesBackWithEveryNumberAsWritten() {
        SnapshotAnswer a = SnapshotCodec.decode(Golden.bytes("snapshot-full.json"));

        FullSnapshot full = (FullSnapshot) a;
        assertThat(full.tenant()).isEqualTo("acme");
        assertThat(full.environment()).isEqualTo("prod");
        assertThat(full.version()).isEqualTo(42);
        assertThat(full.document().path("flags").properties()).extracting(Map.Entry::getKey)
                .containsExactly("payments-v2", "new-checkout", "price-multiplier");
        JsonNode variants = full.document().path("flags").path("price-multiplier").path("variants");
        assertThat(variants.get("regular").isBigDecimal()).isTrue();
        assertThat(variants.get("regular").decimalValue()).isEqualTo(new BigDecimal("1.0"));
        assertThat(variants.get("huge").decimalValue()).isEqualTo(new BigDecimal("100000000000000000000.0"));
        assertThat(new String(SnapshotCodec.encode(full), StandardCharsets.UTF_8))
                .isEqualTo(Golden.text("snapshot-full.json"));
    }

    @Test
    void aDeltaDecodesToItsRecordAndEncodesBack() {
        ObjectNode flag = (ObjectNode) json("{\"description\":\"New checkout flow\",\"variants\":{\"on\":true,"
                + "\"off\":false},\"enabled\":false,\"offVariant\":\"off\",\"fallthrough\":{\"variant\":\"off\"}}");
        Map<String, JsonNode> flags = new LinkedHashMap<>();
        flags.put("new-checkout", flag);
        flags.put("old-banner", SnapshotCodec.mapper().nullNode());
        SnapshotDelta expected = new SnapshotDelta("acme", "prod", 44, 42, flags,
                Map.of("beta-testers", json("{\"included\":[\"user-1\",\"user-2\",\"user-3\"]}")));

        assertThat(SnapshotCodec.decode(Golden.bytes("snapshot-delta.json"))).isEqualTo(expected);
        assertThat(new String(SnapshotCodec.encode(expected), StandardCharsets.UTF_8))
                .isEqualTo(Golden.text("snapshot-delta.json"));
    }

    static JsonNode json(String text) {
        try {
            return SnapshotCodec.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
