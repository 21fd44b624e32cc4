package io.guidon.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The parser at the edge of both servers: limits and unrepresentable values are refused with their path. */
class BoundedJsonTest {

    private final BoundedJson json = new BoundedJson(4, 5, 20);

    private Object parse(String text) throws BoundedJson.Rejected {
        return json.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    private BoundedJson.Rejected rejected(String text) {
        try {
            Object v = parse(text);
            throw new AssertionError("accepted: " + v);
        } catch (BoundedJson.Rejected e) {
            return e;
        }
    }

    @Test
    void withExactDecimalsADecimalIsTheBigDecimalWrittenAndAnIntegerStaysAnInteger() throws Exception {
        BoundedJson exact = new BoundedJson(4, 5, 20, 100, true);

        Object v = exact.parse("[2.0,1e20,10.00000000000000001,-0.0,3]".getBytes(StandardCharsets.UTF_8));

        assertThat(v).isEqualTo(List.of(new java.math.BigDecimal("2.0"), new java.math.BigDecimal("1e20"),
                new java.math.BigDecimal("10.00000000000000001"), new java.math.BigDecimal("0.0"), 3));
        assertThat(((List<?>) v).get(0)).hasToString("2.0");
        assertThat(parse("[2.0]")).as("the default (the sidecar's) is unchanged").isEqualTo(List.of(2.0d));
    }

    @Test
    void withExactDecimalsNumbersNoDoubleHoldsAreStillRefusedWithTheirPath() {
        BoundedJson exact = new BoundedJson(4, 5, 20, 100, true);

        assertThatThrownBy(() -> exact.parse("{\"p\":1e400}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(BoundedJson.Rejected.class, e -> {
                    assertThat(e.kind()).isEqualTo(BoundedJson.Kind.VALUE);
                    assertThat(e.problems()).extracting(BoundedJson.Problem::path).containsExactly("p");
                });
    }

    @Test
    void plainValuesParseToJavaValuesInOrder() throws Exception {
        Object v = parse("{\"b\":[1,2.5,\"x\",true,null],\"a\":{\"c\":12345678901}}");

        assertThat(v).isEqualTo(Map.of("b", java.util.Arrays.asList(1, 2.5, "x", true, null),
                "a", Map.of("c", 12345678901L)));
        assertThat(new java.util.ArrayList<Object>(((Map<?, ?>) v).keySet())).containsExactly("b", "a");
    }

    @Test
    void anEmptyBodyIsNull() throws Exception {
        assertThat(json.parse(new byte[0])).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "NUL in a value | {\"variants\":{\"on\":\"a\\u0000b\",\"off\":\"c\"}} | variants.on",
        "lone high surrogate | {\"description\":\"x\\ud800\"} | description",
        "lone low surrogate | {\"d\":[\"ok\",\"\\udc00y\"]} | d[1]",
        "reversed pair | {\"d\":\"\\udc00\\ud800\"} | d",
        "NUL in a field name | {\"variants\":{\"o\\u0000n\":1}} | variants",
        "surrogate in a field name | {\"m\":{\"\\ud800\":1}} | m",
        "1e400 | {\"percentage\":1e400} | percentage",
        "-1e400 | {\"r\":[{\"v\":-1e400}]} | r[0].v",
        "1e-400 underflows to zero | {\"x\":1e-400} | x",
        "-1e-400 underflows to zero | {\"x\":[0,-1e-400]} | x[1]",
        "NUL at the top | \"\\u0000\" | ''",
    })
    void unrepresentableValuesAreRefusedWithTheirPath(String what, String body, String path) {
        BoundedJson.Rejected e = rejected(body);

        assertThat(e.kind()).as(what).isEqualTo(BoundedJson.Kind.VALUE);
        assertThat(e.problems()).extracting(BoundedJson.Problem::path).as(what).containsExactly(path);
        assertThat(e.getMessage()).as(what).isNotBlank();
    }

