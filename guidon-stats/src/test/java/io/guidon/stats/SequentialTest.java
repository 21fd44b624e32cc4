package io.guidon.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.distribution.discrete.BinomialDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

class SequentialTest {

    @Test
    void anExperimentsTestIsTunedForItsMinimumDetectableEffectOrTheDefault() {
        assertThat(Sequential.relativeTest(0.05, 0.02).mixingVariance())
                .isEqualTo(MixtureSequentialTest.tunedFor(0.05, 0.02).mixingVariance());
        assertThat(Sequential.relativeTest(0.05, Double.NaN).mixingVariance())
                .isEqualTo(MixtureSequentialTest.tunedFor(0.05, Sequential.DEFAULT_RELATIVE_EFFECT).mixingVariance());
        assertThat(Sequential.relativeTest(0.05, 0).mixingVariance())
                .isEqualTo(Sequential.relativeTest(0.05, Double.NaN).mixingVariance());
    }

    @Test
    void theSequentialIntervalIsAboutOneAndAHalfTimesTheFixedHorizonOneWhereItIsNarrowest() {
        // R 4.2.2: x <- uniroot(function(x) x - log1p(x) - 2*log(20), c(1, 50), tol = 1e-14)$root -> 8.2119680620682551
        //    sqrt(1 + x)/qnorm(0.975) -> 1.5485602985407949 (so about 2.4 times the users for the same width)
        assertThat(Sequential.widthRatioAtTunedPoint(0.05)).isCloseTo(1.5485602985407949, within(1e-9));

        // And the interval really is that wide there: at information m = (1 + x)/δ², half-width δ.
        double delta = 0.02;
        MixtureSequentialTest test = Sequential.relativeTest(0.05, delta);
        double x = MixtureSequentialTest.optimalInformationRatio(0.05);
        Estimate atTunedPoint = new Estimate(0.01, delta * delta / (1 + x));
        Inference sequential = Sequential.inference(atTunedPoint, test);
        Inference fixed = FixedHorizon.inference(atTunedPoint, Double.POSITIVE_INFINITY, 0.05);
        assertThat(sequential.interval().width() / 2).isCloseTo(delta, within(1e-12));
        assertThat(sequential.interval().width() / fixed.interval().width())
                .isCloseTo(1.5485602985407949, within(1e-9));
    }

    @Test
    void anInferenceIsTheTestsIntervalAndPValueForNoDifference() {
        MixtureSequentialTest test = Sequential.relativeTest(0.05, 0.05);
        Estimate estimate = new Estimate(0.04, 0.0001);

        Inference inference = Sequential.inference(estimate, test);

        assertThat(inference.interval()).isEqualTo(test.interval(estimate));
        assertThat(inference.pValue()).isEqualTo(test.pValue(estimate, 0));
        assertThat(inference.alpha()).isEqualTo(0.05);
        assertThat(inference.degreesOfFreedom()).isInfinite();
    }

    @Test
    void theRunningAnswerIntersectsTheIntervalsAndKeepsTheSmallestPValue() {
        Inference first = new Inference(new Estimate(0.02, 1), Double.POSITIVE_INFINITY, 0.05,
                new Interval(-0.01, 0.05), 0.3);
        Inference second = new Inference(new Estimate(0.03, 1), Double.POSITIVE_INFINITY, 0.05,
                new Interval(0.00, 0.06), 0.4);

        assertThat(Sequential.running(null, first)).isEqualTo(first);
        Inference running = Sequential.running(first, second);
        assertThat(running.interval()).isEqualTo(new Interval(0.00, 0.05));
        assertThat(running.pValue()).isEqualTo(0.3);
        assertThat(running.estimate()).isEqualTo(second.estimate());

        Inference disjoint = new Inference(new Estimate(0.2, 1), Double.POSITIVE_INFINITY, 0.05,
                new Interval(0.1, 0.3), Double.NaN);
        Inference kept = Sequential.running(running, disjoint);
        assertThat(kept.interval()).isEqualTo(disjoint.interval());
        assertThat(kept.pValue()).isEqualTo(0.3);
    }

