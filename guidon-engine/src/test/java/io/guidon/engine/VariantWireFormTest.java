package io.guidon.engine;

import static io.guidon.engine.ValidationErrors.assertOnlyError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Numbers keep the form a typed client needs: a float flag's values are written as decimals ({@code 2.0}, never
 * {@code 2} or {@code 1E+2}, which typed OpenFeature clients read as integers), integers stay exact 64-bit
 * integers, and a number that cannot keep its form is a validation error with its path.
 */
class VariantWireFormTest {

    private static final ObjectMapper PLAIN = new ObjectMapper();

    private static FlagSet compile(String variants) {
        Compilation c = new FlagDocumentCompiler().compile("{\"flags\":{\"f\":{\"enabled\":true,\"variants\":" + variants
                + ",\"offVariant\":\"a\",\"fallthrough\":{\"variant\":\"a\"}}}}");
        assertThat(c.errors()).as(variants).isEmpty();
        return c.flagSet();
    }

    private static Variant variant(String variants, String name) {
        return compile(variants).flag("f").variants().get(name);
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "{\"a\": 2.0, \"b\": 3.5}     | a | 2.0",
        "{\"a\": 100.0, \"b\": 1}     | a | 100.0",
        "{\"a\": 1e2, \"b\": 1}       | a | 100.0",
        "{\"a\": 1, \"b\": 0.5}       | a | 1.0",
        "{\"a\": 1E20, \"b\": 1}      | a | 1.0E20",
        "{\"a\": 0.1, \"b\": 1}       | a | 0.1",
        "{\"a\": -0.0, \"b\": 1}      | a | 0.0",
    })
    void aFloatFlagWritesEveryValueAsADecimal(String variants, String name, String json) {
        Variant v = variant(variants, name);
        assertThat(v.json()).isEqualTo(json);
        assertThat(v.value()).isInstanceOf(Double.class);
        assertThat(compile(variants).flag("f").type()).isEqualTo(FlagType.NUMBER);
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "{\"a\": 2, \"b\": 3}                                        | a | 2",
        "{\"a\": 9223372036854775807, \"b\": 1}                      | a | 9223372036854775807",
        "{\"a\": -9223372036854775808, \"b\": 1}                     | a | -9223372036854775808",
        "{\"a\": 1234567890123456789, \"b\": 0}                      | a | 1234567890123456789",
    })
    void anIntegerFlagStaysExactIn64Bits(String variants, String name, String json) {
        Variant v = variant(variants, name);
        assertThat(v.json()).isEqualTo(json);
        assertThat(v.value()).isEqualTo(Long.parseLong(json));
    }

    @Test
    void numbersInsideObjectsKeepTheirOwnForm() {
        Variant v = variant("{\"a\": {\"ratio\": 2.0, \"big\": 1e2, \"count\": 3, \"nested\": [1.50, 7]}, \"b\": {}}",
                "a");
        assertThat(v.json()).isEqualTo("{\"ratio\":2.0,\"big\":100.0,\"count\":3,\"nested\":[1.5,7]}");
        assertThat(v.value()).isEqualTo(Map.of("ratio", 2.0, "big", 100.0, "count", 3L,
                "nested", java.util.List.of(1.5, 7L)));
    }

    @Test
    void metadataNumbersKeepTheirFormToo() {
        Compilation c = new FlagDocumentCompiler().compile("{\"flags\":{\"f\":{\"enabled\":true,\"variants\":{\"a\":true},"
                + "\"offVariant\":\"a\",\"fallthrough\":{\"variant\":\"a\"},\"metadata\":{\"w\":1e2,\"n\":4}}}}");
        assertThat(c.flagSet().flag("f").metadataJson()).isEqualTo("{\"w\":100.0,\"n\":4}");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "{\"a\": 9223372036854775808, \"b\": 1}  | flags.f.variants.a     | does not fit in a signed 64-bit integer",
        "{\"a\": 1e400, \"b\": 1}                | flags.f.variants.a     | outside the range of a 64-bit floating-point number",
        "{\"a\": 1e-400, \"b\": 1}               | flags.f.variants.a     | it would become 0",
        "{\"a\": {\"x\": [1, 1e999]}, \"b\": {}}  | flags.f.variants.a.x[1] | outside the range",
        "{\"a\": {\"x\": 99999999999999999999}, \"b\": {}} | flags.f.variants.a.x | does not fit in a signed 64-bit integer",
    })
    void aNumberThatCannotKeepItsFormIsAnErrorAtItsPath(String variants, String path, String message) {
        assertOnlyError("{\"flags\":{\"f\":{\"enabled\":true,\"variants\":" + variants
                + ",\"offVariant\":\"a\",\"fallthrough\":{\"variant\":\"a\"}}}}", path, message);
    }

    /**
     * The general rule: for any decimal a document may hold, the wire form reads back (as a typed client reads
     * it) as a floating-point number equal to the double nearest the document's decimal.
     */
    @Property(tries = 300)
    void everyDecimalReadsBackAsTheSameDouble(@ForAll("decimals") BigDecimal d) throws Exception {
        Variant v = variant("{\"a\": " + d.toString() + ", \"b\": 0.5}", "a");
        JsonNode read = PLAIN.readTree(v.json());
        assertThat(read.isFloatingPointNumber()).as(v.json()).isTrue();
        assertThat(read.doubleValue()).isEqualTo(d.doubleValue());
    }

    @Provide
    Arbitrary<BigDecimal> decimals() {
        return Arbitraries.bigDecimals().between(new BigDecimal("-1e30"), new BigDecimal("1e30")).ofScale(3)
                .filter(x -> x.signum() == 0 || Math.abs(x.doubleValue()) > 1e-300)
                .map(x -> x.scaleByPowerOfTen(-3));
    }

    /**
     * The document a flag set keeps (which a connected sidecar merges deltas into and caches on disk) keeps every
     * number's written kind: compiled again, it gives the same flags ({@code 2.0} stays a float, not the integer 2).
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"a\": 2.0, \"b\": 3.0}",
        "{\"a\": 100.0, \"b\": 1}",
        "{\"a\": 1e20, \"b\": 1}",
        "{\"a\": 1E+2, \"b\": 2}",
        "{\"a\": 2, \"b\": 3}",
        "{\"a\": {\"x\": 2.0, \"y\": 1e3}, \"b\": {\"x\": 1}}",
    })
    void theKeptDocumentCompilesToTheSameVariants(String variants) {
        FlagSet first = compile(variants);

        Compilation again = new FlagDocumentCompiler().compile(first.documentJson());

        assertThat(again.errors()).isEmpty();
        assertThat(again.flagSet().flag("f").type()).isEqualTo(first.flag("f").type());
        assertThat(again.flagSet().flag("f").variants()).isEqualTo(first.flag("f").variants());
        assertThat(again.flagSet().documentJson()).isEqualTo(first.documentJson());
    }

    @Property(tries = 300)
    void everyLongStaysExact(@ForAll long n) throws Exception {
        Variant v = variant("{\"a\": " + n + ", \"b\": 0}", "a");
        JsonNode read = PLAIN.readTree(v.json());
        assertThat(read.isIntegralNumber()).isTrue();
        assertThat(read.longValue()).isEqualTo(n);
    }
}
