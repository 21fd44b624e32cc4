package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Reading an experiment's body: a full one and a minimal one with the analysis' defaults, and every kind of bad
 * input reported at its own JSON Pointer, all at once.
 */
class ExperimentSpecTest {

    private static JsonNode json(String text) {
        return StoredJson.parse(text.replace('\'', '"'));
    }

    private static final String MINIMAL = "{'key': 'x', 'name': 'X', 'environment': 'production', 'flag': 'f',"
            + " 'controlVariant': 'off', 'variants': [{'key': 'off'}, {'key': 'on'}], 'metrics': {'primary': 'm'}}";

    private static Map<String, String> violations(String body) {
        ExperimentSpec.Parsed parsed = ExperimentSpec.parse(json(body), null);
        assertThat(parsed.spec()).as("a body with violations gives no spec").isNull();
        return parsed.violations().stream().collect(Collectors.toMap(v -> v.where().toString(), Violation::message,
                (a, b) -> a + " | " + b));
    }

    /** MINIMAL with {@code field} set to {@code value} (replacing it when MINIMAL has it). */
    private static String with(String field, String value) {
        JsonNode body = json(MINIMAL);
        ((com.fasterxml.jackson.databind.node.ObjectNode) body).set(field, json("{'v': " + value + "}").get("v"));
        return body.toString().replace('"', '\'');
    }

    @Test
    void aMinimalBodyGetsTheDefaultAnalysisAndNoWeights() {
        ExperimentSpec.Parsed p = ExperimentSpec.parse(json(MINIMAL), null);

        assertThat(p.violations()).isEmpty();
        ExperimentSpec s = p.spec();
        assertThat(s.variants()).containsExactly(new ExperimentSpec.Variant("off", null),
                new ExperimentSpec.Variant("on", null));
        assertThat(s.metrics()).isEqualTo(new ExperimentSpec.Metrics("m", List.of(), List.of()));
        assertThat(s.analysis()).isEqualTo(new ExperimentSpec.Analysis(ExperimentSpec.Method.FREQUENTIST, false, 0.05,
                0.8, null, ExperimentSpec.Correction.HOLM, null));
        assertThat(s.hypothesis()).isEmpty();
        assertThat(s.startAt()).isNull();
        assertThat(s.endAt()).isNull();
    }

    @Test
    void aFullBodyIsReadWhole() {
        ExperimentSpec.Parsed p = ExperimentSpec.parse(json("{'key': 'x', 'name': 'X', 'hypothesis': 'h',"
                + " 'environment': 'production', 'flag': 'f', 'controlVariant': 'a', 'variants': [{'key': 'a',"
                + " 'weight': 50}, {'key': 'b', 'weight': 25}, {'key': 'c', 'weight': 25}], 'metrics': {'primary':"
                + " 'm', 'secondary': ['s1', 's2'], 'guardrails': ['g']}, 'analysis': {'method': 'bayesian',"
                + " 'sequential': true, 'alpha': 0.1, 'power': 0.9, 'minimumDetectableEffect': 0.02, 'correction':"
                + " 'benjamini_hochberg', 'cuped': {'preExposure': 'P14D'}}, 'startAt': '2031-01-01T00:00:00Z',"
                + " 'endAt': '2031-02-01T00:00:00.0000009+01:00'}"), null);

        assertThat(p.violations()).isEmpty();
        ExperimentSpec s = p.spec();
        assertThat(s.variants()).extracting(ExperimentSpec.Variant::weight).containsExactly(50.0, 25.0, 25.0);
        assertThat(s.metrics().all()).extracting(Map.Entry::getValue).containsExactly(ExperimentSpec.Role.PRIMARY,
                ExperimentSpec.Role.SECONDARY, ExperimentSpec.Role.SECONDARY, ExperimentSpec.Role.GUARDRAIL);
        assertThat(s.analysis()).isEqualTo(new ExperimentSpec.Analysis(ExperimentSpec.Method.BAYESIAN, true, 0.1, 0.9,
                0.02, ExperimentSpec.Correction.BENJAMINI_HOCHBERG, Duration.ofDays(14)));
        // In UTC, as stored: a body repeating a stored instant in another offset changes nothing.
        assertThat(s.endAt()).isEqualTo(OffsetDateTime.parse("2031-01-31T23:00:00Z"));
    }

