package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.json.BoundedJson;
import io.guidon.engine.FlagDocumentCompiler;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The control plane's JSON keeps each number's value and kind as written: a decimal stays the exact decimal, in a
 * form PostgreSQL's jsonb keeps (plain, with a fraction), and the engine reads what the control plane writes as it
 * reads the request it came from.
 */
class JsonNumbersTest {

    private static final BoundedJson REQUESTS = new BoundedJson(64, 10_000, 100_000, 500, true);
    private static final FlagDocumentCompiler ENGINE = new FlagDocumentCompiler();

    private static JsonNode request(String json) throws BoundedJson.Rejected {
        return Json.tree(REQUESTS.parse(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void decimalsAreWrittenPlainWithAFractionAndIntegersAsIntegers() throws Exception {
        JsonNode n = request("{\"a\":2.0,\"b\":1e20,\"c\":10.00000000000000001,\"d\":-0.0,\"e\":3,"
                + "\"f\":12345678901234567890123,\"g\":[1.5E-3,{\"h\":5e1}]}");

        assertThat(Json.write(n)).isEqualTo("{\"a\":2.0,\"b\":100000000000000000000.0,\"c\":10.00000000000000001,"
                + "\"d\":0.0,\"e\":3,\"f\":12345678901234567890123,\"g\":[0.0015,{\"h\":50.0}]}");
    }

    @Test
    void whatIsStoredReadsBackUnchanged() throws Exception {
        String stored = Json.write(request("{\"a\":2.0,\"b\":1e20,\"c\":100.000,\"d\":7}"));

        assertThat(Json.write(Json.parse(stored))).isEqualTo(stored);
        assertThat(Json.parse(stored).get("a").isIntegralNumber()).isFalse();
        assertThat(Json.parse(stored).get("d").isIntegralNumber()).isTrue();
    }

    @Test
    void plainJavaValuesBecomeTheMatchingNodes() {
        JsonNode n = Json.tree(Map.of("l", List.of(1, 2L, BigInteger.TEN.pow(30), new BigDecimal("1E+3"), true,
                "s")));

        assertThat(Json.write(n)).isEqualTo("{\"l\":[1,2,1000000000000000000000000000000,1000.0,true,\"s\"]}");
    }

    /**
     * The kind: any decimal a request may hold is read by the engine, from what the control plane writes, as a
     * decimal of exactly the same value; any integer as an integer of the same value.
     */
    @Property(tries = 500)
    void theEngineReadsWhatTheControlPlaneWritesAsTheRequestWasWritten(@ForAll("numbers") String written)
            throws Exception {
        JsonNode asWritten = ENGINE.mapper().readTree(written);

        JsonNode stored = ENGINE.mapper().readTree(Json.write(request("[" + written + "]")).getBytes(
                StandardCharsets.UTF_8)).get(0);

        assertThat(stored.isIntegralNumber()).as(written).isEqualTo(asWritten.isIntegralNumber());
        assertThat(stored.decimalValue()).as(written).isEqualByComparingTo(asWritten.decimalValue());
    }

    /**
     * What the API writes it reads back unchanged: a body read from the API (whose decimals are written out in full,
     * as jsonb has them) can be sent back as it is, whatever the exponent written first.
     */
    @Property(tries = 500)
    void whatTheApiWritesItAcceptsBackUnchanged(@ForAll("numbers") String written) throws Exception {
        String stored = Json.write(request("{\"v\":" + written + "}"));

        assertThat(Json.write(request(stored))).isEqualTo(stored);
    }

    @Test
    void theLongestWrittenFormsOfTheDoubleRangeAreAcceptedBack() throws Exception {
        for (String written : List.of("-1.7976931348623157e308", "4.9e-324", "-1." + "1".repeat(90) + "e-320",
                "1." + "7".repeat(90) + "e307")) {
            String stored = Json.write(request("[" + written + "]"));
            assertThat(Json.write(request(stored))).as(written).isEqualTo(stored);
        }
    }

    @Provide
    Arbitrary<String> numbers() {
        Arbitrary<String> digits = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(30)
                .filter(s -> s.length() == 1 || s.charAt(0) != '0');
        Arbitrary<String> sign = Arbitraries.of("", "-");
        Arbitrary<String> fraction = Arbitraries.strings().numeric().ofMinLength(0).ofMaxLength(30)
                .map(f -> f.isEmpty() ? "" : "." + f);
        Arbitrary<String> exponent = Arbitraries.integers().between(-290, 270)
                .map(e -> e == 0 ? "" : (e % 2 == 0 ? "e" : "E") + e);
        return net.jqwik.api.Combinators.combine(sign, digits, fraction, exponent).as((s, d, f, e) -> s + d + f + e);
    }
}
