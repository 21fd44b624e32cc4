package io.guidon.stats;

/**
 * A closed interval {@code [lower, upper]}; either end may be infinite.
 *
 * @param lower the lower end, not NaN, at most {@code upper}
 * @param upper the upper end, not NaN
 */
public record Interval(double lower, double upper) {

    /** The whole real line: what is known before there is enough data. */
    public static final Interval ALL = new Interval(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);

    /** @throws IllegalArgumentException when an end is NaN or lower is above upper */
    public Interval {
        if (Double.isNaN(lower) || Double.isNaN(upper) || lower > upper) {
            throw new IllegalArgumentException("not an interval: [" + lower + ", " + upper + "]");
        }
    }

    /** Whether {@code lower <= x <= upper}. */
    public boolean contains(double x) {
        return lower <= x && x <= upper;
    }

    /** {@code upper − lower} (infinite when an end is). */
    public double width() {
        return upper - lower;
    }
}