    @Test
    void everyMissingRequiredFieldIsReportedAtOnce() {
        assertThat(violations("{}")).containsOnlyKeys("/key", "/name", "/environment", "/flag", "/controlVariant",
                "/variants", "/metrics");
    }

    @Test
    void unknownFieldsAreRefusedAtEveryLevel() {
        Map<String, String> v = violations(MINIMAL.replace("'key': 'x'", "'key': 'x', 'status': 'running'")
                .replace("{'key': 'off'}", "{'key': 'off', 'share': 1}")
                .replace("{'primary': 'm'}", "{'primary': 'm', 'tertiary': []}")
                .replace("}", "}").replaceFirst("'metrics'", "'analysis': {'cuped': {'window': 'P1D'}, 'x': 1},"
                        + " 'metrics'"));

        assertThat(v).containsOnlyKeys("/status", "/variants/0/share", "/metrics/tertiary", "/analysis/x",
                "/analysis/cuped/window", "/analysis/cuped/preExposure");
        assertThat(v.get("/status")).startsWith("unknown field (allowed: analysis, controlVariant, endAt,");
    }

    @Test
    void variantsAreTwoToTwentyDistinctWithTheControlAmongThem() {
        assertThat(violations(with("variants", "[{'key': 'off'}]")).get("/variants"))
                .isEqualTo("must be a list of 2 to 20 variants, not a list of 1");
        assertThat(violations(with("variants", "'off,on'")).get("/variants")).endsWith("not 'off,on'");
        assertThat(violations(with("variants", "[{'key': 'off'}, {'key': 'off'}]")).get("/variants/1/key"))
                .isEqualTo("'off' is listed twice: each variant once");
        assertThat(violations(with("variants", "[{'key': 'off'}, {'key': 'on'}, 'x']")))
                .containsOnlyKeys("/variants/2");
        // An unreadable variant is the one problem: the control is not judged against a half-read list.
        assertThat(violations(with("variants", "[{'key': 'a'}, {'key': 'b c'}]")))
                .containsOnlyKeys("/variants/1/key");
        assertThat(violations(with("controlVariant", "'c'")).get("/controlVariant"))
                .isEqualTo("must be one of the variants compared (off, on), not 'c'");
    }

    @Test
    void weightsArePositiveNumbersGivenForAllOrNone() {
        assertThat(violations(with("variants", "[{'key': 'off', 'weight': 1}, {'key': 'on'}]")).get("/variants"))
                .contains("1 of 2 have one");
        Map<String, String> v = violations(with("variants", "[{'key': 'off', 'weight': 0},"
                + " {'key': 'on', 'weight': '50'}]"));
        assertThat(v).containsOnlyKeys("/variants/0/weight", "/variants/1/weight");
        assertThat(v.get("/variants/0/weight")).contains("above 0");
    }

    @Test
    void metricsNeedAPrimaryAndNoMetricTwice() {
        assertThat(violations(with("metrics", "{'secondary': ['a']}"))).containsOnlyKeys("/metrics/primary");
        Map<String, String> twice = violations(with("metrics", "{'primary': 'm', 'secondary': ['a', 'm'],"
                + " 'guardrails': ['a']}"));
        assertThat(twice).containsOnlyKeys("/metrics/secondary/1", "/metrics/guardrails/0");
        assertThat(twice.get("/metrics/secondary/1")).isEqualTo("metric 'm' is already at metrics.primary: each"
                + " metric once");
        assertThat(violations(with("metrics", "{'primary': 'm', 'secondary': 'a'}")))
                .containsOnlyKeys("/metrics/secondary");
        assertThat(violations(with("metrics", "['m']")).get("/metrics")).startsWith("must be an object");
    }

