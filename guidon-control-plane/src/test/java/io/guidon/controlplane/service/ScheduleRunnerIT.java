package io.guidon.controlplane.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import io.guidon.controlplane.RedisSubscriber;
import io.guidon.testing.Poll;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The schedule runner on a real server, PostgreSQL and Redis (ADR 0114): a due change is applied within seconds of
 * its time through the direct routes' write path (the environment's version raised, sidecars notified on Redis,
 * audited as "scheduler for" the key that scheduled it); a flag changed since is left alone under {@code ifChanged:
 * fail} and changed on top under {@code apply}; a change applied long after its time is marked late; a revoked key's
 * change, a deleted flag's and a change the flag no longer accepts fail with the reason, audited. Schedules other
 * than the first are made due at once by moving their time in the database, so the tests do not wait for a clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScheduleRunnerIT {

    Harness cp;
    String admin;
    String alice;

    @BeforeAll
    void start() throws Exception {
        // A short poll, so a due change is applied at once; no events sent: few event partitions to make at start.
        cp = Harness.start(Map.of("schedules.poll-interval", "100ms", "schedules.late-after", "5s",
                "events.max-event-age", "1d", "events.partitions-ahead", "1"));
        admin = cp.bootstrap("acme");
        alice = cp.createKey(admin, "alice", "editor", null).json().get("key").asText();
        cp.post("/api/v1/environments", admin, Map.of("key", "production"));
    }

    @AfterAll
    void stop() {
        cp.close();
    }

    private void flag(String key, Map<String, Object> variants) {
        Resp r = cp.post("/api/v1/flags", admin, Map.of("key", key, "variants", variants));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    private void flag(String key) {
        flag(key, Map.of("on", true, "off", false));
    }

    private static String path(String flag) {
        return "/api/v1/environments/production/flags/" + flag;
    }

    private JsonNode schedule(String key, String flag, Instant at, Map<String, Object> change, String ifChanged) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("at", at.atOffset(ZoneOffset.ofHours(-5))
                .format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        body.put("change", change);
        if (ifChanged != null) {
            body.put("ifChanged", ifChanged);
        }
        Resp r = cp.post(path(flag) + "/schedules", key, body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    /** A schedule for an hour from now, then made due now in the database. */
    private JsonNode dueNow(String flag, Map<String, Object> change, String ifChanged, Runnable meanwhile) {
        JsonNode s = schedule(alice, flag, Instant.now().plus(Duration.ofHours(1)), change, ifChanged);
        meanwhile.run();
        cp.db.execute("UPDATE flag_schedules SET due_at = now() WHERE id = " + s.get("id").asLong());
        return s;
    }

    private JsonNode settled(String flag, JsonNode s) {
        String url = path(flag) + "/schedules/" + s.get("id").asLong();
        return Poll.until("schedule " + s.get("id") + " applied or failed", () -> cp.get(url, admin).json(),
                j -> !j.get("status").asText().equals("pending"));
    }

    private List<JsonNode> audit(String query) {
        List<JsonNode> out = new ArrayList<>();
        cp.get("/api/v1/audit?" + query, admin).json().get("items").forEach(out::add);
        return out;
    }

    private long version() {
        return cp.get("/api/v1/environments/production", admin).json().get("version").asLong();
    }

    @Test
    void aDueChangeIsAppliedWithinSecondsAuditedAsTheSchedulerForItsKeyAndPublished() throws Exception {
        flag("checkout");
        long before = version();
        try (RedisSubscriber redis = new RedisSubscriber(cp.redisPrefix + ":changes:*")) {
            Instant at = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS);
            JsonNode s = schedule(alice, "checkout", at, Map.of("kind", "flag.toggle", "enabled", true), null);
            int base = s.get("baseRevision").asInt();

            JsonNode done = settled("checkout", s);
            assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("applied");
            Instant applied = Instant.parse(done.get("appliedAt").asText());
            assertThat(Duration.between(at, applied)).as("applied after its time, within 5 s of it")
                    .isBetween(Duration.ZERO, Duration.ofSeconds(5));
            assertThat(done.get("late").asBoolean()).isFalse();
            assertThat(done.get("appliedRevision").asInt()).isEqualTo(base + 1);

            JsonNode flag = cp.get(path("checkout"), admin).json();
            assertThat(flag.get("enabled").asBoolean()).isTrue();
            assertThat(flag.get("revision").asInt()).isEqualTo(base + 1);
            assertThat(version()).isEqualTo(before + 1);
            RedisSubscriber.Message m = redis.next(Duration.ofSeconds(5));
            assertThat(m.channel()).endsWith(":changes:acme:production");
            assertThat(m.body().get("version").asLong()).isEqualTo(before + 1);
            assertThat(m.body().get("changed").toString()).contains("checkout");
            List<JsonNode> changes = audit("resourceType=flag&resource=checkout&action=flag.enable");
            assertThat(changes).hasSize(1);
            assertThat(changes.get(0).at("/actor/name").asText()).isEqualTo("alice");
            assertThat(changes.get(0).at("/actor/agent").asText()).isEqualTo("scheduler");
            assertThat(changes.get(0).get("requestId").asText()).isEqualTo("schedule-" + s.get("id").asLong());
        }
    }

    @Test
    void aRolloutIsAppliedWithItsVariantsInTheOrderTheyWereScheduledIn() {
        flag("banner", Map.of("blue", "blue", "green", "green", "red", "red"));
        Map<String, Object> weights = new LinkedHashMap<>();
        weights.put("red", 10);
        weights.put("green", 30);
        weights.put("blue", 60);
        JsonNode s = dueNow("banner", Map.of("kind", "flag.rollout", "rollout", weights), null, () -> { });
        assertThat(settled("banner", s).get("status").asText()).isEqualTo("applied");
        List<String> order = new ArrayList<>();
        cp.get(path("banner"), admin).json().at("/fallthrough/rollout").fieldNames().forEachRemaining(order::add);
        assertThat(order).containsExactly("red", "green", "blue");
    }

    @Test
    void aFlagChangedSinceItWasScheduledIsLeftAloneUnderFailAndChangedOnTopUnderApply() {
        flag("guarded");
        flag("relaxed");
        Runnable someoneElse = () -> {
            assertThat(cp.put(path("guarded") + "/rollout", admin, Map.of("percentage", 30)).status()).isEqualTo(200);
            assertThat(cp.put(path("relaxed") + "/rollout", admin, Map.of("percentage", 30)).status()).isEqualTo(200);
        };
        JsonNode guarded = schedule(alice, "guarded", Instant.now().plus(Duration.ofHours(1)),
                Map.of("kind", "flag.toggle", "enabled", true), "fail");
        JsonNode relaxed = schedule(alice, "relaxed", Instant.now().plus(Duration.ofHours(1)),
                Map.of("kind", "flag.toggle", "enabled", true), "apply");
        someoneElse.run();
        cp.db.execute("UPDATE flag_schedules SET due_at = now() WHERE id IN (" + guarded.get("id").asLong() + ", "
                + relaxed.get("id").asLong() + ")");

        JsonNode failed = settled("guarded", guarded);
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.get("failure").asText()).contains("changed after it was scheduled")
                .contains("revision " + guarded.get("baseRevision").asInt() + " then")
                .contains("ifChanged is fail");
        JsonNode untouched = cp.get(path("guarded"), admin).json();
        assertThat(untouched.get("enabled").asBoolean()).as("the later change stays as it was").isFalse();
        assertThat(untouched.at("/fallthrough/rollout/on").asInt()).isEqualTo(30);
        List<JsonNode> fail = audit("resourceType=schedule&resource=" + guarded.get("id").asLong()
                + "&action=schedule.fail");
        assertThat(fail).hasSize(1);
        assertThat(fail.get(0).at("/actor/agent").asText()).isEqualTo("scheduler");
        assertThat(fail.get(0).at("/after/failure").asText()).isEqualTo(failed.get("failure").asText());
        assertThat(audit("resourceType=flag&resource=guarded&action=flag.enable")).isEmpty();

        JsonNode applied = settled("relaxed", relaxed);
        assertThat(applied.get("status").asText()).isEqualTo("applied");
        JsonNode onTop = cp.get(path("relaxed"), admin).json();
        assertThat(onTop.get("enabled").asBoolean()).isTrue();
        assertThat(onTop.at("/fallthrough/rollout/on").asInt()).as("the later change is kept").isEqualTo(30);
    }

    @Test
    void aChangeAppliedLongAfterItsTimeIsMarkedLate() {
        flag("overdue");
        JsonNode s = schedule(alice, "overdue", Instant.now().plus(Duration.ofHours(1)),
                Map.of("kind", "flag.toggle", "enabled", true), null);
        // As if every replica had been down since 10 s before now.
        cp.db.execute("UPDATE flag_schedules SET due_at = now() - interval '10 seconds' WHERE id = "
                + s.get("id").asLong());
        JsonNode done = settled("overdue", s);
        assertThat(done.get("status").asText()).isEqualTo("applied");
        assertThat(done.get("late").asBoolean()).isTrue();
    }

    @Test
    void theChangeOfAKeyRevokedBeforeItsTimeIsNotApplied() {
        flag("revoked");
        Resp bob = cp.createKey(admin, "bob", "editor", null);
        JsonNode s = schedule(bob.json().get("key").asText(), "revoked", Instant.now().plus(Duration.ofHours(1)),
                Map.of("kind", "flag.toggle", "enabled", true), null);
        assertThat(cp.delete("/api/v1/keys/" + bob.json().get("id").asText(), admin).status()).isEqualTo(200);
        cp.db.execute("UPDATE flag_schedules SET due_at = now() WHERE id = " + s.get("id").asLong());

        JsonNode done = settled("revoked", s);
        assertThat(done.get("status").asText()).isEqualTo("failed");
        assertThat(done.get("failure").asText()).contains("the key that scheduled it (bob) was revoked");
        assertThat(cp.get(path("revoked"), admin).json().get("enabled").asBoolean()).isFalse();
        List<JsonNode> fail = audit("action=schedule.fail&resource=" + s.get("id").asLong());
        assertThat(fail).hasSize(1);
        assertThat(fail.get(0).at("/actor/name").asText()).isEqualTo("bob");
    }

    @Test
    void theChangeOfADeletedFlagFailsSayingSo() {
        flag("doomed");
        JsonNode s = dueNow("doomed", Map.of("kind", "flag.toggle", "enabled", true), "apply",
                () -> assertThat(cp.delete("/api/v1/flags/doomed", admin).status()).isEqualTo(204));
        JsonNode done = settled("doomed", s);
        assertThat(done.get("status").asText()).isEqualTo("failed");
        assertThat(done.get("failure").asText()).isEqualTo("flag 'doomed' was deleted after it was scheduled");
    }

    @Test
    void aChangeTheFlagNoLongerAcceptsFailsWithTheEnginesWords() {
        flag("shrinking", Map.of("blue", "blue", "green", "green", "red", "red"));
        JsonNode s = dueNow("shrinking", Map.of("kind", "flag.rollout", "rollout", Map.of("green", 50, "blue", 50)),
                "apply", () -> {
                    // The variant the rollout serves is removed from the flag's definition meanwhile.
                    JsonNode def = cp.get("/api/v1/flags/shrinking", admin).json();
                    Resp r = cp.put("/api/v1/flags/shrinking", admin, Map.of("variants",
                            Map.of("blue", "blue", "red", "red")), "If-Match", "\"" + def.get("revision") + "\"");
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                });
        JsonNode done = settled("shrinking", s);
        assertThat(done.get("status").asText()).isEqualTo("failed");
        assertThat(done.get("failure").asText()).startsWith("the change no longer fits the flag: ").contains("green");
        assertThat(cp.get(path("shrinking"), admin).json().at("/fallthrough/rollout").isMissingNode()).isTrue();
    }
}
