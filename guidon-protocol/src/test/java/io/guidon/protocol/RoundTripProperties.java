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
import io.guidon.protocol.snapshots.SnapshotCodec;
import io.guidon.protocol.snapshots.SnapshotDelta;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every message survives the wire: {@code decode(encode(x)) == x} for random messages of every kind, and an event
 * batch the sender may send (every event passes its {@code problem()} check, every time inside the sidecar's window)
 * is accepted whole by the receiver with default settings, at once or a delivery margin later.
 */
class RoundTripProperties {

    static final EventBatchDecoder DECODER = new EventBatchDecoder(new EventBatchDecoder.Limits(64 << 20, 100_000));
    static final String EMOJI = "\ud83d\ude00";

    @Property(tries = 500)
    void anEventBatchTheSenderMayWriteIsReadBackWholeAndEqual(@ForAll("batches") EventBatch batch,
            @ForAll("delays") long delayMillis, @ForAll boolean gzip) {
        Instant receiverNow = batch.createdAt().plusMillis(delayMillis);
        byte[] body = gzip ? EventBatchEncoder.encodeGzip(batch) : EventBatchEncoder.encode(batch);

        EventBatchDecoder.Result r = DECODER.decode(body, gzip, batch.batchId().toString(),
                receiverNow.minus(EventRules.DEFAULT_MAX_EVENT_AGE), receiverNow.plus(EventRules.DEFAULT_MAX_CLOCK_SKEW));

        assertThat(r.problems()).isEmpty();
        assertThat(r.rejected()).isEmpty();
        assertThat(r.batch()).isEqualTo(batch);
    }

    @Property(tries = 300)
    void anAnswerIsReadBackEqual(@ForAll boolean duplicate, @ForAll("small") int events,
            @ForAll("rejections") List<EventBatchAnswer.Rejected> rejected) {
        EventBatchAnswer a = new EventBatchAnswer(UUID.randomUUID(), duplicate, events, rejected,
                rejected.isEmpty() ? 0 : 1, rejected.isEmpty() ? 0 : rejected.size() - 1, 0);

        assertThat(EventBatchAnswer.decode(a.encode())).isEqualTo(a);
    }

    @Property(tries = 300)
    void aChangeNotificationIsReadBackEqual(@ForAll("texts") String tenant, @ForAll("texts") String environment,
            @ForAll("versions") long version, @ForAll("keyLists") List<String> changed) {
        ChangeNotification n = new ChangeNotification(tenant, environment, version, changed);

        assertThat(ChangeNotification.decode(n.encode())).isEqualTo(n);
    }

    @Property(tries = 300)
    void aSnapshotAndADeltaAreReadBackEqualWithEveryNumberAsWritten(@ForAll("documents") ObjectNode document,
            @ForAll("versions") long version, @ForAll("texts") String tenant) {
        FullSnapshot full = new FullSnapshot(tenant, "prod", version, document);
        assertThat(SnapshotCodec.decode(SnapshotCodec.encode(full))).isEqualTo(full);

        Map<String, JsonNode> flags = new LinkedHashMap<>();
        document.path("flags").properties().forEach(e -> flags.put(e.getKey(), e.getValue()));
        flags.put("gone", SnapshotCodec.mapper().nullNode());
        SnapshotDelta delta = new SnapshotDelta(tenant, "prod", version + 1, version, flags, Map.of());
        assertThat(SnapshotCodec.decode(SnapshotCodec.encode(delta))).isEqualTo(delta);
    }

    // ---- arbitraries

    @Provide
    Arbitrary<Long> delays() {
        return Arbitraries.oneOf(Arbitraries.just(0L),
                Arbitraries.longs().between(0, EventRules.DELIVERY_MARGIN.toMillis()));
    }

    @Provide
    Arbitrary<Integer> small() {
        return Arbitraries.integers().between(0, 10_000);
    }

    @Provide
    Arbitrary<Long> versions() {
        return Arbitraries.longs().between(0, Long.MAX_VALUE - 1);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(Arbitraries.strings().alpha().numeric().withChars("-_.").ofMinLength(1)
                .ofMaxLength(30), Arbitraries.of("acme", "prod", "ü-ß-中", EMOJI, "\"quoted\\"));
    }

    @Provide
    Arbitrary<List<String>> keyLists() {
        return flagKeys().list().ofMaxSize(10);
    }

    @Provide
    Arbitrary<List<EventBatchAnswer.Rejected>> rejections() {
        return Combinators.combine(Arbitraries.of("counts[0].count", "exposures[3].targetingKey", "body"), texts())
                .as((path, reason) -> new EventBatchAnswer.Rejected(path, io.guidon.json.Pointer.fromText(path)
                        .toString(), reason)).list().ofMaxSize(5);
    }

    Arbitrary<String> flagKeys() {
        return Arbitraries.oneOf(Arbitraries.strings().withChars("abcxyz0189._-").ofMinLength(1).ofMaxLength(127)
                .map(s -> "f" + s), Arbitraries.of("new-checkout", "a", "9".repeat(128)));
    }

    Arbitrary<String> variants() {
        return Arbitraries.oneOf(Arbitraries.strings().withChars("abcXYZ0189._-").ofMinLength(0).ofMaxLength(127)
                .map(s -> "V" + s), Arbitraries.of("on", "off"));
    }

    Arbitrary<String> targetingKeys() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMinLength(1).ofMaxLength(40),
                Arbitraries.integers().between(1, 256).map(EMOJI::repeat),
                Arbitraries.of("k".repeat(256), "ü-ß-中", "\"quoted\\", " ")).filter(k -> EventRules.targetingKey(k) == null);
    }

    Arbitrary<String> eventNames() {
        return Arbitraries.oneOf(Arbitraries.strings().withChars("abcXYZ019._:/-").ofMinLength(0).ofMaxLength(127)
                .map(s -> "e" + s), Arbitraries.of("checkout-completed", "buy"));
    }

    Arbitrary<Double> values() {
        return Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.doubles().filter(Double::isFinite),
                Arbitraries.of(-0.0, 0.0, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 42.5, 1e23, 0.1));
    }

    /** Instants of the sidecar's window around the batch's {@code now}, with milliseconds as the sidecar has them. */
    Arbitrary<Instant> times(Instant now) {
        return Arbitraries.longs().between(-EventRules.SIDECAR_MAX_AGE.toMillis(), EventRules.SIDECAR_MAX_AHEAD
                .toMillis()).map(now::plusMillis);
    }

    @Provide
    Arbitrary<EventBatch> batches() {
        return Arbitraries.longs().between(Instant.parse("2020-01-01T00:00:00Z").toEpochMilli(),
                Instant.parse("2099-01-01T00:00:00Z").toEpochMilli()).map(Instant::ofEpochMilli).flatMap(now -> {
                    Arbitrary<EventBatch.Count> counts = Combinators.combine(flagKeys(), variants(), times(now),
                            Arbitraries.longs().between(1, EventRules.MAX_COUNT)).as((f, v, t, c) ->
                            new EventBatch.Count(f, v, t.truncatedTo(ChronoUnit.MINUTES).isBefore(
                                    now.minus(EventRules.SIDECAR_MAX_AGE)) ? t.truncatedTo(ChronoUnit.MINUTES)
                                    .plus(Duration.ofMinutes(1)) : t.truncatedTo(ChronoUnit.MINUTES), c));
                    Arbitrary<EventBatch.Exposure> exposures = Combinators.combine(flagKeys(), variants(),
                            targetingKeys(), times(now)).as(EventBatch.Exposure::new);
                    Arbitrary<EventBatch.Conversion> conversions = Combinators.combine(targetingKeys(), eventNames(),
                            values(), times(now)).as(EventBatch.Conversion::new);
                    return Combinators.combine(counts.list().ofMaxSize(8), exposures.list().ofMaxSize(8),
                            conversions.list().ofMaxSize(8)).as((c, x, v) -> new EventBatch(UUID.randomUUID(),
                                    UUID.randomUUID(), now, c, x, v));
                });
    }

    @Provide
    Arbitrary<ObjectNode> documents() {
        Arbitrary<JsonNode> numbers = Arbitraries.oneOf(
                Arbitraries.bigDecimals().between(new BigDecimal("-1e30"), new BigDecimal("1e30")).ofScale(3)
                        .map(d -> SnapshotCodec.mapper().getNodeFactory().numberNode(d)),
                Arbitraries.of(new BigDecimal("2.0"), new BigDecimal("100000000000000000000.0"), new BigDecimal("0.85"))
                        .map(d -> SnapshotCodec.mapper().getNodeFactory().numberNode(d)),
                // As a parser makes them: an int node when it fits, a long node when not.
                Arbitraries.longs().map(l -> GoldenMessagesTest.json(Long.toString(l))));
        return Combinators.combine(flagKeys().list().ofMinSize(1).ofMaxSize(5).uniqueElements(),
                numbers.list().ofMinSize(2).ofMaxSize(2), texts()).as((keys, nums, description) -> {
                    ObjectNode doc = SnapshotCodec.mapper().createObjectNode();
                    doc.putObject("segments").putObject("beta").putArray("included").add(description);
                    ObjectNode flags = doc.putObject("flags");
                    for (String k : keys) {
                        ObjectNode f = flags.putObject(k);
                        f.put("description", description);
                        ObjectNode variants = f.putObject("variants");
                        variants.set("a", nums.get(0));
                        variants.set("b", nums.get(1));
                        f.put("enabled", true).put("offVariant", "a").putObject("fallthrough").put("variant", "b");
                    }
                    return doc;
                });
    }
}
