package io.guidon.controlplane.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.guidon.controlplane.domain.AnalysisPlan;
import io.guidon.controlplane.domain.AnalysisSums;
import io.guidon.controlplane.domain.ExperimentSpec;
import io.guidon.controlplane.domain.ExperimentSnapshot;
import io.guidon.stats.Cuped;
import io.guidon.stats.Covariate;
import io.guidon.stats.Sample;
import io.guidon.stats.SampleSize;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ExperimentAnalysis}: from sums to results, each number checked by hand or against guidon-stats directly. */
class ExperimentAnalysisTest {

    private static final OffsetDateTime START = OffsetDateTime.parse("2026-03-01T00:00:00Z");

    private static AnalysisPlan.Metric metric(String key, AnalysisPlan.Role role, AnalysisPlan.Kind kind,
            boolean higherIsBetter) {
        return new AnalysisPlan.Metric(key.hashCode(), key, key, role, kind, key, false,
                kind == AnalysisPlan.Kind.RATIO ? "visit" : null, false, null, higherIsBetter, null, null, 1);
    }

    private static AnalysisPlan plan(boolean bayesian, boolean sequential, String correction, Long cuped, Double mde,
            AnalysisPlan.Metric... metrics) {
        return new AnalysisPlan(1, 1, "exp", "Exp", 1, 1, "production", "flag", "off",
                List.of(new AnalysisPlan.Arm("off", 50), new AnalysisPlan.Arm("on", 50)), bayesian, sequential, 0.05,
                0.8, mde, correction, cuped, "running", START, null, List.of(metrics));
    }

    private static AnalysisSums.Sums proportion(long n, long converters) {
        return new AnalysisSums.Sums(n, converters, converters, converters, 0, 0, 0, 0, 0, 0, null);
    }

    /** A snapshot of {@code plan} with per metric key the control's and the treatment's sums. */
    private static ExperimentSnapshot snapshot(AnalysisPlan plan, long offUsers, long onUsers,
            Map<String, AnalysisSums.Sums[]> perMetric) {
        Map<String, Map<String, AnalysisSums.Sums>> metrics = new LinkedHashMap<>();
        perMetric.forEach((k, v) -> metrics.put(k, Map.of("off", v[0], "on", v[1])));
        AnalysisSums sums = new AnalysisSums(Map.of("off", offUsers, "on", onUsers), 3, metrics,
                plan.definitionVersion());
        return new ExperimentSnapshot(null, START.plusDays(7), START.plusDays(7), 1, 10, sums);
    }

    private static ExperimentAnalysis.Comparison treatment(ExperimentAnalysis.Results r, int metric) {
        return r.metrics().get(metric).arms().get(1).comparison();
    }

    @Test
    void aProportionsLiftIntervalAndPValueAreTheWaldOnesComputedByHand() {
        AnalysisPlan plan = plan(false, false, "none", null, null,
                metric("buy", AnalysisPlan.Role.PRIMARY, AnalysisPlan.Kind.PROPORTION, true));
        ExperimentAnalysis.Results r = ExperimentAnalysis.assemble(plan, snapshot(plan, 1000, 1000,
                Map.of("buy", new AnalysisSums.Sums[] {proportion(1000, 100), proportion(1000, 130)})),
                new ExperimentAnalysis.Looks());

        ExperimentAnalysis.ArmResult control = r.metrics().get(0).arms().get(0);
        assertThat(control.comparison()).isNull();
        assertThat(control.value()).isEqualTo(0.1);
        assertThat(control.conversions()).isEqualTo(100);
        ExperimentAnalysis.Comparison c = treatment(r, 0);
        // Δ = 0.03, se = sqrt(0.1·0.9/1000 + 0.13·0.87/1000) = 0.0142513, z = 2.10507, p = 2(1 − Φ(z)) = 0.0352853.
        assertThat(c.absolute().estimate().value()).isCloseTo(0.03, within(1e-12));
        assertThat(c.absolute().estimate().standardError()).isCloseTo(0.0142513157, within(1e-9));
        assertThat(c.absolute().pValue()).isCloseTo(0.0352853203, within(1e-8));
        // The lift L = 0.13/0.1 − 1 = 0.3 by the delta method: Var = v_T/C² + T²·v_C/C⁴ = 0.01131 + 0.01521,
        // se = 0.162850, z = 1.84219, p = 0.0654473: the relative lift, which decides, is not significant at 5 %.
        assertThat(c.relative().estimate().value()).isCloseTo(0.3, within(1e-12));
        assertThat(c.relative().estimate().standardError()).isCloseTo(0.1628496, within(1e-6));
        assertThat(c.pValue()).isCloseTo(0.0654473, within(1e-6));
        assertThat(c.adjustedPValue()).isEqualTo(c.pValue());
        assertThat(c.outcome()).isEqualTo("none");
        assertThat(r.srm().mismatch()).isFalse();
        assertThat(r.verdict().decision()).isEqualTo("inconclusive");
    }

