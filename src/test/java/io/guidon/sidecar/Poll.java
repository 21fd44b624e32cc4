package io.guidon.sidecar;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition by checking it every few milliseconds, failing the test at a deadline. */
public final class Poll {

    private Poll() {
    }

    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    public static void until(String what, BooleanSupplier condition) {
        until(what, Duration.ofSeconds(10), condition);
    }

    /** Polls {@code value} until it satisfies {@code accept}; returns the accepted value. */
    public static <T> T until(String what, Supplier<T> value, java.util.function.Predicate<T> accept) {
        Object[] last = new Object[1];
        until(what, Duration.ofSeconds(10), () -> {
            T v = value.get();
            last[0] = v;
            return accept.test(v);
        });
        @SuppressWarnings("unchecked")
        T t = (T) last[0];
        return t;
    }
}
