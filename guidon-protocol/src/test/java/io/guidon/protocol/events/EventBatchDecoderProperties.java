package io.guidon.protocol.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.protocol.EventRules;
import io.guidon.testing.JsonStrings;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * A rejected event never changes a good one: for random batches mixing good events of every kind with bad ones of
 * every kind (huge integers, {@code 1e400}, {@code 1e-400}, {@code -0}, nulls, wrong types, numbers as strings,
 * unknown fields full of such numbers, elements that are not objects), in any order of the three arrays, every good
 * event is read back exactly as sent (a value bit for bit: {@code -0} stays {@code -0.0}) and every bad one is left
 * out with the path of its problem, in the order sent.
 */
class EventBatchDecoderProperties {

    static final Instant NOW = Instant.parse("2026-11-26T10:15:30Z");
    static final EventBatchDecoder READER = new EventBatchDecoder(new EventBatchDecoder.Limits(16 << 20, 10_000));
    static final String[] KINDS = {"counts", "exposures", "conversions"};
    static final String EMOJI = "\ud83d\ude00";

    /**
     * One element as sent: its JSON and either the event it must be read as ({@code expected}) or the path of its
     * problem after the element's own path ({@code bad}: {@code ".count"}, or {@code ""} for the element itself).
     */
    record Element(int kind, String json, Object expected, String bad) {
        static Element good(int kind, String json, Object expected) {
            return new Element(kind, json, expected, null);
        }

        static Element bad(int kind, String json, String bad) {
            return new Element(kind, json, null, bad);
        }
    }

    @Property(tries = 1500)
    void rejectedEventsNeverChangeTheGoodOnes(@ForAll("batches") List<Element> elements,
            @ForAll @IntRange(min = 0, max = 5) int order) {
        int[] kinds = ORDERS[order];
        StringBuilder json = new StringBuilder("{\"batchId\":\"0b6c3d1e-6f8a-4c0e-9d2b-5a7e1f3c9b40\",\"sidecarId\":"
                + "\"9a1f0c2e-1111-4c0e-9d2b-5a7e1f3c9b41\",\"createdAt\":\"2026-11-26T10:15:00Z\"");
        List<List<Object>> expected = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<String> expectedRejected = new ArrayList<>();
        int[] rejectedByKind = new int[3];
        for (int kind : kinds) {
            json.append(",\"").append(KINDS[kind]).append("\":[");
            int i = 0;
            for (Element e : elements) {
                if (e.kind() != kind) {
                    continue;
                }
                json.append(i == 0 ? "" : ",").append(e.json());
                if (e.bad() == null) {
                    expected.get(kind).add(e.expected());
                } else {
                    expectedRejected.add(KINDS[kind] + "[" + i + "]" + e.bad());
                    rejectedByKind[kind]++;
                }
                i++;
            }
            json.append(']');
        }
        json.append('}');

        EventBatchDecoder.Result r = READER.decode(json.toString().getBytes(StandardCharsets.UTF_8), false, null,
                NOW.minus(Duration.ofDays(30)), NOW.plus(Duration.ofHours(1)));

        assertThat(r.rejected()).extracting(BatchProblem::path).as(json.toString())
                .containsExactlyElementsOf(expectedRejected);
        assertThat(List.of(r.rejectedCounts(), r.rejectedExposures(), r.rejectedConversions()))
                .containsExactly(rejectedByKind[0], rejectedByKind[1], rejectedByKind[2]);
        assertThat(r.batch().counts()).as(json.toString()).containsExactlyElementsOf(cast(expected.get(0)));
        assertThat(r.batch().exposures()).as(json.toString()).containsExactlyElementsOf(cast(expected.get(1)));
        // Record equality compares a Double's bits: -0.0 is not 0.0, and 2.5 is not 1e23.
        assertThat(r.batch().conversions()).as(json.toString()).containsExactlyElementsOf(cast(expected.get(2)));
    }