    @Test
    void aTreatmentSignificantlyBetterOnThePrimaryMetricIsShipped() {
        AnalysisPlan plan = plan(false, false, "none", null, null,
                metric("buy", AnalysisPlan.Role.PRIMARY, AnalysisPlan.Kind.PROPORTION, true));
        ExperimentAnalysis.Results r = ExperimentAnalysis.assemble(plan, snapshot(plan, 1000, 1000,
                Map.of("buy", new AnalysisSums.Sums[] {proportion(1000, 100), proportion(1000, 150)})),
                new ExperimentAnalysis.Looks());

        // L = 0.5, Var = 0.01275 + 0.02025 = 0.033, z = 2.7524, p = 0.0059.
        assertThat(treatment(r, 0).pValue()).isCloseTo(0.005915, within(1e-5));
        assertThat(treatment(r, 0).outcome()).isEqualTo("better");
        assertThat(r.verdict().decision()).isEqualTo("ship");
        assertThat(r.verdict().variant()).isEqualTo("on");
    }

    @Test
    void aSampleRatioMismatchBlocksShippingEvenAClearWinner() {
        AnalysisPlan plan = plan(false, false, "none", null, null,
                metric("buy", AnalysisPlan.Role.PRIMARY, AnalysisPlan.Kind.PROPORTION, true));
        // 1000 against 1300 for a 50/50 plan: χ² = 2 · 150²/1150 = 39.1, p ≈ 4e-10.
        ExperimentAnalysis.Results r = ExperimentAnalysis.assemble(plan, snapshot(plan, 1000, 1300,
                Map.of("buy", new AnalysisSums.Sums[] {proportion(1000, 100), proportion(1300, 300)})),
                new ExperimentAnalysis.Looks());

        assertThat(r.srm().chi2()).isCloseTo(2 * 150.0 * 150 / 1150, within(1e-9));
        assertThat(r.srm().mismatch()).isTrue();
        assertThat(treatment(r, 0).outcome()).isEqualTo("better");
        assertThat(r.verdict().decision()).isEqualTo("blocked_by_srm");
        assertThat(r.verdict().variant()).isNull();
    }

    @Test
    void aDegradedGuardrailKeepsTheControlThoughThePrimaryMetricWins() {
        AnalysisPlan plan = plan(false, false, "none", null, null,
                metric("buy", AnalysisPlan.Role.PRIMARY, AnalysisPlan.Kind.PROPORTION, true),
                metric("errors", AnalysisPlan.Role.GUARDRAIL, AnalysisPlan.Kind.PROPORTION, false));
        ExperimentAnalysis.Results r = ExperimentAnalysis.assemble(plan, snapshot(plan, 1000, 1000, Map.of(
                "buy", new AnalysisSums.Sums[] {proportion(1000, 100), proportion(1000, 150)},
                "errors", new AnalysisSums.Sums[] {proportion(1000, 20), proportion(1000, 60)})),
                new ExperimentAnalysis.Looks());

        assertThat(treatment(r, 0).outcome()).isEqualTo("better");
        assertThat(treatment(r, 1).outcome()).isEqualTo("worse");
        assertThat(r.verdict().decision()).isEqualTo("keep_control");
        assertThat(r.verdict().reason()).contains("on degrades errors");
    }

