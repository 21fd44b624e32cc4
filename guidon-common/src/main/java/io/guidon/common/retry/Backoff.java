package io.guidon.common.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff between {@code min} and {@code max}: attempt 0 waits {@code min}, each further attempt doubles
 * it, never beyond {@code max}. {@link #jittered} spreads each wait over its upper half ("equal jitter"), so that
 * many sidecars that lost the same server do not all come back in the same millisecond, while a wait never drops
 * below half of its step. Every delay is at least 1 ms (a Vert.x timer cannot be shorter).
 */
public record Backoff(Duration min, Duration max) {

    /** Doublings beyond this would overflow a long of milliseconds for any sensible {@code min}. */
    private static final int MAX_SHIFT = 20;

    public Backoff {
        if (min.isNegative() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("backoff needs 0 <= min <= max, got " + min + " and " + max);
        }
    }

    /** The wait before retry number {@code attempt} (0-based), without jitter. */
    public long delayMillis(int attempt) {
        long step = min.toMillis() << Math.min(Math.max(attempt, 0), MAX_SHIFT);
        return Math.max(1, Math.min(max.toMillis(), step));
    }

    /** {@link #delayMillis} with equal jitter: uniform in [delay/2, delay]. */
    public long jittered(int attempt) {
        return jittered(attempt, bound -> ThreadLocalRandom.current().nextLong(bound));
    }

    /** The same with a given source of randomness: {@code random.applyAsLong(n)} is uniform in [0, n). */
    long jittered(int attempt, LongUnaryOperator random) {
        long delay = delayMillis(attempt);
        return Math.max(1, delay / 2 + random.applyAsLong(delay / 2 + 1));
    }
}
