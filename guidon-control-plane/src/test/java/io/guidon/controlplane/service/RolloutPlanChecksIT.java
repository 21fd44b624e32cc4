package io.guidon.controlplane.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import io.guidon.testing.Poll;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The checks of rollout plans on a real server, PostgreSQL and Redis (ADR 0116), with exposures and conversions
 * written to the event tables as the ingest writes them: a treatment with a doubled-and-more error rate is rolled back
 * to 0 % with the numbers recorded in the plan, its checks and the audit log; equal arms advance through the stages
 * to completion (100 % treatment), each step an audited change of the flag; a skewed split pauses the plan; a
 * revoked starter's plan pauses and a deleted flag's is aborted; two replicas racing over the same plans run each due
 * check once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RolloutPlanChecksIT {

    private static final String INTERVAL = "150ms";
    private static final Duration EVERY = Duration.ofMillis(150);

    Harness cp;
    String admin;
    String alice;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of("rollouts.check-interval", INTERVAL, "events.max-event-age", "1d",
                "events.partitions-ahead", "1"));
        admin = cp.bootstrap("acme");
        alice = cp.createKey(admin, "alice", "editor", null).json().get("key").asText();
        assertThat(cp.post("/api/v1/environments", admin, Map.of("key", "production")).status()).isEqualTo(201);
    }

    @AfterAll
    void stop() {
        cp.close();
    }

    private void flag(Harness h, String key, String adminKey) {
        Resp r = h.post("/api/v1/flags", adminKey, Map.of("key", key, "variants", Map.of("on", true, "off", false)));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        Resp on = h.put(path(key) + "/enabled", adminKey, Map.of("enabled", true));
        assertThat(on.status()).as(on.body()).isEqualTo(200);
    }

    private static String path(String flag) {
        return "/api/v1/environments/production/flags/" + flag;
    }

    private static Map<String, Object> stage(Object percentage, String minDuration, int minExposures) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("percentage", percentage);
        s.put("minDuration", minDuration);
        s.put("minExposures", minExposures);
        return s;
    }

    private static final Map<String, Object> ERRORS = Map.of("event", "error", "kind", "rate", "maxDegradation", 0.1);

    /** Makes and starts a plan of {@code flag}; answers its id. */
    private long started(Harness h, String key, String flag, List<Map<String, Object>> stages) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("control", "off");
        body.put("treatment", "on");
        body.put("stages", stages);
        body.put("guardrails", List.of(ERRORS));
        Resp made = h.post(path(flag) + "/rollout-plans", key, body);
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        long id = made.json().get("id").asLong();
        Resp start = h.post(path(flag) + "/rollout-plans/" + id + "/start", key, null);
        assertThat(start.status()).as(start.body()).isEqualTo(200);
        return id;
    }

    private JsonNode plan(String flag, long id) {
        return cp.get(path(flag) + "/rollout-plans/" + id, admin).json();
    }

    private JsonNode settled(String flag, long id, String status) {
        return Poll.until("plan " + id + " " + status, () -> plan(flag, id),
                p -> p.get("status").asText().equals(status));
    }

    /**
     * Exposures of {@code flag} now for users {@code prefix-1..n}: the treatment for those where {@code treatment}
     * (SQL over {@code g}) holds, the control for the others.
     */
    private void expose(String flag, String prefix, int n, String treatment) {
        cp.db.execute("INSERT INTO flag_exposures (tenant_id, environment_id, batch_id, occurred_at, flag, variant,"
                + " targeting_key) SELECT e.tenant_id, e.id, gen_random_uuid(), now(), '" + flag + "', CASE WHEN "
                + treatment + " THEN 'on' ELSE 'off' END, '" + prefix + "-' || g FROM generate_series(1, " + n
                + ") g, environments e WHERE e.key = 'production'");
    }

    /** One {@code event} now for each user {@code prefix-g}, g in 1..n, where {@code which} holds. */
    private void track(String prefix, int n, String event, String which) {
        cp.db.execute("INSERT INTO conversion_events (tenant_id, environment_id, batch_id, occurred_at,"
                + " targeting_key, event, value) SELECT e.tenant_id, e.id, gen_random_uuid(), now(), '" + prefix
                + "-' || g, '" + event + "', NULL FROM generate_series(1, " + n + ") g, environments e"
                + " WHERE e.key = 'production' AND (" + which + ")");
    }

    private List<JsonNode> audit(String query) {
        List<JsonNode> out = new ArrayList<>();
        cp.get("/api/v1/audit?" + query, admin).json().get("items").forEach(out::add);
        return out;
    }

    private List<JsonNode> checks(String flag, long id) {
        List<JsonNode> out = new ArrayList<>();
        cp.get(path(flag) + "/rollout-plans/" + id + "/checks?limit=200", admin).json().get("items")
                .forEach(out::add);
        return out;
    }

    private JsonNode served(String flag) {
        return cp.get(path(flag), admin).json().at("/fallthrough/rollout");
    }

    @Test
    void aTreatmentWithAHigherErrorRateIsRolledBackWithTheNumbersThatCausedIt() {
        flag(cp, "checkout", admin);
        long id = started(cp, alice, "checkout", List.of(stage(50, "PT1H", 0), stage(100, "PT1H", 0)));
        assertThat(served("checkout").get("on").asInt()).as("the first stage is served at once").isEqualTo(50);

        // 2 000 users per arm; errors for 5 % of the control and 15 % of the treatment.
        expose("checkout", "co", 4000, "g % 2 = 0");
        track("co", 4000, "error", "g % 40 IN (1, 0, 2, 4)");

        JsonNode p = settled("checkout", id, "rolled_back");
        assertThat(p.get("percentage").asInt()).isZero();
        assertThat(p.get("reason").asText()).contains("guardrail error (rate, lower is better, at most 10 % worse)"
                + " degraded").contains("treatment 2000 users, 300 events").contains("control 2000 users, 100 events")
                .contains("estimated difference +200 %").contains("always-valid interval");
        JsonNode g = p.at("/reasonDetails/guardrail");
        assertThat(g.at("/control/users").asLong()).isEqualTo(2000);
        assertThat(g.at("/treatment/events").asLong()).isEqualTo(300);
        assertThat(g.get("estimate").asDouble()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(g.get("lower").asDouble()).isGreaterThan(0.1);
        assertThat(g.get("degraded").asBoolean()).isTrue();
        assertThat(p.get("endedAt").isNull()).isFalse();

        JsonNode rollout = served("checkout");
        assertThat(rollout.get("on").asInt()).as("0 % treatment").isZero();
        assertThat(rollout.get("off").asInt()).isEqualTo(100);

        List<JsonNode> rollback = audit("resourceType=rollout_plan&resource=" + id + "&action=rollout_plan.rollback");
        assertThat(rollback).hasSize(1);
        assertThat(rollback.get(0).at("/after/reason").asText()).isEqualTo(p.get("reason").asText());
        assertThat(rollback.get(0).at("/actor/name").asText()).isEqualTo("alice");
        assertThat(rollback.get(0).at("/actor/agent").asText()).isEqualTo("rollout plan " + id);
        List<JsonNode> steps = audit("resourceType=flag&resource=checkout&action=flag.rollout");
        assertThat(steps).as("the start and the rollback, each a change of the flag").hasSize(2);
        assertThat(steps).allSatisfy(s -> assertThat(s.at("/actor/agent").asText()).isEqualTo("rollout plan " + id));
        assertThat(steps.get(0).at("/after/fallthrough/rollout/on").asInt()).isZero();

        List<JsonNode> checks = checks("checkout", id);
        JsonNode last = checks.get(checks.size() - 1);
        assertThat(last.get("action").asText()).isEqualTo("rollback");
        assertThat(last.at("/treatment/users").asLong()).isEqualTo(2000);
        assertThat(last.at("/guardrails/0/treatment/events").asLong()).isEqualTo(300);
        assertThat(p.at("/reasonDetails/checkId").asLong()).isEqualTo(last.get("id").asLong());
    }

    @Test
    void equalArmsAdvanceThroughTheStagesToCompletion() {
        flag(cp, "search", admin);
        long id = started(cp, alice, "search", List.of(stage(20, "PT0S", 500), stage(50, "PT0S", 500)));

        // Stage 1: 1 000 users, 20 % in the treatment, 5 % errors in both arms.
        expose("search", "s1", 1000, "g % 5 = 0");
        track("s1", 1000, "error", "g % 20 = 0 OR g % 20 = 1");
        JsonNode second = Poll.until("plan " + id + " at stage 2", () -> plan("search", id),
                p -> p.get("stageIndex").asInt() == 1);
        assertThat(second.get("percentage").asInt()).isEqualTo(50);
        assertThat(served("search").get("on").asInt()).isEqualTo(50);

        // Stage 2: new users, half in the treatment.
        expose("search", "s2", 1000, "g % 2 = 0");
        track("s2", 1000, "error", "g % 20 < 2");
        JsonNode done = settled("search", id, "completed");
        assertThat(done.get("percentage").asInt()).isEqualTo(100);
        assertThat(done.get("reason").asText()).contains("stage 2 (50 %) is done").contains("100 % on");
        assertThat(served("search").get("on").asInt()).isEqualTo(100);

        assertThat(audit("resourceType=rollout_plan&resource=" + id).stream().map(e -> e.get("action").asText()))
                .containsExactly("rollout_plan.complete", "rollout_plan.advance", "rollout_plan.start",
                        "rollout_plan.create");
        assertThat(audit("resourceType=flag&resource=search&action=flag.rollout").stream()
                .map(e -> e.at("/after/fallthrough/rollout/on").asInt())).containsExactly(100, 50, 20);
        List<JsonNode> checks = checks("search", id);
        assertThat(checks.stream().map(c -> c.get("action").asText()).filter(a -> !a.equals("hold")))
                .containsExactly("advance", "complete");
        JsonNode advance = checks.stream().filter(c -> c.get("action").asText().equals("advance")).findFirst()
                .orElseThrow();
        assertThat(advance.at("/control/users").asLong()).isEqualTo(800);
        assertThat(advance.at("/treatment/users").asLong()).isEqualTo(200);
        assertThat(advance.at("/srm/p").asDouble()).isEqualTo(1.0);
    }

    @Test
    void aSkewedSplitPausesThePlanForASampleRatioMismatch() {
        flag(cp, "banner", admin);
        long id = started(cp, alice, "banner", List.of(stage(10, "PT1H", 0)));

        // Planned 90/10, observed 50/50.
        expose("banner", "b", 1000, "g % 2 = 0");

        JsonNode p = settled("banner", id, "paused");
        assertThat(p.get("reason").asText()).contains("sample ratio mismatch: 500 control and 500 treatment users"
                + " where stage 1 splits 90/10");
        assertThat(p.at("/reasonDetails/srmP").asDouble()).isLessThan(0.001);
        assertThat(p.get("percentage").asInt()).as("a pause keeps serving what it served").isEqualTo(10);
        assertThat(p.get("nextCheckAt").isNull()).isTrue();
        assertThat(audit("resourceType=rollout_plan&resource=" + id + "&action=rollout_plan.pause")).hasSize(1);
    }

    @Test
    void aPlanWhoseStartersKeyIsRevokedPausesAndOneWhoseFlagIsDeletedIsAborted() {
        Resp bob = cp.createKey(admin, "bob", "editor", null);
        flag(cp, "revoked", admin);
        long paused = started(cp, bob.json().get("key").asText(), "revoked", List.of(stage(10, "P1D", 0)));
        assertThat(cp.delete("/api/v1/keys/" + bob.json().get("id").asText(), admin).status()).isEqualTo(200);
        JsonNode p = settled("revoked", paused, "paused");
        assertThat(p.get("reason").asText()).contains("the key that started it (bob) was revoked");
        assertThat(served("revoked").get("on").asInt()).as("a pause keeps serving what it served").isEqualTo(10);

        flag(cp, "doomed", admin);
        long aborted = started(cp, alice, "doomed", List.of(stage(10, "P1D", 0)));
        assertThat(cp.delete("/api/v1/flags/doomed", admin).status()).isEqualTo(204);
        Poll.until("plan " + aborted + " aborted", () -> cp.get("/api/v1/rollout-plans?status=aborted", admin).json()
                .get("items").findValuesAsText("id").contains(Long.toString(aborted)));
        List<JsonNode> abort = audit("resourceType=rollout_plan&resource=" + aborted + "&action=rollout_plan.abort");
        assertThat(abort).hasSize(1);
        assertThat(abort.get(0).at("/after/reason").asText()).isEqualTo("flag 'doomed' was deleted while the plan ran");
    }

    @Test
    void twoReplicasRacingRunEachDueCheckOnce() throws Exception {
        try (Harness second = Harness.start(cp.db, cp.redisPrefix, Map.of("rollouts.check-interval", INTERVAL,
                "events.max-event-age", "1d", "events.partitions-ahead", "1"))) {
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                flag(cp, "race-" + i, admin);
                ids.add(started(i % 2 == 0 ? cp : second, alice, "race-" + i, List.of(stage(10, "P1D", 0))));
            }
            Instant until = Instant.now().plusSeconds(2);
            while (Instant.now().isBefore(until)) {
                Thread.sleep(100);
            }
            for (long id : ids) {
                List<Instant> times = new ArrayList<>();
                int counted;
                try (Connection c = cp.db.connect(); Statement s = c.createStatement()) {
                    try (ResultSet r = s.executeQuery("SELECT c.checked_at, p.checks FROM rollout_plan_checks c"
                            + " JOIN rollout_plans p ON p.id = c.plan_id WHERE c.plan_id = " + id + " ORDER BY c.id")) {
                        counted = 0;
                        while (r.next()) {
                            times.add(r.getTimestamp(1).toInstant());
                            counted = r.getInt(2);
                        }
                    }
                }
                assertThat(times.size()).as("plan " + id + " was checked repeatedly").isGreaterThanOrEqualTo(5);
                assertThat(counted).as("the plan counts each check it recorded").isEqualTo(times.size());
                for (int i = 1; i < times.size(); i++) {
                    assertThat(Duration.between(times.get(i - 1), times.get(i)))
                            .as("checks of plan " + id + " at least the interval apart: never one due check twice")
                            .isGreaterThanOrEqualTo(EVERY);
                }
            }
        }
    }
}
