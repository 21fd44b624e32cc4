package io.guidon.stats;

/**
 * Sufficient statistics of one group's per-user values: {@code n} users, the sum of their values and the sum of the
 * squares of their values. For a rate metric a user's value is their count of events (errors per user); for a mean
 * metric it is their value (a latency). Immutable; combine with {@link #plus(double)} and {@link #plus(Sample)}.
 *
 * <p>The variance is computed from the sums ({@code (Σx² − (Σx)²/n)/(n − 1)}), which loses digits only when the
 * mean is many orders of magnitude above the standard deviation; the metrics of a rollout (counts per user,
 * latencies in ms) are far from that. It is clamped at 0 against rounding.
 *
 * @param n users, at least 0
 * @param sum the sum of their values, finite
 * @param sumOfSquares the sum of their squared values, finite and at least 0
 */
public record Sample(long n, double sum, double sumOfSquares) {

    /** No users. */
    public static final Sample EMPTY = new Sample(0, 0, 0);

    /** @throws IllegalArgumentException when n is negative, a sum is not finite or the sum of squares is negative */
    public Sample {
        if (n < 0) {
            throw new IllegalArgumentException("n must be at least 0, was " + n);
        }
        if (!Double.isFinite(sum) || !Double.isFinite(sumOfSquares)) {
            throw new IllegalArgumentException("sums must be finite, were " + sum + " and " + sumOfSquares);
        }
        if (sumOfSquares < 0) {
            throw new IllegalArgumentException("the sum of squares must be at least 0, was " + sumOfSquares);
        }
    }

    /** The sample of these values (one per user). */
    public static Sample of(double... values) {
        Sample sample = EMPTY;
        for (double value : values) {
            sample = sample.plus(value);
        }
        return sample;
    }

    /** The arithmetic mean; NaN when {@code n == 0}. */
    public double mean() {
        return n == 0 ? Double.NaN : sum / n;
    }

    /** The unbiased sample variance (divisor {@code n − 1}); NaN when {@code n < 2}. */
    public double variance() {
        if (n < 2) {
            return Double.NaN;
        }
        return Math.max(0, (sumOfSquares - sum * sum / n) / (n - 1));
    }

    /** This sample with one more user whose value is {@code value}. */
    public Sample plus(double value) {
        return new Sample(n + 1, sum + value, sumOfSquares + value * value);
    }

    /** The union of two samples of different users. */
    public Sample plus(Sample other) {
        return new Sample(n + other.n, sum + other.sum, sumOfSquares + other.sumOfSquares);
    }
}
