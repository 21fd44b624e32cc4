package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The rollout plan routes on a real server (ADR 0116; every answer checked against the OpenAPI document by the
 * harness): a plan's life through the API (made pending, started, paused, resumed, completed; each step served and
 * audited), 409 naming the plan's state for an action it is not in a state for and for a second active plan of a
 * flag, 422 for bad bodies with every problem at its path and nothing changed, 404 for what does not exist, 400 for
 * bad query parameters.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RolloutPlanRoutesIT {

    Harness cp;
    String admin;
    String editor;
    String viewer;

    @BeforeAll
    void start() throws Exception {
        // No check runs during these tests: the plans move only by the routes.
        cp = Harness.start(Map.of("rollouts.check-interval", "1h", "events.max-event-age", "1d",
                "events.partitions-ahead", "1"));
        admin = cp.bootstrap("acme");
        editor = cp.createKey(admin, "eddie", "editor", null).json().get("key").asText();
        viewer = cp.createKey(admin, "vera", "viewer", null).json().get("key").asText();
        assertThat(cp.post("/api/v1/environments", admin, Map.of("key", "production")).status()).isEqualTo(201);
        assertThat(cp.post("/api/v1/environments", admin, Map.of("key", "staging")).status()).isEqualTo(201);
        assertThat(cp.post("/api/v1/environments", admin, Map.of("key", "guarded", "requiredApprovals", 1)).status())
                .isEqualTo(201);
        for (String flag : List.of("checkout", "search", "banner", "other")) {
            assertThat(cp.post("/api/v1/flags", admin, Map.of("key", flag, "variants",
                    Map.of("on", true, "off", false))).status()).isEqualTo(201);
        }
    }

    @AfterAll
    void stop() {
        cp.close();
    }

    private static String plans(String env, String flag) {
        return "/api/v1/environments/" + env + "/flags/" + flag + "/rollout-plans";
    }

    private static Map<String, Object> body(Object... stages) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("control", "off");
        b.put("treatment", "on");
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < stages.length; i++) {
            list.add(Map.of("percentage", stages[i], "minDuration", "PT1H", "minExposures", 100));
        }
        b.put("stages", list);
        b.put("guardrails", List.of(Map.of("event", "error", "kind", "rate", "maxDegradation", 0.1)));
        return b;
    }

    private JsonNode made(String env, String flag, Map<String, Object> body) {
        Resp r = cp.post(plans(env, flag), editor, body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.header("Location")).isEqualTo(plans(env, flag) + "/" + r.json().get("id").asLong());
        return r.json();
    }

    private Resp act(String env, String flag, long id, String action, String key) {
        return cp.post(plans(env, flag) + "/" + id + "/" + action, key, null);
    }

    private JsonNode served(String env, String flag) {
        return cp.get("/api/v1/environments/" + env + "/flags/" + flag, admin).json().path("fallthrough")
                .path("rollout");
    }

    private List<String> auditActions(long id) {
        List<String> out = new ArrayList<>();
        cp.get("/api/v1/audit?resourceType=rollout_plan&resource=" + id, admin).json().get("items")
                .forEach(e -> out.add(e.get("action").asText()));
        return out;
    }

    /** What a refused request must leave as it was: the plans, the flags' configurations and the audit log. */
    private List<JsonNode> state() {
        return List.of(cp.get("/api/v1/rollout-plans?limit=200", admin).json(),
                cp.get("/api/v1/environments/production/flags?limit=200", admin).json(),
                cp.get("/api/v1/audit?limit=200", admin).json());
    }

    @Test
    void aPlanIsMadeStartedPausedResumedAndCompletedEachStepServedAndAudited() {
        JsonNode p = made("production", "checkout", body(10, 50));
        long id = p.get("id").asLong();
        assertThat(p.get("status").asText()).isEqualTo("pending");
        assertThat(p.get("percentage").asInt()).isZero();
        assertThat(p.get("stageIndex").isNull()).isTrue();
        assertThat(p.get("alpha").asDouble()).isEqualTo(0.05);
        assertThat(p.at("/guardrails/0/direction").asText()).isEqualTo("lower_is_better");
        assertThat(p.at("/createdBy/name").asText()).isEqualTo("eddie");
        assertThat(served("production", "checkout").isMissingNode()).as("nothing served before the start").isTrue();
        assertThat(cp.get(plans("production", "checkout") + "/" + id, viewer).json()).isEqualTo(p);

        JsonNode running = act("production", "checkout", id, "start", editor).json();
        assertThat(running.get("status").asText()).isEqualTo("running");
        assertThat(running.get("stageIndex").asInt()).isZero();
        assertThat(running.get("percentage").asInt()).isEqualTo(10);
        assertThat(running.get("nextCheckAt").isNull()).isFalse();
        assertThat(running.at("/startedBy/name").asText()).isEqualTo("eddie");
        assertThat(served("production", "checkout").toString()).isEqualTo("{\"off\":90,\"on\":10}");

        Resp again = act("production", "checkout", id, "start", editor);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("detail").asText()).isEqualTo("rollout plan " + id + " is running (stage 1 of"
                + " 2, 10 % treatment): only a pending plan can be started");

        JsonNode paused = act("production", "checkout", id, "pause", editor).json();
        assertThat(paused.get("status").asText()).isEqualTo("paused");
        assertThat(paused.get("reason").asText()).isEqualTo("paused by eddie");
        assertThat(paused.get("nextCheckAt").isNull()).isTrue();
        assertThat(act("production", "checkout", id, "pause", editor).status()).isEqualTo(409);
        assertThat(served("production", "checkout").get("on").asInt()).as("a pause keeps serving").isEqualTo(10);

        JsonNode resumed = act("production", "checkout", id, "resume", editor).json();
        assertThat(resumed.get("status").asText()).isEqualTo("running");
        assertThat(resumed.get("reason").isNull()).isTrue();
        assertThat(resumed.get("stageStartedAt").asText()).isGreaterThan(running.get("stageStartedAt").asText());

        JsonNode completed = act("production", "checkout", id, "complete", editor).json();
        assertThat(completed.get("status").asText()).isEqualTo("completed");
        assertThat(completed.get("percentage").asInt()).isEqualTo(100);
        assertThat(completed.get("endedAt").isNull()).isFalse();
        assertThat(served("production", "checkout").toString()).isEqualTo("{\"off\":0,\"on\":100}");
        Resp abort = act("production", "checkout", id, "abort", editor);
        assertThat(abort.status()).isEqualTo(409);
        assertThat(abort.json().get("detail").asText()).contains("is completed (since ").contains("completed by eddie")
                .endsWith("only a pending or running or paused plan can be aborted");

        assertThat(auditActions(id)).containsExactly("rollout_plan.complete", "rollout_plan.resume",
                "rollout_plan.pause", "rollout_plan.start", "rollout_plan.create");
        JsonNode steps = cp.get("/api/v1/audit?resourceType=flag&resource=checkout&action=flag.rollout", admin).json();
        assertThat(steps.get("total").asInt()).isEqualTo(2);
        assertThat(steps.at("/items/0/actor/agent").asText()).isEqualTo("rollout plan " + id);
        assertThat(steps.at("/items/0/actor/name").asText()).isEqualTo("eddie");
    }

    @Test
    void abortingARunningPlanServesTheControlAgainAndOnePlanAtATimeMovesAFlag() {
        long first = made("production", "search", body(5, 25)).get("id").asLong();
        long second = made("production", "search", body(1)).get("id").asLong();
        assertThat(act("production", "search", first, "start", editor).status()).isEqualTo(200);

        Resp refused = act("production", "search", second, "start", editor);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("detail").asText()).isEqualTo("rollout plan " + first + " of flag 'search' in"
                + " 'production' is running: one plan at a time moves a flag; abort or complete it first");
        // Another environment's plan of the same flag is free to run.
        long staging = made("staging", "search", body(5)).get("id").asLong();
        assertThat(act("staging", "search", staging, "start", editor).status()).isEqualTo(200);

        JsonNode aborted = act("production", "search", first, "abort", editor).json();
        assertThat(aborted.get("status").asText()).isEqualTo("aborted");
        assertThat(aborted.get("percentage").asInt()).isZero();
        assertThat(served("production", "search").toString()).isEqualTo("{\"off\":100,\"on\":0}");
        assertThat(act("production", "search", second, "start", editor).status()).as("now it may").isEqualTo(200);

        JsonNode list = cp.get("/api/v1/rollout-plans?flag=search&environment=production", viewer).json();
        assertThat(list.get("total").asInt()).isEqualTo(2);
        assertThat(list.at("/items/0/id").asLong()).as("newest first").isEqualTo(second);
        assertThat(cp.get("/api/v1/rollout-plans?status=aborted", viewer).json().at("/items/0/id").asLong())
                .isEqualTo(first);
        JsonNode paged = cp.get(plans("production", "search") + "?limit=1", viewer).json();
        assertThat(paged.get("items")).hasSize(1);
        JsonNode next = cp.get(plans("production", "search") + "?limit=1&cursor="
                + paged.get("nextCursor").asText(), viewer).json();
        assertThat(next.at("/items/0/id").asLong()).isEqualTo(first);
        assertThat(next.get("nextCursor").isNull()).isTrue();
        JsonNode checks = cp.get(plans("production", "search") + "/" + first + "/checks", viewer).json();
        assertThat(checks.get("total").asInt()).as("no check ran (the interval is an hour)").isZero();
    }

    @Test
    void abortingAPendingPlanEndsItWithoutServingAnythingAndItCannotBeStartedAfterwards() {
        long id = made("staging", "banner", body(10, 50)).get("id").asLong();
        String servedBefore = served("staging", "banner").toString();

        Resp aborted = act("staging", "banner", id, "abort", editor);
        assertThat(aborted.status()).as(aborted.body()).isEqualTo(200);
        assertThat(aborted.json().get("status").asText()).isEqualTo("aborted");
        assertThat(aborted.json().get("percentage").asInt()).isZero();
        assertThat(aborted.json().get("endedAt").isNull()).isFalse();
        assertThat(served("staging", "banner").toString()).as("a pending plan served nothing: nothing to undo")
                .isEqualTo(servedBefore);
        assertThat(auditActions(id)).contains("rollout_plan.abort");

        Resp start = act("staging", "banner", id, "start", editor);
        assertThat(start.status()).isEqualTo(409);
        assertThat(start.json().get("detail").asText()).startsWith("rollout plan " + id + " is aborted (since ")
                .endsWith("only a pending plan can be started");
    }

    @Test
    void aPendingPlanOfADeletedFlagDoesNotStartOnAFlagMadeAgainUnderItsKey() {
        assertThat(cp.post("/api/v1/flags", admin, Map.of("key", "reborn", "variants",
                Map.of("on", true, "off", false))).status()).isEqualTo(201);
        long id = made("staging", "reborn", body(10)).get("id").asLong();
        // A flag's definition spans every environment, "guarded" among them: its deletion is a change request,
        // applied here by the admin's bypass.
        Resp deletion = cp.delete("/api/v1/flags/reborn", admin);
        assertThat(deletion.status()).as(deletion.body()).isEqualTo(202);
        Resp bypass = cp.post(deletion.header("Location") + "/bypass", admin, Map.of("reason", "test"));
        assertThat(bypass.status()).as(bypass.body()).isEqualTo(200);
        assertThat(cp.post("/api/v1/flags", admin, Map.of("key", "reborn", "variants",
                Map.of("on", true, "off", false))).status()).isEqualTo(201);
        String servedBefore = served("staging", "reborn").toString();

        Resp start = act("staging", "reborn", id, "start", editor);
        assertThat(start.status()).as(start.body()).isEqualTo(409);
        assertThat(start.json().get("detail").asText()).isEqualTo("rollout plan " + id + " was made for flag"
                + " 'reborn', which was deleted since (one made again under its key is another): it cannot start;"
                + " make a new plan");
        assertThat(served("staging", "reborn").toString()).isEqualTo(servedBefore);
        assertThat(cp.get(plans("staging", "reborn") + "/" + id, viewer).json().get("status").asText())
                .isEqualTo("pending");
    }

    @Test
    void inAnEnvironmentThatRequiresApprovalsAPlanStartsOnlyOnceItsStartIsApprovedThenItsStepsRun() {
        long id = made("guarded", "other", body(10, 50)).get("id").asLong();

        Resp start = act("guarded", "other", id, "start", editor);

        // Not started: a plan.start change request, and nothing served.
        assertThat(start.status()).as(start.body()).isEqualTo(202);
        long request = start.json().get("id").asLong();
        assertThat(start.header("Location")).isEqualTo("/api/v1/change-requests/" + request);
        assertThat(start.json().at("/change/kind").asText()).isEqualTo("plan.start");
        assertThat(start.json().at("/change/plan").asLong()).isEqualTo(id);
        assertThat(cp.get(plans("guarded", "other") + "/" + id, viewer).json().get("status").asText())
                .isEqualTo("pending");
        assertThat(served("guarded", "other").isMissingNode()).isTrue();
        String sha = start.json().get("sha256").asText();
        String requests = "/api/v1/change-requests/" + request;
        assertThat(cp.post(requests + "/approvals", editor, Map.of("sha256", sha)).status())
                .as("the author cannot approve their own start").isEqualTo(403);
        assertThat(cp.post(requests + "/apply", editor, Map.of()).status()).as("no approval yet").isEqualTo(409);
        assertThat(served("guarded", "other").isMissingNode()).isTrue();

        Resp approved = cp.post(requests + "/approvals", admin, Map.of("sha256", sha));
        assertThat(approved.status()).as(approved.body()).isIn(200, 201);
        Resp applied = cp.post(requests + "/apply", editor, Map.of());
        assertThat(applied.status()).as(applied.body()).isEqualTo(200);

        // Started with the approval: the first stage is served...
        JsonNode plan = cp.get(plans("guarded", "other") + "/" + id, viewer).json();
        assertThat(plan.get("status").asText()).isEqualTo("running");
        assertThat(served("guarded", "other").get("on").asInt()).isEqualTo(10);
        assertThat(served("guarded", "other").get("off").asInt()).isEqualTo(90);
        // ...and its later steps run with the plan's own approval, no new request.
        Resp completed = act("guarded", "other", id, "complete", editor);
        assertThat(completed.status()).as(completed.body()).isEqualTo(200);
        assertThat(served("guarded", "other").get("on").asInt()).isEqualTo(100);
        assertThat(auditActions(id)).contains("rollout_plan.create", "rollout_plan.start", "rollout_plan.complete");
        // A second plan of the flag, in the same environment, needs its own approval.
        long second = made("guarded", "other", body(20)).get("id").asLong();
        assertThat(act("guarded", "other", second, "start", editor).status()).isEqualTo(202);
        assertThat(served("guarded", "other").get("on").asInt()).isEqualTo(100);
    }

    @Test
    void badBodiesAre422WithEveryProblemAtItsPathAndChangeNothing() {
        List<JsonNode> before = state();
        Map<String, Object> bad = new LinkedHashMap<>();
        bad.put("control", "blue");
        bad.put("treatment", "on");
        bad.put("stages", List.of(Map.of("percentage", 50, "minDuration", "soon", "minExposures", -1),
                Map.of("percentage", 20, "minDuration", "PT1H", "minExposures", 0)));
        bad.put("guardrails", List.of(Map.of("event", "error", "kind", "median", "maxDegradation", 0.1)));
        Resp r = cp.post(plans("production", "banner"), editor, bad);

        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.json().get("errors").findValuesAsText("path")).contains("stages[0].minDuration",
                "stages[0].minExposures", "stages[1].percentage", "guardrails[0].kind");
        assertThat(r.body()).contains("must be above the previous stage's (50)").contains("rate or mean");

        // A readable plan naming a variant the flag does not declare.
        Map<String, Object> unknown = body(10);
        unknown.put("control", "blue");
        Resp v = cp.post(plans("production", "banner"), editor, unknown);
        assertThat(v.status()).isEqualTo(422);
        assertThat(v.json().at("/errors/0/path").asText()).isEqualTo("control");
        assertThat(v.json().at("/errors/0/message").asText()).isEqualTo("variant 'blue' is not declared by flag"
                + " 'banner' (declared: on, off)");

        for (Object body : List.of("{}", "{\"control\":\"off\",\"treatment\":\"on\",\"stages\":[],\"extra\":1}",
                "{\"control\":\"off\",\"treatment\":\"off\",\"stages\":[{\"percentage\":10}]}")) {
            Resp e = cp.call("POST", plans("production", "banner"), editor, body);
            assertThat(e.status()).as(body + " -> " + e.body()).isEqualTo(422);
            assertThat(e.json().get("errors").findValuesAsText("path")).as(body.toString()).isNotEmpty();
        }
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void whatDoesNotExistIs404AndBadQueryParametersAre400() {
        long id = made("production", "other", body(10)).get("id").asLong();
        for (String path : List.of(plans("nowhere", "other"), plans("production", "nothing"),
                plans("production", "other") + "/999999", plans("production", "other") + "/abc",
                plans("production", "banner") + "/" + id, plans("staging", "other") + "/" + id,
                plans("production", "other") + "/999999/checks")) {
            Resp r = cp.get(path, viewer);
            assertThat(r.status()).as(path).isEqualTo(404);
        }
        assertThat(act("production", "banner", id, "start", editor).status()).isEqualTo(404);
        assertThat(cp.post(plans("production", "nothing"), editor, body(10)).status()).isEqualTo(404);
        assertThat(act("production", "other", id, "start", viewer).status()).as("viewers read only").isEqualTo(403);

        Resp status = cp.get("/api/v1/rollout-plans?status=finished", viewer);
        assertThat(status.status()).isEqualTo(400);
        assertThat(status.json().get("errors").findValuesAsText("path")).contains("status");
        Resp cursor = cp.get("/api/v1/rollout-plans?cursor=bogus", viewer);
        assertThat(cursor.status()).isEqualTo(400);
        assertThat(cursor.json().get("errors").findValuesAsText("path")).contains("cursor");
        assertThat(cp.get(plans("production", "other") + "?limit=0", viewer).status()).isEqualTo(400);
        assertThat(cp.get("/api/v1/rollout-plans/" + id, viewer).status()).isEqualTo(404);
    }
}