    /**
     * A/A experiments (no true difference; conversion 5 % in both arms) looked at after every 100 users per arm up
     * to 20,000 (200 looks): the share of experiments whose always-valid p-value ever falls below α = 0.05 stays at
     * or below α (asserted: the one-sided 99.9 % Clopper–Pearson upper bound is at most α, which 4,000 experiments
     * make meaningful: a true rate of α would put it above). The fixed-horizon z-test looked at as often, on the
     * same experiments, is shown for contrast. Seed 201; figures in docs/experiments.md.
     */
    @Test
    void continuousPeekingKeepsTheFalsePositiveRateAtAlpha(TestReporter reporter) {
        int experiments = 4000;
        int looks = 200;
        int step = 100;
        double[] binomial = cumulative(new BinomialDistribution(step, 0.05));
        MixtureSequentialTest test = Sequential.relativeTest(0.05, Double.NaN);
        double z = new NormalDistribution().inverseCumulativeProbability(0.975);
        SplittableRandom random = new SplittableRandom(201);
        int sequentialFired = 0;
        int fixedFired = 0;
        int fixedAtTheEnd = 0;
        for (int e = 0; e < experiments; e++) {
            long convertedC = 0;
            long convertedT = 0;
            boolean sequential = false;
            boolean fixed = false;
            for (int look = 1; look <= looks; look++) {
                convertedC += draw(random, binomial);
                convertedT += draw(random, binomial);
                Proportion control = new Proportion((long) look * step, convertedC);
                Proportion treatment = new Proportion((long) look * step, convertedT);
                if (!ArmEstimate.normalApproximationHolds(control)
                        || !ArmEstimate.normalApproximationHolds(treatment)) {
                    continue;
                }
                Estimate lift = Differences.relative(ArmEstimate.of(control), ArmEstimate.of(treatment));
                sequential |= Sequential.inference(lift, test).pValue() < 0.05;
                boolean significant = Math.abs(lift.value()) / lift.standardError() > z;
                fixed |= significant;
                if (look == looks && significant) {
                    fixedAtTheEnd++;
                }
            }
            sequentialFired += sequential ? 1 : 0;
            fixedFired += fixed ? 1 : 0;
        }
        double upper999 = GuardrailSimulationTest.clopperPearson(experiments, sequentialFired, 0.998)[1];
        double[] ci = GuardrailSimulationTest.clopperPearson(experiments, sequentialFired, 0.95);
        String figures = String.format(Locale.ROOT, "seed 201, %d A/A experiments, %d looks: always-valid p < 0.05 at"
                + " some look in %d (%.4f, 95 %% CI [%.4f, %.4f], 99.9 %% upper %.4f); fixed-horizon z at every look"
                + " %d (%.4f); fixed-horizon z once at the end %d (%.4f)", experiments, looks, sequentialFired,
                (double) sequentialFired / experiments, ci[0], ci[1], upper999, fixedFired,
                (double) fixedFired / experiments, fixedAtTheEnd, (double) fixedAtTheEnd / experiments);
        reporter.publishEntry("A/A peeking", figures);
        assertThat(upper999).as(figures).isLessThanOrEqualTo(0.05);
        assertThat((double) fixedFired / experiments).as(figures).isGreaterThan(3 * 0.05);
    }

    private static double[] cumulative(BinomialDistribution distribution) {
        double[] cdf = new double[distribution.getNumberOfTrials() + 1];
        for (int k = 0; k < cdf.length; k++) {
            cdf[k] = distribution.cumulativeProbability(k);
        }
        return cdf;
    }

    /** Inverse-CDF sampling from a tabulated CDF. */
    private static int draw(SplittableRandom random, double[] cdf) {
        int index = Arrays.binarySearch(cdf, random.nextDouble());
        return index >= 0 ? index : -index - 1;
    }
}