    @Test
    void noDifferenceIsInconclusive() {
        AnalysisPlan plan = plan(false, false, "none", null, null,
                metric("buy", AnalysisPlan.Role.PRIMARY, AnalysisPlan.Kind.PROPORTION, true));
        ExperimentAnalysis.Results r = ExperimentAnalysis.assemble(plan, snapshot(plan, 1000, 1000,
                Map.of("buy", new AnalysisSums.Sums[] {proportion(1000, 100), proportion(1000, 102)})),
                new ExperimentAnalysis.Looks());

        assertThat(treatment(r, 0).outcome()).isEqualTo("none");
        assertThat(r.verdict().decision()).isEqualTo("inconclusive");
    }

    @Test
    void holmAdjustsThePrimaryAndSecondaryPValuesButNotTheGuardrailsAndSaysSo() {
        AnalysisPlan plan = plan(false, false, "holm", null, null,
                metric("buy", AnalysisPlan.Role.PRIMARY, AnalysisPlan.Kind.PROPORTION, true),
                metric("signup", AnalysisPlan.Role.SECONDARY, AnalysisPlan.Kind.PROPORTION, true),
                metric("errors", AnalysisPlan.Role.GUARDRAIL, AnalysisPlan.Kind.PROPORTION, false));
        ExperimentAnalysis.Results r = ExperimentAnalysis.assemble(plan, snapshot(plan, 1000, 1000, Map.of(
                "buy", new AnalysisSums.Sums[] {proportion(1000, 100), proportion(1000, 130)},
                "signup", new AnalysisSums.Sums[] {proportion(1000, 200), proportion(1000, 210)},
                "errors", new AnalysisSums.Sums[] {proportion(1000, 20), proportion(1000, 22)})),
                new ExperimentAnalysis.Looks());

        double p1 = treatment(r, 0).pValue();
        double p2 = treatment(r, 1).pValue();
        // Holm over two: the smaller is doubled, the larger kept (each at least the one before).
        assertThat(treatment(r, 0).adjustedPValue()).isCloseTo(Math.min(1, 2 * Math.min(p1, p2)), within(1e-12));
        assertThat(treatment(r, 1).adjustedPValue()).isCloseTo(Math.max(Math.min(1, 2 * p1), p2), within(1e-12));
        assertThat(treatment(r, 2).adjustedPValue()).isEqualTo(treatment(r, 2).pValue());
        assertThat(r.correction()).startsWith("Holm").contains("over 2 comparisons");
        // The primary's interval is widened to 97.5 % (Bonferroni over two).
        assertThat(1 - treatment(r, 0).relative().alpha()).isCloseTo(0.975, within(1e-12));
    }

    @Test
    void aBayesianExperimentGivesTheChanceToBeatControlAndNoPValues() {
        AnalysisPlan plan = plan(true, false, "holm", null, null,
                metric("buy", AnalysisPlan.Role.PRIMARY, AnalysisPlan.Kind.PROPORTION, true));
        ExperimentAnalysis.Results r = ExperimentAnalysis.assemble(plan, snapshot(plan, 1000, 1000,
                Map.of("buy", new AnalysisSums.Sums[] {proportion(1000, 100), proportion(1000, 150)})),
                new ExperimentAnalysis.Looks());

        ExperimentAnalysis.Comparison c = treatment(r, 0);
        assertThat(c.pValue()).isNaN();
        assertThat(c.posterior().chanceToBeatControl()).isGreaterThan(0.99);
        assertThat(c.posterior().riskOfTreatment()).isLessThan(c.posterior().riskOfControl());
        assertThat(c.relative().interval().lower()).isGreaterThan(0);
        assertThat(c.outcome()).isEqualTo("better");
        assertThat(r.method()).contains("N(0, 0.3\u00b2)");
        assertThat(r.correction()).startsWith("none: Bayesian");
        assertThat(r.verdict().decision()).isEqualTo("ship");
    }

