package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Metrics, experiments and the conversions read-back on a real server (ADR 0118; every answer checked against the
 * OpenAPI document by the harness): made, read, edited with If-Match, deleted; an experiment's lifecycle (draft,
 * running, stopped) with what each state lets change (409 saying why), its planned split decided from the flag's
 * rollout, every step audited; 422 with every problem at its pointer and nothing changed; and conversions sent
 * through the real ingest path read back raw (paged, filtered) and as a flag's totals with the experiments'
 * attribution.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExperimentRoutesIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    Harness cp;
    String admin;
    String editor;
    String sidecar;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of("events.max-event-age", "1d", "events.partitions-ahead", "1"));
        admin = cp.bootstrap("acme");
        editor = cp.createKey(admin, "eddie", "editor", null).json().get("key").asText();
        assertThat(cp.post("/api/v1/environments", admin, Map.of("key", "production")).status()).isEqualTo(201);
        sidecar = cp.createKey(admin, "sc", "sidecar", "production").json().get("key").asText();
        for (String flag : List.of("checkout", "search", "conv")) {
            assertThat(cp.post("/api/v1/flags", admin, Map.of("key", flag, "variants",
                    Map.of("on", true, "off", false))).status()).isEqualTo(201);
        }
        // checkout serves a 75/25 split in production: an experiment without weights plans that split.
        String etag = cp.get("/api/v1/environments/production/flags/checkout", admin).header("ETag");
        Resp configured = cp.put("/api/v1/environments/production/flags/checkout", admin, Map.of("enabled", true,
                "offVariant", "off", "fallthrough", Map.of("rollout", Map.of("off", 75, "on", 25))), "If-Match", etag);
        assertThat(configured.status()).as(configured.body()).isEqualTo(200);
    }

    @AfterAll
    void stop() {
        cp.close();
    }

    private static Map<String, Object> metric(String key, String kind, String event) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", key);
        m.put("name", "Metric " + key);
        m.put("kind", kind);
        m.put("event", event);
        m.put("direction", "higher_is_better");
        return m;
    }

    private static Map<String, Object> experiment(String key, String flag, String primary) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("key", key);
        x.put("name", "Experiment " + key);
        x.put("environment", "production");
        x.put("flag", flag);
        x.put("controlVariant", "off");
        x.put("variants", List.of(Map.of("key", "off"), Map.of("key", "on")));
        x.put("metrics", Map.of("primary", primary));
        return x;
    }

    private List<String> auditActions(String type, String resource) {
        List<String> out = new ArrayList<>();
        cp.get("/api/v1/audit?resourceType=" + type + "&resource=" + resource, admin).json().get("items")
                .forEach(e -> out.add(e.get("action").asText()));
        return out;
    }

    private static Map<String, String> errors(Resp r) {
        Map<String, String> out = new LinkedHashMap<>();
        r.json().get("errors").forEach(e -> out.merge(e.get("pointer").asText(), e.get("message").asText(),
                (a, b) -> a + " | " + b));
        return out;
    }

    /** What a refused request must leave as it was. */
    private List<JsonNode> state() {
        return List.of(cp.get("/api/v1/metrics?limit=200", admin).json(),
                cp.get("/api/v1/experiments?limit=200", admin).json(), cp.get("/api/v1/audit?limit=200", admin).json());
    }

    @Test
    void aMetricIsMadeReadReplacedWithIfMatchAndDeletedEachStepAudited() {
        Resp made = cp.post("/api/v1/metrics", editor, metric("signup", "proportion", "signup"));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        assertThat(made.header("Location")).isEqualTo("/api/v1/metrics/signup");
        assertThat(made.header("ETag")).isEqualTo("\"1\"");
        assertThat(made.json().get("valueSource").asText()).isEqualTo("count");
        assertThat(made.json().get("window").isNull()).isTrue();
        assertThat(cp.get("/api/v1/metrics/signup", editor).json()).isEqualTo(made.json());
        assertThat(cp.post("/api/v1/metrics", editor, metric("signup", "mean", "x")).status()).isEqualTo(409);

        Map<String, Object> changed = metric("signup", "mean", "signup");
        changed.put("valueSource", "value");
        changed.put("window", "PT48H");
        changed.put("cap", Map.of("kind", "fixed", "value", 100));
        assertThat(cp.put("/api/v1/metrics/signup", editor, changed).status()).isEqualTo(428);
        assertThat(cp.put("/api/v1/metrics/signup", editor, changed, "If-Match", "\"7\"").status()).isEqualTo(412);
        // RFC 9110 13.1.1: a weak ETag never matches If-Match, even the current revision's.
        Resp weak = cp.put("/api/v1/metrics/signup", editor, changed, "If-Match", "W/\"1\"");
        assertThat(weak.status()).isEqualTo(412);
        assertThat(weak.json().get("detail").asText()).contains("weak ETag");
        Resp replaced = cp.put("/api/v1/metrics/signup", editor, changed, "If-Match", "\"1\"");
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
        assertThat(replaced.json().get("version").asLong()).isEqualTo(2);
        assertThat(replaced.json().get("window").asText()).as("whole days written as days").isEqualTo("P2D");
        assertThat(replaced.json().get("cap").get("kind").asText()).isEqualTo("fixed");
        // The same body again changes nothing, not even the version.
        assertThat(cp.put("/api/v1/metrics/signup", editor, changed, "If-Match", "\"2\"").json().get("version")
                .asLong()).isEqualTo(2);

        assertThat(cp.delete("/api/v1/metrics/signup", editor).status()).isEqualTo(204);
        assertThat(cp.get("/api/v1/metrics/signup", editor).status()).isEqualTo(404);
        assertThat(auditActions("metric", "signup")).containsExactly("metric.delete", "metric.update",
                "metric.create");
    }

    @Test
    void aBadMetricIs422WithEveryProblemAtItsPointerAndChangesNothing() {
        List<JsonNode> before = state();
        Map<String, Object> bad = metric("Bad", "ratio", "has space");
        bad.put("window", "a week");
        bad.put("colour", "red");

        Resp r = cp.post("/api/v1/metrics", editor, bad);

        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(errors(r)).containsKeys("/key", "/event", "/window", "/colour", "/denominatorEvent",
                "/denominatorSource");
        assertThat(errors(r).get("/event")).contains("POST /v1/track");
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void anExperimentWithoutWeightsPlansTheFlagsRolloutOrEqualWeights() {
        cp.post("/api/v1/metrics", editor, metric("buy", "proportion", "buy"));

        Resp split = cp.post("/api/v1/experiments", editor, experiment("split", "checkout", "buy"));
        Resp equal = cp.post("/api/v1/experiments", editor, experiment("equal", "search", "buy"));
        Map<String, Object> given = experiment("given", "checkout", "buy");
        given.put("variants", List.of(Map.of("key", "off", "weight", 10), Map.of("key", "on", "weight", 90)));
        Resp weighted = cp.post("/api/v1/experiments", editor, given);

        assertThat(split.status()).as(split.body()).isEqualTo(201);
        assertThat(weights(split.json())).containsExactly(75.0, 25.0);
        assertThat(weights(equal.json())).containsExactly(1.0, 1.0);
        assertThat(weights(weighted.json())).containsExactly(10.0, 90.0);
        assertThat(split.json().get("analysis").get("correction").asText()).isEqualTo("holm");
        assertThat(split.json().get("status").asText()).isEqualTo("draft");
        for (Resp r : List.of(split, equal, weighted)) {
            assertThat(cp.delete("/api/v1/experiments/" + r.json().get("id").asText(), editor).status())
                    .isEqualTo(204);
        }
    }

    private static List<Double> weights(JsonNode experiment) {
        List<Double> out = new ArrayList<>();
        experiment.get("variants").forEach(v -> out.add(v.get("weight").asDouble()));
        return out;
    }

    @Test
    void anExperimentOnWhatDoesNotExistIs422AtEachPointerAndChangesNothing() {
        cp.post("/api/v1/metrics", editor, metric("seen", "proportion", "seen"));
        List<JsonNode> before = state();
        Map<String, Object> body = experiment("ghost", "checkout", "nope");
        body.put("variants", List.of(Map.of("key", "off"), Map.of("key", "maybe")));
        body.put("metrics", Map.of("primary", "nope", "secondary", List.of("seen", "gone")));

        Resp r = cp.post("/api/v1/experiments", editor, body);
        Resp env = cp.post("/api/v1/experiments", editor, experiment("ghost", "checkout", "seen")
                .entrySet().stream().collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(),
                        e.getKey().equals("environment") ? "nowhere" : e.getValue()), Map::putAll));

        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(errors(r)).containsOnlyKeys("/variants/1/key", "/metrics/primary", "/metrics/secondary/1");
        assertThat(errors(r).get("/variants/1/key")).startsWith("variant 'maybe' is not declared by flag 'checkout'"
                + " (declared: ").contains("on").contains("off");
        assertThat(errors(env)).containsOnlyKeys("/environment");
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void anExperimentRunsAndStopsAndOnlyWhatAStartedOneKeepsIsRefusedSayingWhy() {
        cp.post("/api/v1/metrics", editor, metric("pay", "proportion", "pay"));
        cp.post("/api/v1/metrics", editor, metric("refund", "proportion", "refund"));
        Resp made = cp.post("/api/v1/experiments", editor, experiment("life", "checkout", "pay"));
        String x = "/api/v1/experiments/" + made.json().get("id").asText();
        assertThat(cp.post(x + "/stop", editor, Map.of()).status()).as("a draft does not stop").isEqualTo(409);

        Resp started = cp.post(x + "/start", editor, Map.of());
        assertThat(started.status()).as(started.body()).isEqualTo(200);
        assertThat(started.json().get("status").asText()).isEqualTo("running");
        assertThat(started.json().get("version").asLong()).as("a start changes what the results count").isEqualTo(2);
        assertThat(Instant.parse(started.json().get("startAt").asText())).isCloseTo(Instant.now(),
                org.assertj.core.api.Assertions.within(1, ChronoUnit.MINUTES));
        assertThat(cp.post(x + "/start", editor, Map.of()).json().get("detail").asText())
                .isEqualTo("experiment " + made.json().get("id").asText() + " is running: only a draft experiment"
                        + " can be started");

        Map<String, Object> otherFlag = experiment("life", "search", "pay");
        Resp refused = cp.put(x, editor, otherFlag, "If-Match", "\"2\"");
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().get("detail").asText()).contains("its flag ('checkout') cannot change once started");
        assertThat(cp.delete(x, editor).json().get("detail").asText()).contains("stop it first");

        // What a running experiment may change: its metrics (and name, analysis, end); weights left out are kept.
        Map<String, Object> edit = experiment("life", "checkout", "pay");
        edit.put("metrics", Map.of("primary", "pay", "guardrails", List.of("refund")));
        edit.put("analysis", Map.of("method", "bayesian"));
        assertThat(cp.put(x, editor, edit, "If-Match", "\"1\"").status()).as("the draft's version, before its start")
                .isEqualTo(412);
        Resp edited = cp.put(x, editor, edit, "If-Match", "\"2\"");
        assertThat(edited.status()).as(edited.body()).isEqualTo(200);
        assertThat(edited.json().get("version").asLong()).isEqualTo(3);
        assertThat(weights(edited.json())).containsExactly(75.0, 25.0);
        assertThat(edited.json().get("metrics").get("guardrails").get(0).asText()).isEqualTo("refund");
        assertThat(edited.json().get("startAt")).isEqualTo(started.json().get("startAt"));

        // Editing one of its metrics raises its version: its results are recomputed.
        Map<String, Object> refund = metric("refund", "proportion", "refund");
        refund.put("direction", "lower_is_better");
        assertThat(cp.put("/api/v1/metrics/refund", editor, refund, "If-Match", "\"1\"").status()).isEqualTo(200);
        assertThat(cp.get(x, editor).json().get("version").asLong()).isEqualTo(4);
        Resp inUse = cp.delete("/api/v1/metrics/refund", editor);
        assertThat(inUse.status()).isEqualTo(409);
        assertThat(inUse.json().get("detail").asText()).contains("life (" + made.json().get("id").asText() + ")");

        Resp stopped = cp.post(x + "/stop", editor, Map.of());
        assertThat(stopped.status()).as(stopped.body()).isEqualTo(200);
        assertThat(stopped.json().get("status").asText()).isEqualTo("stopped");
        assertThat(stopped.json().get("version").asLong()).as("a stop ends the window: a new version").isEqualTo(5);
        assertThat(Instant.parse(stopped.json().get("endAt").asText()))
                .isAfter(Instant.parse(stopped.json().get("startAt").asText()));
        assertThat(cp.get("/api/v1/experiments?status=stopped&flag=checkout", editor).json().get("items")
                .findValuesAsText("key")).contains("life");
        assertThat(cp.delete(x, editor, "If-Match", "\"5\"").status()).isEqualTo(204);
        assertThat(cp.get(x, editor).status()).isEqualTo(404);
        assertThat(auditActions("experiment", made.json().get("id").asText())).containsExactly("experiment.delete",
                "experiment.stop", "experiment.update", "experiment.start", "experiment.create");
    }

    @Test
    void aLaterStartIsKeptAndAStopBeforeItLeavesAnEmptyWindowAndAStoppedEndStays() {
        cp.post("/api/v1/metrics", editor, metric("later", "proportion", "later"));
        Map<String, Object> body = experiment("later", "search", "later");
        body.put("startAt", "2031-01-01T00:00:00+01:00");
        Resp made = cp.post("/api/v1/experiments", editor, body);
        String x = "/api/v1/experiments/" + made.json().get("id").asText();

        Resp started = cp.post(x + "/start", editor, Map.of());
        assertThat(started.json().get("startAt").asText()).isEqualTo("2030-12-31T23:00:00Z");
        Resp stopped = cp.post(x + "/stop", editor, Map.of());
        assertThat(stopped.status()).as(stopped.body()).isEqualTo(200);
        assertThat(stopped.json().get("endAt").asText()).isEqualTo("2030-12-31T23:00:00.000001Z");

        body.put("endAt", "2031-06-01T00:00:00Z");
        Resp end = cp.put(x, editor, body, "If-Match", "\"" + stopped.json().get("version").asText() + "\"");
        assertThat(end.status()).as(end.body()).isEqualTo(409);
        assertThat(end.json().get("detail").asText()).contains("endAt (2030-12-31T23:00:00.000001Z, when it stopped)");
    }

    @Test
    void aListingsBadStatusOrCursorIs400NamingIt() {
        Resp status = cp.get("/api/v1/experiments?status=paused", editor);
        assertThat(status.status()).isEqualTo(400);
        assertThat(errors(status)).containsOnlyKeys("/status");
        Resp to = cp.get("/api/v1/conversions?environment=production&from=2026-01-01T00:00:00Z"
                + "&to=2026-03-01T00:00:00Z", editor);
        assertThat(to.status()).isEqualTo(400);
        assertThat(errors(to).get("/to")).contains("longer than 31 days");
        assertThat(cp.get("/api/v1/conversions", editor).status()).isEqualTo(400);
        assertThat(cp.get("/api/v1/conversions?environment=nowhere", editor).status()).isEqualTo(404);
        // An event name no conversion can have (POST /v1/track refuses it) is a typo, not an empty listing.
        for (String bad : new String[] {"=cmd", "a%20b", "-lead", "x".repeat(129)}) {
            Resp event = cp.get("/api/v1/conversions?environment=production&event=" + bad, editor);
            assertThat(event.status()).as(bad).isEqualTo(400);
            assertThat(errors(event).get("/event")).as(bad).contains("must be an event name");
        }
        assertThat(cp.get("/api/v1/conversions?environment=production&event=checkout:done/v2", editor).status())
                .isEqualTo(200);
    }

    // ---------------------------------------------------------------- conversions read back

    private Resp send(List<Map<String, Object>> exposures, List<Map<String, Object>> conversions) throws Exception {
        Map<String, Object> batch = new LinkedHashMap<>();
        batch.put("batchId", UUID.randomUUID().toString());
        batch.put("sidecarId", UUID.randomUUID().toString());
        batch.put("createdAt", Instant.now().toString());
        batch.put("counts", List.of());
        batch.put("exposures", exposures);
        batch.put("conversions", conversions);
        return cp.send("POST", "/api/v1/events", sidecar, JSON.writeValueAsString(batch)
                .getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
    }

    private static Map<String, Object> exposure(String user, String variant, Instant at) {
        return Map.of("flag", "conv", "variant", variant, "targetingKey", user, "timestamp", at.toString());
    }

    private static Map<String, Object> conversion(String user, String event, Double value, Instant at) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("targetingKey", user);
        m.put("event", event);
        if (value != null) {
            m.put("value", value);
        }
        m.put("timestamp", at.toString());
        return m;
    }

    @Test
    void conversionsSentThroughIngestAreReadBackRawAndAsAFlagsTotalsWithTheExperimentsAttribution()
            throws Exception {
        Instant t = Instant.now().minus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        Resp sent = send(List.of(exposure("u1", "on", t), exposure("u2", "off", t), exposure("u3", "on", t),
                        exposure("u3", "off", t.plusSeconds(5))),
                List.of(conversion("u1", "order", 10.0, t.minusSeconds(60)), // before u1's exposure: not counted
                        conversion("u1", "order", 12.5, t.plusSeconds(60)),
                        conversion("u1", "order", 7.5, t.plusSeconds(120)),
                        conversion("u2", "order", 5.0, t.plusSeconds(60)),
                        conversion("u2", "visit", null, t.plusSeconds(61)),
                        conversion("u3", "order", 99.0, t.plusSeconds(60)), // exposed to both: excluded
                        conversion("u9", "visit", null, t.plusSeconds(60)))); // never exposed
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);

        // Raw, newest first, walked in pages of 2: each event once, in order.
        List<String> seen = new ArrayList<>();
        Set<String> cursors = new HashSet<>();
        String cursor = null;
        do {
            // From just before this test's first event: another test's conversions are older.
            Resp page = cp.get("/api/v1/conversions?environment=production&limit=2&from="
                    + t.minusSeconds(120) + (cursor == null ? "" : "&cursor=" + cursor), editor);
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            page.json().get("items").forEach(i -> seen.add(i.get("occurredAt").asText() + " "
                    + i.get("targetingKey").asText() + " " + i.get("event").asText()));
            cursor = page.json().get("nextCursor").isNull() ? null : page.json().get("nextCursor").asText();
            assertThat(cursor == null || cursors.add(cursor)).isTrue();
        } while (cursor != null);
        assertThat(seen).hasSize(7).doesNotHaveDuplicates();
        assertThat(seen).isSortedAccordingTo((a, b) -> b.substring(0, 20).compareTo(a.substring(0, 20)));
        assertThat(seen.get(0)).endsWith("u1 order");

        JsonNode u1 = cp.get("/api/v1/conversions?environment=production&targetingKey=u1&event=order", editor).json();
        assertThat(u1.get("items").findValuesAsText("value")).containsExactly("7.5", "12.5", "10.0");
        JsonNode visits = cp.get("/api/v1/conversions?environment=production&event=visit", editor).json();
        assertThat(visits.get("items")).hasSize(2);
        assertThat(visits.get("items").get(0).get("value").isNull()).isTrue();

        JsonNode totals = cp.get("/api/v1/flags/conv/conversions?environment=production", editor).json();
        assertThat(totals.get("excludedUsers").asLong()).isEqualTo(1);
        JsonNode on = totals.get("variants").get("on");
        assertThat(on.get("users").asLong()).isEqualTo(1);
        assertThat(on.get("events").get("order").get("users").asLong()).isEqualTo(1);
        assertThat(on.get("events").get("order").get("events").asLong()).isEqualTo(2);
        assertThat(on.get("events").get("order").get("valueSum").asDouble()).isEqualTo(20.0);
        JsonNode off = totals.get("variants").get("off");
        assertThat(off.get("users").asLong()).isEqualTo(1);
        assertThat(off.get("events").get("order").get("valueSum").asDouble()).isEqualTo(5.0);
        assertThat(off.get("events").get("visit").get("events").asLong()).isEqualTo(1);
        assertThat(off.get("events").get("visit").get("valueSum").asDouble()).isZero();
        assertThat(cp.get("/api/v1/flags/nope/conversions?environment=production", editor).status())
                .isEqualTo(404);
    }

    @Test
    void identicalConversionsArePagedOneByOneEachOnce() throws Exception {
        Instant t = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        // Three rows alike in every column (one batch, one user, one instant): the cursor counts what it delivered.
        Map<String, Object> same = conversion("twin", "tap", 1.0, t);
        assertThat(send(List.of(), List.of(same, same, same, conversion("twin", "tap", 2.0, t))).status())
                .isEqualTo(202);

        List<String> values = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = cp.get("/api/v1/conversions?environment=production&targetingKey=twin&limit=1"
                    + (cursor == null ? "" : "&cursor=" + cursor), editor).json();
            page.get("items").forEach(i -> values.add(i.get("value").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(values).containsExactly("2.0", "1.0", "1.0", "1.0");
        Resp bad = cp.get("/api/v1/conversions?environment=production&cursor="
                + cp.signedCursor("acme", "1|x|0|e|k"),
                editor);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(errors(bad)).containsOnlyKeys("/cursor");
    }
}
