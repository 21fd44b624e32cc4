package io.guidon.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.hipparchus.random.RandomDataGenerator;
import org.hipparchus.stat.descriptive.moment.Variance;
import org.hipparchus.stat.inference.TTest;
import org.junit.jupiter.api.Test;

class DifferencesTest {

    /** Wikipedia, "Welch's t-test", Examples, example 1 (equal sizes): t = 2.46, ν ≈ 24.99, p = 0.021. */
    private static final double[] A1 = {27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0,
        21.7, 21.4};
    private static final double[] A2 = {27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9,
        20.5, 24.4};
    /** The same page's example 2 (unequal sizes and variances): t = 1.57, ν ≈ 9.9, p = 0.149. */
    private static final double[] B1 = {17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8};
    private static final double[] B2 = {21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8, 20.7, 21.7, 21.5,
        22.5, 23.6, 21.5, 22.5, 23.5, 21.5, 21.8};

    @Test
    void welchVarianceReproducesScipyAndHipparchusTTest() {
        // scipy 1.17.1: stats.ttest_ind(A2, A1, equal_var=False) -> t 2.455356398286006, p 0.021378001462866992;
        // the difference of means 2.166666666666668 and s2²/n2 + s1²/n1 = 0.778673015873016 (numpy, ddof=1).
        Estimate one = Differences.absolute(Sample.of(A1), Sample.of(A2));
        assertThat(one.value()).isCloseTo(2.166666666666668, within(1e-12));
        assertThat(one.variance()).isCloseTo(0.778673015873016, within(1e-12));
        assertThat(one.value() / one.standardError()).isCloseTo(2.455356398286006, within(1e-9))
                .isCloseTo(new TTest().t(A2, A1), within(1e-9));
        assertThat(new TTest().tTest(A2, A1)).as("Hipparchus's Welch p-value, the same t and ν")
                .isCloseTo(0.021378001462866992, within(1e-9));

        // Example 2: scipy t 1.5654335235985037, p 0.14884169660532817; variance 0.9490092105263158.
        Estimate two = Differences.absolute(Sample.of(B1), Sample.of(B2));
        assertThat(two.value()).isCloseTo(1.525, within(1e-12));
        assertThat(two.variance()).isCloseTo(0.9490092105263158, within(1e-12));
        assertThat(two.value() / two.standardError()).isCloseTo(1.5654335235985037, within(1e-9))
                .isCloseTo(new TTest().t(B2, B1), within(1e-9));
        assertThat(new TTest().tTest(B2, B1)).isCloseTo(0.14884169660532817, within(1e-9));
    }

    @Test
    void relativeVarianceIsTheDeltaMethodClosedForm() {
        // Control 1, 2, 3, 4: mean m = 2.5, s² = 5/3. Treatment 2, 4, 6, 8 = twice the control: mean 2m, s² = 4·5/3.
        // Delta method for f(a, b) = a/b at (2m, m): ∂f/∂a = 1/m, ∂f/∂b = −2m/m² = −2/m, so
        //   Var ≈ (1/m)²·(4s²/n) + (2/m)²·(s²/n) = 8 s²/(n m²) = 8·(5/3)/(4·6.25) = 8/15,
        // and the estimate is 2m/m − 1 = 1.
        Estimate estimate = Differences.relative(Sample.of(1, 2, 3, 4), Sample.of(2, 4, 6, 8));

        assertThat(estimate.value()).isEqualTo(1);
        assertThat(estimate.variance()).isCloseTo(8.0 / 15, within(1e-12));
    }

    @Test
    void relativeVarianceMatchesTheSpreadOfTheRatioOverManySimulatedExperiments() {
        // Control N(10, 3²) × 400 users, treatment N(12, 4²) × 200: the delta method gives
        // 16/(200·10²) + 12²·9/(400·10⁴) = 0.0008 + 0.000324 = 0.001124. With 4,000 experiments the empirical variance
        // has a relative standard error of sqrt(2/4000) ≈ 2.2 %, so 8 % is a 3.5-sigma tolerance.
        RandomDataGenerator random = new RandomDataGenerator(20250611L);
        int experiments = 4000;
        double[] ratios = new double[experiments];
        double formulaTotal = 0;
        for (int e = 0; e < experiments; e++) {
            Sample control = Sample.EMPTY;
            for (int i = 0; i < 400; i++) {
                control = control.plus(random.nextNormal(10, 3));
            }
            Sample treatment = Sample.EMPTY;
            for (int i = 0; i < 200; i++) {
                treatment = treatment.plus(random.nextNormal(12, 4));
            }
            Estimate estimate = Differences.relative(control, treatment);
            ratios[e] = estimate.value();
            formulaTotal += estimate.variance();
        }

        assertThat(new Variance().evaluate(ratios)).isCloseTo(0.001124, within(0.08 * 0.001124));
        assertThat(formulaTotal / experiments).as("the plug-in variance, on average").isCloseTo(0.001124,
                within(0.02 * 0.001124));
    }

    @Test
    void relativeIsUndefinedWhenTheControlMeanIsZeroOrAGroupIsEmpty() {
        Estimate zero = Differences.relative(Sample.of(0, 0, 0), Sample.of(1, 0, 2));
        assertThat(zero.value()).isNaN();
        assertThat(zero.variance()).isNaN();
        assertThat(Differences.relative(Sample.EMPTY, Sample.of(1, 2)).value()).isNaN();
        assertThat(Differences.relative(Sample.of(1, 2), Sample.EMPTY).value()).isNaN();
    }

    @Test
    void theVarianceNeedsTwoUsersInEachGroup() {
        Estimate estimate = Differences.absolute(Sample.of(1, 2, 3), Sample.of(5));
        assertThat(estimate.value()).isEqualTo(3);
        assertThat(estimate.variance()).isNaN();
    }
}
