package io.guidon.stats;

import org.hipparchus.analysis.solvers.BrentSolver;
import org.hipparchus.util.FastMath;

/**
 * Always-valid inference by a normal-mixture sequential probability ratio test (mSPRT): R. Johari, P. Koomen,
 * L. Pekelis, D. Walsh, "Always Valid Inference: Continuous Monitoring of A/B Tests", Operations Research 70(3),
 * 2022 (arXiv 1512.04922), applied to an asymptotically normal estimate with plug-in variance. It may be evaluated
 * after every observation without inflating the type-I error above alpha.
 *
 * <p>For an estimate {@code θ̂} of {@code θ} with sampling variance {@code v}, and the mixing distribution
 * {@code θ ~ N(θ₀, τ²)} over alternatives, the mixture likelihood ratio against {@code H₀: θ = θ₀} is
 * <pre>
 *   Λ = sqrt(v / (v + τ²)) · exp( τ² (θ̂ − θ₀)² / (2 v (v + τ²)) )
 * </pre>
 * Johari et al.'s two-sample normal form, {@code Λ_n = sqrt(V/(V + nτ²)) exp(n²τ²(Ȳ_n − X̄_n − θ₀)²/(2V(V + nτ²)))}
 * with {@code V = 2σ²}, is this with {@code v = V/n}. Under {@code H₀}, {@code Λ} is a nonnegative martingale with
 * mean 1 in the estimate's information {@code 1/v}, so by Ville's inequality {@code P(Λ ever reaches 1/α) ≤ α}.
 * This holds for any sequence of looks and for a difference of two group means whatever the split between the
 * groups, because such estimates have independent increments in information time (the canonical joint distribution:
 * C. Jennison, B. W. Turnbull, "Group Sequential Methods with Applications to Clinical Trials", 2000, §3.1). With a
 * plug-in variance the guarantee is asymptotic (I. Waudby-Smith, D. Arbour, R. Sinha, E. H. Kennedy, A. Ramdas,
 * "Time-uniform central limit theory and asymptotic confidence sequences", Annals of Statistics 52(6), 2024, arXiv
 * 2103.06476: the same boundary with an estimated variance), which the simulations in the tests check.
 *
 * <p>The always-valid p-value is {@code min(1, 1/Λ)} and the always-valid {@code (1 − α)} confidence interval is the
 * set of {@code θ₀} with {@code Λ(θ₀) < 1/α}:
 * <pre>
 *   θ̂ ± sqrt( v (v + τ²)/τ² · (2 ln(1/α) + ln((v + τ²)/v)) )
 * </pre>
 * (Johari et al., the normal-mixture interval; the same boundary is S. R. Howard, A. Ramdas, J. McAuliffe,
 * J. Sekhon, "Time-uniform, nonparametric, nonasymptotic confidence sequences", Annals of Statistics 49(2), 2021,
 * the two-sided normal mixture, with {@code ρ = 1/τ²} in information units). Its half-width shrinks like
 * {@code sqrt(v · ln(1/v))}: {@code sqrt(ln n / n)} per user, the price of looking at every point.
 *
 * <p>This class is stateless: it answers for one look. Johari et al.'s running versions (the minimum p-value and the
 * intersection of the intervals so far) are the caller's: a rollout that acts at the first crossing needs neither.
 */
public final class MixtureSequentialTest {

    private final double alpha;
    private final double mixingVariance;

