package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import io.guidon.engine.Compilation;
import io.guidon.engine.Flag;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.engine.FlagSet;
import io.guidon.engine.FlagType;
import io.guidon.engine.ValidationError;
import io.guidon.engine.Variant;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Numbers through the control plane are what the engine makes of the same document in a file (the
 * {@link FlagDocumentCompiler} is what {@code guidon validate} and a standalone sidecar run): a float flag stays a
 * float flag on every hop (request, PostgreSQL's jsonb, the document served to sidecars), integers stay integers,
 * and a number the engine refuses from a file (a rollout weight with more than three decimals, however many digits
 * it has beyond a double's) is refused through the API with the engine's message and a path, changing nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NumberFormIT {

    /** Reads numbers as written (2.0 stays 2.0 with scale 1), to check the written form of answers. */
    private static final ObjectMapper EXACT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();
    private static final String ENV = "/api/v1/environments/production";

    private final FlagDocumentCompiler compiler = new FlagDocumentCompiler();
    Harness cp;
    String admin;
    String sidecar;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of());
        admin = cp.bootstrap("acme");
        assertThat(cp.post("/api/v1/environments", admin, Map.of("key", "production")).status()).isEqualTo(201);
        assertThat(cp.post("/api/v1/flags", admin, Map.of("key", "b", "variants", Map.of("on", true, "off", false)))
                .status()).isEqualTo(201);
        Resp key = cp.createKey(admin, "numbers sidecar", "sidecar", "production");
        assertThat(key.status()).isEqualTo(201);
        sidecar = key.json().get("key").asText();
    }

    @AfterAll
    void stop() throws Exception {
        cp.close();
    }

    // ------------------------------------------------------------------ float flags stay float flags (finding 3)

    @Test
    void floatVariantsWrittenAsDecimalsOrWithExponentsAreServedToSidecarsAsFloatsAndIntegersStayIntegers() {
        create("ratio", "{\"a\":2.0,\"b\":3.0}");
        create("hundred", "{\"a\":100.0,\"b\":1}");
        create("huge", "{\"a\":1e20,\"b\":1}");
        create("count", "{\"a\":2,\"b\":3}");

        Resp stored = cp.get("/api/v1/flags/ratio", admin);
        assertThat(stored.body()).contains("\"a\":2.0").contains("\"b\":3.0");
        assertThat(cp.get("/api/v1/flags/huge", admin).body()).contains("\"a\":100000000000000000000.0");
        FlagSet served = served();
        assertThat(variantJson(served.flag("ratio"))).isEqualTo(Map.of("a", "2.0", "b", "3.0"));
        assertThat(variantJson(served.flag("hundred"))).isEqualTo(Map.of("a", "100.0", "b", "1.0"));
        assertThat(variantJson(served.flag("huge"))).isEqualTo(Map.of("a", "1.0E20", "b", "1.0"));
        assertThat(variantJson(served.flag("count"))).isEqualTo(Map.of("a", "2", "b", "3"));
        assertThat(served.flag("ratio").variants().get("a").value()).isEqualTo(2.0d);
        assertThat(served.flag("count").variants().get("a").value()).isEqualTo(2L);
    }

    @Test
    void aFloatFlagKeepsItsFormThroughAConfigurationPutAndTheAuditLog() throws Exception {
        create("ratio-put", "{\"a\":2.0,\"b\":5E+1}");
        Resp put = putConfig("ratio-put", "{\"enabled\":true,\"offVariant\":\"a\",\"fallthrough\":{\"rollout\":"
                + "{\"a\":5e1,\"b\":50.000}}}");

        assertThat(put.status()).as(put.body()).isEqualTo(200);
        JsonNode config = EXACT.readTree(cp.get(ENV + "/flags/ratio-put", admin).body());
        assertThat(config.at("/fallthrough/rollout/a").decimalValue()).isEqualTo(new BigDecimal("50.0"));
        assertThat(config.at("/fallthrough/rollout/b").decimalValue()).isEqualTo(new BigDecimal("50.000"));
        assertThat(variantJson(served().flag("ratio-put"))).isEqualTo(Map.of("a", "2.0", "b", "50.0"));
        assertThat(cp.get("/api/v1/audit?limit=200", admin).body()).contains("\"b\":50.0").doesNotContain("E+");
    }

    /**
     * The kind, over random documents: a number flag made through the API (create, then a configuration PUT with a
     * rollout and a rule of numbers) and served to sidecars compiles exactly as the same document read from a file:
     * the same type and the same variant JSON.
     */
    @Test
    void randomNumberDocumentsCompileTheSameFromAFileAndAsServedByTheControlPlane() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int n = 0; n < 25; n++) {
            String key = "rnd-" + n;
            int count = 2 + random.nextInt(3);
            StringBuilder variants = new StringBuilder("{");
            for (int i = 0; i < count; i++) {
                variants.append(i == 0 ? "" : ",").append("\"v").append(i).append("\":").append(number(random));
            }
            variants.append('}');
            String[] weights = weights(random);
            String config = "{\"enabled\":true,\"offVariant\":\"v0\",\"rules\":[{\"id\":\"r\",\"when\":{\"attribute\":"
                    + "\"n\",\"op\":\"in\",\"values\":[" + number(random) + "," + number(random) + "]},\"serve\":"
                    + "{\"variant\":\"v1\"}}],\"fallthrough\":{\"rollout\":{\"v0\":" + weights[0] + ",\"v1\":"
                    + weights[1] + "}}}";
            String file = "{\"flags\":{\"" + key + "\":{\"variants\":" + variants + "," + config.substring(1) + "}}";
            String what = "seed " + seed + ", flag " + key + ": " + file;

            Compilation fromFile = compiler.compile(file);
            Resp created = cp.call("POST", "/api/v1/flags", admin, "{\"key\":\"" + key + "\",\"variants\":"
                    + variants + "}");
            if (!fromFile.ok()) {
                // Only a variant can make the file invalid (weights and rule values are valid by construction);
                // then the API refuses the flag too.
                assertThat(created.status()).as(what + " -> " + created.body()).isEqualTo(422);
                continue;
            }
            assertThat(created.status()).as(what + " -> " + created.body()).isEqualTo(201);
            Resp put = putConfig(key, config);
            assertThat(put.status()).as(what + " -> " + put.body()).isEqualTo(200);

            Flag expected = fromFile.flagSet().flag(key);
            Flag actual = served().flag(key);
            assertThat(actual.type()).as(what).isEqualTo(expected.type());
            assertThat(variantJson(actual)).as(what).isEqualTo(variantJson(expected));
        }
    }

    // ------------------------------------------------------------------ no silent change (finding 5)

    @Test
    void aPercentageWithMoreDigitsThanADoubleHoldsIs422WithTheEnginesMessageAndChangesNothing() {
        Map<String, JsonNode> before = state();

        Resp r = cp.call("PUT", ENV + "/flags/b/rollout", admin, "{\"percentage\":10.00000000000000001}");

        assertThat(r.status()).as(r.body()).isEqualTo(422);
        JsonNode error = r.json().get("errors").get(0);
        assertThat(error.get("path").asText()).isEqualTo("percentage");
        assertThat(error.get("message").asText())
                .isEqualTo("a percentage has at most three decimals, not 10.00000000000000001");
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void rolloutWeightsWithMoreDigitsThanADoubleHoldAre422LikeGuidonValidateAndChangeNothing() {
        create("w", "{\"on\":true,\"off\":false}");
        String config = "{\"enabled\":true,\"offVariant\":\"off\",\"fallthrough\":{\"rollout\":"
                + "{\"on\":50.0000000000000000001,\"off\":50}}}";
        List<ValidationError> engine = compiler.compile("{\"flags\":{\"w\":{\"variants\":{\"on\":true,\"off\":false},"
                + config.substring(1) + "}}").errors();
        assertThat(engine).extracting(ValidationError::message)
                .contains("a percentage has at most three decimals, not 50.0000000000000000001");
        Map<String, JsonNode> before = state();

        Resp r = putConfig("w", config);

        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.json().get("errors").findValuesAsText("path")).contains("fallthrough.rollout.on");
        assertThat(r.json().get("errors").findValuesAsText("message"))
                .contains("a percentage has at most three decimals, not 50.0000000000000000001");
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void negativeZeroIsTheDecimalZeroAsTheEngineReadsIt() throws Exception {
        create("z", "{\"on\":true,\"off\":false}");

        Resp r = cp.call("PUT", ENV + "/flags/z/rollout", admin, "{\"percentage\":-0.0}");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode config = EXACT.readTree(cp.get(ENV + "/flags/z", admin).body());
        assertThat(config.at("/fallthrough/rollout/on").decimalValue()).isEqualTo(new BigDecimal("0.0"));
        assertThat(config.at("/fallthrough/rollout/off").decimalValue()).isEqualTo(new BigDecimal("100.0"));
        assertThat(r.body()).contains("\"on\":0.0").doesNotContain("\"on\":-");
    }

    /**
     * The kind, over random decimals (more digits than a double holds, more than three decimals, exponents, out
     * of range): a rollout weight and a boolean flag's percentage are accepted by the API exactly when
     * {@code guidon validate} accepts the same document, and when accepted are stored with the value written.
     */
    @Test
    void randomPercentagesAreAcceptedByTheApiExactlyWhenGuidonValidateAcceptsThem() throws Exception {
        create("p", "{\"on\":true,\"off\":false}");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int n = 0; n < 40; n++) {
            String on = decimal(random);
            BigDecimal onValue = new BigDecimal(on);
            String off = onValue.compareTo(BigDecimal.valueOf(100)) <= 0 && onValue.signum() >= 0
                    ? BigDecimal.valueOf(100).subtract(onValue).toPlainString() : "0";
            String config = "{\"enabled\":true,\"offVariant\":\"off\",\"fallthrough\":{\"rollout\":{\"on\":" + on
                    + ",\"off\":" + off + "}}}";
            String what = "seed " + seed + ": " + config;
            Compilation validate = compiler.compile("{\"flags\":{\"p\":{\"variants\":{\"on\":true,\"off\":false},"
                    + config.substring(1) + "}}");
            Map<String, JsonNode> before = state();

            Resp put = putConfig("p", config);
            Resp pct = cp.call("PUT", ENV + "/flags/p/rollout", admin, "{\"percentage\":" + on + "}");

            if (validate.ok()) {
                assertThat(put.status()).as(what + " -> " + put.body()).isEqualTo(200);
                assertThat(pct.status()).as(what + " (percentage) -> " + pct.body()).isEqualTo(200);
                JsonNode stored = EXACT.readTree(cp.get(ENV + "/flags/p", admin).body()).at("/fallthrough/rollout");
                assertThat(stored.get("on").decimalValue()).as(what).isEqualByComparingTo(onValue);
                assertThat(stored.get("off").decimalValue()).as(what).isEqualByComparingTo(new BigDecimal(off));
            } else {
                assertThat(put.status()).as(what + " -> " + put.body()).isEqualTo(422);
                assertThat(pct.status()).as(what + " (percentage) -> " + pct.body()).isEqualTo(422);
                List<String> engine = new ArrayList<>();
                for (ValidationError e : validate.errors()) {
                    engine.add(e.message());
                }
                assertThat(put.json().get("errors").findValuesAsText("message")).as(what).containsAll(engine);
                assertThat(pct.json().get("errors").findValuesAsText("message")).as(what)
                        .containsAnyElementsOf(engine);
                assertThat(state()).as(what).isEqualTo(before);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private void create(String key, String variants) {
        Resp r = cp.call("POST", "/api/v1/flags", admin, "{\"key\":\"" + key + "\",\"variants\":" + variants + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    private Resp putConfig(String key, String config) {
        String etag = cp.get(ENV + "/flags/" + key, admin).header("ETag");
        return cp.call("PUT", ENV + "/flags/" + key, admin, config, "If-Match", etag);
    }

    /** The environment's document as served to sidecars, compiled by the engine as a sidecar does. */
    private FlagSet served() {
        Resp r = cp.get("/api/v1/sidecar/flags", sidecar);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        try {
            JsonNode document = EXACT.readTree(r.body()).get("document");
            Compilation c = compiler.compile(EXACT.writeValueAsBytes(document));
            assertThat(c.errors()).isEmpty();
            return c.flagSet();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, String> variantJson(Flag flag) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Variant v : flag.variants().values()) {
            m.put(v.key(), v.json());
        }
        if (flag.type() == FlagType.NUMBER) {
            return m;
        }
        throw new AssertionError(flag.key() + " is not a number flag but " + flag.type());
    }

    /** A JSON number in one of the forms a person writes. */
    private static String number(Random r) {
        return switch (r.nextInt(9)) {
            case 0 -> Long.toString(r.nextInt(2000) - 1000);
            case 1 -> Long.toString(r.nextLong());
            case 2 -> (r.nextInt(200) - 100) + ".0";
            case 3 -> (r.nextInt(100_000) / 100.0) + "";
            case 4 -> (1 + r.nextInt(9)) + (r.nextBoolean() ? "e" : "E") + (r.nextBoolean() ? "+" : "")
                    + r.nextInt(300);
            case 5 -> (1 + r.nextInt(9)) + "." + r.nextInt(1000) + "e-" + r.nextInt(300);
            case 6 -> "-0.0";
            case 7 -> "0." + Long.toString(Math.abs(r.nextLong())) + Long.toString(Math.abs(r.nextLong()));
            default -> "1" + "0".repeat(19 + r.nextInt(5));
        };
    }

    /** Two valid weights summing to 100, written in varied forms. */
    private static String[] weights(Random r) {
        int thousandths = r.nextInt(100_001);
        BigDecimal a = BigDecimal.valueOf(thousandths, 3);
        BigDecimal b = BigDecimal.valueOf(100).subtract(a);
        return new String[] {form(a, r), form(b, r)};
    }

    private static String form(BigDecimal d, Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> d.toPlainString();
            case 1 -> d.stripTrailingZeros().toPlainString();
            case 2 -> d.stripTrailingZeros().toString().replace("E+", "e");
            default -> d.setScale(3 + r.nextInt(3)).toPlainString();
        };
    }

    /** A percentage-like decimal: valid, or with too many digits, an exponent, or out of range. */
    private static String decimal(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> BigDecimal.valueOf(r.nextInt(100_001), 3).toPlainString();
            case 1 -> r.nextInt(100) + "." + "0".repeat(15 + r.nextInt(10)) + (1 + r.nextInt(9));
            case 2 -> r.nextInt(100) + "." + (1000 + r.nextInt(9000));
            case 3 -> (1 + r.nextInt(9)) + "e" + (r.nextInt(5) - 3);
            case 4 -> (r.nextInt(100) + 1) + "." + r.nextInt(1000) + "E-" + r.nextInt(8);
            default -> (100 + r.nextInt(100)) + "." + r.nextInt(10);
        };
    }

    /** What a refused request must leave unchanged: the flags, their configurations and the audit log. */
    private Map<String, JsonNode> state() {
        Map<String, JsonNode> s = new LinkedHashMap<>();
        for (String path : List.of("/api/v1/flags?limit=200", ENV + "/flags?limit=200", "/api/v1/audit?limit=200",
                ENV)) {
            Resp r = cp.get(path, admin);
            assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(200);
            try {
                JsonNode body = EXACT.readTree(r.body());
                for (JsonNode item : body.path("items")) {
                    if (item instanceof ObjectNode o) {
                        o.remove("lastUsedAt");
                    }
                }
                s.put(path, body);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }
        return s;
    }
}
