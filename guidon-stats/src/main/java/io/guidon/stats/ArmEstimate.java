package io.guidon.stats;

/**
 * One arm's estimate of its metric's mean per user, with the sampling variance of that mean and the degrees of
 * freedom of the variance's estimate: the common currency of the experiment methods ({@link FixedHorizon},
 * {@link Bayesian#gaussian}, {@link Sequential}), whatever the metric's kind.
 *
 * @param users the arm's users, at least 0
 * @param mean the estimated mean (a rate, a mean per user, a ratio); NaN when it cannot be estimated
 * @param variance the sampling variance of {@code mean} (its squared standard error), at least 0 or NaN
 * @param degreesOfFreedom of the variance's estimate: {@code n − 1} for a mean, +∞ where only the normal
 *     approximation is claimed (proportions, ratios); feeds Welch–Satterthwaite ({@link FixedHorizon#absolute})
 */
public record ArmEstimate(long users, double mean, double variance, double degreesOfFreedom) {

    /** The converters and non-converters each arm needs for the normal approximation of a proportion. */
    public static final int MIN_EVENTS_FOR_NORMAL = 10;

    /** @throws IllegalArgumentException when users or the variance is negative, or the degrees of freedom not > 0 */
    public ArmEstimate {
        if (users < 0) {
            throw new IllegalArgumentException("users must be at least 0, was " + users);
        }
        if (variance < 0) {
            throw new IllegalArgumentException("a variance must be at least 0, was " + variance);
        }
        if (!(degreesOfFreedom > 0)) {
            throw new IllegalArgumentException("degrees of freedom must be above 0, was " + degreesOfFreedom);
        }
    }

    /**
     * A mean metric: the sample mean, {@code s²/n} with the unbiased {@code s²}, and {@code n − 1} degrees of freedom
     * (Student; Welch 1947). Variance NaN with fewer than 2 users.
     */
    public static ArmEstimate of(Sample sample) {
        return new ArmEstimate(sample.n(), sample.mean(), sample.variance() / sample.n(),
                Math.max(1, sample.n() - 1));
    }

    /**
     * A proportion metric by the normal approximation: {@code p̂ = converters/users} and the binomial variance
     * {@code p̂(1 − p̂)/n} (the Wald form R's {@code prop.test} uses for its interval), with infinite degrees of
     * freedom. The approximation is trusted when each arm has at least 10 converters and 10 non-converters
     * ({@code n·p̂ ≥ 10} and {@code n(1 − p̂) ≥ 10}: L. D. Brown, T. T. Cai, A. DasGupta, "Interval Estimation for a
     * Binomial Proportion", Statistical Science 16(2), 2001, discuss why smaller counts are not enough);
     * {@link #normalApproximationHolds(Proportion)} says whether it does.
     */
    public static ArmEstimate of(Proportion proportion) {
        double p = proportion.rate();
        return new ArmEstimate(proportion.users(), p, p * (1 - p) / proportion.users(), Double.POSITIVE_INFINITY);
    }

    /**
     * The rule for {@link #of(Proportion)}: at least {@value #MIN_EVENTS_FOR_NORMAL} converters and as many
     * non-converters.
     */
    public static boolean normalApproximationHolds(Proportion proportion) {
        return proportion.converters() >= MIN_EVENTS_FOR_NORMAL
                && proportion.users() - proportion.converters() >= MIN_EVENTS_FOR_NORMAL;
    }

    /**
     * A ratio metric {@code R = X̄/Ȳ} over users, with the delta-method variance of a ratio of two correlated means
     * (Deng, Knoblich, Lu, KDD 2018, §2.2, the first-order Taylor expansion of {@code f(a, b) = a/b} at
     * {@code (μ_X, μ_Y)}):
     * <pre>
     *   Var(X̄/Ȳ) ≈ (1/n) · ( s_X²/Ȳ² − 2 X̄ s_XY/Ȳ³ + X̄² s_Y²/Ȳ⁴ )
     * </pre>
     * with the unbiased sample variances and covariance, clamped at 0 against rounding; infinite degrees of freedom
     * (the result is asymptotic). Mean NaN when ΣY is 0; variance NaN when n < 2.
     */
    public static ArmEstimate of(RatioSample sample) {
        long n = sample.n();
        if (n == 0 || sample.sumY() == 0) {
            return new ArmEstimate(n, Double.NaN, Double.NaN, Double.POSITIVE_INFINITY);
        }
        double meanX = sample.sumX() / n;
        double meanY = sample.sumY() / n;
        double meanY2 = meanY * meanY;
        double variance = (sample.numerator().variance() / meanY2
                - 2 * meanX * sample.covariance() / (meanY2 * meanY)
                + meanX * meanX * sample.denominator().variance() / (meanY2 * meanY2)) / n;
        return new ArmEstimate(n, meanX / meanY, Math.max(0, variance), Double.POSITIVE_INFINITY);
    }

    /** The mean with its sampling variance. */
    public Estimate estimate() {
        return new Estimate(mean, variance);
    }
}
