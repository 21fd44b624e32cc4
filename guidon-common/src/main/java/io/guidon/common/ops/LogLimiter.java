package io.guidon.common.ops;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Bounds a log that a flood could repeat (one failure per request while a dependency is away): per kind, at most one
 * line per interval, which says how many of that kind were not logged since the previous one; the stack trace only
 * with the very first line of a kind. Thread-safe; kinds are the caller's few fixed names.
 */
public final class LogLimiter {

    /** What to log for one occurrence: nothing ({@link #log} false), or a line, with or without its stack trace. */
    public record Decision(boolean log, boolean first, long suppressed) {
        static final Decision SKIP = new Decision(false, false, 0);
    }

    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Kind> kinds = new ConcurrentHashMap<>();

    private static final class Kind {
        final AtomicLong lastLogged;
        final AtomicLong suppressed = new AtomicLong();

        Kind(long at) {
            this.lastLogged = new AtomicLong(at);
        }
    }

    /** At most one line per kind per {@code intervalMillis}. */
    public LogLimiter(long intervalMillis) {
        this(intervalMillis, System::nanoTime);
    }

    LogLimiter(long intervalMillis, LongSupplier nanoTime) {
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.nanoTime = nanoTime;
    }

    /** Records one occurrence of {@code kind} and says whether (and how) to log it. */
    public Decision admit(String kind) {
        long now = nanoTime.getAsLong();
        Kind fresh = new Kind(now);
        Kind k = kinds.putIfAbsent(kind, fresh);
        if (k == null) {
            return new Decision(true, true, 0);
        }
        long last = k.lastLogged.get();
        if (now - last < intervalNanos || !k.lastLogged.compareAndSet(last, now)) {
            k.suppressed.incrementAndGet();
            return Decision.SKIP;
        }
        return new Decision(true, false, k.suppressed.getAndSet(0));
    }
}
