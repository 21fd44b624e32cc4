package io.guidon.controlplane.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import io.guidon.testing.Poll;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * With Redis unreachable (a port nothing listens on), admin changes still succeed, failed notifications are
 * retried and counted, rate limits fall back to per-replica counting, and the server stays ready.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisDownIT {

    Harness cp;
    String admin;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of("redis.url", "redis://127.0.0.1:1", "redis.publish-retries", "2",
                "redis.publish-backoff", "10ms", "redis.command-timeout", "500ms",
                "rate-limit.per-key", "8", "rate-limit.redis-retry-after", "1m"));
        admin = cp.bootstrap("acme");
    }

    @AfterAll
    void stop() throws Exception {
        cp.close();
    }

    @Test
    void aFailedPublishIsRetriedCountedAndNeverFailsTheChange() {
        double failedBefore = cp.metric("guidon_publish_total", "outcome=\"failed\"");
        cp.post("/api/v1/environments", admin, Map.of("key", "production"));

        Resp created = cp.post("/api/v1/flags", admin, Map.of("key", "still-works",
                "variants", Map.of("on", true, "off", false)));

        assertThat(created.status()).isEqualTo(201);
        Poll.until("the publish is given up and counted", Duration.ofSeconds(10),
                () -> cp.metric("guidon_publish_total", "outcome=\"failed\"") >= failedBefore + 1);
        assertThat(cp.metric("guidon_publish_retries_total")).isGreaterThanOrEqualTo(2);
        assertThat(cp.get("/api/v1/flags/still-works", admin).status()).isEqualTo(200);
    }

    @Test
    void rateLimitsFallBackToPerReplicaCounting() {
        String key = cp.createKey(admin, "fallback", "viewer", null).json().get("key").asText();
        for (int i = 0; i < 8; i++) {
            assertThat(cp.get("/api/v1/flags", key).status()).isEqualTo(200);
        }

        Resp limited = cp.get("/api/v1/flags", key);

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isNotNull();
        assertThat(cp.metric("guidon_ratelimit_decisions_total", "backend=\"local\"", "outcome=\"limited\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(cp.metric("guidon_ratelimit_redis_failures_total")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theServerStaysReadyAndSaysRedisIsDown() {
        Resp ready = cp.get("/readyz", null);

        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("redis").asText()).startsWith("DOWN");
        assertThat(ready.json().get("database").asText()).isEqualTo("UP");
    }
}