    @Test
    void listsBeyondTheirBoundsAreRefusedSayingTheirSize() {
        StringBuilder many = new StringBuilder("[");
        StringBuilder keys = new StringBuilder("[");
        for (int i = 0; i < 21; i++) {
            many.append(i == 0 ? "" : ",").append("{'key': 'v").append(i).append("'}");
            keys.append(i == 0 ? "" : ",").append("'s").append(i).append("'");
        }
        assertThat(violations(with("variants", many + "]")).get("/variants"))
                .isEqualTo("must be a list of 2 to 20 variants, not a list of 21");
        assertThat(violations(with("metrics", "{'primary': 'm', 'guardrails': " + keys + "]}"))
                .get("/metrics/guardrails")).isEqualTo("must be a list of at most 20 metric keys, not a list of 21");
    }

    @Test
    void theAnalysisBoundsAreCheckedEachAtItsPointer() {
        Map<String, String> v = violations(with("analysis", "{'method': 'bootstrap', 'sequential': 'yes',"
                + " 'alpha': 0.5, 'power': 1, 'minimumDetectableEffect': 0, 'correction': 'bonferroni',"
                + " 'cuped': {'preExposure': 'two weeks'}}"));

        assertThat(v).containsOnlyKeys("/analysis/method", "/analysis/sequential", "/analysis/alpha",
                "/analysis/power", "/analysis/minimumDetectableEffect", "/analysis/correction",
                "/analysis/cuped/preExposure");
        assertThat(v.get("/analysis/alpha")).contains("above 0.000001 and below 0.5").endsWith("not 0.5");
        assertThat(v.get("/analysis/power")).contains("above 0 and below 1");
        assertThat(v.get("/analysis/correction")).contains("none, holm or benjamini_hochberg");
    }

    @Test
    void anAlphaOrAnEffectTooSmallOrTooLargeToComputeIsRefused() {
        // Once accepted, each made the results a 500: a Bayesian credible mass 1 − 1e-300 = 1.0, a sequential
        // mixing variance 1e-300² = 0 or 1e300² = ∞.
        Map<String, String> v = violations(with("analysis", "{'alpha': 1e-300, 'minimumDetectableEffect': 1e-300}"));
        assertThat(v.get("/analysis/alpha")).contains("above 0.000001 and below 0.5");
        assertThat(v.get("/analysis/minimumDetectableEffect")).contains("above 0.000001 and below 1000");
        assertThat(violations(with("analysis", "{'minimumDetectableEffect': 1e300}")))
                .containsOnlyKeys("/analysis/minimumDetectableEffect");
        assertThat(ExperimentSpec.parse(json(with("analysis", "{'alpha': 0.0000011, 'minimumDetectableEffect':"
                + " 999}")), null).violations()).isEmpty();
    }

    @Test
    void instantsAreIsoWithAnOffsetAndTheEndFollowsTheStart() {
        assertThat(violations(with("startAt", "'tomorrow'")).get("/startAt")).contains("ISO-8601 instant");
        assertThat(violations(with("startAt", "'2031-01-01T00:00:00'"))).containsOnlyKeys("/startAt");
        String both = MINIMAL.replace("{'key': 'x'", "{'startAt': '2031-01-02T00:00:00Z', 'endAt':"
                + " '2031-01-01T00:00:00Z', 'key': 'x'");
        assertThat(violations(both).get("/endAt")).startsWith("must be after startAt");
    }

    @Test
    void aPutMayLeaveTheKeyOutButNotChangeIt() {
        String noKey = MINIMAL.replace("'key': 'x', ", "");
        assertThat(ExperimentSpec.parse(json(noKey), "x").spec().key()).isEqualTo("x");
        ExperimentSpec.Parsed other = ExperimentSpec.parse(json(MINIMAL), "y");
        assertThat(other.spec()).isNull();
        assertThat(other.violations()).extracting(v -> v.where().toString()).containsExactly("/key");
    }

    @Test
    void storedVariantsReadBackAsTheyWereWritten() {
        List<ExperimentSpec.Variant> variants = List.of(new ExperimentSpec.Variant("off", 33.3),
                new ExperimentSpec.Variant("on", 66.7));

        assertThat(ExperimentSpec.storedVariants(ExperimentSpec.variantsJson(variants))).isEqualTo(variants);
    }
}
