package io.guidon.stats;

import java.util.function.DoubleUnaryOperator;
import org.hipparchus.analysis.integration.gauss.GaussIntegrator;
import org.hipparchus.analysis.integration.gauss.GaussIntegratorFactory;
import org.hipparchus.analysis.solvers.BrentSolver;
import org.hipparchus.distribution.continuous.BetaDistribution;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.util.FastMath;

/**
 * Bayesian comparisons of a treatment with its control: the posterior of the lift, its mean and central credible
 * interval, the chance to beat the control, and the expected loss (risk) of choosing each arm. Every number is a
 * closed form or a deterministic numerical integral (Hipparchus's Gauss–Legendre rule, Beta CDFs and a Brent
 * solver): no random sampling, so the same data always give the same answer (ADR 0117).
 *
 * <p><b>Gaussian model</b> ({@link #gaussian}), for means, ratios, CUPED-adjusted and relative lifts: the estimate
 * {@code θ̂} with sampling variance {@code v} is the likelihood {@code θ̂ | θ ~ N(θ, v)}, and the prior is on the
 * effect itself, {@code θ ~ N(μ₀, σ₀²)} (GrowthBook's model since 3.0, "Statistical Details", docs.growthbook.io;
 * the conjugate normal update of A. Gelman et al., "Bayesian Data Analysis", 3rd ed., 2013, §2.5):
 * <pre>
 *   posterior precision 1/σ² = 1/v + 1/σ₀²,   posterior mean μ = σ² (θ̂/v + μ₀/σ₀²)
 * </pre>
 * The default prior is flat ({@link NormalPrior#FLAT}, σ₀ = ∞: the posterior is {@code N(θ̂, v)}), GrowthBook's
 * default too; {@link NormalPrior#weakOnRelativeLift()} is the proper option, N(0, 0.3²) on a relative lift, which
 * says that lifts beyond ±60 % are rare and shrinks noisy small-sample estimates. Chance to beat the control
 * {@code Φ(μ/σ)}; for a gain {@code G ~ N(g, σ²)} ({@code G} the lift, or minus it when lower is better) the expected
 * losses are {@code E[max(0, −G)] = σφ(g/σ) − gΦ(−g/σ)} for choosing the treatment and
 * {@code E[max(0, G)] = σφ(g/σ) + gΦ(g/σ)} for keeping the control (the normal's partial expectations).
 *
 * <p><b>Beta-binomial model</b> ({@link #betaBinomial}), for proportions: each arm's rate has the prior
 * {@code Beta(α₀, β₀)} (default {@link BetaPrior#UNIFORM}, Beta(1, 1)), so with {@code k} converters of {@code n} its
 * posterior is {@code Beta(α₀ + k, β₀ + n − k)}, independently per arm (conjugacy: Gelman et al. §2.4). The lift is
 * the relative {@code L = p_T/p_C − 1}. Its posterior CDF is one integral,
 * {@code P(L ≤ l) = ∫ f_C(x) F_T((1 + l)x) dx}; the chance to beat the control is {@code P(p_T > p_C)} (the quantity
 * E. Miller, "Formulas for Bayesian A/B Testing", 2015, gives as a finite sum for integer parameters, which the tests
 * use as a reference); the credible interval is the CDF's quantiles; the mean is the closed form
 * {@code E[p_T]·E[1/p_C] − 1 = a_T/(a_T + b_T) · (a_C + b_C − 1)/(a_C − 1) − 1}; the expected loss of choosing the
 * treatment, {@code E[max(0, −L)]}, is one integral whose inner expectation is closed
 * ({@code E[max(0, 1 − Y/x)] = F_T(x) − (E[Y]/x)·F_{Beta(a_T+1, b_T)}(x)}; the identity behind C. Stucchio,
 * "Bayesian A/B Testing at VWO", 2015), and of keeping the control {@code E[max(0, L)] = E[L] + E[max(0, −L)]}.
 * Losses are in the lift's units (0.01 = one percent of the control's rate).
 */
public final class Bayesian {

    private static final NormalDistribution NORMAL = new NormalDistribution();
    /** The 32-point Gauss–Legendre rule on [−1, 1], mapped onto each panel. */
    private static final GaussIntegrator LEGENDRE = new GaussIntegratorFactory().legendre(32);
    private static final int PANELS = 6;
    /** Half-width, in standard deviations, of the window integrated over (tails beyond hold under 1e-13). */
    private static final double WINDOW = 30;

    private Bayesian() {
    }

