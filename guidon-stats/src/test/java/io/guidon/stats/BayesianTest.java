package io.guidon.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.guidon.stats.Bayesian.BetaPrior;
import io.guidon.stats.Bayesian.NormalPrior;
import io.guidon.stats.Bayesian.Posterior;
import org.hipparchus.distribution.continuous.BetaDistribution;
import org.hipparchus.random.RandomDataGenerator;
import org.junit.jupiter.api.Test;

/**
 * Reference values from R 4.2.2, run by hand with {@code options(digits = 17)}: closed forms for the Gaussian model,
 * and for the Beta-binomial model R's adaptive {@code integrate} (QUADPACK) and {@code uniroot}, with E. Miller's
 * finite sum as a second, exact reference for the chance to beat the control. The script:
 * <pre>
 * beta_case &lt;- function(kC, nC, kT, nT, a0 = 1, b0 = 1) {
 *   aC &lt;- a0 + kC; bC &lt;- b0 + nC - kC; aT &lt;- a0 + kT; bT &lt;- b0 + nT - kT; tol &lt;- 1e-13
 *   chance &lt;- integrate(function(x) dbeta(x, aT, bT) * pbeta(x, aC, bC), 0, 1, rel.tol = tol,
 *       subdivisions = 1000L)$value
 *   cdf &lt;- function(l) integrate(function(x) dbeta(x, aC, bC) * pbeta(pmin(1, (1 + l) * x), aT, bT), 0, 1,
 *       rel.tol = tol, subdivisions = 1000L)$value
 *   lo &lt;- uniroot(function(l) cdf(l) - 0.025, c(-0.99, 5), tol = 1e-14)$root
 *   hi &lt;- uniroot(function(l) cdf(l) - 0.975, c(-0.99, 20), tol = 1e-14)$root
 *   mean &lt;- (aT / (aT + bT)) * integrate(function(x) dbeta(x, aC, bC) / x, 0, 1, rel.tol = tol)$value - 1
 *   risk &lt;- integrate(function(x) sapply(x, function(xx) dbeta(xx, aC, bC) *
 *       integrate(function(y) dbeta(y, aT, bT) * (1 - y / xx), 0, xx, rel.tol = 1e-12)$value), 0, 1,
 *       rel.tol = 1e-11, subdivisions = 1000L)$value
 *   c(chance, lo, hi, mean, risk, mean + risk) }
 * </pre>
 * The risk is the double integral of {@code max(0, 1 − p_T/p_C)}, not the closed-form inner expectation the code
 * uses, so it checks that identity too.
 */
class BayesianTest {

    @Test
    void gaussianWithAFlatPriorIsTheLikelihoodAndItsNormalPartialExpectations() {
        // R: est <- 0.03; s <- 0.02; est ± qnorm(0.975)*s -> -0.0091992796908010738 0.069199279690801072
        //    pnorm(est/s) 0.93319279873114191; s*dnorm(est/s) - est*pnorm(-est/s) 0.00058613587525209281;
        //    s*dnorm(est/s) + est*pnorm(est/s) 0.030586135875252093
        Posterior posterior = Bayesian.gaussian(new Estimate(0.03, 0.0004), NormalPrior.FLAT,
                Direction.HIGHER_IS_BETTER, 0.95);

        assertGaussian(posterior, 0.03, 0.02, -0.0091992796908010738, 0.069199279690801072, 0.93319279873114191,
                0.00058613587525209281, 0.030586135875252093);
        // E[max(0, G)] − E[max(0, −G)] = E[G]: the two risks differ by the mean.
        assertThat(posterior.riskOfControl() - posterior.riskOfTreatment()).isCloseTo(0.03, within(1e-15));
    }

    @Test
    void gaussianWithTheWeakPriorShrinksTowardZero() {
        // R: v <- 0.0004; pv <- 0.09; post <- 1/(1/v + 1/pv); pm <- post*(est/v); ps <- sqrt(post)
        //    -> pm 0.029867256637168139, ps 0.019955703157132177, interval -0.0092452028369831712 0.06897971611131945,
        //       pnorm(pm/ps) 0.93276143404233047, risks 0.00058928115469202404 and 0.030456537791860163
        Posterior posterior = Bayesian.gaussian(new Estimate(0.03, 0.0004), NormalPrior.weakOnRelativeLift(),
                Direction.HIGHER_IS_BETTER, 0.95);

        assertGaussian(posterior, 0.029867256637168139, 0.019955703157132177, -0.0092452028369831712,
                0.06897971611131945, 0.93276143404233047, 0.00058928115469202404, 0.030456537791860163);
    }

