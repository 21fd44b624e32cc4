package io.guidon.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Reference values from R 4.2.2 (Debian r-base-core 4.2.2.20221110-2) with msm 1.7 (r-cran-msm), run by hand with
 * {@code options(digits = 17)}; never from the tests. Each test quotes its script.
 */
class FixedHorizonTest {

    /** R's {@code sleep} data set (Cushny and Peebles 1905, the data of Student's 1908 paper), group 1 and 2. */
    static final double[] SLEEP_1 = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
    static final double[] SLEEP_2 = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};

    @Test
    void welchReproducesRsTTestOnTheSleepData() {
        // R: x1 <- sleep$extra[sleep$group == 1]; x2 <- sleep$extra[sleep$group == 2]; r <- t.test(x2, x1)
        //    r$statistic 1.8608134674868531, r$parameter (df) 17.776473516178498, r$p.value 0.079394140187358173,
        //    r$conf.int -0.20548323071171018 3.3654832307117104; t.test(x2, x1, conf.level = 0.99)$conf.int
        //    -0.86763291991903957 4.0276329199190402. (R's documentation of t.test prints the same example as
        //    t = -1.8608, df = 17.776, p-value = 0.07939 for group 1 minus group 2.)
        ArmEstimate control = ArmEstimate.of(Sample.of(SLEEP_1));
        ArmEstimate treatment = ArmEstimate.of(Sample.of(SLEEP_2));

        Inference result = FixedHorizon.absolute(control, treatment, 0.05);

        assertThat(result.estimate().value()).isCloseTo(1.58, within(1e-12));
        assertThat(result.estimate().value() / result.estimate().standardError())
                .isCloseTo(1.8608134674868531, within(1e-12));
        assertThat(result.degreesOfFreedom()).isCloseTo(17.776473516178498, within(1e-9));
        assertThat(result.pValue()).isCloseTo(0.079394140187358173, within(1e-10));
        assertThat(result.interval().lower()).isCloseTo(-0.20548323071171018, within(1e-9));
        assertThat(result.interval().upper()).isCloseTo(3.3654832307117104, within(1e-9));
        Interval ninetyNine = FixedHorizon.absolute(control, treatment, 0.01).interval();
        assertThat(ninetyNine.lower()).isCloseTo(-0.86763291991903957, within(1e-9));
        assertThat(ninetyNine.upper()).isCloseTo(4.0276329199190402, within(1e-9));
    }

    @Test
    void proportionsUseTheWaldIntervalOfRsPropTestAndItsOwnZForThePValue() {
        // R: prop.test(c(62, 45), c(1000, 1000), correct = FALSE)$conf.int
        //    -0.0027101641798240039 0.036710164179824006 (the unpooled Wald interval of p1 − p2).
        // Its p-value (0.091169447708372209) is the pooled chi-squared test's; ours is the unpooled z of the same
        // interval, so the two always agree on significance:
        //    p <- c(45, 62)/1000; z <- (p[2] - p[1])/sqrt(sum(p*(1 - p)/1000)); 2*pnorm(-abs(z))
        //    -> z 1.69046728546725, p 0.090938591875059552
        Inference result = FixedHorizon.absolute(ArmEstimate.of(new Proportion(1000, 45)),
                ArmEstimate.of(new Proportion(1000, 62)), 0.05);

        assertThat(result.estimate().value()).isCloseTo(0.017, within(1e-15));
        assertThat(result.degreesOfFreedom()).isInfinite();
        assertThat(result.interval().lower()).isCloseTo(-0.0027101641798240039, within(1e-14));
        assertThat(result.interval().upper()).isCloseTo(0.036710164179824006, within(1e-14));
        assertThat(result.pValue()).isCloseTo(0.090938591875059552, within(1e-12));
    }

    @Test
    void theNormalApproximationRuleNeedsTenConvertersAndTenNonConverters() {
        assertThat(ArmEstimate.normalApproximationHolds(new Proportion(1000, 10))).isTrue();
        assertThat(ArmEstimate.normalApproximationHolds(new Proportion(1000, 9))).isFalse();
        assertThat(ArmEstimate.normalApproximationHolds(new Proportion(20, 10))).isTrue();
        assertThat(ArmEstimate.normalApproximationHolds(new Proportion(20, 11))).isFalse();
    }

    @Test
    void relativeLiftOfMeansIsTheDeltaMethodOfMsm() {
        // R: a <- sleep$extra[sleep$group == 1] + 10; b <- sleep$extra[sleep$group == 2] + 10
        //    library(msm); se <- deltamethod(~ x1/x2 - 1, c(mean(b), mean(a)), diag(c(var(b)/10, var(a)/10)))
        //    rel <- mean(b)/mean(a) - 1; z <- qnorm(0.975)
        //    -> rel 0.14697674418604656, se^2 0.0071126091506349721,
        //       rel ± z·se -0.018319339130698886 0.31227282750279201, 2*pnorm(-abs(rel/se)) 0.081377953357671062
        double[] a = shifted(SLEEP_1, 10);
        double[] b = shifted(SLEEP_2, 10);

        Inference result = FixedHorizon.relative(ArmEstimate.of(Sample.of(a)), ArmEstimate.of(Sample.of(b)), 0.05);

        assertThat(result.estimate().value()).isCloseTo(0.14697674418604656, within(1e-14));
        assertThat(result.estimate().variance()).isCloseTo(0.0071126091506349721, within(1e-15));
        assertThat(result.interval().lower()).isCloseTo(-0.018319339130698886, within(1e-12));
        assertThat(result.interval().upper()).isCloseTo(0.31227282750279201, within(1e-12));
        assertThat(result.pValue()).isCloseTo(0.081377953357671062, within(1e-12));
    }

    /** Revenue (x) and orders (y) per user; the ratio metric is revenue per order. */
    static final double[] RATIO_XC = {12, 0, 35, 8, 20, 0, 15, 42, 5, 18};
    static final double[] RATIO_YC = {2, 1, 3, 1, 2, 1, 2, 4, 1, 2};
    static final double[] RATIO_XT = {25, 10, 0, 30, 14, 22, 9, 50, 16, 11, 27, 3};
    static final double[] RATIO_YT = {3, 1, 1, 2, 2, 3, 1, 4, 2, 1, 3, 1};

    static RatioSample ratio(double[] x, double[] y) {
        RatioSample sample = RatioSample.EMPTY;
        for (int i = 0; i < x.length; i++) {
            sample = sample.plus(x[i], y[i]);
        }
        return sample;
    }

    @Test
    void ratioMetricsAreTheDeltaMethodOfMsmOverTheFourMeans() {
        // R: nC <- 10; nT <- 12; covC <- cov(cbind(xC, yC))/nC; covT <- cov(cbind(xT, yT))/nT
        //    deltamethod(~ x1/x2, c(mean(xC), mean(yC)), covC)^2 -> 1.1647820040941625 (ratio 8.1578947368421044)
        //    deltamethod(~ x1/x2, c(mean(xT), mean(yT)), covT)^2 -> 0.96247632575757569 (ratio 9.0416666666666661)
        //    m4 <- c(mean(xT), mean(yT), mean(xC), mean(yC)); V4 <- 4×4 block-diagonal of covT and covC
        //    deltamethod(~ x1/x2 - x3/x4, m4, V4)^2 -> 2.1272583298517387, estimate 0.88377192982456165,
        //       95 % interval -1.9748597839685966 3.7424036436177199, p 0.54455416617566876
        //    deltamethod(~ (x1/x2)/(x3/x4) - 1, m4, V4)^2 -> 0.035961727234479095, estimate 0.10833333333333339
        ArmEstimate control = ArmEstimate.of(ratio(RATIO_XC, RATIO_YC));
        ArmEstimate treatment = ArmEstimate.of(ratio(RATIO_XT, RATIO_YT));
        assertThat(control.mean()).isCloseTo(8.1578947368421044, within(1e-13));
        assertThat(control.variance()).isCloseTo(1.1647820040941625, within(1e-12));
        assertThat(treatment.mean()).isCloseTo(9.0416666666666661, within(1e-13));
        assertThat(treatment.variance()).isCloseTo(0.96247632575757569, within(1e-12));

        Inference absolute = FixedHorizon.absolute(control, treatment, 0.05);
        assertThat(absolute.estimate().value()).isCloseTo(0.88377192982456165, within(1e-12));
        assertThat(absolute.estimate().variance()).isCloseTo(2.1272583298517387, within(1e-12));
        assertThat(absolute.interval().lower()).isCloseTo(-1.9748597839685966, within(1e-10));
        assertThat(absolute.interval().upper()).isCloseTo(3.7424036436177199, within(1e-10));
        assertThat(absolute.pValue()).isCloseTo(0.54455416617566876, within(1e-10));

        Inference relative = FixedHorizon.relative(control, treatment, 0.05);
        assertThat(relative.estimate().value()).isCloseTo(0.10833333333333339, within(1e-13));
        assertThat(relative.estimate().variance()).isCloseTo(0.035961727234479095, within(1e-14));
    }

    @Test
    void welchDegreesOfFreedomOfNormalArmsAreInfiniteAndOfMixedArmsTheFiniteArmsShare() {
        ArmEstimate normal = new ArmEstimate(100, 1, 0.01, Double.POSITIVE_INFINITY);
        ArmEstimate t = new ArmEstimate(10, 1, 0.01, 9);
        assertThat(FixedHorizon.welchDegreesOfFreedom(normal, normal)).isInfinite();
        // (0.02)²/(0.01²/9) = 36: the finite arm's 9, scaled by (total/its variance)².
        assertThat(FixedHorizon.welchDegreesOfFreedom(normal, t)).isCloseTo(36, within(1e-9));
    }

    @Test
    void degenerateDataGiveAPointOrNothingNeverAnError() {
        Inference constant = FixedHorizon.absolute(ArmEstimate.of(Sample.of(3, 3, 3)),
                ArmEstimate.of(Sample.of(5, 5)), 0.05);
        assertThat(constant.interval()).isEqualTo(new Interval(2, 2));
        assertThat(constant.pValue()).isZero();
        Inference same = FixedHorizon.absolute(ArmEstimate.of(Sample.of(3, 3)), ArmEstimate.of(Sample.of(3, 3)), 0.05);
        assertThat(same.pValue()).isEqualTo(1);

        Inference tooFew = FixedHorizon.absolute(ArmEstimate.of(Sample.of(1)), ArmEstimate.of(Sample.of(1, 2)), 0.05);
        assertThat(tooFew.interval()).isEqualTo(Interval.ALL);
        assertThat(tooFew.pValue()).isNaN();
        Inference zeroControl = FixedHorizon.relative(ArmEstimate.of(new Proportion(100, 0)),
                ArmEstimate.of(new Proportion(100, 5)), 0.05);
        assertThat(zeroControl.interval()).isEqualTo(Interval.ALL);
        assertThat(ArmEstimate.of(RatioSample.EMPTY).mean()).isNaN();

        assertThatThrownBy(() -> FixedHorizon.inference(new Estimate(1, 1), 5, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alpha");
    }

    static double[] shifted(double[] values, double by) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] + by;
        }
        return out;
    }
}
