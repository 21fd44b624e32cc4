package io.guidon.controlplane.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * When a failed webhook delivery is tried again: exponential backoff with full jitter (the delay before attempt
 * n + 1 is drawn uniformly from [0, min(maxDelay, initialDelay x 2^(n-1))], "Exponential Backoff And Jitter", AWS
 * Architecture Blog, 2015), never before a {@code Retry-After} the endpoint asked for, and never after the retry
 * window's end ({@code giveUpAfter} after it opened): the last attempt is made at that end, and a delivery that
 * still fails then is given up (marked failed). Pure; the random draw is passed in.
 *
 * @param initialDelay the cap of the first retry's delay
 * @param maxDelay the largest cap
 * @param giveUpAfter the retry window: from the delivery's creation (or manual redelivery) to its last attempt
 */
public record RetrySchedule(Duration initialDelay, Duration maxDelay, Duration giveUpAfter) {

    public RetrySchedule {
        if (initialDelay.isNegative() || initialDelay.isZero() || maxDelay.compareTo(initialDelay) < 0
                || giveUpAfter.isNegative()) {
            throw new IllegalArgumentException("0 < initialDelay <= maxDelay, giveUpAfter >= 0");
        }
    }

    /** The cap of the delay after {@code failures} failed attempts (1: after the first). */
    public Duration cap(int failures) {
        int doublings = Math.max(0, Math.min(failures - 1, 40));
        long millis = initialDelay.toMillis();
        long cap = maxDelay.toMillis();
        for (int i = 0; i < doublings && millis < cap; i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, cap));
    }

    /**
     * The next attempt after {@code failures} failed ones, the last at {@code now}; or null when the delivery is to
     * be given up (its window, opened at {@code windowStart}, has ended).
     *
     * @param random a uniform draw in [0, 1)
     * @param retryAfter the endpoint's {@code Retry-After}, or null
     */
    public Instant next(int failures, Instant windowStart, Instant now, double random, Duration retryAfter) {
        Instant end = windowStart.plus(giveUpAfter);
        if (!now.isBefore(end)) {
            return null;
        }
        long delay = (long) Math.floor(random * (cap(failures).toMillis() + 1));
        if (retryAfter != null && retryAfter.toMillis() > delay) {
            delay = Math.min(retryAfter.toMillis(), maxDelay.toMillis());
        }
        Instant at = now.plusMillis(delay);
        return at.isAfter(end) ? end : at;
    }
}
