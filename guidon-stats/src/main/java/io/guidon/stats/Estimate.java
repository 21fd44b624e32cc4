package io.guidon.stats;

/**
 * An estimate of a quantity with its sampling variance (the square of its standard error). Either may be NaN when
 * the data cannot estimate it (no users, a relative difference to a control mean of 0).
 *
 * @param value the estimate
 * @param variance its sampling variance: at least 0, possibly infinite or NaN
 */
public record Estimate(double value, double variance) {

    /** @throws IllegalArgumentException when the variance is negative */
    public Estimate {
        if (variance < 0) {
            throw new IllegalArgumentException("a variance must be at least 0, was " + variance);
        }
    }

    /** {@code sqrt(variance)}. */
    public double standardError() {
        return Math.sqrt(variance);
    }
}