    /**
     * A normal prior on the effect.
     *
     * @param mean the prior mean, finite
     * @param variance the prior variance, above 0; +∞ for the flat (improper) prior
     */
    public record NormalPrior(double mean, double variance) {

        /** The flat prior: the posterior is the likelihood. */
        public static final NormalPrior FLAT = new NormalPrior(0, Double.POSITIVE_INFINITY);

        /** @throws IllegalArgumentException when the mean is not finite or the variance not above 0 */
        public NormalPrior {
            if (!Double.isFinite(mean)) {
                throw new IllegalArgumentException("the prior mean must be finite, was " + mean);
            }
            if (!(variance > 0)) {
                throw new IllegalArgumentException("the prior variance must be above 0, was " + variance);
            }
        }

        /** N(0, 0.3²) on a relative lift: weakly informative (95 % of prior mass within ±59 %). */
        public static NormalPrior weakOnRelativeLift() {
            return new NormalPrior(0, 0.09);
        }
    }

    /**
     * A Beta prior on each arm's rate.
     *
     * @param alpha prior successes, finite and above 0
     * @param beta prior failures, finite and above 0
     */
    public record BetaPrior(double alpha, double beta) {

        /** Beta(1, 1): every rate equally likely (Bayes–Laplace), as GrowthBook's and VWO's engines began. */
        public static final BetaPrior UNIFORM = new BetaPrior(1, 1);

        /** @throws IllegalArgumentException when a parameter is not finite and above 0 */
        public BetaPrior {
            if (!(alpha > 0) || !(beta > 0) || !Double.isFinite(alpha) || !Double.isFinite(beta)) {
                throw new IllegalArgumentException("Beta prior parameters must be finite and above 0, were " + alpha
                        + " and " + beta);
            }
        }
    }

    /**
     * The posterior of the lift.
     *
     * @param mean the posterior mean of the lift; +∞ for a Beta-binomial relative lift whose control posterior has
     *     {@code a_C ≤ 1} (no control conversions under Beta(1, 1)), NaN when the data cannot estimate it
     * @param standardDeviation the posterior standard deviation; +∞ when the mean is or when {@code a_C ≤ 2} for a
     *     Beta-binomial relative lift
     * @param credibleInterval the central interval holding {@code credibleMass} of the posterior
     * @param credibleMass the interval's posterior probability (0.95)
     * @param chanceToBeatControl the posterior probability that the treatment is better than the control in the
     *     metric's direction
     * @param riskOfTreatment the expected loss of choosing the treatment: how much worse, in the lift's units, it is
     *     expected to be where it is worse (0 where it is better)
     * @param riskOfControl the expected loss of keeping the control
     */
    public record Posterior(double mean, double standardDeviation, Interval credibleInterval, double credibleMass,
            double chanceToBeatControl, double riskOfTreatment, double riskOfControl) {
    }

    /**
     * The Gaussian model (see the class comment) for an estimate of the lift, absolute or relative, of any metric
     * kind. With a NaN or infinite estimate or variance every number is NaN and the interval {@link Interval#ALL}.
     *
     * @param lift the estimate (from {@link Differences}, {@link Cuped.Adjustment}) and its sampling variance
     * @param prior the prior on the lift, in the same units
     * @param direction which way is better
     * @param credibleMass the credible interval's probability, in (0, 1)
     */
    public static Posterior gaussian(Estimate lift, NormalPrior prior, Direction direction, double credibleMass) {
        requireMass(credibleMass);
        double v = lift.variance();
        if (!Double.isFinite(lift.value()) || !Double.isFinite(v)) {
            return unknown(credibleMass);
        }
        double precision = (v == 0 ? Double.POSITIVE_INFINITY : 1 / v) + 1 / prior.variance();
        double mean = v == 0 ? lift.value() : (lift.value() / v + prior.mean() / prior.variance()) / precision;
        double sd = FastMath.sqrt(1 / precision);
        double half = NORMAL.inverseCumulativeProbability(0.5 + credibleMass / 2) * sd;
        double gain = direction == Direction.HIGHER_IS_BETTER ? mean : -mean;
        double chance;
        double riskTreatment;
        double riskControl;
        if (sd == 0) {
            chance = gain > 0 ? 1 : gain < 0 ? 0 : 0.5;
            riskTreatment = Math.max(0, -gain);
            riskControl = Math.max(0, gain);
        } else {
            double z = gain / sd;
            chance = NORMAL.cumulativeProbability(z);
            double density = NORMAL.density(z);
            riskTreatment = Math.max(0, sd * density - gain * NORMAL.cumulativeProbability(-z));
            riskControl = Math.max(0, sd * density + gain * chance);
        }
        return new Posterior(mean, sd, new Interval(mean - half, mean + half), credibleMass, chance, riskTreatment,
                riskControl);
    }

