package io.guidon.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.sidecar.SseStream;
import io.guidon.sidecar.connected.PrivateRedis;
import io.guidon.testing.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis going away under a running system: the control plane and the sidecars share a private redis-server (never
 * the machine's shared one), which the tests stop and start again on the same port. The sidecars' poll is 60 s, so
 * whatever arrives within a test arrived through Redis or the check made on reconnecting.
 */
class RedisOutageIT {

    private static final Duration FAST = Duration.ofSeconds(5);

    @TempDir
    static Path dir;

    private static PrivateRedis redis;
    private static GuidonSystem system;

    @BeforeAll
    static void start() throws Exception {
        redis = PrivateRedis.start();
        system = GuidonSystem.start(dir, Map.of("redis.url", redis.url()));
    }

    @AfterEach
    void redisBack() throws Exception {
        redis.restart();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (system != null) {
                system.close();
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    private static double published(String outcome) {
        return system.api().metric("guidon_publish_total", "outcome=\"" + outcome + "\"");
    }

    private static void awaitRedis(SidecarNode s, String state) {
        Poll.until(s + ": Redis " + state, Duration.ofSeconds(10), () -> state.equals(s.redisState()));
    }

    @Test
    void aChangeWhoseNotificationWasLostWhileRedisWasDownArrivesWhenTheSidecarReconnects() throws Exception {
        long v0 = system.createFlag("lost-message");
        try (SidecarNode s = system.connectedSidecar("reconnect", v0)) {
            SseStream stream = system.stream(s);
            assertThat(Streams.hello(stream)).isEqualTo(v0);

            redis.stop();
            awaitRedis(s, "DISCONNECTED");
            double failedBefore = published("failed");
            long v1 = system.setEnabled("lost-message", true); // the admin's request succeeds without Redis
            Poll.until("the control plane gives up publishing version " + v1 + " and counts it", FAST,
                    () -> published("failed") > failedBefore);
            assertThat(s.serves("lost-message", false, v0)).as("nothing reached the sidecar").isTrue();
            assertThat(s.health().path("upstream").path("redis").path("state").asText()).isNotEqualTo("CONNECTED");

            redis.restart();
            s.awaitServes("lost-message", true, v1, FAST);
            Streams.changed(stream, v1, "lost-message", Duration.ofSeconds(1));
            awaitRedis(s, "CONNECTED");
        }
    }

    @Test
    void theSidecarKeepsServingThroughARedisOutageAndChangesFlowThroughRedisAgainAfterwards() throws Exception {
        long v0 = system.createFlag("through-outage");
        try (SidecarNode s = system.connectedSidecar("keeps-serving", v0)) {
            ConcurrentMap<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            AtomicInteger duringOutage = new AtomicInteger();
            AtomicBoolean outage = new AtomicBoolean();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread load = new Thread(() -> {
                while (running.get()) {
                    int ofrep = s.post("/ofrep/v1/evaluate/flags/through-outage",
                            "{\"context\":{\"targetingKey\":\"user-" + statuses.size() + "\"}}").status();
                    int ready = s.get("/readyz").status();
                    statuses.computeIfAbsent(ofrep, k -> new AtomicInteger()).incrementAndGet();
                    statuses.computeIfAbsent(ready, k -> new AtomicInteger()).incrementAndGet();
                    if (outage.get()) {
                        duringOutage.incrementAndGet();
                    }
                    LockSupport.parkNanos(2_000_000);
                }
            }, "load-during-redis-outage");
            load.start();
            try {
                redis.stop();
                outage.set(true);
                awaitRedis(s, "DISCONNECTED");
                Poll.until("requests while Redis is down", FAST, () -> duringOutage.get() >= 50);
                assertThat(s.serves("through-outage", false, v0)).isTrue();
                redis.restart();
                awaitRedis(s, "CONNECTED");
                outage.set(false);
            } finally {
                running.set(false);
                load.join(10_000);
            }
            assertThat(statuses.keySet()).as("statuses of OFREP and /readyz during the outage: %s", statuses)
                    .containsExactly(200);
            assertThat(duringOutage.get()).isGreaterThanOrEqualTo(50);

            // Without restarting anything, changes flow through Redis again.
            SseStream stream = system.stream(s);
            assertThat(Streams.hello(stream)).isEqualTo(v0);
            Poll.until("the control plane's Redis is up again", FAST,
                    () -> system.api().get("/readyz", null).body().contains("\"redis\":\"UP\""));
            double publishedBefore = published("published");
            long v1 = system.setEnabled("through-outage", true);
            s.awaitServes("through-outage", true, v1, FAST);
            Streams.changed(stream, v1, "through-outage", Duration.ofSeconds(1));
            assertThat(published("published")).isGreaterThan(publishedBefore);
        }
    }
}