    /** A Gaussian posterior against R's closed forms, to rounding (1e-15 on the moments, 1e-13 on the rest). */
    private static void assertGaussian(Posterior posterior, double mean, double sd, double lower, double upper,
            double chance, double riskOfTreatment, double riskOfControl) {
        assertThat(posterior.mean()).isCloseTo(mean, within(1e-15));
        assertThat(posterior.standardDeviation()).isCloseTo(sd, within(1e-15));
        assertThat(posterior.credibleInterval().lower()).isCloseTo(lower, within(1e-13));
        assertThat(posterior.credibleInterval().upper()).isCloseTo(upper, within(1e-13));
        assertThat(posterior.chanceToBeatControl()).isCloseTo(chance, within(1e-13));
        assertThat(posterior.riskOfTreatment()).isCloseTo(riskOfTreatment, within(1e-13));
        assertThat(posterior.riskOfControl()).isCloseTo(riskOfControl, within(1e-13));
    }

    @Test
    void whenLowerIsBetterTheChanceAndTheRisksTurnAround() {
        Estimate lift = new Estimate(0.03, 0.0004);
        Posterior higher = Bayesian.gaussian(lift, NormalPrior.FLAT, Direction.HIGHER_IS_BETTER, 0.95);
        Posterior lower = Bayesian.gaussian(lift, NormalPrior.FLAT, Direction.LOWER_IS_BETTER, 0.95);

        assertThat(lower.chanceToBeatControl()).isCloseTo(1 - higher.chanceToBeatControl(), within(1e-15));
        assertThat(lower.riskOfTreatment()).isCloseTo(higher.riskOfControl(), within(1e-15));
        assertThat(lower.riskOfControl()).isCloseTo(higher.riskOfTreatment(), within(1e-15));
        assertThat(lower.credibleInterval()).isEqualTo(higher.credibleInterval());
    }

    @Test
    void betaBinomialReproducesRsQuadratureAndMillersClosedForm() {
        // R: beta_case(40, 1000, 55, 1000) -> chance 0.941887344179111, lo -0.0744896002258002,
        //    hi 1.04240701864386, mean 0.398602794411177, riskT 0.00459988407448589, riskC 0.403202678485663.
        // E. Miller, "Formulas for Bayesian A/B Testing" (2015), P(p_B > p_A) for integer α_B:
        //    aA <- 41; bA <- 961; aB <- 56; bB <- 946; i <- 0:(aB - 1)
        //    sum(exp(lbeta(aA + i, bB + bA) - log(bB + i) - lbeta(1 + i, bB) - lbeta(aA, bA))) -> 0.94188734417911757
        Posterior posterior = Bayesian.betaBinomial(new Proportion(1000, 40), new Proportion(1000, 55),
                BetaPrior.UNIFORM, Direction.HIGHER_IS_BETTER, 0.95);

        assertMatchesR(posterior, 0.94188734417911757, -0.0744896002258002, 1.04240701864386, 0.398602794411177,
                0.00459988407448589, 0.403202678485663);
    }

    @Test
    void betaBinomialIntegratesOverTheNarrowerArmWhenTheArmsDifferInSize() {
        // R: beta_case(3, 200, 900, 20000) -> chance 0.981098496353498, lo 0.0444142839605216, hi 7.27637889136754,
        //    mean 2.01804819518048, riskT 0.00217203870180461, riskC 2.02022023388229
        //    beta_case(50, 500, 44, 520) -> chance 0.198559158449349, lo -0.423734563964356, hi 0.242646838874245,
        //    mean -0.136206896551725, riskT 0.15996991536418, riskC 0.0237630188124551
        Posterior small = Bayesian.betaBinomial(new Proportion(200, 3), new Proportion(20000, 900),
                BetaPrior.UNIFORM, Direction.HIGHER_IS_BETTER, 0.95);
        assertMatchesR(small, 0.981098496353498, 0.0444142839605216, 7.27637889136754, 2.01804819518048,
                0.00217203870180461, 2.02022023388229);

        Posterior worse = Bayesian.betaBinomial(new Proportion(500, 50), new Proportion(520, 44),
                BetaPrior.UNIFORM, Direction.HIGHER_IS_BETTER, 0.95);
        assertMatchesR(worse, 0.198559158449349, -0.423734563964356, 0.242646838874245, -0.136206896551725,
                0.15996991536418, 0.0237630188124551);
    }

