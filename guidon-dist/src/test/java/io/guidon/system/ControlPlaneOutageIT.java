package io.guidon.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import io.guidon.sidecar.SseStream;
import io.guidon.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The control plane going away and coming back on the same port and database: sidecars keep serving their last
 * flag set (ready throughout, the control plane DOWN in /healthz), a sidecar restarted meanwhile serves its disk
 * cache at once, and all of them sync to the newest version once it is back. The sidecars' poll is 60 s: their
 * retries (20 ms doubling to 250 ms, the breaker probing every 250 ms) find the control plane again.
 */
class ControlPlaneOutageIT extends OneSystemPerClass {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration FAST = Duration.ofSeconds(5);


    @AfterEach
    void controlPlaneBack() throws Exception {
        system.cp.restart();
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
        Poll.until(s + ": control plane " + state, FAST, () -> state.equals(s.controlPlaneState()));
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
            Poll.until("the circuit breaker opens", FAST,
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
            Poll.until("the disk cache holds version " + v1, FAST, () -> cachedVersion(s) == v1);
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
            Poll.until("the disk cache holds version " + v2, FAST, () -> cachedVersion(s) == v2);
        }
    }

    /** The evaluations and exposures of every variant of {@code flag} in the control plane's totals. */
    private static Map<String, List<Long>> totals(String flag) {
        Resp r = system.api().get("/api/v1/flags/" + flag + "/exposures?environment=" + GuidonSystem.ENV,
                system.adminKey);
        assertThat(r.status()).as("exposures of %s: %s", flag, r).isEqualTo(200);
        Map<String, List<Long>> out = new TreeMap<>();
        r.json().get("variants").fields().forEachRemaining(e -> out.put(e.getKey(),
                List.of(e.getValue().get("evaluations").asLong(), e.getValue().get("exposures").asLong())));
        return out;
    }

    private static long conversions(String event) {
        try (Connection c = system.cp.db().connect();
                PreparedStatement q = c.prepareStatement("SELECT count(*) FROM conversion_events WHERE event = ?")) {
            q.setString(1, event);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void eventsWaitWhileTheControlPlaneIsDownAndEveryOneIsCountedOnceWhenItIsBack() throws Exception {
        // A flag of its own, evaluated only by this test's requests, so that every evaluation is known.
        system.createFlag("events-wait");
        long v = system.setEnabled("events-wait", true);
        // Batches every 100 ms, one kept in memory: an outage of a few flushes spills batches to disk.
        try (SidecarNode s = system.connectedSidecar("events", v, "events.flush-interval=100ms",
                "events.max-memory-batches=1")) {
            for (int i = 0; i < 5; i++) {
                assertThat(s.get("/v1/flags/events-wait?targetingKey=before-" + i).status()).isEqualTo(200);
            }
            Poll.until("the evaluations before the outage are counted", FAST,
                    () -> totals("events-wait").equals(Map.of("on", List.of(5L, 5L), "off", List.of(0L, 0L))));

            system.cp.stop();
            // 30 users evaluated twice each in six batches, and 7 conversions, all while nothing answers.
            for (int round = 0; round < 6; round++) {
                for (int i = 0; i < 10; i++) {
                    String user = "during-" + ((round * 10 + i) % 30);
                    JsonNode r = s.get("/v1/flags/events-wait?targetingKey=" + user).json();
                    assertThat(r.get("value").asBoolean()).as("the last set is served").isTrue();
                }
                assertThat(s.post("/v1/track", "{\"targetingKey\":\"during-" + round
                        + "\",\"event\":\"outage-purchase\",\"value\":1}").status()).isEqualTo(202);
                int batches = round + 1;
                Poll.until("round " + round + " waits as a batch of its own", FAST,
                        () -> s.metric("guidon_events_pending_batches") >= batches);
                if (round == 0) {
                    // No flag fetch runs meanwhile (the poll is 60 s, nothing changes): the failed uploads alone
                    // say that the control plane is away, one flush (100 ms) after the batch waits; 2 s of slack
                    // for a loaded machine.
                    Poll.until("healthz says the control plane is DOWN from the failed uploads",
                            Duration.ofSeconds(2), () -> "DOWN".equals(s.controlPlaneState()));
                    JsonNode cp = s.health().path("upstream").path("controlPlane");
                    assertThat(cp.path("consecutiveFailures").asInt()).isPositive();
                    assertThat(cp.path("lastError").asText()).startsWith("delivering events: ");
                    assertThat(s.metric("guidon_upstream_control_plane_up")).isEqualTo(0);
                }
            }
            assertThat(s.post("/v1/track", "{\"targetingKey\":\"during-9\",\"event\":\"outage-purchase\"}")
                    .status()).isEqualTo(202);
            // Seven at least: a run that crosses a minute boundary also flushes there, making one batch more.
            Poll.until("all seven batches wait, some spilled to disk", FAST,
                    () -> s.metric("guidon_events_pending_batches") >= 7
                            && s.metric("guidon_events_batches_total{result=\"spilled\"}") >= 1);
            assertThat(s.metric("guidon_events_dropped_total{where=\"disk\"}")).isLessThanOrEqualTo(0);

            system.cp.restart();
            Poll.until("every waiting batch is delivered", Duration.ofSeconds(15),
                    () -> s.metric("guidon_events_pending_batches") == 0);
            // A delivered batch says the control plane answers again, before any flag fetch.
            awaitControlPlane(s, "UP");
            JsonNode back = s.health().path("upstream").path("controlPlane");
            assertThat(back.path("consecutiveFailures").asInt()).isZero();
            assertThat(back.path("lastError").isNull()).isTrue();
            assertThat(s.metric("guidon_upstream_control_plane_up")).isEqualTo(1);
            Map<String, List<Long>> expected = Map.of("on", List.of(65L, 35L), "off", List.of(0L, 0L));
            Poll.until("the totals count every evaluation", FAST, () -> totals("events-wait").equals(expected));
            assertThat(conversions("outage-purchase")).isEqualTo(7);
            // Batches go one at a time, oldest first: once a later evaluation is counted, every retry of an earlier
            // batch has been answered, and none was counted twice.
            assertThat(s.get("/v1/flags/events-wait?targetingKey=after-0").status()).isEqualTo(200);
            Map<String, List<Long>> later = Map.of("on", List.of(66L, 36L), "off", List.of(0L, 0L));
            Poll.until("a later evaluation is counted", FAST, () -> totals("events-wait").equals(later));
            assertThat(conversions("outage-purchase")).isEqualTo(7);
            assertThat(s.metric("guidon_events_batches_total{result=\"refused\"}")).isLessThanOrEqualTo(0);
        }
    }
}
