package io.guidon.controlplane.ui.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.domain.AnalysisPlan;
import io.guidon.controlplane.domain.AnalysisSums;
import io.guidon.controlplane.domain.ExperimentSnapshot;
import io.guidon.controlplane.service.ExperimentAnalysis;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The results half of an experiment's page, from results assembled as the API assembles them: every number on it
 * is one of the results' (written by {@link Figures}), the control's row has no comparison, each treatment's bar is
 * drawn on its table's shared scale with the tone of its interval, the verdict and the sample-ratio check read as
 * the results say, the progress towards the sample size is capped at 100 %, and the chart over days has a point per
 * day.
 */
class ExperimentResultsViewTest {

    private static final OffsetDateTime START = OffsetDateTime.of(2026, 11, 20, 0, 0, 0, 0, ZoneOffset.UTC);

    private static AnalysisPlan plan(Double mde) {
        List<AnalysisPlan.Metric> metrics = List.of(
                new AnalysisPlan.Metric(1, "conversion", "Checkout conversion", AnalysisPlan.Role.PRIMARY,
                        AnalysisPlan.Kind.PROPORTION, "purchase", false, null, false, null, true, null, null, 1),
                new AnalysisPlan.Metric(2, "latency", "Page latency", AnalysisPlan.Role.GUARDRAIL,
                        AnalysisPlan.Kind.MEAN, "latency", true, null, false, null, false, null, null, 1));
        return new AnalysisPlan(7, 1, "new-checkout", "New checkout", 1, 1, "production", "checkout", "off",
                List.of(new AnalysisPlan.Arm("off", 50), new AnalysisPlan.Arm("on", 50)), false, false, 0.05, 0.8,
                mde, "holm", null, "running", START, null, metrics);
    }

    private static ExperimentSnapshot snapshot(AnalysisPlan plan, LocalDate day, long offUsers, long onUsers,
            long offConverted, long onConverted) {
        Map<String, Map<String, AnalysisSums.Sums>> m = new LinkedHashMap<>();
        m.put("conversion", Map.of(
                "off", new AnalysisSums.Sums(offUsers, offConverted, offConverted, offConverted, 0, 0, 0, 0, 0, 0,
                        null),
                "on", new AnalysisSums.Sums(onUsers, onConverted, onConverted, onConverted, 0, 0, 0, 0, 0, 0, null)));
        // Latency: the same mean (200 ms) and spread in both arms.
        m.put("latency", Map.of(
                "off", new AnalysisSums.Sums(offUsers, offUsers, 200.0 * offUsers, 41_000.0 * offUsers, 0, 0, 0, 0, 0,
                        0, null),
                "on", new AnalysisSums.Sums(onUsers, onUsers, 200.0 * onUsers, 41_000.0 * onUsers, 0, 0, 0, 0, 0, 0,
                        null)));
        Map<String, Long> users = new LinkedHashMap<>();
        users.put("off", offUsers);
        users.put("on", onUsers);
        OffsetDateTime asOf = day == null ? START.plusDays(3) : day.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        return new ExperimentSnapshot(day, asOf, asOf, 1, 12, new AnalysisSums(users, 3, m,
                plan.definitionVersion()));
    }

    @Test
    void everyNumberIsTheResultsOwnAndTheBarsShareTheirTablesScale() {
        AnalysisPlan plan = plan(0.5);
        ExperimentAnalysis.Results r = ExperimentAnalysis.assemble(plan, snapshot(plan, null, 10_000, 10_000, 1_000,
                1_300), new ExperimentAnalysis.Looks());

        ExperimentResultsView view = ExperimentResultsView.of(r, List.of());

        ExperimentResultsView.MetricTable conversion = view.tables().get(0);
        assertThat(conversion.key()).isEqualTo("conversion");
        assertThat(conversion.role()).isEqualTo("primary");
        ExperimentResultsView.ArmRow off = conversion.rows().get(0);
        ExperimentResultsView.ArmRow on = conversion.rows().get(1);
        assertThat(off.control()).isTrue();
        assertThat(off.bar()).isNull();
        assertThat(off.value()).isEqualTo("1,000 (10.00 %)");
        assertThat(on.users()).isEqualTo("10,000");
        assertThat(on.value()).isEqualTo("1,300 (13.00 %)");
        ExperimentAnalysis.Comparison c = r.metrics().get(0).arms().get(1).comparison();
        assertThat(on.lift()).isEqualTo(Figures.lift(c.relative().estimate().value())).isEqualTo("+30.00 %");
        assertThat(on.interval()).isEqualTo(Figures.lift(c.relative().interval().lower()) + " to "
                + Figures.lift(c.relative().interval().upper()));
        assertThat(on.evidence()).startsWith(Figures.p(c.pValue()));
        assertThat(on.outcome()).isEqualTo("better");
        assertThat(on.bar().tone()).isEqualTo("better");
        assertThat(on.bar().x1()).as("the whole interval right of 0").isGreaterThan(on.bar().zeroX());
        assertThat(conversion.axis().high()).as("0 to the highest end, plus 5 %").isEqualTo(Figures.lift(
                c.relative().interval().upper() * 1.05));
        assertThat(conversion.axis().low()).as("too close to 0 to be written").isNull();

        ExperimentResultsView.ArmRow latency = view.tables().get(1).rows().get(1);
        assertThat(latency.value()).isEqualTo("200");
        assertThat(latency.outcome()).isEqualTo("none");
        assertThat(view.tables().get(1).direction()).isEqualTo("lower is better");

        assertThat(view.verdict().decision()).isEqualTo("ship");
        assertThat(view.verdict().headline()).isEqualTo("Ship on");
        assertThat(view.verdict().reason()).as("the results' own words, never capitalized: they may start with a key")
                .isEqualTo(r.verdict().reason() + ".").startsWith("on ");
        assertThat(view.srm().mismatch()).isFalse();
        assertThat(view.srm().rows()).extracting(ExperimentResultsView.SplitRow::observed).containsExactly(
                "50.00 %", "50.00 %");
        assertThat(view.progress().known()).isTrue();
        assertThat(view.progress().needed()).isEqualTo(Figures.count((long) Math.ceil(r.progress().neededPerArm())));
        assertThat(view.progress().percent()).as("more users than needed: 100 %, not more").isEqualTo(100);
        assertThat(view.correction()).isEqualTo(r.correction());
        assertThat(ExperimentFormView.sampleSize(r.progress(), 0.5)).as("the editor's words for the same progress")
                .isEqualTo("With the control's baseline so far, a minimum detectable effect of 50 % needs "
                        + view.progress().needed() + " users per arm; the smallest arm has 10,000 (100 %).");
        assertThat(ExperimentFormView.sampleSize(new ExperimentAnalysis.Progress(null, 3, null), 0.5)).isNull();
    }

