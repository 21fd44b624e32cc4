package io.guidon.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.protocol.events.BatchProblem;
import io.guidon.protocol.events.EventBatch;
import io.guidon.protocol.events.EventBatchDecoder;
import io.guidon.protocol.events.EventBatchEncoder;
import io.guidon.testing.JsonStrings;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * The sidecar never records an event the control plane refuses: for random targeting keys (edge lengths, NUL,
 * lone and paired surrogates, any code point), event names, values (huge, tiny, non-finite) and times (very old,
 * just inside and outside each window, future), whatever {@link EventRules} lets the sidecar record, written by
 * {@link EventBatchEncoder} (the sidecar's uploader) and delivered up to {@link EventRules#DELIVERY_MARGIN} later,
 * the {@link EventBatchDecoder} with the control plane's default settings accepts; and for every field but time the
 * two agree both ways.
 */
class EventRulesProperties {

    static final long DAY = 86_400_000L;
    static final EventBatchDecoder READER = new EventBatchDecoder(new EventBatchDecoder.Limits(1 << 20, 100));

    /** The control plane with default settings, {@code delayMillis} after the sidecar's {@code now}. */
    static EventBatchDecoder.Result deliver(byte[] json, long now, long delayMillis) {
        Instant cpNow = Instant.ofEpochMilli(now + delayMillis);
        return READER.decode(json, false, null, cpNow.minus(EventRules.DEFAULT_MAX_EVENT_AGE),
                cpNow.plus(EventRules.DEFAULT_MAX_CLOCK_SKEW));
    }

    @Property(tries = 3000)
    void whatTheSidecarRecordsTheControlPlaneAccepts(@ForAll("keys") String key, @ForAll("eventNames") String event,
            @ForAll("values") Double value, @ForAll("offsets") long offset,
            @ForAll @LongRange(min = 0, max = DAY - 1) long delay) {
        long now = System.currentTimeMillis();
        long at = now + offset;
        boolean conversionRecorded = EventRules.targetingKey(key) == null && EventRules.eventName(event) == null
                && (value == null || EventRules.value(value) == null) && EventRules.sidecarTime(at, now) == null;
        boolean exposureRecorded = EventRules.targetingKey(key) == null;
        if (!conversionRecorded && !exposureRecorded) {
            return;
        }
        List<EventBatch.Exposure> exposures = exposureRecorded ? List.of(new EventBatch.Exposure("new-checkout",
                "on", key, Instant.ofEpochMilli(now))) : List.of();
        List<EventBatch.Conversion> conversions = conversionRecorded ? List.of(new EventBatch.Conversion(key, event,
                value, Instant.ofEpochMilli(at))) : List.of();
        exposures.forEach(x -> assertThat(x.problem()).isNull());
        conversions.forEach(c -> assertThat(c.problem()).isNull());
        byte[] json = EventBatchEncoder.encode(new EventBatch(UUID.randomUUID(), UUID.randomUUID(),
                Instant.ofEpochMilli(now), List.of(new EventBatch.Count("new-checkout", "on",
                        Instant.ofEpochMilli(now - Math.floorMod(now, 60_000L)), 1)), exposures, conversions));

        EventBatchDecoder.Result read = deliver(json, now, delay);

        assertThat(read.rejected()).isEmpty();
        assertThat(read.batch().exposures()).hasSize(exposures.size());
        assertThat(read.batch().conversions()).hasSize(conversions.size());
        if (conversionRecorded) {
            assertThat(read.batch().conversions().get(0).value()).isEqualTo(value);
            assertThat(read.batch().conversions().get(0).targetingKey()).isEqualTo(key);
        }
    }

    @Property(tries = 3000)
    void bothSidesAgreeOnKeysNamesAndValues(@ForAll("keys") String key, @ForAll("eventNames") String event,
            @ForAll("values") Double value) {
        long now = System.currentTimeMillis();
        String json = "{\"batchId\":\"" + UUID.randomUUID() + "\",\"sidecarId\":\"" + UUID.randomUUID()
                + "\",\"createdAt\":\"" + Instant.ofEpochMilli(now) + "\",\"counts\":[],"
                + "\"exposures\":[{\"flag\":\"f\",\"variant\":\"on\",\"targetingKey\":" + JsonStrings.ascii(key)
                + ",\"timestamp\":\"" + Instant.ofEpochMilli(now) + "\"}],"
                + "\"conversions\":[{\"targetingKey\":\"u\",\"event\":" + JsonStrings.ascii(event)
                + (value == null ? "" : ",\"value\":" + literal(value))
                + ",\"timestamp\":\"" + Instant.ofEpochMilli(now) + "\"}]}";

        List<String> rejected = deliver(json.getBytes(StandardCharsets.UTF_8), now, 0).rejected().stream()
                .map(BatchProblem::path).toList();

        assertThat(rejected.contains("exposures[0].targetingKey")).as("key %s", JsonStrings.ascii(key))
                .isEqualTo(EventRules.targetingKey(key) != null);
        boolean conversionBad = EventRules.eventName(event) != null || value != null && EventRules.value(value) != null;
        assertThat(rejected.stream().anyMatch(p -> p.startsWith("conversions[0]"))).as("event %s value %s",
                JsonStrings.ascii(event), value).isEqualTo(conversionBad);
    }

    /** JSON has no NaN or infinity literal: the overflowing literals a client would send instead. */
    static String literal(double v) {
        return Double.isNaN(v) ? "1e999" : v == Double.POSITIVE_INFINITY ? "1e400" : v == Double.NEGATIVE_INFINITY
                ? "-1e400" : Double.toString(v);
    }


    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.oneOf(
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(40),
                Arbitraries.strings().alpha().ofMinLength(254).ofMaxLength(258),
                // Characters outside the BMP: one character, two UTF-16 units; the limit counts characters.
                Arbitraries.integers().between(127, 258).map(n -> "\ud83d\ude00".repeat(n)),
                Arbitraries.integers().between(0, 3).map(n -> "k".repeat(255 - n) + "\ud83d\ude00".repeat(n + 1)),
                Arbitraries.of("", "k".repeat(300), "a\u0000b", "\ud800", "x\udc00", "\ud83d\ude00", "\ude00\ud83d",
                        "ü-ß-中", " "),
                Arbitraries.strings().all().ofMinLength(0).ofMaxLength(8),
                Arbitraries.strings().withCharRange('\ud7f0', '\ue010').ofMinLength(1).ofMaxLength(6));
    }

    @Provide
    Arbitrary<String> eventNames() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("abcXYZ019._:/- ").ofMinLength(0).ofMaxLength(130),
                Arbitraries.of("buy", "checkout-completed", "e".repeat(128), "e".repeat(129), "-x", "a\u0000"),
                Arbitraries.strings().all().ofMaxLength(6));
    }

    @Provide
    Arbitrary<Double> values() {
        return Arbitraries.oneOf(
                Arbitraries.just(null),
                Arbitraries.of(Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, -0.0, 0.0, 1e308, 42.5,
                        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN),
                Arbitraries.doubles(),
                Arbitraries.doubles().between(-1e300, 1e300));
    }

    /** Event times relative to the sidecar's now: far past, at each window's edges, far future. */
    @Provide
    Arbitrary<Long> offsets() {
        long oldest = -EventRules.SIDECAR_MAX_AGE.toMillis();
        long ahead = EventRules.SIDECAR_MAX_AHEAD.toMillis();
        return Arbitraries.oneOf(
                Arbitraries.longs().between(-3_000L * 365 * DAY, 3_000L * 365 * DAY),
                Arbitraries.longs().between(oldest - 2, oldest + 2),
                Arbitraries.longs().between(ahead - 2, ahead + 2),
                Arbitraries.longs().between(-EventRules.DEFAULT_MAX_EVENT_AGE.toMillis() - 2,
                        -EventRules.DEFAULT_MAX_EVENT_AGE.toMillis() + 2),
                Arbitraries.longs().between(oldest, ahead),
                Arbitraries.of(Instant.parse("2020-01-01T00:00:00Z").toEpochMilli() - System.currentTimeMillis()));
    }
}
