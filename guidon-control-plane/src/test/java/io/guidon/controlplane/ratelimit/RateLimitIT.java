package io.guidon.controlplane.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Rate limits per key and per client address, with 429 and Retry-After, counted in Redis so that two replicas
 * share one limit. Every test uses keys of its own: counts are per key and per one-minute window.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitIT {

    static final Map<String, String> LIMITS = Map.of("rate-limit.per-key", "5", "rate-limit.per-address", "3",
            "rate-limit.window", "1m");

    Harness cp;
    Harness replica;
    String admin;

    @BeforeAll
    void start() throws Exception {
        // The bootstrap admin key is used for set-up only; limits are checked on keys made for each test.
        cp = Harness.start(Map.of("rate-limit.per-key", "1000", "rate-limit.per-address", "3"));
        admin = cp.bootstrap("acme");
        replica = Harness.start(cp.db, cp.redisPrefix, LIMITS);
    }

    @AfterAll
    void stop() throws Exception {
        replica.stop();
        cp.close();
    }

    private String newKey(String name) {
        return cp.createKey(admin, name, "viewer", null).json().get("key").asText();
    }

    @Test
    void aKeyOverItsLimitGets429WithRetryAfterAndOtherKeysAreUnaffected() {
        String key = newKey("limited");
        for (int i = 1; i <= 5; i++) {
            Resp ok = replica.get("/api/v1/flags", key);
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.header("RateLimit-Limit")).isEqualTo("5");
            assertThat(ok.header("RateLimit-Remaining")).isEqualTo(Integer.toString(5 - i));
        }

        Resp limited = replica.get("/api/v1/flags", key);

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(limited.json().get("type").asText()).endsWith("/rate-limited");
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 60);
        assertThat(replica.get("/api/v1/flags", newKey("other")).status()).isEqualTo(200);
        assertThat(replica.metric("guidon_ratelimit_decisions_total", "backend=\"redis\"", "outcome=\"limited\""))
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void requestsWithoutAValidKeyAreLimitedPerClientAddress() {
        // Three 401s are allowed per address and window; the fourth is refused before authentication matters.
        for (int i = 0; i < 3; i++) {
            assertThat(cp.get("/api/v1/flags", "gdn_wrongwrongwr_" + "x".repeat(43)).status()).isEqualTo(401);
        }
        Resp limited = cp.get("/api/v1/flags", null);

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isNotNull();
    }

    @Test
    void twoReplicasShareOneLimitThroughRedis() throws Exception {
        try (Harness second = Harness.start(cp.db, cp.redisPrefix, LIMITS)) {
            String key = newKey("shared");
            for (int i = 0; i < 3; i++) {
                assertThat(replica.get("/api/v1/flags", key).status()).isEqualTo(200);
            }
            for (int i = 0; i < 2; i++) {
                assertThat(second.get("/api/v1/flags", key).status()).isEqualTo(200);
            }

            assertThat(second.get("/api/v1/flags", key).status()).isEqualTo(429);
            assertThat(replica.get("/api/v1/flags", key).status()).isEqualTo(429);
        }
    }

    @Test
    void behindATrustedProxyEachForwardedClientHasItsOwnLimit() throws Exception {
        // A prefix of its own: the address buckets of this test must not meet those of the others.
        try (Harness behindProxy = Harness.start(cp.db, "guidon-it-" + java.util.UUID.randomUUID(),
                Map.of("rate-limit.per-address", "2", "http.trusted-proxies", "127.0.0.1/32"))) {
            for (int i = 0; i < 2; i++) {
                assertThat(behindProxy.get("/api/v1/flags", null, "X-Forwarded-For", "203.0.113.7").status())
                        .isEqualTo(401);
            }
            assertThat(behindProxy.get("/api/v1/flags", null, "X-Forwarded-For", "203.0.113.7").status())
                    .isEqualTo(429);

            // Another client behind the same proxy still has its own budget...
            Resp other = behindProxy.get("/api/v1/flags", null, "X-Forwarded-For", "198.51.100.9");
            assertThat(other.status()).isEqualTo(401);
            assertThat(other.header("RateLimit-Remaining")).isEqualTo("1");
            // ...and the limited one cannot escape by writing the header itself: the proxy appends what it saw.
            assertThat(behindProxy.get("/api/v1/flags", null, "X-Forwarded-For", "192.0.2.44, 203.0.113.7")
                    .status()).isEqualTo(429);
        }
    }

    @Test
    void fromAPeerThatIsNotATrustedProxyTheHeaderIsIgnored() throws Exception {
        try (Harness direct = Harness.start(cp.db, "guidon-it-" + java.util.UUID.randomUUID(),
                Map.of("rate-limit.per-address", "2", "http.trusted-proxies", "10.0.0.0/8"))) {
            // Each request claims another address; all of them come from 127.0.0.1, which nobody vouches for.
            assertThat(direct.get("/api/v1/flags", null, "X-Forwarded-For", "203.0.113.1").status()).isEqualTo(401);
            assertThat(direct.get("/api/v1/flags", null, "X-Forwarded-For", "203.0.113.2").status()).isEqualTo(401);
            assertThat(direct.get("/api/v1/flags", null, "X-Forwarded-For", "203.0.113.3").status()).isEqualTo(429);
        }
    }
}