    @Test
    void theAnalysisComputesAtTheBoundsOfAlphaAndTheEffect() {
        AnalysisPlan.Metric buy = metric("buy", AnalysisPlan.Role.PRIMARY, AnalysisPlan.Kind.PROPORTION, true);
        for (boolean bayesian : new boolean[] {false, true}) {
            for (double mde : new double[] {ExperimentSpec.MIN_EFFECT * 1.1, ExperimentSpec.MAX_EFFECT * 0.99}) {
                AnalysisPlan plan = new AnalysisPlan(1, 1, "exp", "Exp", 1, 1, "production", "flag", "off",
                        List.of(new AnalysisPlan.Arm("off", 50), new AnalysisPlan.Arm("on", 50)), bayesian, true,
                        ExperimentSpec.MIN_ALPHA * 1.1, 0.8, mde, "holm", null, "running", START, null,
                        List.of(buy));
                ExperimentAnalysis.Results r = ExperimentAnalysis.assemble(plan, snapshot(plan, 1000, 1000,
                        Map.of("buy", new AnalysisSums.Sums[] {proportion(1000, 100), proportion(1000, 130)})),
                        new ExperimentAnalysis.Looks());

                ExperimentAnalysis.Comparison c = treatment(r, 0);
                assertThat(c.relative().interval().lower()).as("bayesian %s, mde %s", bayesian, mde)
                        .isLessThan(c.relative().interval().upper());
                assertThat(c.outcome()).isIn("better", "worse", "none");
            }
        }
    }

    @Test
    void weightsWhoseSumOverflowsADoubleArePlannedSharesAsAnyOther() {
        // Weights are of any scale, so the API stores 1.7e308 and 1.7e308; their sum as a double is infinite, which
        // made every planned share 0 and the results a 500 (Hipparchus refused the expected counts of 0).
        AnalysisPlan plan = new AnalysisPlan(1, 1, "exp", "Exp", 1, 1, "production", "flag", "off",
                List.of(new AnalysisPlan.Arm("off", 1.7e308), new AnalysisPlan.Arm("on", 1.7e308)), false, false,
                0.05, 0.8, null, "none", null, "running", START, null,
                List.of(metric("buy", AnalysisPlan.Role.PRIMARY, AnalysisPlan.Kind.PROPORTION, true)));
        ExperimentAnalysis.Results r = ExperimentAnalysis.assemble(plan, snapshot(plan, 155, 145,
                Map.of("buy", new AnalysisSums.Sums[] {proportion(155, 30), proportion(145, 35)})),
                new ExperimentAnalysis.Looks());

        assertThat(r.srm().expectedShare()).containsEntry("off", 0.5).containsEntry("on", 0.5);
        // scipy 1.17.1: stats.chisquare([155, 145]) -> 0.3333333333333333, p 0.5637028616507731.
        assertThat(r.srm().chi2()).isCloseTo(0.3333333333333333, within(1e-12));
        assertThat(r.srm().pValue()).isCloseTo(0.5637028616507731, within(1e-12));
        assertThat(r.srm().mismatch()).isFalse();
    }

    @Test
    void aBayesianLiftIsThePosteriorMeanItsCredibleIntervalIsCentredOn() {
        AnalysisPlan plan = plan(true, false, "holm", null, null,
                metric("buy", AnalysisPlan.Role.PRIMARY, AnalysisPlan.Kind.PROPORTION, true));
        ExperimentAnalysis.Results r = ExperimentAnalysis.assemble(plan, snapshot(plan, 100, 100,
                Map.of("buy", new AnalysisSums.Sums[] {proportion(100, 10), proportion(100, 20)})),
                new ExperimentAnalysis.Looks());

        ExperimentAnalysis.Comparison c = treatment(r, 0);
        // Observed lift L = 0.2/0.1 − 1 = 1 with the delta-method variance v = 0.0016/0.01 + 0.04·0.0009/0.0001 = 0.52.
        // Under the prior N(0, 0.3²): mean = L·0.09/(0.09 + v) = 0.147541, variance = 0.09·v/(0.09 + v) = 0.0767213
        // (Gelman et al. §2.5). The raw 1.0 lies above the 95 % credible interval (0.147541 ± 1.959964·0.276986 =
        // −0.395342 to 0.690424), so answering it as the lift beside that interval contradicted the interval.
        assertThat(c.relative().estimate().value()).isCloseTo(0.147541, within(1e-6));
        assertThat(c.relative().estimate().standardError()).isCloseTo(0.276986, within(1e-6));
        assertThat(c.relative().interval().lower()).isCloseTo(-0.395342, within(1e-6));
        assertThat(c.relative().interval().upper()).isCloseTo(0.690424, within(1e-6));
        assertThat(c.relative().estimate().value()).isEqualTo(c.posterior().mean());
        // The absolute difference stays the observed one, for scale.
        assertThat(c.absolute().estimate().value()).isCloseTo(0.1, within(1e-12));
    }

