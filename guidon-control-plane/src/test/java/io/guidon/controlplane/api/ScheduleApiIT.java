package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The schedules' routes (ADR 0114): a change is checked when it is scheduled as its direct route would check it,
 * and every kind of bad input is a 4xx saying what and where, with nothing stored; the tenant's calendar lists by due
 * time with filters and a cursor; a pending schedule is cancelled once, and only a pending one. Every answer is
 * checked against the OpenAPI document ({@link Harness}). Nothing here falls due: the runner's tests are
 * {@code service.ScheduleRunnerIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScheduleApiIT {

    private static final String SCHEDULES = "/api/v1/environments/production/flags/checkout/schedules";
    /** These tests send no events: few event partitions to make at start (two months), so the server starts sooner. */
    private static final Map<String, String> FEW_PARTITIONS = Map.of("events.max-event-age", "1d",
            "events.partitions-ahead", "1");

    Harness cp;
    String admin;
    String editor;
    String viewer;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(FEW_PARTITIONS);
        admin = cp.bootstrap("acme");
        editor = cp.createKey(admin, "alice", "editor", null).json().get("key").asText();
        viewer = cp.createKey(admin, "victor", "viewer", null).json().get("key").asText();
        cp.post("/api/v1/environments", admin, Map.of("key", "production"));
        cp.post("/api/v1/environments", admin, Map.of("key", "staging"));
        cp.post("/api/v1/flags", admin, Map.of("key", "checkout", "variants", Map.of("on", true, "off", false)));
        cp.post("/api/v1/flags", admin, Map.of("key", "banner", "variants",
                Map.of("blue", "blue", "green", "green", "red", "red")));
    }

    @AfterAll
    void stop() {
        cp.close();
    }

    /** An RFC 3339 instant {@code ahead} from now, written with the offset +01:00. */
    private static String in(Duration ahead) {
        return Instant.now().plus(ahead).truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.ofHours(1))
                .format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    private static Map<String, Object> body(String at, Map<String, Object> change) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("at", at);
        b.put("change", change);
        return b;
    }

    private long stored() {
        return cp.get("/api/v1/schedules", admin).json().get("total").asLong();
    }

    @Test
    void aScheduledChangeIsKeptExactlyWithItsBaseAndAnsweredWithItsLocation() {
        String etag = cp.get("/api/v1/environments/production/flags/banner", admin).header("ETag");
        Map<String, Object> weights = new LinkedHashMap<>();
        // The order of a rollout's variants is its bucket order: kept as sent.
        weights.put("red", 10);
        weights.put("green", 30);
        weights.put("blue", 60);
        Map<String, Object> rollout = new LinkedHashMap<>();
        rollout.put("kind", "flag.rollout");
        rollout.put("rollout", weights);
        Resp r = cp.post("/api/v1/environments/production/flags/banner/schedules", editor,
                body(in(Duration.ofHours(2)), rollout), "If-Match", etag);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode s = r.json();
        assertThat(r.header("Location")).isEqualTo("/api/v1/environments/production/flags/banner/schedules/"
                + s.get("id").asLong());
        assertThat(s.get("status").asText()).isEqualTo("pending");
        assertThat(s.get("ifChanged").asText()).isEqualTo("fail");
        assertThat(s.get("baseRevision").asInt()).isEqualTo(Integer.parseInt(etag.replace("\"", "")));
        assertThat(s.get("createdBy").get("name").asText()).isEqualTo("alice");
        assertThat(names(s.at("/change/rollout"))).containsExactly("red", "green", "blue");
        assertThat(s.at("/change/kind").asText()).isEqualTo("flag.rollout");
        assertThat(s.at("/change/environment").asText()).isEqualTo("production");

        JsonNode read = cp.get(r.header("Location"), viewer).json();
        assertThat(names(read.at("/change/rollout"))).containsExactly("red", "green", "blue");
        assertThat(read.get("at").asText()).isEqualTo(s.get("at").asText()).endsWith("Z");

        JsonNode audit = cp.get("/api/v1/audit?resourceType=schedule&resource=" + s.get("id").asLong(), admin)
                .json().get("items");
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).get("action").asText()).isEqualTo("schedule.create");
        assertThat(audit.get(0).at("/actor/name").asText()).isEqualTo("alice");
        assertThat(audit.get(0).at("/after/id").asLong()).isEqualTo(s.get("id").asLong());
    }

    @Test
    void aPendingScheduleIsCancelledOnceAndThenAConflictSaysWhatItIs() {
        Resp made = cp.post(SCHEDULES, editor, body(in(Duration.ofHours(3)), Map.of("kind", "flag.toggle",
                "enabled", true)));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        String url = made.header("Location");

        Resp cancelled = cp.delete(url, editor);
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asText()).isEqualTo("cancelled");
        assertThat(cancelled.json().at("/cancelledBy/name").asText()).isEqualTo("alice");
        assertThat(cancelled.json().get("cancelledAt").isNull()).isFalse();

        Resp again = cp.delete(url, admin);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("detail").asText()).contains("is cancelled").contains("by alice")
                .contains("only a pending schedule can be cancelled");
        assertThat(cp.get("/api/v1/audit?action=schedule.cancel", admin).json().get("total").asLong()).isEqualTo(1);

        assertThat(cp.delete(url, viewer).status()).isEqualTo(403);
        assertThat(cp.delete(url.replace("/production/", "/staging/"), editor).status()).isEqualTo(404);
        assertThat(cp.delete(SCHEDULES + "/999999", editor).status()).isEqualTo(404);
        assertThat(cp.get(SCHEDULES + "/not-a-number", editor).status()).isEqualTo(404);
    }

    @Test
    void theCalendarListsEveryScheduleByDueTimeWithFiltersAndACursor() {
        String flag = "calendar";
        cp.post("/api/v1/flags", admin, Map.of("key", flag, "variants", Map.of("on", true, "off", false)));
        List<Long> ids = new ArrayList<>();
        // Made out of order: listed by due time.
        for (String[] s : new String[][] {{"production", "PT30H"}, {"staging", "PT10H"}, {"production", "PT20H"}}) {
            Resp r = cp.post("/api/v1/environments/" + s[0] + "/flags/" + flag + "/schedules", editor,
                    body(in(Duration.parse(s[1])), Map.of("kind", "flag.toggle", "enabled", true)));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            ids.add(r.json().get("id").asLong());
        }
        Resp first = cp.get("/api/v1/schedules?flag=" + flag + "&limit=2", viewer);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().get("total").asLong()).isEqualTo(3);
        assertThat(idsOf(first.json())).containsExactly(ids.get(1), ids.get(2));
        Resp second = cp.get("/api/v1/schedules?flag=" + flag + "&limit=2&cursor="
                + first.json().get("nextCursor").asText(), viewer);
        assertThat(idsOf(second.json())).containsExactly(ids.get(0));
        assertThat(second.json().get("nextCursor").isNull()).isTrue();

        assertThat(idsOf(cp.get("/api/v1/schedules?flag=" + flag + "&environment=production", viewer).json()))
                .containsExactly(ids.get(2), ids.get(0));
        assertThat(idsOf(cp.get("/api/v1/environments/staging/flags/" + flag + "/schedules", viewer).json()))
                .containsExactly(ids.get(1));
        String until = Instant.now().plus(Duration.ofHours(25)).toString();
        assertThat(idsOf(cp.get("/api/v1/schedules?flag=" + flag + "&to=" + until, viewer).json()))
                .containsExactly(ids.get(1), ids.get(2));
        assertThat(idsOf(cp.get("/api/v1/schedules?flag=" + flag + "&from=" + until, viewer).json()))
                .containsExactly(ids.get(0));
        cp.delete("/api/v1/environments/production/flags/" + flag + "/schedules/" + ids.get(2), editor);
        assertThat(idsOf(cp.get("/api/v1/schedules?flag=" + flag + "&status=pending", viewer).json()))
                .containsExactly(ids.get(1), ids.get(0));
        assertThat(idsOf(cp.get("/api/v1/schedules?flag=" + flag + "&status=cancelled", viewer).json()))
                .containsExactly(ids.get(2));

        Resp badStatus = cp.get("/api/v1/schedules?status=done", viewer);
        assertThat(badStatus.status()).isEqualTo(400);
        assertThat(badStatus.json().at("/errors/0/path").asText()).isEqualTo("status");
        assertThat(cp.get("/api/v1/schedules?from=tomorrow", viewer).json().at("/errors/0/path").asText())
                .isEqualTo("from");
        assertThat(cp.get("/api/v1/schedules?cursor=" + cp.signedCursor("acme", "nonsense"), viewer).json()
                .at("/errors/0/path").asText()).isEqualTo("cursor");
        assertThat(cp.get("/api/v1/schedules?colour=red", viewer).status()).isEqualTo(400);
    }

    private static List<Long> idsOf(JsonNode page) {
        List<Long> out = new ArrayList<>();
        page.get("items").forEach(i -> out.add(i.get("id").asLong()));
        return out;
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** A bad request: what it sends, the status and problem type, the error's path and words in its message. */
    record Bad(String name, String body, int status, String errorPath, String says) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badInputs() {
        String future = "\"" + in(Duration.ofHours(1)) + "\"";
        String toggle = "{\"kind\": \"flag.toggle\", \"enabled\": true}";
        return Stream.of(
                new Bad("an instant without its offset", "{\"at\": \"2026-12-07T09:00:00\", \"change\": " + toggle
                        + "}", 422, "at", "has no offset"),
                new Bad("a date alone", "{\"at\": \"2026-12-07\", \"change\": " + toggle + "}", 422, "at",
                        "RFC 3339"),
                new Bad("words for a time", "{\"at\": \"tomorrow at nine\", \"change\": " + toggle + "}", 422, "at",
                        "RFC 3339"),
                new Bad("a day that does not exist", "{\"at\": \"2027-02-30T09:00:00Z\", \"change\": " + toggle + "}",
                        422, "at", "RFC 3339"),
                new Bad("a number for a time", "{\"at\": 1767772800, \"change\": " + toggle + "}", 422, "at",
                        "not a number"),
                new Bad("an instant in the past", "{\"at\": \"2020-01-01T09:00:00+01:00\", \"change\": " + toggle
                        + "}", 422, "at", "is in the past"),
                new Bad("an instant more than a year ahead", "{\"at\": \"" + in(Duration.ofDays(400))
                        + "\", \"change\": " + toggle + "}", 422, "at", "366 days ahead"),
                new Bad("no change", "{\"at\": " + future + "}", 422, "change", "required"),
                new Bad("a change that is not an object", "{\"at\": " + future + ", \"change\": \"on\"}", 422,
                        "change", "must be an object"),
                new Bad("a change without a kind", "{\"at\": " + future + ", \"change\": {\"enabled\": true}}", 422,
                        "change.kind", "required: one of flag.toggle, flag.rollout, flag.configure"),
                new Bad("an unknown kind", "{\"at\": " + future + ", \"change\": {\"kind\": \"flag.explode\"}}", 422,
                        "change.kind", "not 'flag.explode'"),
                new Bad("a toggle without enabled", "{\"at\": " + future + ", \"change\": {\"kind\": \"flag.toggle\"}}",
                        422, "change.enabled", "required"),
                new Bad("a field the kind does not have", "{\"at\": " + future + ", \"change\": {\"kind\":"
                        + " \"flag.toggle\", \"enabled\": true, \"percentage\": 5}}", 422, "change.percentage",
                        "unknown field"),
                new Bad("a percentage over 100", "{\"at\": " + future + ", \"change\": {\"kind\": \"flag.rollout\","
                        + " \"percentage\": 150}}", 422, "change.percentage", "100"),
                new Bad("a percentage with too many decimals (the engine's rule)", "{\"at\": " + future
                        + ", \"change\": {\"kind\": \"flag.rollout\", \"percentage\": 10.00000000000000001}}", 422,
                        "change.percentage", "three decimals"),
                new Bad("a rollout of a variant the flag does not have (the engine's check)", "{\"at\": " + future
                        + ", \"change\": {\"kind\": \"flag.rollout\", \"rollout\": {\"on\": 50, \"maybe\": 50}}}",
                        422, "change.fallthrough.rollout.maybe", "maybe"),
                new Bad("a configuration the engine refuses", "{\"at\": " + future + ", \"change\": {\"kind\":"
                        + " \"flag.configure\", \"enabled\": true, \"offVariant\": \"nope\", \"fallthrough\":"
                        + " {\"variant\": \"on\"}}}", 422, "change.offVariant", "nope"),
                new Bad("an unknown ifChanged", "{\"at\": " + future + ", \"change\": " + toggle
                        + ", \"ifChanged\": \"maybe\"}", 422, "ifChanged", "must be fail"),
                new Bad("an unknown member", "{\"at\": " + future + ", \"change\": " + toggle
                        + ", \"when\": \"soon\"}", 422, "when", "unknown field"),
                new Bad("not JSON", "{\"at\": ", 400, null, "JSON"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputIsRefusedSayingWhatAndWhereAndNothingIsStored(Bad bad) {
        long before = stored();
        Resp r = cp.post(SCHEDULES, editor, bad.body());
        assertThat(r.status()).as(r.body()).isEqualTo(bad.status());
        if (bad.errorPath() == null) {
            assertThat(r.json().get("detail").asText()).contains(bad.says());
        } else {
            assertThat(r.json().get("errors")).as(r.body()).anySatisfy(e -> {
                assertThat(e.get("path").asText()).isEqualTo(bad.errorPath());
                assertThat(e.get("message").asText()).contains(bad.says());
            });
        }
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void everyProblemOfARequestIsAnsweredAtOnceTheRequestsAndTheEnginesTogether() {
        Resp r = cp.post(SCHEDULES, editor, "{\"at\": \"2026-12-07T09:00:00\", \"ifChanged\": \"never\","
                + " \"change\": {\"kind\": \"flag.configure\", \"enabled\": true, \"offVariant\": \"nope\","
                + " \"fallthrough\": {\"variant\": \"on\"}}}");
        assertThat(r.status()).isEqualTo(422);
        List<String> paths = new ArrayList<>();
        r.json().get("errors").forEach(e -> paths.add(e.get("path").asText()));
        assertThat(paths).contains("at", "ifChanged", "change.offVariant");
    }

    @Test
    void aStaleIfMatchUnknownNamesAndAViewerAreRefusedAndNothingIsStored() {
        long before = stored();
        String toggle = "{\"at\": \"" + in(Duration.ofHours(1)) + "\", \"change\": {\"kind\": \"flag.toggle\","
                + " \"enabled\": true}}";
        Resp stale = cp.post(SCHEDULES, editor, toggle, "If-Match", "\"999\"");
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.json().get("detail").asText()).contains("not 999");
        assertThat(cp.post("/api/v1/environments/nowhere/flags/checkout/schedules", editor, toggle).status())
                .isEqualTo(404);
        assertThat(cp.post("/api/v1/environments/production/flags/nothing/schedules", editor, toggle).status())
                .isEqualTo(404);
        assertThat(cp.post(SCHEDULES, viewer, toggle).status()).isEqualTo(403);
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void theDirectRoutesReadTheirBodiesAsBefore() {
        // ChangeBodies reads the direct routes' bodies too: the same problems at the same places.
        Resp toggle = cp.put("/api/v1/environments/production/flags/checkout/enabled", editor,
                Map.of("enabled", "yes"));
        assertThat(toggle.status()).isEqualTo(422);
        assertThat(toggle.json().at("/errors/0/path").asText()).isEqualTo("enabled");
        Resp rollout = cp.put("/api/v1/environments/production/flags/checkout/rollout", editor,
                Map.of("percentage", 10, "rollout", Map.of("on", 10, "off", 90)));
        assertThat(rollout.status()).isEqualTo(422);
        assertThat(rollout.json().at("/errors/0/path").asText()).isEqualTo("percentage");
    }
}
