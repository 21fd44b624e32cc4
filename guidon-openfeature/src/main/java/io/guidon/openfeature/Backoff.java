package io.guidon.openfeature;

import java.util.concurrent.ThreadLocalRandom;

/** Delays between reconnection attempts: doubling from {@code min} to {@code max}, with ±20 % jitter. */
final class Backoff {

    private final long minMillis;
    private final long maxMillis;
    private long next;

    Backoff(long minMillis, long maxMillis) {
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
        this.next = minMillis;
    }

    /** The delay before the next attempt, in milliseconds; the one after is twice as long (up to max). */
    long next() {
        long d = next;
        next = Math.min(maxMillis, next * 2);
        long jitter = d / 5;
        return Math.max(1, d - jitter + ThreadLocalRandom.current().nextLong(2 * jitter + 1));
    }

    void reset() {
        next = minMillis;
    }
}