    @Test
    void cupedAdjustsAMeanWithThePreExposureSumsAsGuidonStatsDoes() {
        AnalysisPlan plan = plan(false, false, "none", 86_400L, null,
                metric("revenue", AnalysisPlan.Role.PRIMARY, AnalysisPlan.Kind.MEAN, true));
        // Per user: x = pre + effect + noise; four users per arm.
        double[][] off = {{10, 9}, {20, 21}, {30, 28}, {40, 42}};
        double[][] on = {{12, 9}, {23, 20}, {33, 30}, {41, 38}};
        AnalysisSums.Sums c = sums(off);
        AnalysisSums.Sums t = sums(on);
        ExperimentAnalysis.Results r = ExperimentAnalysis.assemble(plan, snapshot(plan, 4, 4,
                Map.of("revenue", new AnalysisSums.Sums[] {c, t})), new ExperimentAnalysis.Looks());

        Cuped.Adjustment expected = Cuped.adjust(new Sample(4, c.sumX(), c.sumX2()),
                new Covariate(c.sumPre(), c.sumPre2(), c.sumXPre()), new Sample(4, t.sumX(), t.sumX2()),
                new Covariate(t.sumPre(), t.sumPre2(), t.sumXPre()));
        ExperimentAnalysis.Comparison cmp = treatment(r, 0);
        assertThat(cmp.absolute().estimate()).isEqualTo(expected.absolute());
        assertThat(cmp.relative().estimate()).isEqualTo(expected.relative());
        assertThat(cmp.varianceReduction()).isGreaterThan(0.9);
        assertThat(r.method()).contains("CUPED");
    }

    private static AnalysisSums.Sums sums(double[][] xPre) {
        double sx = 0;
        double sxx = 0;
        double sp = 0;
        double spp = 0;
        double sxp = 0;
        for (double[] u : xPre) {
            sx += u[0];
            sxx += u[0] * u[0];
            sp += u[1];
            spp += u[1] * u[1];
            sxp += u[0] * u[1];
        }
        return new AnalysisSums.Sums(xPre.length, xPre.length, sx, sxx, 0, 0, 0, sp, spp, sxp, null);
    }

    @Test
    void aSequentialAnswerRunsOverTheLooks() {
        AnalysisPlan plan = plan(false, true, "none", null, 0.1,
                metric("buy", AnalysisPlan.Role.PRIMARY, AnalysisPlan.Kind.PROPORTION, true));
        ExperimentAnalysis.Looks looks = new ExperimentAnalysis.Looks();
        ExperimentAnalysis.Results day1 = ExperimentAnalysis.assemble(plan, snapshot(plan, 5000, 5000,
                Map.of("buy", new AnalysisSums.Sums[] {proportion(5000, 500), proportion(5000, 600)})), looks);
        ExperimentAnalysis.Results day2 = ExperimentAnalysis.assemble(plan, snapshot(plan, 10000, 10000,
                Map.of("buy", new AnalysisSums.Sums[] {proportion(10000, 1000), proportion(10000, 1080)})), looks);

        ExperimentAnalysis.Comparison first = treatment(day1, 0);
        ExperimentAnalysis.Comparison second = treatment(day2, 0);
        // The running interval is the intersection of the looks' intervals; the p-value the smallest so far.
        assertThat(second.relative().interval().lower()).isGreaterThanOrEqualTo(first.relative().interval().lower());
        assertThat(second.relative().interval().upper()).isLessThanOrEqualTo(first.relative().interval().upper());
        assertThat(second.pValue()).isLessThanOrEqualTo(first.pValue());
        assertThat(day2.method()).contains("always-valid");
    }

