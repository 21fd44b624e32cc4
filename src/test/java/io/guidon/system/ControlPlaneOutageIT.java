package io.guidon.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Poll;
import io.guidon.sidecar.SseStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane going away and coming back on the same port and database: sidecars keep serving their last
 * flag set (ready throughout, the control plane DOWN in /healthz), a sidecar restarted meanwhile serves its disk
 * cache at once, and all of them sync to the newest version once it is back. The sidecars' poll is 60 s: their
 * retries (20 ms doubling to 250 ms, the breaker probing every 250 ms) find the control plane again.
 */
class ControlPlaneOutageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration FAST = Duration.ofSeconds(5);

    @TempDir
    static Path dir;

    private static GuidonSystem system;

    @BeforeAll
    static void start() throws Exception {
        system = GuidonSystem.start(dir);
    }

    @AfterEach
    void controlPlaneBack() throws Exception {
        system.cp.restart();
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    /** The version in the sidecar's disk cache, -1 before there is one. */
    private static long cachedVersion(SidecarNode s) {
        Path file = Path.of(s.settings().get("cache.dir"), "flags-cache.json");
        try {
            return Files.exists(file) ? JSON.readTree(file.toFile()).path("version").asLong(-1) : -1;
        } catch (Exception e) {
            return -1; // being replaced (write, then rename): read again
        }
    }

    private static void awaitControlPlane(SidecarNode s, String state) {
        Poll.until(FAST, s + ": control plane " + state, () -> state.equals(s.controlPlaneState()));
    }

    @Test
    void whileTheControlPlaneIsDownTheSidecarServesItsLastSetAndSyncsToTheNewestWhenItIsBack() throws Exception {
        long v0 = system.createFlag("cp-down");
        try (SidecarNode s = system.connectedSidecar("cp-down", v0)) {
            long v1 = system.setEnabled("cp-down", true);
            s.awaitServes("cp-down", true, v1, FAST);
            SseStream stream = system.stream(s);
            assertThat(Streams.hello(stream)).isEqualTo(v1);

            system.cp.stop();
            // An admin changes the flag through another replica meanwhile: its notification reaches the sidecar,
            // whose control plane does not answer.
            long v2;
            try (Harness replica = system.cp.replica()) {
                v2 = system.setEnabled(replica, "cp-down", false);
            }
            awaitControlPlane(s, "DOWN");
            JsonNode health = s.health();
            assertThat(health.path("upstream").path("controlPlane").path("consecutiveFailures").asInt())
                    .isPositive();
            assertThat(health.path("upstream").path("controlPlane").path("lastError").isNull()).isFalse();
            assertThat(health.path("flagSet").path("version").asLong()).isEqualTo(v1);
            assertThat(s.readyStatus()).isEqualTo(200);
            assertThat(s.serves("cp-down", true, v1)).as("the last set is served").isTrue();
            // Retries keep failing for a while (the breaker opens): it stays so, and keeps serving.
            Poll.until(FAST, "the circuit breaker opens",
                    () -> !"CLOSED".equals(s.health().path("upstream").path("controlPlane").path("circuitBreaker")
                            .asText()));
            assertThat(s.readyStatus()).isEqualTo(200);
            assertThat(s.serves("cp-down", true, v1)).isTrue();

            system.cp.restart();
            s.awaitServes("cp-down", false, v2, FAST);
            Streams.changed(stream, v2, "cp-down", Duration.ofSeconds(1));
            awaitControlPlane(s, "UP");
            assertThat(s.health().path("upstream").path("controlPlane").path("consecutiveFailures").asInt())
                    .isZero();

            // And the restarted control plane's own changes flow through Redis as before.
            long v3 = system.setEnabled("cp-down", true);
            s.awaitServes("cp-down", true, v3, FAST);
        }
    }

    @Test
    void aSidecarRestartedWhileTheControlPlaneIsDownServesItsDiskCacheAtOnceAndCatchesUpWhenItIsBack()
            throws Exception {
        long v0 = system.createFlag("cached");
        long v1 = system.setEnabled("cached", true);
        try (SidecarNode s = system.connectedSidecar("restarted", v1)) {
            Poll.until(FAST, "the disk cache holds version " + v1, () -> cachedVersion(s) == v1);
            assertThat(v1).isGreaterThan(v0);
            s.stop();
            long v2 = system.setEnabled("cached", false); // while the sidecar is away
            system.cp.stop();

            s.start();
            // Ready as soon as it started, from the disk cache: the version it had, marked stale.
            assertThat(s.readyStatus()).isEqualTo(200);
            assertThat(s.serves("cached", true, v1)).isTrue();
            JsonNode health = s.health();
            assertThat(health.path("flagSet").path("origin").asText()).startsWith("cache");
            assertThat(health.path("upstream").path("stale").asBoolean()).isTrue();
            awaitControlPlane(s, "DOWN");
            assertThat(s.health().path("upstream").path("stale").asBoolean()).isTrue();

            // A new sidecar without a cache has nothing to serve: not ready, and it keeps trying.
            try (SidecarNode fresh = system.sidecar("fresh")) {
                assertThat(fresh.readyStatus()).isEqualTo(503);
                awaitControlPlane(fresh, "DOWN");
                assertThat(fresh.readyStatus()).isEqualTo(503);
                assertThat(fresh.health().path("flagSet").isNull()).isTrue();

                system.cp.restart();
                s.awaitServes("cached", false, v2, FAST);
                fresh.awaitServes("cached", false, v2, FAST);
            }
            health = s.health();
            assertThat(health.path("upstream").path("stale").asBoolean()).isFalse();
            assertThat(health.path("upstream").path("controlPlane").path("state").asText()).isEqualTo("UP");
            assertThat(health.path("flagSet").path("origin").asText()).startsWith("control plane");
            Poll.until(FAST, "the disk cache holds version " + v2, () -> cachedVersion(s) == v2);
        }
    }
}