    /**
     * A Beta-binomial posterior against R's values: the chance and the risks to 1e-10 (R's {@code integrate} at
     * {@code rel.tol} 1e-13 and 1e-11), the interval's ends to 1e-7 relative ({@code uniroot} of an integral), the
     * closed-form mean to 1e-12.
     */
    private static void assertMatchesR(Posterior posterior, double chance, double lower, double upper, double mean,
            double riskOfTreatment, double riskOfControl) {
        assertThat(posterior.chanceToBeatControl()).isCloseTo(chance, within(1e-10));
        assertThat(posterior.credibleInterval().lower()).isCloseTo(lower, within(1e-7 * Math.max(1, Math.abs(lower))));
        assertThat(posterior.credibleInterval().upper()).isCloseTo(upper, within(1e-7 * Math.max(1, Math.abs(upper))));
        assertThat(posterior.mean()).isCloseTo(mean, within(1e-12));
        assertThat(posterior.riskOfTreatment()).isCloseTo(riskOfTreatment, within(1e-10));
        assertThat(posterior.riskOfControl()).isCloseTo(riskOfControl, within(1e-10));
    }

    @Test
    void betaBinomialAgreesWithPosteriorDraws() {
        // Simulation (tests only): 200,000 draws from each posterior. Monte Carlo standard errors: the chance (about
        // 0.9) sqrt(0.09/200,000) = 0.0007, the mean lift (sd about 0.15) 0.00034, the loss under 0.0001; the
        // tolerances are 5 of them.
        BetaDistribution control = new BetaDistribution(1 + 120, 1 + 2000 - 120);
        BetaDistribution treatment = new BetaDistribution(1 + 140, 1 + 2000 - 140);
        RandomDataGenerator random = new RandomDataGenerator(20251201L);
        int draws = 200_000;
        double beats = 0;
        double lift = 0;
        double loss = 0;
        for (int i = 0; i < draws; i++) {
            double l = random.nextBeta(treatment.getAlpha(), treatment.getBeta())
                    / random.nextBeta(control.getAlpha(), control.getBeta()) - 1;
            beats += l > 0 ? 1 : 0;
            lift += l;
            loss += Math.max(0, -l);
        }
        Posterior posterior = Bayesian.betaBinomial(new Proportion(2000, 120), new Proportion(2000, 140),
                BetaPrior.UNIFORM, Direction.HIGHER_IS_BETTER, 0.95);

        assertThat(posterior.chanceToBeatControl()).isCloseTo(beats / draws, within(0.0035));
        assertThat(posterior.mean()).isCloseTo(lift / draws, within(0.0017));
        assertThat(posterior.riskOfTreatment()).isCloseTo(loss / draws, within(0.0005));
    }

    @Test
    void noControlConversionsGiveAnInfiniteMeanLiftButAFiniteChanceAndRiskOfTheTreatment() {
        Posterior posterior = Bayesian.betaBinomial(new Proportion(500, 0), new Proportion(500, 4),
                BetaPrior.UNIFORM, Direction.HIGHER_IS_BETTER, 0.95);

        assertThat(posterior.mean()).isInfinite();
        assertThat(posterior.standardDeviation()).isInfinite();
        assertThat(posterior.riskOfControl()).isInfinite();
        assertThat(posterior.chanceToBeatControl()).isBetween(0.95, 1.0);
        assertThat(posterior.riskOfTreatment()).isBetween(0.0, 0.05);
        assertThat(posterior.credibleInterval().lower()).isGreaterThan(-1);
    }

    @Test
    void unknownEstimatesAndBadPriorsAreSaidSo() {
        Posterior unknown = Bayesian.gaussian(new Estimate(Double.NaN, Double.NaN), NormalPrior.FLAT,
                Direction.HIGHER_IS_BETTER, 0.95);
        assertThat(unknown.credibleInterval()).isEqualTo(Interval.ALL);
        assertThat(unknown.chanceToBeatControl()).isNaN();
        assertThatThrownBy(() -> new NormalPrior(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BetaPrior(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Bayesian.gaussian(new Estimate(0, 1), NormalPrior.FLAT, Direction.HIGHER_IS_BETTER,
                1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("credible mass");
    }
}
