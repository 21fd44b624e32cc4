package io.guidon.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Over random text and numbers: the parser accepts exactly the values that survive storage unchanged, and refuses
 * the others naming where they are.
 */
class BoundedJsonProperties {

    private static final ObjectMapper JACKSON = new ObjectMapper();
    private final BoundedJson json = new BoundedJson(16, 1000, 10_000);

    /** Valid text: any code point but U+0000, surrogates only as pairs (through supplementary code points). */
    @Provide
    Arbitrary<String> cleanText() {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0x01, 0x7f)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0x80, 0xd7ff)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0xe000, 0xffff)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10ffff)));
        return codePoint.list().ofMaxSize(30).map(cps -> {
            StringBuilder b = new StringBuilder();
            cps.forEach(b::appendCodePoint);
            return b.toString();
        });
    }

    @Provide
    Arbitrary<Character> badChar() {
        return Arbitraries.oneOf(Arbitraries.just('\u0000'),
                Arbitraries.chars().range('\ud800', '\udbff'),
                Arbitraries.chars().range('\udc00', '\udfff'));
    }

    @Property(tries = 500)
    void cleanTextInNamesAndValuesParsesToItself(@ForAll("cleanText") String name, @ForAll("cleanText") String value)
            throws Exception {
        String body = JACKSON.writeValueAsString(Map.of("n", Map.of(name, value)));

        Object parsed = json.parse(body.getBytes(StandardCharsets.UTF_8));

        assertThat(parsed).isEqualTo(Map.of("n", Map.of(name, value)));
    }

    @Property(tries = 500)
    void textWithAnInjectedNulOrUnpairedSurrogateIsRefusedAtItsPath(@ForAll("cleanText") String before,
            @ForAll("badChar") char bad, @ForAll("cleanText") String after, @ForAll boolean inName) {
        // A high surrogate followed by a low one would be a pair: keep the injected one unpaired.
        String tail = Character.isHighSurrogate(bad) && !after.isEmpty() && Character.isLowSurrogate(after.charAt(0))
                ? "x" + after : after;
        String head = Character.isLowSurrogate(bad) && !before.isEmpty()
                && Character.isHighSurrogate(before.charAt(before.length() - 1)) ? before + "x" : before;
        String text = head + bad + tail;
        // Written with \\u escapes, as JSON allows for every character.
        StringBuilder escaped = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            escaped.append(String.format("\\u%04x", (int) text.charAt(i)));
        }
        escaped.append('"');
        String body = inName ? "{\"list\":[{" + escaped + ":1}]}" : "{\"list\":[" + escaped + "]}";

        try {
            json.parse(body.getBytes(StandardCharsets.UTF_8));
            throw new AssertionError("accepted " + body);
        } catch (BoundedJson.Rejected e) {
            assertThat(e.kind()).isEqualTo(BoundedJson.Kind.VALUE);
            assertThat(e.problems()).extracting(BoundedJson.Problem::path).containsExactly("list[0]");
        }
    }

    @Provide
    Arbitrary<BigDecimal> decimals() {
        return Combinators.combine(Arbitraries.bigIntegers().between(java.math.BigInteger.valueOf(-99_999_999),
                        java.math.BigInteger.valueOf(99_999_999)), Arbitraries.integers().between(-700, 700))
                .as((unscaled, scale) -> new BigDecimal(unscaled, scale));
    }

    @Property(tries = 1000)
    void aNumberIsAcceptedExactlyWhenADoubleHoldsItWithoutOverflowOrUnderflow(@ForAll("decimals") BigDecimal d) {
        String text = d.toString().replace("E+", "e").replace("E", "e");
        if (!text.contains(".") && !text.contains("e")) {
            text = text + ".0";
        }
        boolean representable = d.signum() == 0 || (!Double.isInfinite(d.doubleValue()) && d.doubleValue() != 0.0);

        try {
            Object parsed = json.parse(("{\"n\":" + text + "}").getBytes(StandardCharsets.UTF_8));
            assertThat(representable).as(text).isTrue();
            assertThat(((Map<?, ?>) parsed).get("n")).isEqualTo(d.doubleValue());
        } catch (BoundedJson.Rejected e) {
            assertThat(representable).as(text + ": " + e.getMessage()).isFalse();
            assertThat(e.problems()).extracting(BoundedJson.Problem::path).containsExactly("n");
        }
    }
}
