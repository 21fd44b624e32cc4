package io.guidon.controlplane.domain;

/**
 * Where PostgreSQL's {@code percentile_cont(p)} over {@code n} values finds its answer, so that the same value can be
 * had from a few order statistics instead of a sort of all values (docs/adr/0124-experiment-state.md "Caps at
 * read"). Mirrors {@code percentile_cont_final_common} of PostgreSQL's {@code orderedsetaggs.c}: ranks (0-based,
 * ascending) {@code lo = floor(p·(n−1))} and {@code hi = ceil(p·(n−1))}, and when they differ the value
 * {@code v[lo] + f·(v[hi] − v[lo])} with {@code f = p·(n−1) − lo}, in the same double arithmetic (so the bound is
 * the same double, not merely close).
 *
 * <p>The values of an experiment's users are mostly zeros: sorted, they are {@code negatives} values below zero, then
 * the zeros, then {@code positives} values above zero. {@link #region} says which block a rank falls in, and
 * {@link #fromTop} and {@link #amongNegatives} where in that block, so that only the non-zero values need ordering.
 *
 * @param n how many values (at least 1)
 * @param lo the lower rank, 0-based ascending
 * @param hi the upper rank ({@code lo} or {@code lo + 1})
 * @param fraction {@code p·(n−1) − lo}, in [0, 1)
 */
public record Percentile(long n, long lo, long hi, double fraction) {

    /** The blocks of the sorted values. */
    public enum Region { NEGATIVE, ZERO, POSITIVE }

    /**
     * The ranks of {@code percentile_cont(p)} over {@code n} values.
     *
     * @throws IllegalArgumentException when {@code n < 1} or {@code p} is not in [0, 1] (PostgreSQL refuses it)
     */
    public static Percentile of(double p, long n) {
        if (n < 1 || !(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("a percentile needs p in [0, 1] and values, not p " + p + " of " + n);
        }
        // As PostgreSQL: the product in double (n − 1 converted), then floor and ceil to int64.
        double position = p * (double) (n - 1);
        long lo = (long) Math.floor(position);
        long hi = (long) Math.ceil(position);
        return new Percentile(n, lo, hi, position - lo);
    }

    /** The percentile from the values at ranks {@link #lo} and {@link #hi} (PostgreSQL's {@code float8_lerp}). */
    public double value(double atLo, double atHi) {
        return hi > lo ? atLo + fraction * (atHi - atLo) : atLo;
    }

    /** The block of rank {@code rank} when the values hold {@code negatives} below zero and {@code positives} above. */
    public Region region(long rank, long negatives, long positives) {
        if (rank >= n - positives) {
            return Region.POSITIVE;
        }
        return rank < negatives ? Region.NEGATIVE : Region.ZERO;
    }

    /** Whether rank {@code rank} is among the {@code positives} largest values (no count of negatives needed). */
    public boolean positive(long rank, long positives) {
        return rank >= n - positives;
    }

    /** Rank {@code rank}'s position from the largest value (0: the largest). */
    public long fromTop(long rank) {
        return n - 1 - rank;
    }
}