    @Test
    void aSurrogateSentAsRawBytesIsRefusedLikeAnEscapedOne() {
        // ED A0 80 is how CESU-8 writes U+D800; it is not UTF-8.
        byte[] body = {'{', '"', 'd', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'};

        assertThatThrownBy(() -> json.parse(body)).isInstanceOfSatisfying(BoundedJson.Rejected.class,
                e -> assertThat(e.kind()).isIn(BoundedJson.Kind.VALUE, BoundedJson.Kind.MALFORMED));
    }

    @Test
    void everyUnrepresentableValueOfABodyIsListed() {
        BoundedJson.Rejected e = rejected("{\"a\":\"\\u0000\",\"b\":1e999,\"c\":[\"\\ud800\"]}");

        assertThat(e.problems()).extracting(BoundedJson.Problem::path).containsExactly("a", "b", "c[0]");
        assertThat(e.getMessage()).startsWith("3 values cannot be accepted");
    }

    @Test
    void numbersAtTheEdgesOfTheDoubleRangeAndPairedSurrogatesAreAccepted() throws Exception {
        Map<?, ?> v = (Map<?, ?>) parse("{\"max\":1.7976931348623157e308,\"min\":4.9e-324,\"zero\":0.0e-999,"
                + "\"emoji\":\"\\ud83d\\ude00\"}");

        assertThat(v.get("max")).isEqualTo(Double.MAX_VALUE);
        assertThat(v.get("min")).isEqualTo(Double.MIN_VALUE);
        assertThat(v.get("zero")).isEqualTo(0.0);
        assertThat(v.get("emoji")).isEqualTo("\uD83D\uDE00");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "too deep | {\"a\":[[[[1]]]]} | a[0][0][0] | deeper than 4 levels",
        "too many entries | {\"o\":{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6}} | o | more than 5 entries",
        "too many elements | {\"o\":[{},{\"l\":[1,2,3,4,5,6]}]} | o[1].l | more than 5 elements",
        "too long a string | {\"s\":[\"123456789012345678901\"]} | s[0] | longer than 20 characters",
        "too long a name | {\"123456789012345678901\":1} | '' | field name longer than 20 characters",
        "too many top-level entries | {\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6} | '' | more than 5 entries",
    })
    void limitsAreRefusedNamingTheLimitAndThePath(String what, String body, String path, String message) {
        BoundedJson.Rejected e = rejected(body);

        assertThat(e.kind()).as(what).isEqualTo(BoundedJson.Kind.LIMIT);
        assertThat(e.isLimit()).isTrue();
        assertThat(e.problems()).extracting(BoundedJson.Problem::path).as(what).containsExactly(path);
        assertThat(e.problems().get(0).message()).as(what).contains(message).endsWith("the limit");
    }

    @Test
    void aNumberLongerThanTheLimitIsRefusedWithItsPath() {
        BoundedJson.Rejected e = rejected("{\"n\":[" + "1".repeat(101) + "]}");
        BoundedJson.Rejected far = rejected("{\"n\":" + "1".repeat(2000) + "}");

        assertThat(e.kind()).isEqualTo(BoundedJson.Kind.LIMIT);
        assertThat(e.problems()).extracting(BoundedJson.Problem::path).containsExactly("n[0]");
        assertThat(e.getMessage()).contains("longer than 100 characters");
        assertThat(far.kind()).isEqualTo(BoundedJson.Kind.LIMIT);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "cut short | {\"a\":",
        "two values | {} {}",
        "duplicate names | {\"a\":1,\"a\":2}",
        "NaN | {\"a\":NaN}",
        "not UTF-8 | {\"a\":\"\\xff\"}",
    })
    void malformedJsonIsMalformedWithNoProblems(String what, String body) {
        byte[] bytes = body.replace("\\xff", "\u00ff").getBytes(StandardCharsets.ISO_8859_1);

        assertThatThrownBy(() -> json.parse(bytes)).as(what).isInstanceOfSatisfying(BoundedJson.Rejected.class, e -> {
            assertThat(e.kind()).isEqualTo(BoundedJson.Kind.MALFORMED);
            assertThat(e.problems()).isEmpty();
            assertThat(e.getMessage()).startsWith("malformed JSON");
        });
    }

    @Test
    void namesThatAreNotPlainArePathStepsInBrackets() {
        BoundedJson.Rejected e = rejected("{\"variants\":{\"v1.0\":\"\\u0000\"}}");

        assertThat(e.problems()).extracting(BoundedJson.Problem::path).containsExactly("variants[\"v1.0\"]");
    }

    @Test
    void aTopLevelArrayIsParsedWithIndexPaths() {
        BoundedJson.Rejected e = rejected("[1,[2,\"\\u0000\"]]");

        assertThat(e.problems()).extracting(BoundedJson.Problem::path).containsExactly("[1][1]");
        assertThat(List.of(e.kind())).containsExactly(BoundedJson.Kind.VALUE);
    }
}
