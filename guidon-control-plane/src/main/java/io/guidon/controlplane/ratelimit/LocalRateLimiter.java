package io.guidon.controlplane.ratelimit;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fixed windows counted in this process only: the per-replica fallback when Redis is unavailable (with N replicas a
 * client may then get up to N times its limit; a tolerable degradation for the minutes Redis is down).
 */
public final class LocalRateLimiter implements RateLimiter {

    private record Window(long startNanos, AtomicLong count) {
    }

    private final long windowNanos;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public LocalRateLimiter(Duration window) {
        this.windowNanos = window.toNanos();
    }

    @Override
    public Future<Decision> acquire(String bucket, int limit) {
        long now = System.nanoTime();
        if (windows.size() > 100_000) {
            windows.values().removeIf(w -> now - w.startNanos >= windowNanos);
        }
        Window w = windows.compute(bucket, (k, old) -> old == null || now - old.startNanos >= windowNanos
                ? new Window(now, new AtomicLong()) : old);
        long n = w.count.incrementAndGet();
        long retryAfter = Math.max(1, (w.startNanos + windowNanos - now) / 1_000_000);
        return Future.succeededFuture(new Decision(n <= limit, n, n <= limit ? 0 : retryAfter));
    }
}
