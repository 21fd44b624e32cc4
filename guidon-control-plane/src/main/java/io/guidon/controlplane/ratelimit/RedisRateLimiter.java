package io.guidon.controlplane.ratelimit;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Fixed windows counted in Redis, so that every replica shares one count per bucket: one atomic script increments
 * the counter of {@code <prefix>:ratelimit:<bucket>}, starts its expiry with the first request of a window, and
 * returns the count and the time left. Fails (for {@link FailoverRateLimiter} to handle) when Redis does not
 * answer within the command timeout.
 */
public final class RedisRateLimiter implements RateLimiter {

    static final String SCRIPT = """
            local n = redis.call('INCR', KEYS[1])
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl < 0 then
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
              ttl = tonumber(ARGV[1])
            end
            return {n, ttl}
            """;

    private final Redis redis;
    private final String prefix;
    private final long windowMillis;
    private final long timeoutMillis;

    public RedisRateLimiter(Redis redis, String prefix, Duration window, Duration timeout) {
        this.redis = redis;
        this.prefix = prefix;
        this.windowMillis = window.toMillis();
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public Future<Decision> acquire(String bucket, int limit) {
        return redis.send(Request.cmd(Command.EVAL).arg(SCRIPT).arg(1).arg(prefix + ":ratelimit:" + bucket)
                        .arg(windowMillis))
                .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .map(r -> decision(r, limit));
    }

    private static Decision decision(Response r, int limit) {
        long n = r.get(0).toLong();
        long ttl = Math.max(1, r.get(1).toLong());
        return new Decision(n <= limit, n, n <= limit ? 0 : ttl);
    }
}
