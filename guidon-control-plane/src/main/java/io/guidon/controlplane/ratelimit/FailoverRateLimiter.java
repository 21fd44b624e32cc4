package io.guidon.controlplane.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shared limits through Redis while it answers; per-replica limits ({@link LocalRateLimiter}) when it does not.
 * After a Redis failure, Redis is left alone for {@code retryAfter} (no request waits on a dead Redis meanwhile),
 * then tried again. Metrics: {@code guidon_ratelimit_decisions_total{backend, outcome}} and
 * {@code guidon_ratelimit_redis_failures_total}.
 */
public final class FailoverRateLimiter implements RateLimiter {

    private static final Logger LOG = LoggerFactory.getLogger(FailoverRateLimiter.class);

    private final RateLimiter shared;
    private final RateLimiter local;
    private final long retryAfterNanos;
    private volatile long sharedDownUntil;
    private volatile boolean down;
    private final Counter sharedAllowed;
    private final Counter sharedLimited;
    private final Counter localAllowed;
    private final Counter localLimited;
    private final Counter failures;

    public FailoverRateLimiter(RateLimiter shared, RateLimiter local, Duration retryAfter, MeterRegistry registry) {
        this.shared = shared;
        this.local = local;
        this.retryAfterNanos = retryAfter.toNanos();
        this.sharedAllowed = decisions(registry, "redis", "allowed");
        this.sharedLimited = decisions(registry, "redis", "limited");
        this.localAllowed = decisions(registry, "local", "allowed");
        this.localLimited = decisions(registry, "local", "limited");
        this.failures = Counter.builder("guidon.ratelimit.redis.failures")
                .description("Rate-limit checks that fell back to per-replica counting").register(registry);
    }

    private static Counter decisions(MeterRegistry registry, String backend, String outcome) {
        return Counter.builder("guidon.ratelimit.decisions").tag("backend", backend).tag("outcome", outcome)
                .description("Rate-limit decisions").register(registry);
    }

    @Override
    public Future<Decision> acquire(String bucket, int limit) {
        if (down && System.nanoTime() - sharedDownUntil < 0) {
            return local(bucket, limit);
        }
        return shared.acquire(bucket, limit).map(d -> {
            if (down) {
                down = false;
                LOG.info("Redis answers again: rate limits are shared across replicas again");
            }
            (d.allowed() ? sharedAllowed : sharedLimited).increment();
            return d;
        }).recover(e -> {
            failures.increment();
            if (!down) {
                LOG.warn("Redis is unavailable for rate limiting ({}); counting per replica for now",
                        e.getMessage());
            }
            down = true;
            sharedDownUntil = System.nanoTime() + retryAfterNanos;
            return local(bucket, limit);
        });
    }

    private Future<Decision> local(String bucket, int limit) {
        return local.acquire(bucket, limit).onSuccess(d -> (d.allowed() ? localAllowed : localLimited).increment());
    }
}