    /**
     * The Beta-binomial model (see the class comment) for the relative lift of a proportion. With no users in an arm
     * the posterior is the prior's and the numbers still follow from it.
     *
     * @param control the control's users and converters
     * @param treatment the treatment's
     * @param prior each arm's prior
     * @param direction which way is better
     * @param credibleMass the credible interval's probability, in (0, 1)
     */
    public static Posterior betaBinomial(Proportion control, Proportion treatment, BetaPrior prior,
            Direction direction, double credibleMass) {
        requireMass(credibleMass);
        RelativeLift lift = new RelativeLift(posterior(control, prior), posterior(treatment, prior));
        double below = lift.cdf(0);
        double negative = lift.expectedNegativePart();
        double mean = lift.mean();
        double positive = mean + negative;
        double tail = (1 - credibleMass) / 2;
        Interval interval = new Interval(lift.quantile(tail), lift.quantile(1 - tail));
        return direction == Direction.HIGHER_IS_BETTER
                ? new Posterior(mean, lift.standardDeviation(), interval, credibleMass, 1 - below, negative, positive)
                : new Posterior(mean, lift.standardDeviation(), interval, credibleMass, below, positive, negative);
    }

    /**
     * The posterior CDF of the relative lift, {@code P(p_T/p_C − 1 ≤ l)}, under the Beta-binomial model: what the
     * credible interval inverts (the calibration tests evaluate it at the true lift).
     */
    static double relativeLiftCdf(Proportion control, Proportion treatment, BetaPrior prior, double l) {
        return new RelativeLift(posterior(control, prior), posterior(treatment, prior)).cdf(l);
    }

    private static BetaDistribution posterior(Proportion arm, BetaPrior prior) {
        return new BetaDistribution(prior.alpha() + arm.converters(),
                prior.beta() + arm.users() - arm.converters());
    }

    private static Posterior unknown(double credibleMass) {
        return new Posterior(Double.NaN, Double.NaN, Interval.ALL, credibleMass, Double.NaN, Double.NaN, Double.NaN);
    }

    private static void requireMass(double credibleMass) {
        if (!(credibleMass > 0 && credibleMass < 1)) {
            throw new IllegalArgumentException("the credible mass must be in (0, 1), was " + credibleMass);
        }
    }

    /**
     * {@code ∫ f(x) g(x) dx} over the window of {@code density}'s mass ({@value #WINDOW} standard deviations each side
     * of its mean, within [0, 1]): a composite 32-point Gauss–Legendre rule on {@value #PANELS} panels. Nodes where
     * the density is below {@code 1e-17} of its value at the mean (within a factor e of its peak for these Betas)
     * skip {@code g}: their share of the integral is below the rule's own error, and most of a normal-like window's
     * nodes are there.
     */
    static double integrate(BetaDistribution density, DoubleUnaryOperator g) {
        double mean = density.getNumericalMean();
        double sd = FastMath.sqrt(density.getNumericalVariance());
        double lower = Math.max(0, mean - WINDOW * sd);
        double upper = Math.min(1, mean + WINDOW * sd);
        double negligible = 1e-17 * density.density(mean);
        double width = (upper - lower) / PANELS;
        double total = 0;
        for (int panel = 0; panel < PANELS; panel++) {
            double centre = lower + (panel + 0.5) * width;
            double sum = 0;
            for (int i = 0; i < LEGENDRE.getNumberOfPoints(); i++) {
                double x = centre + 0.5 * width * LEGENDRE.getPoint(i);
                double f = density.density(x);
                if (f > negligible) {
                    sum += LEGENDRE.getWeight(i) * f * g.applyAsDouble(x);
                }
            }
            total += 0.5 * width * sum;
        }
        return total;
    }

    /** The relative lift {@code p_T/p_C − 1} of two independent Beta posteriors. */
    private static final class RelativeLift {
        private final BetaDistribution c;
        private final BetaDistribution t;

        RelativeLift(BetaDistribution control, BetaDistribution treatment) {
            this.c = control;
            this.t = treatment;
        }

        private double sd(BetaDistribution d) {
            return FastMath.sqrt(d.getNumericalVariance());
        }

