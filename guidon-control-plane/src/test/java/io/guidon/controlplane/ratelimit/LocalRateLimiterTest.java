package io.guidon.controlplane.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest {

    @Test
    void countsPerBucketWithinAWindowAndSaysWhenToRetry() {
        LocalRateLimiter limiter = new LocalRateLimiter(Duration.ofMinutes(1));

        for (int i = 1; i <= 3; i++) {
            RateLimiter.Decision d = limiter.acquire("a", 3).result();
            assertThat(d.allowed()).isTrue();
            assertThat(d.count()).isEqualTo(i);
        }
        RateLimiter.Decision over = limiter.acquire("a", 3).result();
        assertThat(over.allowed()).isFalse();
        assertThat(over.retryAfterMillis()).isBetween(1L, 60_000L);
        assertThat(limiter.acquire("b", 3).result().allowed()).isTrue();
    }

    @Test
    void aNewWindowStartsAfterTheOldOneEnds() {
        LocalRateLimiter limiter = new LocalRateLimiter(Duration.ofNanos(1));

        assertThat(limiter.acquire("a", 1).result().allowed()).isTrue();
        // A one-nanosecond window has always ended by the next call.
        assertThat(limiter.acquire("a", 1).result().allowed()).isTrue();
    }
}
