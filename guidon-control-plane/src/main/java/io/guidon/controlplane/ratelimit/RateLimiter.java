package io.guidon.controlplane.ratelimit;

import io.vertx.core.Future;

/**
 * Counts requests against a limit per window. {@link #acquire} counts one request for {@code bucket} (an API key
 * id, or a client address) and says whether it is within {@code limit} for the current window, and if not, how
 * long until the window ends. An implementation never fails: when its backing store is unavailable it decides
 * with what it has (see {@link FailoverRateLimiter}).
 */
public interface RateLimiter {

    record Decision(boolean allowed, long count, long retryAfterMillis) {
    }

    Future<Decision> acquire(String bucket, int limit);
}
