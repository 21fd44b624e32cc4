package io.guidon.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CupedTest {

    static final double[] PRE_C = {10, 12, 8, 15, 9, 11, 14, 7, 13, 10};
    static final double[] POST_C = {11, 14, 8, 17, 10, 12, 15, 9, 13, 12};
    static final double[] PRE_T = {9, 13, 11, 16, 8, 12, 10, 14, 7, 11, 15};
    static final double[] POST_T = {11, 16, 12, 19, 9, 15, 12, 16, 9, 13, 18};

    static Covariate covariate(double[] post, double[] pre) {
        Covariate covariate = Covariate.EMPTY;
        for (int i = 0; i < post.length; i++) {
            covariate = covariate.plus(post[i], pre[i]);
        }
        return covariate;
    }

    @Test
    void thetaAndTheAdjustedDifferenceAreTheAncovaOfRsLm() {
        // R 4.2.2 with msm 1.7, options(digits = 17):
        //    d <- data.frame(y = c(postC, postT), x = c(preC, preT), arm = factor(c(rep("C", 10), rep("T", 11))))
        //    fit <- lm(y ~ arm + x, data = d); theta <- coef(fit)["x"]; adj <- coef(fit)["armT"]
        //    -> theta 1.1064624343312872 (the pooled within-arm slope), adj 0.92277992277992238
        //    var(postT - theta*preT)/11 + var(postC - theta*preC)/10 -> 0.099541008119783086
        //    var(postT)/11 + var(postC)/10 -> 1.8250596877869605; 1 - ratio -> 0.94545876565796871
        //    Relative, θ fixed, over the four means (ȳT, ȳC, x̄T, x̄C) with block-diagonal covariances/n:
        //    deltamethod(~ (x1 - x2 - theta*(x3 - x4))/x2, c(mean(postT), mean(postC), mean(preT), mean(preC)), V)^2
        //    -> 0.00071247358188668796, estimate adj/mean(postC) 0.076262803535530777
        Cuped.Adjustment adjustment = Cuped.adjust(Sample.of(POST_C), covariate(POST_C, PRE_C), Sample.of(POST_T),
                covariate(POST_T, PRE_T));

        assertThat(adjustment.theta()).isCloseTo(1.1064624343312872, within(1e-12));
        assertThat(adjustment.absolute().value()).isCloseTo(0.92277992277992238, within(1e-12));
        assertThat(adjustment.absolute().variance()).isCloseTo(0.099541008119783086, within(1e-12));
        assertThat(adjustment.varianceReduction()).isCloseTo(0.94545876565796871, within(1e-12));
        assertThat(adjustment.relative().value()).isCloseTo(0.076262803535530777, within(1e-12));
        assertThat(adjustment.relative().variance()).isCloseTo(0.00071247358188668796, within(1e-14));
        // The adjusted arms plug into the fixed-horizon test: Welch on the adjusted variances.
        Inference inference = FixedHorizon.absolute(adjustment.control(), adjustment.treatment(), 0.05);
        assertThat(inference.estimate()).isEqualTo(adjustment.absolute());
        assertThat(inference.degreesOfFreedom()).isBetween(9.0, 19.0);
    }

    @Test
    void aCovariateThatDoesNotVaryChangesNothing() {
        Sample control = Sample.of(POST_C);
        Sample treatment = Sample.of(POST_T);
        Covariate flatC = new Covariate(10 * 4, 10 * 16, 4 * control.sum());
        Covariate flatT = new Covariate(11 * 4, 11 * 16, 4 * treatment.sum());

        Cuped.Adjustment adjustment = Cuped.adjust(control, flatC, treatment, flatT);

        assertThat(adjustment.theta()).isZero();
        Estimate plain = Differences.absolute(control, treatment);
        assertThat(adjustment.absolute().value()).isCloseTo(plain.value(), within(1e-12));
        assertThat(adjustment.absolute().variance()).isCloseTo(plain.variance(), within(1e-12));
        assertThat(adjustment.varianceReduction()).isCloseTo(0, within(1e-12));
        Estimate relative = Differences.relative(control, treatment);
        assertThat(adjustment.relative().value()).isCloseTo(relative.value(), within(1e-12));
        assertThat(adjustment.relative().variance()).isCloseTo(relative.variance(), within(1e-12));
    }

    @Test
    void proportionsAreAdjustedAsZeroOneSamples() {
        // 1,000 users per arm; 300 converted before exposure; of those, 200 convert again; of the 700 others, 70.
        // Per user x = converted after, pre = converted before: Σx = 270, Σpre = Σpre² = 300, Σx·pre = 200.
        Proportion arm = new Proportion(1000, 270);
        Covariate pre = new Covariate(300, 300, 200);

        Cuped.Adjustment adjustment = Cuped.adjust(arm.asSample(), pre, arm.asSample(), pre);

        // θ = S_xy/S_xx = (200 − 300·270/1000)/(300 − 300²/1000) = 119/210.
        assertThat(adjustment.theta()).isCloseTo(119.0 / 210, within(1e-12));
        assertThat(adjustment.absolute().value()).isCloseTo(0, within(1e-12));
        // The variance falls by ρ² = S_xy²/(S_xx·S_yy) = 119²/(210·197.1).
        assertThat(adjustment.varianceReduction()).isCloseTo(119.0 * 119 / (210 * 197.1), within(1e-12));
    }

    @Test
    void tooFewUsersGiveNaNNotAnError() {
        Cuped.Adjustment adjustment = Cuped.adjust(Sample.of(1), new Covariate(1, 1, 1), Sample.EMPTY,
                Covariate.EMPTY);
        assertThat(adjustment.absolute().value()).isNaN();
        assertThat(adjustment.relative().value()).isNaN();
    }
}
