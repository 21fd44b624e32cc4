package io.guidon.common.ops;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The result of an asynchronous computation (a metrics rendering, a readiness check), shared by every caller for
 * {@code maxAge} from the moment it started, and by every caller that arrives while it is still running: a flood
 * of callers costs at most one computation per {@code maxAge} (with {@code maxAge} 0, one per computation time).
 * Failures are shared the same way, so a flood during an outage does not hammer the dependency that is down.
 * Thread-safe: callers on any event loop share it; the returned future may complete on another thread.
 */
public final class Cached<T> {

    private record Entry<T>(Future<T> future, long startedNanos) {
    }

    private final Supplier<Future<T>> compute;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private final AtomicReference<Entry<T>> current = new AtomicReference<>();
    private final AtomicLong computations = new AtomicLong();

    public Cached(Supplier<Future<T>> compute, Duration maxAge) {
        this(compute, maxAge, System::nanoTime);
    }

    Cached(Supplier<Future<T>> compute, Duration maxAge, LongSupplier nanoTime) {
        this.compute = compute;
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoTime = nanoTime;
    }

    /** The shared result: the one in progress, or one started less than {@code maxAge} ago, else a new one. */
    public Future<T> get() {
        while (true) {
            Entry<T> e = current.get();
            long now = nanoTime.getAsLong();
            if (e != null && (!e.future().isComplete() || now - e.startedNanos() < maxAgeNanos)) {
                return e.future();
            }
            Promise<T> promise = Promise.promise();
            if (current.compareAndSet(e, new Entry<>(promise.future(), now))) {
                computations.incrementAndGet();
                try {
                    compute.get().onComplete(promise);
                } catch (RuntimeException ex) {
                    promise.fail(ex);
                }
                return promise.future();
            }
        }
    }

    /** How many times the computation ran (for a metric, and for tests that a flood was absorbed). */
    public long computations() {
        return computations.get();
    }
}
