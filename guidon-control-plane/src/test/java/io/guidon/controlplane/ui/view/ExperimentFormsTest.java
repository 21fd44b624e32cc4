package io.guidon.controlplane.ui.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.domain.StoredJson;
import io.guidon.controlplane.domain.Violation;
import io.guidon.json.Pointer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The metric and experiment forms read into the admin API's bodies (only the fields of the chosen kind, numbers as
 * numbers, text the API must judge left as typed, the minimum detectable effect from percent to a fraction, weights
 * all or none), and each violation of a body put back next to the form field that typed it.
 */
class ExperimentFormsTest {

    @Test
    void aMeanMetricSendsItsValueSourceAndCapButNoDenominator() {
        Map<String, String> f = Map.of("key", " revenue ", "name", "Revenue", "kind", "mean", "event", "purchase",
                "valueSource", "value", "denominatorEvent", "left over", "window", "p7d", "direction",
                "higher_is_better", "capKind", "percentile", "capValue", "0.99");

        MetricForm form = MetricForm.parse(false, f::get);

        assertThat(StoredJson.write(form.body())).isEqualTo("{\"key\":\"revenue\",\"name\":\"Revenue\",\"kind\":"
                + "\"mean\",\"event\":\"purchase\",\"valueSource\":\"value\",\"window\":\"P7D\",\"direction\":"
                + "\"higher_is_better\",\"cap\":{\"kind\":\"percentile\",\"value\":0.99}}");
        assertThat(form.action()).isEqualTo("/ui/metrics");
    }

    @Test
    void aProportionSendsNeitherSourceNorCapAndARatioSendsItsDenominator() {
        Map<String, String> p = Map.of("key", "signup", "name", "Signed up", "kind", "proportion", "event", "signup",
                "valueSource", "value", "direction", "higher_is_better", "capKind", "fixed", "capValue", "5");
        assertThat(StoredJson.write(MetricForm.parse(false, p::get).body())).isEqualTo("{\"key\":\"signup\",\"name\":"
                + "\"Signed up\",\"kind\":\"proportion\",\"event\":\"signup\",\"direction\":\"higher_is_better\"}");

        Map<String, String> r = Map.of("key", "aov", "name", "Order value", "kind", "ratio", "event", "purchase",
                "valueSource", "value", "denominatorEvent", "order", "denominatorSource", "count", "direction",
                "higher_is_better", "capKind", "fixed", "capValue", "ten");
        assertThat(StoredJson.write(MetricForm.parse(true, r::get).body())).isEqualTo("{\"key\":\"aov\",\"name\":"
                + "\"Order value\",\"kind\":\"ratio\",\"event\":\"purchase\",\"valueSource\":\"value\","
                + "\"denominatorEvent\":\"order\",\"denominatorSource\":\"count\",\"direction\":\"higher_is_better\","
                + "\"cap\":{\"kind\":\"fixed\",\"value\":\"ten\"}}");
        assertThat(MetricForm.parse(true, r::get).action()).isEqualTo("/ui/metrics/aov");
    }

    @Test
    void aMetricsViolationsStandAtTheFieldsThatTypedThem() {
        MetricForm form = MetricForm.blank().withViolations(List.of(
                new Violation(Pointer.of("event"), "must be an event name /v1/track accepts"),
                new Violation(Pointer.of("cap").field("value"), "must be above 0"),
                new Violation(Pointer.of("cap"), "only for a mean or a ratio"),
                new Violation(Pointer.of("event"), "second problem"),
                new Violation(Pointer.ROOT, "must be an object")));

        assertThat(form.errors()).containsExactly(
                Map.entry("event", "Must be an event name /v1/track accepts. Second problem."),
                Map.entry("capValue", "Must be above 0."),
                Map.entry("capKind", "Only for a mean or a ratio."),
                Map.entry(MetricForm.GENERAL, "Must be an object."));
        assertThat(form.invalid("event")).isEqualTo("true");
        assertThat(form.invalid("name")).isNull();
        assertThat(form.describedBy("capValue", "cap-hint")).isEqualTo("cap-hint capValue-error");
    }

