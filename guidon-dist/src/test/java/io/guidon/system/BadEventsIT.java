package io.guidon.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness.Resp;
import io.guidon.testing.Poll;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, item 1: one bad event never costs good ones. Through a real connected sidecar to a real control plane
 * (PostgreSQL, Redis, HTTP on loopback), bad events go among 30 good evaluations in one batch: an evaluation for a
 * 300-character targeting key (served, its exposure counted as unrecordable), {@code /v1/track} of 2020 and of
 * {@code 1e400} (400 at the sidecar), and a conversion the sidecar accepts but this control plane refuses (its
 * {@code events.max-event-age} is 1 h here, the conversion two days old: refused per event, the rest stored). Every
 * good evaluation, exposure and conversion is counted exactly once.
 */
class BadEventsIT {

    private static final Duration FAST = Duration.ofSeconds(10);
    /** 30 good exposures, one good and one late conversion: the batch fills, and is sent, with the last of them. */
    private static final int BATCH = 32;

    @TempDir
    static Path dir;

    private static GuidonSystem system;

    @BeforeAll
    static void start() throws Exception {
        system = GuidonSystem.start(dir, Map.of("events.max-event-age", "1h"));
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
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

    private static long rows(String sql, String arg) {
        try (Connection c = system.cp.db().connect(); PreparedStatement q = c.prepareStatement(sql)) {
            q.setString(1, arg);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void badEventsAmongThirtyGoodEvaluationsCostNoneOfThemAndEachGoodOneIsCountedOnce() throws Exception {
        system.createFlag("bad-events");
        long v = system.setEnabled("bad-events", true);
        // No timer flush within the test: a batch goes when BATCH events are queued (or at a minute boundary).
        try (SidecarNode s = system.connectedSidecar("bad-events", v, "events.flush-interval=1h",
                "events.max-batch-events=" + BATCH)) {
            String longKey = "k".repeat(300);
            JsonNode served = s.get("/v1/flags/bad-events?targetingKey=" + longKey).json();
            assertThat(served.get("value").asBoolean()).as("a 300-character key is still served").isTrue();
            Resp of2020 = s.post("/v1/track", "{\"targetingKey\":\"u\",\"event\":\"buy\","
                    + "\"timestamp\":\"2020-01-01T00:00:00Z\"}");
            Resp huge = s.post("/v1/track", "{\"targetingKey\":\"u\",\"event\":\"buy\",\"value\":1e400}");
            assertThat(of2020.status()).as(of2020.body()).isEqualTo(400);
            assertThat(of2020.json().get("errorDetails").asText()).contains("older than");
            assertThat(huge.status()).as(huge.body()).isEqualTo(400);
            assertThat(huge.json().get("errorDetails").asText()).contains("1e400").contains("outside the range");
            for (int i = 0; i < 30; i++) {
                JsonNode r = s.get("/v1/flags/bad-events?targetingKey=good-" + i).json();
                assertThat(r.get("value").asBoolean()).isTrue();
            }
            assertThat(s.post("/v1/track", "{\"targetingKey\":\"good-1\",\"event\":\"bad-events-buy\",\"value\":9.5}")
                    .status()).isEqualTo(202);
            // Within the sidecar's window, beyond this control plane's events.max-event-age of 1 h.
            assertThat(s.post("/v1/track", "{\"targetingKey\":\"good-2\",\"event\":\"bad-events-late\",\"timestamp\":\""
                    + Instant.now().minus(Duration.ofDays(2)) + "\"}").status()).isEqualTo(202);

            Map<String, List<Long>> expected = Map.of("on", List.of(31L, 30L), "off", List.of(0L, 0L));
            Poll.until("every good evaluation and exposure is counted", FAST,
                    () -> totals("bad-events").equals(expected));
            Poll.until("nothing waits in the sidecar", FAST, () -> s.metric("guidon_events_pending_batches") == 0);
            assertThat(rows("SELECT count(*) FROM conversion_events WHERE event = ?", "bad-events-buy")).isEqualTo(1);
            assertThat(rows("SELECT count(*) FROM conversion_events WHERE event = ?", "bad-events-late")).isZero();
            assertThat(rows("SELECT count(*) FROM flag_exposures WHERE flag = ?", "bad-events")).isEqualTo(30);
            assertThat(s.metric("guidon_events_unrecordable_total{kind=\"exposure\",reason=\"too-long\"}"))
                    .isEqualTo(1);
            assertThat(s.metric("guidon_events_rejected_total{kind=\"conversions\"}")).isEqualTo(1);
            assertThat(s.metric("guidon_events_rejected_total{kind=\"batch\"}")).isZero();
            assertThat(s.metric("guidon_events_batches_total{result=\"refused\"}")).isZero();
            assertThat(system.api().metric("guidon_events_rejected_total", "kind=\"conversions\"")).isEqualTo(1);
            assertThat(system.api().metric("guidon_events_batches_total", "result=\"rejected\"")).isZero();

            // Exactly once: a later evaluation (spilled to disk on stop, sent by the next run) arrives, and the totals
            // grow by it alone.
            assertThat(s.get("/v1/flags/bad-events?targetingKey=later").status()).isEqualTo(200);
            s.stop();
            s.start();
            Map<String, List<Long>> later = Map.of("on", List.of(32L, 31L), "off", List.of(0L, 0L));
            Poll.until("the later evaluation is counted, and nothing twice", FAST,
                    () -> totals("bad-events").equals(later));
            assertThat(rows("SELECT count(*) FROM conversion_events WHERE event = ?", "bad-events-buy")).isEqualTo(1);
        }
    }
}