    @Test
    void theSampleSizeProgressUsesTheControlsBaselineAndTheMinimumDetectableEffect() {
        AnalysisPlan plan = plan(false, false, "none", null, 0.1,
                metric("buy", AnalysisPlan.Role.PRIMARY, AnalysisPlan.Kind.PROPORTION, true));
        ExperimentAnalysis.Results r = ExperimentAnalysis.assemble(plan, snapshot(plan, 1000, 1200,
                Map.of("buy", new AnalysisSums.Sums[] {proportion(1000, 100), proportion(1200, 120)})),
                new ExperimentAnalysis.Looks());

        double needed = Math.ceil(SampleSize.usersPerArmForProportion(0.1, 0.11, 0.05, 0.8));
        assertThat(r.progress().neededPerArm()).isEqualTo(needed);
        assertThat(r.progress().smallestArm()).isEqualTo(1000);
        assertThat(r.progress().fraction()).isCloseTo(1000 / needed, within(1e-12));
    }

    @Test
    void armsWithoutUsersGiveUnknownNumbersNotErrors() {
        AnalysisPlan plan = plan(false, false, "holm", null, 0.1,
                metric("buy", AnalysisPlan.Role.PRIMARY, AnalysisPlan.Kind.PROPORTION, true),
                metric("rpv", AnalysisPlan.Role.SECONDARY, AnalysisPlan.Kind.RATIO, true));
        ExperimentAnalysis.Results r = ExperimentAnalysis.assemble(plan, snapshot(plan, 0, 0, Map.of()),
                new ExperimentAnalysis.Looks());

        assertThat(treatment(r, 0).pValue()).isNaN();
        assertThat(r.metrics().get(1).arms().get(0).value()).isNaN();
        assertThat(r.srm().pValue()).isNaN();
        assertThat(r.verdict().decision()).isEqualTo("inconclusive");
        assertThat(r.progress().fraction()).isNull();
    }

    @Test
    void aRunningFixedHorizonWinnerBeforeItsPlannedSampleSizeIsKeptRunningNotShipped() {
        // The shipped winner above (p = 0.0059), now with a 10 % minimum detectable effect: at a 10 % baseline that
        // needs about 14,750 users per arm, and 1,000 are in.
        Map<String, AnalysisSums.Sums[]> data = Map.of("buy",
                new AnalysisSums.Sums[] {proportion(1000, 100), proportion(1000, 150)});
        AnalysisPlan.Metric buy = metric("buy", AnalysisPlan.Role.PRIMARY, AnalysisPlan.Kind.PROPORTION, true);
        AnalysisPlan fixed = plan(false, false, "none", null, 0.1, buy);
        ExperimentAnalysis.Results r = ExperimentAnalysis.assemble(fixed, snapshot(fixed, 1000, 1000, data),
                new ExperimentAnalysis.Looks());

        assertThat(treatment(r, 0).outcome()).as("the comparison itself is significant").isEqualTo("better");
        assertThat(r.progress().fraction()).isLessThan(0.1);
        assertThat(r.verdict().decision()).isEqualTo("keep_running");
        assertThat(r.verdict().variant()).isNull();
        assertThat(r.verdict().reason()).startsWith("on looks better").contains("1,000 of ")
                .contains("choose sequential analysis");

        AnalysisPlan sequential = plan(false, true, "none", null, 0.1, buy);
        assertThat(ExperimentAnalysis.heldToItsHorizon(sequential, r.progress(), new ExperimentAnalysis.Verdict(
                "ship", "on", "better")).decision()).as("a sequential experiment may be read at any time")
                .isEqualTo("ship");
        AnalysisPlan bayesian = plan(true, false, "none", null, 0.1, buy);
        assertThat(ExperimentAnalysis.heldToItsHorizon(bayesian, r.progress(), new ExperimentAnalysis.Verdict(
                "ship", "on", "better")).decision()).isEqualTo("ship");
        assertThat(ExperimentAnalysis.heldToItsHorizon(fixed, new ExperimentAnalysis.Progress(1000.0, 1000, 1.0),
                new ExperimentAnalysis.Verdict("ship", "on", "better")).decision()).as("at the planned size")
                .isEqualTo("ship");
        assertThat(ExperimentAnalysis.heldToItsHorizon(fixed, r.progress(), new ExperimentAnalysis.Verdict(
                "keep_control", null, "worse")).decision()).as("stopping a harmful treatment is not held")
                .isEqualTo("keep_control");
    }
}