    @Test
    void theExperimentEditorBecomesTheApisBodyWithTheTickedVariantsAndMetrics() {
        Map<String, String> f = new HashMap<>(Map.of("key", "new-checkout", "name", "New checkout", "hypothesis",
                "Shorter\r\nis better", "environment", "production", "flag", "checkout", "control", "off",
                "primary", "conversion", "method", "bayesian", "sequential", "on"));
        f.putAll(Map.of("alpha", "0.05", "power", "0.9", "mde", "2.5", "correction", "benjamini_hochberg", "cuped",
                "p14d"));
        Map<String, List<String>> all = Map.of("variant", List.of("off", "on"), "secondary", List.of("revenue"),
                "guardrail", List.of("errors", "latency"));

        ExperimentForm form = ExperimentForm.parse(null, f::get, n -> all.getOrDefault(n, List.of()),
                List.of("off", "on", "beta"));

        assertThat(StoredJson.write(form.body())).isEqualTo("{\"key\":\"new-checkout\",\"name\":\"New checkout\","
                + "\"hypothesis\":\"Shorter\\nis better\",\"environment\":\"production\",\"flag\":\"checkout\","
                + "\"controlVariant\":\"off\",\"variants\":[{\"key\":\"off\"},{\"key\":\"on\"}],\"metrics\":{"
                + "\"primary\":\"conversion\",\"secondary\":[\"revenue\"],\"guardrails\":[\"errors\",\"latency\"]},"
                + "\"analysis\":{\"method\":\"bayesian\",\"sequential\":true,\"alpha\":0.05,\"power\":0.9,"
                + "\"minimumDetectableEffect\":0.025,\"correction\":\"benjamini_hochberg\",\"cuped\":{"
                + "\"preExposure\":\"P14D\"}}}");
        assertThat(form.variants()).extracting(ExperimentForm.VariantField::included).containsExactly(true, true,
                false);
        assertThat(form.isGuardrail("latency")).isTrue();
        assertThat(form.isSecondary("latency")).isFalse();
    }

    @Test
    void weightsAreAllOrNoneAndABlankAmongTypedOnesIsSentForTheApiToRefuse() {
        Map<String, String> f = Map.of("weight:off", "", "weight:on", "", "alpha", "x", "power", "0.8", "mde", "",
                "primary", "");
        Map<String, List<String>> all = Map.of("variant", List.of("off", "on"));
        ExperimentForm none = ExperimentForm.parse(null, f::get, n -> all.getOrDefault(n, List.of()),
                List.of("off", "on"));
        assertThat(StoredJson.write(none.body().get("variants"))).isEqualTo("[{\"key\":\"off\"},{\"key\":\"on\"}]");
        assertThat(none.body().at("/analysis/alpha").asText()).as("left as typed").isEqualTo("x");
        assertThat(none.body().get("metrics").has("primary")).as("no primary chosen: left out").isFalse();
        assertThat(none.body().get("analysis").has("minimumDetectableEffect")).isFalse();

        Map<String, String> g = Map.of("weight:off", "90", "weight:on", "", "alpha", "0.05", "power", "0.8");
        ExperimentForm some = ExperimentForm.parse(null, g::get, n -> all.getOrDefault(n, List.of()),
                List.of("off", "on"));
        assertThat(StoredJson.write(some.body().get("variants"))).isEqualTo("[{\"key\":\"off\",\"weight\":90},"
                + "{\"key\":\"on\",\"weight\":\"\"}]");
    }

    @Test
    void anExperimentsViolationsStandAtTheFieldsThatTypedThem() {
        ExperimentForm form = ExperimentForm.fresh("production", "checkout", List.of("on", "off")).withViolations(
                List.of(new Violation(Pointer.of("variants").index(1).field("weight"), "must be above 0"),
                        new Violation(Pointer.of("controlVariant"), "must be one of the variants"),
                        new Violation(Pointer.of("metrics").field("guardrails").index(0), "no metric 'x'"),
                        new Violation(Pointer.of("metrics").field("primary"), "required"),
                        new Violation(Pointer.of("analysis").field("minimumDetectableEffect"), "must be above 0"),
                        new Violation(Pointer.of("analysis").field("cuped").field("preExposure"), "bad"),
                        new Violation(Pointer.of("startAt"), "must be later")));

        assertThat(form.errors()).containsOnlyKeys("variants", "control", "guardrails", "primary", "mde", "cuped",
                ExperimentForm.GENERAL);
        assertThat(form.error("mde")).isEqualTo("Must be above 0.");
        assertThat(form.control()).as("a fresh form's control is 'off' when the flag has it").isEqualTo("off");
        assertThat(form.action()).isEqualTo("/ui/experiments");
    }
}
