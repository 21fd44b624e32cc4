package io.guidon.stats;

/**
 * Sufficient statistics of one arm's ratio metric, {@code ΣX / ΣY} over the arm's users (revenue per order: X a
 * user's revenue, Y their orders; clicks per session). The unit of randomisation is the user, not the denominator's
 * unit, so the sessions or orders of one user are correlated and the ratio's variance needs the per-user sums and
 * the delta method ({@link ArmEstimate#of(RatioSample)}; A. Deng, U. Knoblich, J. Lu, "Applying the Delta Method in
 * Metric Analytics: A Practical Guide with Novel Ideas", KDD 2018, arXiv 1803.06336, §2).
 *
 * @param n users, at least 0
 * @param sumX the sum over users of each user's numerator, finite
 * @param sumY the sum over users of each user's denominator, finite
 * @param sumX2 the sum of the users' squared numerators, finite and at least 0
 * @param sumY2 the sum of the users' squared denominators, finite and at least 0
 * @param sumXY the sum of the users' numerator × denominator, finite
 */
public record RatioSample(long n, double sumX, double sumY, double sumX2, double sumY2, double sumXY) {

    /** No users. */
    public static final RatioSample EMPTY = new RatioSample(0, 0, 0, 0, 0, 0);

    /** @throws IllegalArgumentException when n is negative, a sum is not finite or a sum of squares is negative */
    public RatioSample {
        if (n < 0) {
            throw new IllegalArgumentException("n must be at least 0, was " + n);
        }
        if (!Double.isFinite(sumX) || !Double.isFinite(sumY) || !Double.isFinite(sumX2) || !Double.isFinite(sumY2)
                || !Double.isFinite(sumXY)) {
            throw new IllegalArgumentException("sums must be finite");
        }
        if (sumX2 < 0 || sumY2 < 0) {
            throw new IllegalArgumentException("sums of squares must be at least 0, were " + sumX2 + " and " + sumY2);
        }
    }

    /** This sample with one more user whose numerator is {@code x} and denominator {@code y}. */
    public RatioSample plus(double x, double y) {
        return new RatioSample(n + 1, sumX + x, sumY + y, sumX2 + x * x, sumY2 + y * y, sumXY + x * y);
    }

    /** {@code ΣX / ΣY}; NaN when ΣY is 0. */
    public double ratio() {
        return sumY == 0 ? Double.NaN : sumX / sumY;
    }

    /** The numerators alone. */
    public Sample numerator() {
        return new Sample(n, sumX, sumX2);
    }

    /** The denominators alone. */
    public Sample denominator() {
        return new Sample(n, sumY, sumY2);
    }

    /** The unbiased sample covariance of numerator and denominator (divisor {@code n − 1}); NaN when n < 2. */
    public double covariance() {
        return n < 2 ? Double.NaN : (sumXY - sumX * sumY / n) / (n - 1);
    }
}