        /**
         * {@code P(p_T ≤ (1 + l) p_C)}, integrated over whichever rate is the narrower in the other's scale, so the
         * inner CDF varies slowly across the window.
         */
        double cdf(double l) {
            if (l <= -1) {
                return 0;
            }
            double k = 1 + l;
            if (sd(c) <= sd(t) / k) {
                return clamp(integrate(c, x -> t.cumulativeProbability(Math.min(1, k * x))));
            }
            return clamp(1 - integrate(t, y -> c.cumulativeProbability(Math.min(1, y / k))));
        }

        /**
         * {@code E[max(0, −L)] = E[max(0, 1 − p_T/p_C)]}. Over {@code x = p_C}: the inner
         * {@code E[max(0, 1 − Y/x)] = F_T(x) − (E Y/x) F_{T+}(x)}, {@code T+ = Beta(a_T + 1, b_T)}. Over
         * {@code y = p_T} (when it is the narrower and {@code a_C > 1}): the inner
         * {@code E[max(0, 1 − y/X)] = (1 − F_C(y)) − y·(a_C + b_C − 1)/(a_C − 1)·(1 − F_{C−}(y))},
         * {@code C− = Beta(a_C − 1, b_C)}, since {@code E[X⁻¹; X > y] = B(a − 1, b)/B(a, b)·(1 − F_{C−}(y))}.
         */
        double expectedNegativePart() {
            double aC = c.getAlpha();
            if (sd(c) <= sd(t) || aC <= 1) {
                BetaDistribution tPlus = new BetaDistribution(t.getAlpha() + 1, t.getBeta());
                double meanT = t.getNumericalMean();
                return Math.max(0, integrate(c, x -> x == 0 ? 0
                        : t.cumulativeProbability(x) - meanT / x * tPlus.cumulativeProbability(x)));
            }
            BetaDistribution cMinus = new BetaDistribution(aC - 1, c.getBeta());
            double inverseMoment = (aC + c.getBeta() - 1) / (aC - 1);
            return Math.max(0, integrate(t, y -> (1 - c.cumulativeProbability(y))
                    - y * inverseMoment * (1 - cMinus.cumulativeProbability(y))));
        }

        /** {@code E[p_T]·E[1/p_C] − 1}; +∞ when {@code a_C ≤ 1}. */
        double mean() {
            double aC = c.getAlpha();
            if (aC <= 1) {
                return Double.POSITIVE_INFINITY;
            }
            return t.getNumericalMean() * (aC + c.getBeta() - 1) / (aC - 1) - 1;
        }

        /** From {@code E[p_T²]·E[p_C⁻²]}; +∞ when {@code a_C ≤ 2}. */
        double standardDeviation() {
            double aC = c.getAlpha();
            double bC = c.getBeta();
            if (aC <= 2) {
                return Double.POSITIVE_INFINITY;
            }
            double aT = t.getAlpha();
            double nT = aT + t.getBeta();
            double secondT = aT * (aT + 1) / (nT * (nT + 1));
            double inverseSecondC = (aC + bC - 1) * (aC + bC - 2) / ((aC - 1) * (aC - 2));
            double ratioMean = mean() + 1;
            return FastMath.sqrt(Math.max(0, secondT * inverseSecondC - ratioMean * ratioMean));
        }

        /**
         * The lift {@code l} with {@code cdf(l) = p}, by Brent's method in a bracket grown until it holds it; +∞ when
         * no finite bracket does (a mass so close to 1 that the quadrature's own error exceeds its complement).
         */
        double quantile(double p) {
            double ratio = t.getNumericalMean() / c.getNumericalMean();
            double spread = ratio * FastMath.sqrt(c.getNumericalVariance() / square(c.getNumericalMean())
                    + t.getNumericalVariance() / square(t.getNumericalMean()));
            double lower = Math.max(-1, ratio - 1 - 10 * spread);
            double upper = ratio - 1 + 10 * spread;
            for (int doublings = 0; cdf(upper) < p; doublings++) {
                if (doublings == MAX_DOUBLINGS) {
                    return Double.POSITIVE_INFINITY;
                }
                upper = 2 * upper + 1;
            }
            while (lower > -1 && cdf(lower) > p) {
                lower = Math.max(-1, lower - 10 * spread);
            }
            return new BrentSolver(1e-12, 1e-10).solve(200, l -> cdf(l) - p, lower, upper);
        }

        /** Doublings of the bracket's upper end before giving up: 2⁶⁰ times the first guess. */
        private static final int MAX_DOUBLINGS = 60;

        private static double square(double x) {
            return x * x;
        }

        private static double clamp(double probability) {
            return Math.max(0, Math.min(1, probability));
        }
    }
}