    @Test
    void aSplitFarFromThePlanIsAMismatchThatBlocksTheVerdict() {
        AnalysisPlan plan = plan(null);
        ExperimentAnalysis.Results r = ExperimentAnalysis.assemble(plan, snapshot(plan, null, 10_000, 11_000, 1_000,
                1_300), new ExperimentAnalysis.Looks());

        ExperimentResultsView view = ExperimentResultsView.of(r, List.of());

        assertThat(view.srm().mismatch()).isTrue();
        assertThat(view.srm().pValue()).isEqualTo(Figures.pValue(r.srm().pValue())).isEqualTo("< 0.001");
        assertThat(view.srm().rows().get(1).users()).isEqualTo("11,000");
        assertThat(view.srm().rows().get(1).planned()).isEqualTo("50.00 %");
        assertThat(view.verdict().decision()).isEqualTo("blocked_by_srm");
        assertThat(view.verdict().headline()).startsWith("Blocked");
        assertThat(view.progress().known()).as("no minimum detectable effect: no sample size").isFalse();
        assertThat(view.progress().smallestArm()).isEqualTo("10,000");
    }

    @Test
    void theChartHasAPointPerDayOfTheCumulativeResults() {
        AnalysisPlan plan = plan(null);
        ExperimentAnalysis.Looks looks = new ExperimentAnalysis.Looks();
        List<ExperimentAnalysis.Results> daily = List.of(
                ExperimentAnalysis.assemble(plan, snapshot(plan, LocalDate.of(2026, 11, 20), 1, 1, 0, 0), looks),
                ExperimentAnalysis.assemble(plan, snapshot(plan, LocalDate.of(2026, 11, 21), 3_000, 3_000, 300, 360),
                        looks),
                ExperimentAnalysis.assemble(plan, snapshot(plan, LocalDate.of(2026, 11, 22), 6_000, 6_000, 600, 690),
                        looks));
        ExperimentAnalysis.Results now = ExperimentAnalysis.assemble(plan, snapshot(plan, null, 7_000, 7_000, 700,
                800), looks);

        CumulativeChart chart = ExperimentResultsView.of(now, daily).tables().get(0).chart();

        assertThat(chart.firstDay()).isEqualTo("2026-11-20");
        assertThat(chart.lastDay()).isEqualTo("2026-11-22");
        assertThat(chart.lines()).extracting(CumulativeChart.Line::name).containsExactly("on");
        assertThat(chart.lines().get(0).line().split(" ")).as("the first day, with one user per arm, has no"
                + " estimate").hasSize(2);
        assertThat(chart.lines().get(0).last()).isEqualTo(Figures.lift(daily.get(2).metrics().get(0).arms().get(1)
                .comparison().relative().estimate().value()));
        assertThat(ExperimentResultsView.of(now, List.of()).tables().get(0).chart()).as("no completed day yet")
                .isNull();
    }

    @Test
    void figuresAreWrittenOneWayForThePageAndTheTests() {
        assertThat(Figures.count(1234567)).isEqualTo("1,234,567");
        assertThat(Figures.percent(0.12345)).isEqualTo("12.35 %");
        assertThat(Figures.lift(-0.0123)).isEqualTo("\u22121.23 %");
        assertThat(Figures.lift(Double.POSITIVE_INFINITY)).isEqualTo("+\u221e");
        assertThat(Figures.pValue(0.0004)).isEqualTo("< 0.001");
        assertThat(Figures.pValue(0.04567)).isEqualTo("0.046");
        assertThat(Figures.pValue(Double.NaN)).isEqualTo("n/a");
        assertThat(Figures.p(0.0004)).isEqualTo("p < 0.001");
        assertThat(Figures.p(0.04567)).isEqualTo("p = 0.046");
        assertThat(Figures.number(12.34567)).isEqualTo("12.35");
        assertThat(Figures.number(200.0)).isEqualTo("200");
        assertThat(Figures.duration(java.time.Duration.ofDays(7))).isEqualTo("P7D");
        assertThat(Figures.duration(java.time.Duration.ofMinutes(90))).isEqualTo("PT1H30M");
    }
}
