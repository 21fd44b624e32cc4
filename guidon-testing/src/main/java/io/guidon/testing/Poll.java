package io.guidon.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a condition by checking it every few milliseconds, failing the test at a deadline: tests wait for what
 * they expect, never for a fixed time. The one polling helper of every test.
 */
public final class Poll {

    /** Long enough for a loaded 2-core CI machine; a condition that holds returns at once anyway. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static final long INTERVAL_NANOS = Duration.ofMillis(5).toNanos();

    private Poll() {
    }

    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(INTERVAL_NANOS);
        }
    }

    public static void until(String what, BooleanSupplier condition) {
        until(what, TIMEOUT, condition);
    }

    /** Polls {@code value} until it satisfies {@code accept}; returns the accepted value. */
    public static <T> T until(String what, Supplier<T> value, Predicate<T> accept) {
        Object[] last = new Object[1];
        until(what, TIMEOUT, () -> {
            T v = value.get();
            last[0] = v;
            return accept.test(v);
        });
        @SuppressWarnings("unchecked")
        T t = (T) last[0];
        return t;
    }

    /**
     * Checks for {@code during} that {@code condition} keeps holding: for the few "nothing more happens" claims,
     * where there is no event to wait for. Keep {@code during} short.
     */
    public static void stays(String what, Duration during, BooleanSupplier condition) {
        long deadline = System.nanoTime() + during.toNanos();
        do {
            if (!condition.getAsBoolean()) {
                throw new AssertionError("no longer true: " + what);
            }
            LockSupport.parkNanos(INTERVAL_NANOS);
        } while (System.nanoTime() < deadline);
    }
}
