package io.guidon.stats;

/**
 * Sufficient statistics of one arm's proportion metric: {@code users} exposed users, {@code converters} of whom
 * converted at least once in the metric's window. A proportion is the mean of 0/1 values per user, so
 * {@link #asSample()} gives the same data as a {@link Sample} (Σx = Σx² = converters) for the methods that take one
 * (CUPED, the guardrails).
 *
 * @param users exposed users, at least 0
 * @param converters users who converted, in [0, users]
 */
public record Proportion(long users, long converters) {

    /** @throws IllegalArgumentException when users is negative or converters is outside [0, users] */
    public Proportion {
        if (users < 0) {
            throw new IllegalArgumentException("users must be at least 0, was " + users);
        }
        if (converters < 0 || converters > users) {
            throw new IllegalArgumentException("converters must be in [0, " + users + "], was " + converters);
        }
    }

    /** {@code converters / users}; NaN when there are no users. */
    public double rate() {
        return users == 0 ? Double.NaN : (double) converters / users;
    }

    /** The same users as per-user 0/1 values. */
    public Sample asSample() {
        return new Sample(users, converters, converters);
    }
}