    /**
     * @param alpha the type-I error over all looks, in (0, 1)
     * @param mixingVariance {@code τ²}, the variance of the normal mixing distribution over the true value, in the
     *     estimate's units squared: finite and above 0 (see {@link #tunedFor(double, double)})
     * @throws IllegalArgumentException when either is out of range
     */
    public MixtureSequentialTest(double alpha, double mixingVariance) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), was " + alpha);
        }
        if (!(mixingVariance > 0) || !Double.isFinite(mixingVariance)) {
            throw new IllegalArgumentException("the mixing variance must be finite and above 0, was " + mixingVariance);
        }
        this.alpha = alpha;
        this.mixingVariance = mixingVariance;
    }

    /**
     * The test whose interval is the narrowest it can be at the moment its half-width equals {@code expectedEffect}:
     * tuned to detect, with the least data, a true value {@code expectedEffect} away from the value tested.
     *
     * <p>Howard et al. (2021) choose the mixture's precision {@code ρ} to minimise the boundary at a chosen
     * information {@code m}; minimising {@code (m + ρ) ln((m + ρ)/(ρα²))} gives {@code m/ρ = x} with
     * {@code x − ln(1 + x) = 2 ln(1/α)} (solved here with Hipparchus's Brent solver; Howard et al. give the
     * approximation {@code x ≈ 2 ln(1/α) + ln(1 + 2 ln(1/α))}). At that optimum the half-width is
     * {@code sqrt((1 + x)/m)}; setting it to {@code δ = expectedEffect} gives {@code m = (1 + x)/δ²} and
     * {@code τ² = 1/ρ = x/m}:
     * <pre>
     *   τ² = δ² · x / (1 + x)
     * </pre>
     * about {@code 0.92 δ²} at {@code α = 0.0125}: the mixing standard deviation is about the effect one wants to
     * catch, which is also Johari et al.'s advice (match the mixing distribution to plausible effects). It needs no
     * knowledge of the metric's variance, so it can be fixed before any data is seen, as validity requires.
     *
     * @param alpha the type-I error, in (0, 1)
     * @param expectedEffect {@code δ}: the distance from the tested value one wants to detect fastest, in the
     *     estimate's units (a fraction for a relative difference), finite and above 0
     * @throws IllegalArgumentException when either is out of range
     */
    public static MixtureSequentialTest tunedFor(double alpha, double expectedEffect) {
        if (!(expectedEffect > 0) || !Double.isFinite(expectedEffect)) {
            throw new IllegalArgumentException("the expected effect must be finite and above 0, was " + expectedEffect);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), was " + alpha);
        }
        double x = optimalInformationRatio(alpha);
        return new MixtureSequentialTest(alpha, expectedEffect * expectedEffect * x / (1 + x));
    }

    /** The root {@code x > 0} of {@code x − ln(1 + x) = 2 ln(1/α)}; see {@link #tunedFor(double, double)}. */
    static double optimalInformationRatio(double alpha) {
        double twoLog = 2 * FastMath.log(1 / alpha);
        // f(2L) = −ln(1 + 2L) < 0 and f(4L + 2) = 2L + 2 − ln(4L + 3) > 0 bracket the root.
        return new BrentSolver(1e-12).solve(100, x -> x - FastMath.log1p(x) - twoLog, twoLog, 2 * twoLog + 2);
    }

    /** The type-I error over all looks. */
    public double alpha() {
        return alpha;
    }

    /** {@code τ²}, the variance of the mixing distribution. */
    public double mixingVariance() {
        return mixingVariance;
    }

    /**
     * {@code ln Λ} for {@code H₀: true value == nullValue} (see the class comment). NaN when the estimate is; 0 when
     * its variance is infinite (no information); +∞ when its variance is 0 and it differs from the null value.
     */
    public double logLikelihoodRatio(Estimate estimate, double nullValue) {
        double v = estimate.variance();
        double d = estimate.value() - nullValue;
        if (Double.isNaN(v) || Double.isNaN(d)) {
            return Double.NaN;
        }
        if (v == Double.POSITIVE_INFINITY) {
            return 0;
        }
        if (v == 0) {
            return d == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        double tau2 = mixingVariance;
        return -0.5 * FastMath.log1p(tau2 / v) + tau2 * d * d / (2 * v * (v + tau2));
    }

    /**
     * The always-valid p-value for {@code H₀: true value == nullValue}: {@code min(1, 1/Λ)}. NaN when the estimate
     * or its variance is NaN.
     */
    public double pValue(Estimate estimate, double nullValue) {
        double log = logLikelihoodRatio(estimate, nullValue);
        return Double.isNaN(log) ? Double.NaN : Math.min(1, FastMath.exp(-log));
    }

    /**
     * The always-valid {@code (1 − alpha)} confidence interval for the true value (see the class comment).
     * {@link Interval#ALL} when the estimate or its variance is NaN or infinite; the point when the variance is 0.
     */
    public Interval interval(Estimate estimate) {
        double v = estimate.variance();
        double value = estimate.value();
        if (!Double.isFinite(v) || !Double.isFinite(value)) {
            return Interval.ALL;
        }
        double half = halfWidth(v);
        return new Interval(value - half, value + half);
    }

    /** The interval's half-width at sampling variance {@code v}, finite and at least 0. */
    double halfWidth(double v) {
        if (v == 0) {
            return 0;
        }
        double tau2 = mixingVariance;
        return FastMath.sqrt(v * (1 + v / tau2) * (2 * FastMath.log(1 / alpha) + FastMath.log1p(tau2 / v)));
    }

    @Override
    public String toString() {
        return "MixtureSequentialTest[alpha=" + alpha + ", mixingVariance=" + mixingVariance + "]";
    }
}
