package io.guidon.controlplane.ui.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.domain.Experiment;
import io.guidon.controlplane.domain.ExperimentSpec;
import io.guidon.controlplane.domain.Metric;
import io.guidon.controlplane.domain.MetricSpec;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.controlplane.domain.Violation;
import io.guidon.json.Pointer;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The metric and experiment forms read into the admin API's bodies (only the fields of the chosen kind, numbers as
 * numbers, text the API must judge left as typed, the minimum detectable effect from percent to a fraction, weights
 * all or none), each violation of a body put back next to the form field that typed it, and the edit forms of stored
 * metrics and experiments read back by the API into the very spec stored (saving an untouched form changes nothing).
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
        assertThat(form.error("mde")).as("in the form's percent, not the API's fraction").isEqualTo(
                ExperimentForm.MDE_PROBLEM);
        assertThat(form.control()).as("a fresh form's control is 'off' when the flag has it").isEqualTo("off");
        assertThat(form.action()).isEqualTo("/ui/experiments");
    }

    private static final OffsetDateTime T = OffsetDateTime.of(2026, 12, 1, 12, 0, 0, 0, ZoneOffset.UTC);

    @Test
    void aStoredMetricsEditFormReadsBackIntoTheSameSpec() {
        MetricSpec spec = MetricSpec.parse(StoredJson.parse("{\"key\":\"aov\",\"name\":\"Order value\",\"kind\":"
                + "\"ratio\",\"event\":\"purchase\",\"valueSource\":\"value\",\"denominatorEvent\":\"order\","
                + "\"denominatorSource\":\"count\",\"window\":\"P7D\",\"direction\":\"higher_is_better\",\"cap\":"
                + "{\"kind\":\"percentile\",\"value\":0.99}}"), null).spec();
        Metric stored = new Metric(3, spec, 2, T, T);

        MetricForm form = MetricForm.of(stored);

        assertThat(form.editing()).isTrue();
        assertThat(form.window()).isEqualTo("P7D");
        assertThat(form.capValue()).isEqualTo("0.99");
        assertThat(MetricSpec.parse(form.body(), "aov").spec()).isEqualTo(spec);
        MetricRow row = MetricRow.of(stored, T.toInstant());
        assertThat(row.reads()).isEqualTo("\u03a3 values of purchase / \u03a3 count of order");
        assertThat(row.cap()).isEqualTo("at the 99th percentile");
        assertThat(row.direction()).isEqualTo("higher is better");
    }

    @Test
    void aStoredExperimentsEditFormReadsBackIntoTheSameSpecWithTheFlagsOtherVariantsUnticked() {
        ExperimentSpec spec = ExperimentSpec.parse(StoredJson.parse("{\"key\":\"x\",\"name\":\"X\","
                + "\"environment\":\"production\",\"flag\":\"checkout\",\"controlVariant\":\"off\",\"variants\":"
                + "[{\"key\":\"off\",\"weight\":40},{\"key\":\"on\",\"weight\":60}],\"metrics\":{\"primary\":"
                + "\"conversion\",\"guardrails\":[\"latency\"]},\"analysis\":{\"method\":\"bayesian\","
                + "\"alpha\":0.1,\"power\":0.9,\"minimumDetectableEffect\":0.025,\"correction\":\"none\","
                + "\"cuped\":{\"preExposure\":\"P14D\"}}}"), null).spec();
        Experiment stored = new Experiment(9, spec, Experiment.Status.RUNNING, T.minusDays(2), null, 3, "alice", T, T);

        ExperimentForm form = ExperimentForm.of(stored, List.of("beta", "off", "on"));

        assertThat(form.variants()).extracting(ExperimentForm.VariantField::included).containsExactly(false, true,
                true);
        assertThat(form.mde()).isEqualTo("2.5");
        assertThat(form.cuped()).isEqualTo("P14D");
        assertThat(form.action()).isEqualTo("/ui/experiments/9");
        assertThat(ExperimentSpec.parse(form.body(), "x").spec()).isEqualTo(spec);

        ExperimentRow row = ExperimentRow.of(stored, T.toInstant());
        assertThat(row.compares()).isEqualTo("off vs on");
        assertThat(row.when()).isEqualTo("started 2 days ago");
        assertThat(ExperimentPageView.variants(spec)).containsExactly("off (control, weight 40)", "on (weight 60)");
        assertThat(ExperimentPageView.analysis(spec.analysis())).isEqualTo("bayesian, \u03b1 0.1,"
                + " power 0.9, minimum detectable effect 2.5 %, no correction, CUPED over P14D");
        assertThat(ExperimentPageView.actions(Experiment.Status.RUNNING)).containsExactly("stop");
        assertThat(ExperimentPageView.actions(Experiment.Status.DRAFT)).containsExactly("start", "delete");
    }
}
