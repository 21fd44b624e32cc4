package io.guidon.stats;

import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.distribution.continuous.TDistribution;
import org.hipparchus.util.FastMath;

/**
 * Fixed-horizon (classical) frequentist comparisons of a treatment arm with its control: valid when the results are
 * read once, at a sample size fixed in advance ({@link SampleSize}); for results watched as they come in use
 * {@link Sequential}.
 *
 * <p>Every method returns the estimate, the two-sided {@code 1 − α} interval {@code θ̂ ± q·se} and the p-value
 * {@code 2·P(T > |θ̂|/se)} from one reference distribution (Student's t with the given degrees of freedom, the
 * normal when they are infinite), so the p-value is below α exactly when the interval excludes 0. Quantiles and
 * tails come from Hipparchus.
 */
public final class FixedHorizon {

    private static final NormalDistribution NORMAL = new NormalDistribution();

    private FixedHorizon() {
    }

    /**
     * The absolute difference {@code mean_T − mean_C} ({@link Differences#absolute(ArmEstimate, ArmEstimate)}) with
     * Welch's t interval and p-value: the Welch–Satterthwaite degrees of freedom
     * ({@link #welchDegreesOfFreedom}). For two {@link ArmEstimate#of(Sample)} arms this is exactly R's
     * {@code t.test(treatment, control)} (Welch is its default); for proportions and ratios (infinite degrees of
     * freedom) it is the normal (z) interval, for proportions R's {@code prop.test(correct = FALSE)} interval.
     *
     * @param alpha in (0, 1): 0.05 for a 95 % interval
     */
    public static Inference absolute(ArmEstimate control, ArmEstimate treatment, double alpha) {
        return inference(Differences.absolute(control, treatment), welchDegreesOfFreedom(control, treatment), alpha);
    }

    /**
     * The relative lift {@code mean_T/mean_C − 1} ({@link Differences#relative(ArmEstimate, ArmEstimate)}, the delta
     * method) with the normal interval and p-value: the delta method is a large-sample result, so no t correction is
     * claimed (A. Deng, U. Knoblich, J. Lu, KDD 2018; R. Kohavi, D. Tang, Y. Xu, "Trustworthy Online Controlled
     * Experiments", 2020, ch. 18 on the variance of relative differences).
     *
     * @param alpha in (0, 1)
     */
    public static Inference relative(ArmEstimate control, ArmEstimate treatment, double alpha) {
        return inference(Differences.relative(control, treatment), Double.POSITIVE_INFINITY, alpha);
    }

    /**
     * The Welch–Satterthwaite degrees of freedom of a difference of two independent means
     * (F. E. Satterthwaite, "An Approximate Distribution of Estimates of Variance Components", Biometrics Bulletin
     * 2(6), 1946; B. L. Welch, Biometrika 34, 1947):
     * <pre>
     *   ν = (v_C + v_T)² / (v_C²/ν_C + v_T²/ν_T)
     * </pre>
     * with {@code v} each arm's sampling variance and {@code ν} its own degrees of freedom ({@code n − 1}); an arm
     * with infinite degrees of freedom adds nothing to the denominator, so two such arms give +∞ (the normal).
     * +∞ when both variances are 0; NaN when one is NaN.
     */
    public static double welchDegreesOfFreedom(ArmEstimate control, ArmEstimate treatment) {
        double vc = control.variance();
        double vt = treatment.variance();
        double denominator = term(vc, control.degreesOfFreedom()) + term(vt, treatment.degreesOfFreedom());
        if (Double.isNaN(denominator)) {
            return Double.NaN;
        }
        return denominator == 0 ? Double.POSITIVE_INFINITY : (vc + vt) * (vc + vt) / denominator;
    }

    private static double term(double variance, double degreesOfFreedom) {
        return degreesOfFreedom == Double.POSITIVE_INFINITY ? 0 * variance : variance * variance / degreesOfFreedom;
    }

    /**
     * The interval {@code θ̂ ± q_{1−α/2}·se} and the p-value {@code 2·P(T_ν ≥ |θ̂|/se)} for an asymptotically normal
     * (or t-distributed) estimate. With a variance of 0 the interval is the point and the p-value 0 or 1; with a NaN
     * or infinite value, variance or degrees of freedom, the interval is {@link Interval#ALL} and the p-value NaN.
     *
     * @param estimate the estimate and its sampling variance
     * @param degreesOfFreedom of the t distribution, above 0; +∞ for the normal
     * @param alpha in (0, 1)
     * @throws IllegalArgumentException when alpha is out of range
     */
    public static Inference inference(Estimate estimate, double degreesOfFreedom, double alpha) {
        requireAlpha(alpha);
        double value = estimate.value();
        double variance = estimate.variance();
        if (!Double.isFinite(value) || !Double.isFinite(variance) || Double.isNaN(degreesOfFreedom)) {
            return new Inference(estimate, degreesOfFreedom, alpha, Interval.ALL, Double.NaN);
        }
        if (variance == 0) {
            return new Inference(estimate, degreesOfFreedom, alpha, new Interval(value, value), value == 0 ? 1 : 0);
        }
        double se = FastMath.sqrt(variance);
        double quantile;
        double pValue;
        if (degreesOfFreedom == Double.POSITIVE_INFINITY) {
            quantile = NORMAL.inverseCumulativeProbability(1 - alpha / 2);
            pValue = 2 * NORMAL.cumulativeProbability(-FastMath.abs(value) / se);
        } else {
            TDistribution t = new TDistribution(degreesOfFreedom);
            quantile = t.inverseCumulativeProbability(1 - alpha / 2);
            pValue = 2 * t.cumulativeProbability(-FastMath.abs(value) / se);
        }
        return new Inference(estimate, degreesOfFreedom, alpha,
                new Interval(value - quantile * se, value + quantile * se), Math.min(1, pValue));
    }

    static void requireAlpha(double alpha) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), was " + alpha);
        }
    }
}