    static final int[][] ORDERS = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};

    @SuppressWarnings("unchecked")
    static <T> List<T> cast(List<Object> list) {
        return (List<T>) (List<?>) list;
    }

    @Provide
    Arbitrary<List<Element>> batches() {
        return elements().list().ofMaxSize(40);
    }

    Arbitrary<Element> elements() {
        return Arbitraries.oneOf(goodCounts(), goodExposures(), goodConversions(), badCounts(), badExposures(),
                badConversions(), notObjects(), unknownFields());
    }

    // Good events.

    Arbitrary<Instant> minutes() {
        return Arbitraries.longs().between(0, 29L * 24 * 60).map(m -> NOW.minus(Duration.ofMinutes(m))
                .truncatedTo(java.time.temporal.ChronoUnit.MINUTES));
    }

    Arbitrary<Instant> times() {
        return Arbitraries.longs().between(0, Duration.ofDays(29).toMillis()).map(ms -> NOW.minusMillis(ms));
    }

    Arbitrary<String> flags() {
        return Arbitraries.of("new-checkout", "f", "a.b_c-9");
    }

    Arbitrary<String> variants() {
        return Arbitraries.of("on", "off", "V_1.b");
    }

    Arbitrary<String> keys() {
        return Arbitraries.oneOf(Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(30),
                Arbitraries.integers().between(1, 256).map(EMOJI::repeat),
                Arbitraries.of("ü-ß-中", "k".repeat(256), "k".repeat(255) + EMOJI, "\"quoted\\"));
    }

    Arbitrary<Long> counts() {
        return Arbitraries.oneOf(Arbitraries.longs().between(1, EventRules.MAX_COUNT),
                Arbitraries.of(1L, 7L, EventRules.MAX_COUNT));
    }

    static String count(String flag, String variant, Instant minute, String count) {
        return "{\"flag\":\"" + flag + "\",\"variant\":\"" + variant + "\",\"minute\":\"" + minute + "\""
                + (count == null ? "" : ",\"count\":" + count) + "}";
    }

    static String exposure(String flag, String variant, String key, String timestamp) {
        return "{\"flag\":\"" + flag + "\",\"variant\":\"" + variant + "\",\"targetingKey\":" + key
                + ",\"timestamp\":" + timestamp + "}";
    }

    static String conversion(String key, String value, Instant at) {
        return "{\"targetingKey\":" + key + ",\"event\":\"checkout-completed\"" + (value == null ? ""
                : ",\"value\":" + value) + ",\"timestamp\":\"" + at + "\"}";
    }

    Arbitrary<Element> goodCounts() {
        return Combinators.combine(flags(), variants(), minutes(), counts()).as((f, v, m, c) -> Element.good(0,
                count(f, v, m, Long.toString(c)), new EventBatch.Count(f, v, m, c)));
    }

    Arbitrary<Element> goodExposures() {
        return Combinators.combine(flags(), variants(), keys(), times()).as((f, v, k, t) -> Element.good(1,
                exposure(f, v, JsonStrings.ascii(k), "\"" + t + "\""), new EventBatch.Exposure(f, v, k, t)));
    }

    /** A value as sent and the double it must be read as, reckoned without {@code Double.parseDouble}. */
    record Value(String literal, Double expected) {
    }

    Arbitrary<Value> goodValues() {
        Arbitrary<Double> doubles = Arbitraries.oneOf(Arbitraries.doubles().filter(Double::isFinite),
                Arbitraries.doubles().between(-1e6, 1e6).ofScale(3),
                Arbitraries.of(2.5, 0.1, -0.0, 0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE,
                        -Double.MAX_VALUE, Double.MIN_NORMAL, 1e23, 9.999999999999999e22));
        return Arbitraries.oneOf(
                // The shortest form that reads back as the same double.
                doubles.map(d -> new Value(Double.toString(d), d)),
                // The exact decimal of the double, up to 767 digits.
                doubles.filter(d -> d != 0).map(d -> new Value(new BigDecimal(d).toString(), d)),
                // Integers of any length (to 300 digits): the double nearest to them.
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(300).filter(s -> s.charAt(0) != '0')
                        .map(s -> new Value(s, new BigInteger(s).doubleValue())),
                Arbitraries.of(new Value("-0", -0.0), new Value("0e-400", 0.0), new Value("-0.0e400", -0.0),
                        new Value("null", null), new Value(null, null), new Value("1E2", 100.0),
                        new Value("2.5e0", 2.5), new Value("25e-1", 2.5)));
    }

    Arbitrary<Element> goodConversions() {
        return Combinators.combine(keys(), goodValues(), times()).as((k, v, t) -> Element.good(2,
                conversion(JsonStrings.ascii(k), v.literal(), t), new EventBatch.Conversion(k, "checkout-completed",
                        v.expected(), t)));
    }

    // Bad events: one problem each, at a known path.

    /** Integers beyond a long, up to 1,000 characters (the parser's limit: beyond it the batch is unreadable). */
    Arbitrary<String> hugeIntegers() {
        return Arbitraries.oneOf(
                Arbitraries.strings().numeric().ofMinLength(20).ofMaxLength(999).filter(s -> s.charAt(0) != '0'),
                Arbitraries.of("99999999999999999999999", "9223372036854775808", "-9223372036854775809",
                        "18446744073709551616"));
    }

    Arbitrary<String> wrongTypes() {
        return Arbitraries.of("null", "true", "false", "\"7\"", "\"2.5\"", "\"NaN\"", "\"Infinity\"", "[]", "[2.5]",
                "{}", "{\"value\":2.5}", "\"\"");
    }

    Arbitrary<Element> badCounts() {
        Arbitrary<String> badCount = Arbitraries.oneOf(hugeIntegers(), wrongTypes(),
                Arbitraries.of("0", "-0", "-1", "1000000000001", "-9223372036854775808", "1.5", "7.0", "1e3",
                        "1e400", "1e-400", "-0.0", "0.5e1"));
        return Combinators.combine(flags(), variants(), minutes(), badCount).as((f, v, m, c) -> Element.bad(0,
                count(f, v, m, c), ".count"));
    }

    Arbitrary<Element> badExposures() {
        Arbitrary<String> badKey = Arbitraries.oneOf(wrongTypes().filter(s -> !s.startsWith("\"") || s.equals("\"\"")),
                hugeIntegers(), Arbitraries.integers().between(257, 300).map(n -> JsonStrings.ascii(EMOJI.repeat(n))),
                Arbitraries.of(JsonStrings.ascii("a\u0000b"), JsonStrings.ascii("\ud800"), JsonStrings.ascii("x\udc00"), JsonStrings.ascii("k".repeat(257))));
        Arbitrary<String> badTime = Arbitraries.oneOf(hugeIntegers(), wrongTypes(),
                Arbitraries.of("1764152100000", "\"2020-01-01T00:00:00Z\"", "\"2099-01-01T00:00:00Z\"",
                        "\"+100000-01-01T00:00:00Z\"", "\"2026-11-26 10:00\"", "1e400"));
        return Arbitraries.oneOf(
                Combinators.combine(flags(), variants(), badKey, times()).as((f, v, k, t) -> Element.bad(1,
                        exposure(f, v, k, "\"" + t + "\""), ".targetingKey")),
                Combinators.combine(flags(), variants(), keys(), badTime).as((f, v, k, t) -> Element.bad(1,
                        exposure(f, v, JsonStrings.ascii(k), t), ".timestamp")));
    }

    Arbitrary<Element> badConversions() {
        Arbitrary<String> badValue = Arbitraries.oneOf(wrongTypes().filter(s -> !s.equals("null")),
                Arbitraries.of("1e400", "-1e400", "1e-400", "-1e-400", "1.8e308", "-2e308", "2e-324", "-2.4e-324", "1e99999",
                        "1e-99999", "0.0000000000000000000000001e-310", "123456789e400"),
                Arbitraries.integers().between(309, 900).map(n -> "1" + "0".repeat(n)));
        return Combinators.combine(keys(), badValue, times()).as((k, v, t) -> Element.bad(2,
                conversion(JsonStrings.ascii(k), v, t), ".value"));
    }

    Arbitrary<Element> notObjects() {
        return Combinators.combine(Arbitraries.integers().between(0, 2),
                Arbitraries.oneOf(wrongTypes().filter(s -> !s.startsWith("{")), hugeIntegers(),
                        Arbitraries.of("1e400", "1e-400", "-0", "2.5", "[99999999999999999999999,[1e400]]")))
                .as((kind, json) -> Element.bad(kind, json, ""));
    }

    /** A good event but for an unknown field holding the numbers that once leaked into the next event. */
    Arbitrary<Element> unknownFields() {
        Arbitrary<String> junk = Arbitraries.oneOf(hugeIntegers(), wrongTypes(), Arbitraries.of("1e400", "-0",
                "{\"n\":[99999999999999999999999,1e400,1e-400,-0]}"));
        return Combinators.combine(Arbitraries.oneOf(goodCounts(), goodExposures(), goodConversions()), junk)
                .as((e, j) -> Element.bad(e.kind(), "{\"x\":" + j + "," + e.json().substring(1), ".x"));
    }

}
