package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.ExperimentRows;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import io.guidon.testing.Poll;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The results routes on a real server: an experiment's rows and events written to their tables (as the experiments'
 * API and the event ingest write them), then its results read over HTTP (every answer checked against openapi.json
 * by the harness): the numbers and the verdict, the snapshot reused until a refresh, the daily snapshots the
 * replicas compute, the per-user CSV (escaped and injection-safe), a draft's 409 and an unknown id's 404.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExperimentResultRoutesIT {

    Harness cp;
    String viewer;
    long experiment;
    long draft;
    Instant start;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of("experiments.refresh-interval", "100ms", "experiments.results-max-age", "1h"));
        String admin = cp.bootstrap("acme");
        assertThat(cp.post("/api/v1/environments", admin, Map.of("key", "production")).status()).isEqualTo(201);
        viewer = cp.createKey(admin, "viewer", "viewer", null).json().get("key").asText();
        ExperimentRows rows = new ExperimentRows(cp.db);
        long tenant = rows.tenantId("acme");
        long env = rows.environmentId(tenant, "production");
        // Started two and a half days ago: the replicas compute the completed days' snapshots.
        start = Instant.now().minus(Duration.ofHours(60)).truncatedTo(ChronoUnit.SECONDS);
        // 60 users per arm; a third of off's users buy, two thirds of on's; nobody errs.
        for (int i = 0; i < 120; i++) {
            String user = i == 0 ? "=HYPERLINK(\"x\")" : i == 1 ? "a,b" : "user-" + i;
            String variant = i % 2 == 0 ? "off" : "on";
            Instant at = start.plus(Duration.ofMinutes(10 + i));
            rows.exposure(tenant, env, at, "checkout", variant, user);
            boolean buys = variant.equals("off") ? i % 6 == 0 : i % 6 != 5;
            if (buys) {
                rows.conversion(tenant, env, at.plusSeconds(60), user, "purchase", null);
            }
        }
        // One user saw both: excluded.
        rows.exposure(tenant, env, start.plusSeconds(5), "checkout", "off", "both");
        rows.exposure(tenant, env, start.plusSeconds(6), "checkout", "on", "both");
        // The experiment last, so that the replicas' first snapshot of it has every event.
        experiment = rows.experiment(tenant, env, "checkout", "checkout-test",
                ExperimentRows.Settings.running(start, null));
        rows.attach(experiment, rows.metric(tenant, "purchase", "proportion", "purchase", "count", null, null, true,
                null, null), "primary", 0);
        rows.attach(experiment, rows.metric(tenant, "errors", "mean", "error", "count", null, null, false, null,
                null), "guardrail", 0);
        draft = rows.experiment(tenant, env, "search", "search-test",
                ExperimentRows.Settings.running(null, null).status("draft"));
    }

    @AfterAll
    void stop() {
        cp.close();
    }

    private String results() {
        return "/api/v1/experiments/" + experiment + "/results";
    }

    @Test
    void theResultsGiveTheNumbersPerVariantTheComparisonAndAShipVerdict() {
        Resp r = cp.get(results(), viewer);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("users").get("off").asLong()).isEqualTo(60);
        assertThat(body.get("users").get("on").asLong()).isEqualTo(60);
        assertThat(body.get("excludedUsers").asLong()).isEqualTo(1);
        assertThat(body.get("srm").get("mismatch").asBoolean()).isFalse();
        JsonNode purchase = body.get("metrics").get(0);
        assertThat(purchase.get("key").asText()).isEqualTo("purchase");
        JsonNode off = purchase.get("variants").get(0);
        JsonNode on = purchase.get("variants").get(1);
        // off: users 0, 6, 12, ... (20 of 60); on: every odd user but those ≡ 5 mod 6 (40 of 60): a lift of 100 %.
        assertThat(off.get("conversions").asLong()).isEqualTo(20);
        assertThat(on.get("conversions").asLong()).isEqualTo(40);
        assertThat(on.get("comparison").get("relative").get("estimate").asDouble())
                .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(on.get("comparison").get("outcome").asText()).isEqualTo("better");
        assertThat(body.get("verdict").get("decision").asText()).isEqualTo("ship");
        assertThat(body.get("verdict").get("variant").asText()).isEqualTo("on");
    }

    @Test
    void theSnapshotIsReusedUntilARefreshIsAskedFor() {
        String first = cp.get(results(), viewer).json().get("snapshot").get("computedAt").asText();
        String again = cp.get(results(), viewer).json().get("snapshot").get("computedAt").asText();
        Resp refreshed = cp.get(results() + "?refresh=true", viewer);

        assertThat(again).isEqualTo(first);
        assertThat(refreshed.status()).isEqualTo(200);
        assertThat(Instant.parse(refreshed.json().get("snapshot").get("computedAt").asText()))
                .isAfter(Instant.parse(first));
    }

    @Test
    void concurrentRefreshesAllAnswerWithoutWaitingForEachOtherForever() throws Exception {
        // More requests than the admin threads' contexts (two event loops here): some wait on the computation in
        // progress on their replica, which must go on on its own context meanwhile.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Resp>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> cp.get(results() + "?refresh=true", viewer)));
            }
            for (java.util.concurrent.Future<Resp> a : answers) {
                Resp r = a.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                assertThat(r.json().get("users").get("on").asLong()).isEqualTo(60);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theReplicasComputeEachCompletedDaysSnapshot() {
        LocalDate first = start.atOffset(ZoneOffset.UTC).toLocalDate();
        long completed = 0;
        for (LocalDate d = first; !d.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).isAfter(Instant.now());
                d = d.plusDays(1)) {
            completed++;
        }
        long expected = completed;
        JsonNode days = Poll.until("the daily snapshots", () -> cp.get(results() + "/daily", viewer).json(),
                j -> j.get("days").size() == expected).get("days");

        assertThat(days.get(0).get("snapshot").get("day").asText()).isEqualTo(first.toString());
        // The last completed day ended at today's midnight, after every exposure (within 3 hours of the start).
        JsonNode last = days.get(days.size() - 1);
        assertThat(last.get("users").get("off").asLong() + last.get("users").get("on").asLong()).isEqualTo(120);
    }

    @Test
    void thePerUserTableIsCsvWithEachUserAndFormulasNeutralised() {
        Resp r = cp.get("/api/v1/experiments/" + experiment + "/users.csv", viewer);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/csv");
        List<String> lines = List.of(r.body().split("\r\n"));
        assertThat(lines.get(0)).isEqualTo("targeting_key,variant,first_exposure,purchase,errors");
        assertThat(lines).hasSize(121);
        assertThat(lines).anyMatch(l -> l.startsWith("\"'=HYPERLINK(\"\"x\"\")\",off,") && l.endsWith(",1,0"));
        assertThat(lines).anyMatch(l -> l.startsWith("\"a,b\",on,"));
        assertThat(lines).noneMatch(l -> l.startsWith("both,"));
    }

    @Test
    void aDraftIs409AndAnUnknownExperiment404() {
        Resp d = cp.get("/api/v1/experiments/" + draft + "/results", viewer);
        Resp none = cp.get("/api/v1/experiments/999999/results", viewer);
        Resp csv = cp.get("/api/v1/experiments/999999/users.csv", viewer);

        assertThat(d.status()).as(d.body()).isEqualTo(409);
        assertThat(d.json().get("detail").asText()).contains("draft");
        assertThat(none.status()).isEqualTo(404);
        assertThat(csv.status()).isEqualTo(404);
        assertThat(csv.header("Content-Type")).isEqualTo("application/problem+json");
    }
}
