package io.guidon.controlplane.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code POST /api/v1/events} and {@code GET /api/v1/flags/{flag}/exposures} against a real control plane and
 * PostgreSQL: batches stored with their totals, each batch id once (also when posted concurrently), every kind of
 * malformed batch refused with its paths and nothing stored, body limits, roles, and the totals endpoint's ranges.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventsIT {

    static final String[] TABLES = {"event_batches", "flag_evaluation_counts", "flag_exposures", "conversion_events",
        "flag_daily_totals"};

    Harness cp;
    String admin;
    String viewer;
    String sidecar;
    String stagingSidecar;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of("events.max-body-size", "256KiB", "events.max-decompressed-size", "1MiB",
                "events.max-batch-events", "2000", "events.max-query-days", "100"));
        admin = cp.bootstrap("acme");
        cp.post("/api/v1/environments", admin, Map.of("key", "production"));
        cp.post("/api/v1/environments", admin, Map.of("key", "staging"));
        viewer = cp.createKey(admin, "viewer", "viewer", null).json().get("key").asText();
        sidecar = cp.createKey(admin, "sidecar", "sidecar", "production").json().get("key").asText();
        stagingSidecar = cp.createKey(admin, "staging sidecar", "sidecar", "staging").json().get("key").asText();
    }

    @AfterAll
    void stop() {
        cp.close();
    }

    void flag(String key, String... variants) {
        Map<String, Object> v = new LinkedHashMap<>();
        for (int i = 0; i < variants.length; i++) {
            v.put(variants[i], "value-" + i);
        }
        Resp r = cp.post("/api/v1/flags", admin, Map.of("key", key, "variants", v));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    JsonNode totals(String flag, String query) {
        Resp r = cp.get("/api/v1/flags/" + flag + "/exposures?" + query, viewer);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    Map<String, Long> rows() {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = cp.db.connect(); Statement s = c.createStatement()) {
            for (String t : TABLES) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + t)) {
                    rs.next();
                    counts.put(t, rs.getLong(1));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return counts;
    }

    long query(String sql) {
        try (Connection c = cp.db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String day(Instant i) {
        return LocalDate.ofInstant(i, ZoneOffset.UTC).toString();
    }

    @Test
    void aBatchIsStoredWithItsRawEventsAndItsDayTotals() {
        flag("checkout", "on", "off");
        Instant m1 = Batches.minute(Instant.now()).minus(Duration.ofMinutes(2));
        Instant yesterday = m1.minus(Duration.ofDays(1));
        Batches b = new Batches()
                .count("checkout", "on", m1, 5).count("checkout", "on", m1.plusSeconds(60), 3)
                .count("checkout", "off", m1, 2).count("checkout", "on", yesterday, 10)
                .exposure("checkout", "on", "u1", m1.plusSeconds(1)).exposure("checkout", "on", "u2", m1.plusSeconds(2))
                .exposure("checkout", "on", "u3", yesterday.plusSeconds(3))
                .exposure("checkout", "off", "u4", m1.plusSeconds(4))
                .conversion("u1", "checkout-completed", 42.5, m1.plusSeconds(30))
                .conversion("u2", "signup", null, m1.plusSeconds(31));

        Resp r = b.post(cp, sidecar);

        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json().get("batchId").asText()).isEqualTo(b.batchId);
        assertThat(r.json().get("accepted").asBoolean()).isTrue();
        assertThat(r.json().get("duplicate").asBoolean()).isFalse();
        assertThat(r.json().get("events").asInt()).isEqualTo(10);

        JsonNode t = totals("checkout", "environment=production");
        assertThat(t.get("flag").asText()).isEqualTo("checkout");
        assertThat(t.get("environment").asText()).isEqualTo("production");
        assertThat(t.get("to").asText()).isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
        assertThat(t.get("from").asText()).isEqualTo(LocalDate.now(ZoneOffset.UTC).minusDays(29).toString());
        assertThat(t.get("variants").toString()).isEqualTo("{\"off\":{\"evaluations\":2,\"exposures\":1},"
                + "\"on\":{\"evaluations\":18,\"exposures\":3}}");
        List<String> days = new ArrayList<>();
        for (JsonNode d : t.get("days")) {
            days.add(d.get("day").asText() + " " + d.get("variant").asText() + " " + d.get("evaluations").asLong()
                    + " " + d.get("exposures").asLong());
        }
        if (day(m1).equals(day(m1.plusSeconds(60)))) {
            assertThat(days).containsExactly(day(yesterday) + " on 10 1", day(m1) + " off 2 1", day(m1) + " on 8 2");
        }

        String env = "(SELECT id FROM environments WHERE key = 'production')";
        assertThat(query("SELECT count(*) FROM flag_evaluation_counts WHERE flag = 'checkout' AND environment_id = "
                + env)).isEqualTo(4);
        assertThat(query("SELECT sum(count) FROM flag_evaluation_counts WHERE flag = 'checkout'")).isEqualTo(20);
        assertThat(query("SELECT count(*) FROM flag_exposures WHERE flag = 'checkout' AND batch_id = '" + b.batchId
                + "'")).isEqualTo(4);
        assertThat(query("SELECT count(*) FROM conversion_events WHERE batch_id = '" + b.batchId
                + "' AND (value = 42.5 OR (value IS NULL AND event = 'signup'))")).isEqualTo(2);
        assertThat(query("SELECT events FROM event_batches WHERE batch_id = '" + b.batchId + "' AND sidecar_id = '"
                + b.sidecarId + "' AND tenant_id = (SELECT id FROM tenants WHERE key = 'acme')")).isEqualTo(10);

        assertThat(cp.metric("guidon_events_batches_total", "result=\"stored\"")).isGreaterThanOrEqualTo(1);
        assertThat(cp.metric("guidon_events_stored_total", "kind=\"exposures\"")).isGreaterThanOrEqualTo(4);
        assertThat(cp.metric("guidon_events_ingest_seconds_count")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theSameBatchPostedTwiceIsCountedOnceAndTheSecondAnswerSaysDuplicate() {
        flag("twice", "on", "off");
        Instant m = Batches.minute(Instant.now());
        Batches b = new Batches().count("twice", "on", m, 7).exposure("twice", "on", "u1", m);
        double duplicatesBefore = cp.metric("guidon_events_batches_total", "result=\"duplicate\"");

        assertThat(b.post(cp, sidecar).status()).isEqualTo(202);
        Map<String, Long> before = rows();
        Resp again = Batches.postPlain(cp, sidecar, b.json());

        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("duplicate").asBoolean()).isTrue();
        assertThat(again.json().get("accepted").asBoolean()).isTrue();
        assertThat(again.json().get("events").asInt()).isEqualTo(2);
        assertThat(rows()).isEqualTo(before);
        assertThat(totals("twice", "environment=production").get("variants").get("on").toString())
                .isEqualTo("{\"evaluations\":7,\"exposures\":1}");
        assertThat(cp.metric("guidon_events_batches_total", "result=\"duplicate\"")).isEqualTo(duplicatesBefore + 1);

        // The same batch id from another environment's sidecar is another batch.
        assertThat(b.post(cp, stagingSidecar).status()).isEqualTo(202);
        assertThat(totals("twice", "environment=staging").get("variants").get("on").get("evaluations").asLong())
                .isEqualTo(7);
        assertThat(totals("twice", "environment=production").get("variants").get("on").get("evaluations").asLong())
                .isEqualTo(7);
    }

    @Test
    void concurrentPostsOfOneBatchStoreItOnce() throws Exception {
        flag("racy", "on", "off");
        Instant m = Batches.minute(Instant.now());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 5; round++) {
                Batches b = new Batches().count("racy", "on", m, 1);
                for (int i = 0; i < 50; i++) {
                    b.exposure("racy", "on", "user-" + round + "-" + i, m);
                }
                byte[] json = b.json();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Resp>> answers = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    answers.add(pool.submit(() -> {
                        go.await();
                        return Batches.postGzip(cp, sidecar, json, b.batchId);
                    }));
                }
                go.countDown();
                List<Integer> statuses = new ArrayList<>();
                for (Future<Resp> a : answers) {
                    statuses.add(a.get(30, TimeUnit.SECONDS).status());
                }
                assertThat(statuses).as("round " + round).containsOnly(200, 202).containsOnlyOnce(202);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(totals("racy", "environment=production").get("variants").get("on").toString())
                .isEqualTo("{\"evaluations\":5,\"exposures\":250}");
        assertThat(query("SELECT count(*) FROM flag_exposures WHERE flag = 'racy'")).isEqualTo(250);
    }

    @Test
    void concurrentBatchesOnTheSameTotalsAllCommitAndAddUpExactly() throws Exception {
        flag("busy", "a", "b", "c");
        Instant m = Batches.minute(Instant.now());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<Integer>>> posters = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long seed = t;
                posters.add(pool.submit(() -> {
                    List<Integer> statuses = new ArrayList<>();
                    for (int i = 0; i < 5; i++) {
                        // The same rows in a different order in every batch: the store sorts them, so no deadlock.
                        List<String> variants = new ArrayList<>(List.of("a", "b", "c"));
                        java.util.Collections.shuffle(variants, new Random(seed * 100 + i));
                        Batches b = new Batches();
                        for (String v : variants) {
                            b.count("busy", v, m, 2).count("busy", v, m.minus(Duration.ofDays(1)), 1)
                                    .exposure("busy", v, "u-" + seed + "-" + i, m);
                        }
                        statuses.add(b.post(cp, sidecar).status());
                    }
                    return statuses;
                }));
            }
            for (Future<List<Integer>> p : posters) {
                assertThat(p.get(60, TimeUnit.SECONDS)).containsOnly(202);
            }
        } finally {
            pool.shutdownNow();
        }
        JsonNode variants = totals("busy", "environment=production").get("variants");
        for (String v : List.of("a", "b", "c")) {
            assertThat(variants.get(v).toString()).isEqualTo("{\"evaluations\":120,\"exposures\":40}");
        }
    }

    @Test
    void aBatchWhoseEnvelopeIsUnusableIsRefusedWholeWithItsPathsAndNothingIsStored() {
        Instant m = Batches.minute(Instant.now());
        String ok = "{\"flag\":\"f\",\"variant\":\"on\",\"minute\":\"" + m + "\",\"count\":1}";
        String head = "{\"batchId\":\"" + java.util.UUID.randomUUID() + "\",\"sidecarId\":\""
                + java.util.UUID.randomUUID() + "\",\"createdAt\":\"" + m + "\",";
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("bad JSON", new String[] {head + "\"counts\":[" + ok + ",{\"flag\":}]", "counts[1].flag"});
        cases.put("missing arrays", new String[] {head + "\"counts\":[" + ok + "]}", "exposures conversions"});
        cases.put("an array that is not one", new String[] {head + "\"counts\":{},\"exposures\":[],"
                + "\"conversions\":[]}", "counts"});
        cases.put("unknown top-level field", new String[] {head + "\"counts\":[" + ok
                + "],\"exposures\":[],\"conversions\":[],\"version\":2}", "version"});
        cases.put("bad batch id", new String[] {head.replaceFirst("\"batchId\":\"[^\"]+\"", "\"batchId\":\"b-1\"")
                + "\"counts\":[" + ok + "],\"exposures\":[],\"conversions\":[]}", "batchId"});
        cases.put("no sidecar id", new String[] {head.replaceFirst("\"sidecarId\":\"[^\"]+\",", "")
                + "\"counts\":[" + ok + "],\"exposures\":[],\"conversions\":[]}", "sidecarId"});
        StringBuilder many = new StringBuilder(head + "\"counts\":[");
        for (int i = 0; i < 2001; i++) {
            many.append(i == 0 ? "" : ",").append(ok);
        }
        cases.put("too many events", new String[] {many + "],\"exposures\":[],\"conversions\":[]}", "counts[2000]"});
        // FINDINGS 8: a cut-off body is the body's problem, not batchId's; NaN is not JSON, said in plain words.
        cases.put("truncated", new String[] {head + "\"counts\":[" + ok, "body"});
        cases.put("NaN", new String[] {head + "\"counts\":[],\"exposures\":[],\"conversions\":[{\"targetingKey\":"
                + "\"u\",\"event\":\"buy\",\"value\":NaN,\"timestamp\":\"" + m + "\"}]}", "conversions[0].value"});
        Map<String, Long> before = rows();
        double rejectedBefore = cp.metric("guidon_events_batches_total", "result=\"rejected\"");

        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            for (boolean gzip : new boolean[] {true, false}) {
                byte[] json = Batches.utf8(c.getValue()[0]);
                Resp r = gzip ? Batches.postGzip(cp, sidecar, json, null) : Batches.postPlain(cp, sidecar, json);
                String what = c.getKey() + (gzip ? " (gzip)" : "");
                assertThat(r.status()).as(what + ": " + r.body()).isEqualTo(400);
                assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
                JsonNode p = r.json();
                assertThat(p.get("type").asText()).as(what).isEqualTo("https://guidon.io/problems/invalid-event-batch");
                assertThat(p.get("detail").asText()).as(what).contains("nothing was stored");
                List<String> paths = new ArrayList<>();
                p.get("errors").forEach(e -> paths.add(e.get("path").asText()));
                assertThat(paths).as(what + ": " + r.body())
                        .containsExactlyInAnyOrderElementsOf(List.of(c.getValue()[1].split(" ")));
                assertThat(r.body()).as(what).doesNotContain("`", "Feature", "Source:", "com.fasterxml",
                        "end-of-input", "Object entries");
            }
        }

        assertThat(rows()).isEqualTo(before);
        assertThat(cp.metric("guidon_events_batches_total", "result=\"rejected\""))
                .isEqualTo(rejectedBefore + 2 * cases.size());
    }

    @Test
    void everyKindOfBadEventIsLeftOutWithItsPathAndReasonWhileTheGoodOnesAreStoredOnce() {
        flag("mixed", "on", "off");
        Instant m = Batches.minute(Instant.now());
        String ok = "{\"flag\":\"mixed\",\"variant\":\"on\",\"minute\":\"" + m + "\",\"count\":5}";
        String exposure = "{\"flag\":\"mixed\",\"variant\":\"on\",\"targetingKey\":\"u\",\"timestamp\":\"" + m + "\"}";
        String conversion = "{\"targetingKey\":\"u\",\"event\":\"mixed-buy\",\"value\":42.5,\"timestamp\":\"" + m
                + "\"}";
        String json = "{\"batchId\":\"" + java.util.UUID.randomUUID() + "\",\"sidecarId\":\""
                + java.util.UUID.randomUUID() + "\",\"createdAt\":\"" + m + "\","
                + "\"counts\":[" + ok + ",{\"flag\":1,\"variant\":true,\"minute\":[],\"count\":\"2\"},{},"
                + ok.replace(m.toString(), "2026-11-26 10:00") + "," + ok.replace(":5}", ":0}") + ","
                + ok.replace("}", ",\"reason\":\"x\"}") + "," + ok.replace("\"mixed\"", "\"Bad Flag\"") + "],"
                + "\"exposures\":[" + exposure + "," + exposure.replace(m.toString(), "2020-01-01T00:00:00Z") + ","
                + exposure.replace("\"u\"", "\"" + "k".repeat(300) + "\"") + ",{\"flag\":\"f\"}],"
                + "\"conversions\":[" + conversion + "," + conversion.replace(m.toString(), "2099-01-01T00:00:00Z") + ","
                + conversion.replace("42.5", "1e400") + ",{\"targetingKey\":\"u\",\"event\":\"buy\","
                + "\"timestamp\":\"2020-01-01T00:00:00Z\"}]}";
        // One item per problem: an event with several problems is several items, each in its own place.
        List<String> expected = List.of("counts[1].flag", "counts[1].variant", "counts[1].minute", "counts[1].count",
                "counts[2].flag", "counts[2].variant", "counts[2].minute", "counts[2].count", "counts[3].minute",
                "counts[4].count", "counts[5].reason", "counts[6].flag", "exposures[1].timestamp",
                "exposures[2].targetingKey", "exposures[3].variant", "exposures[3].targetingKey",
                "exposures[3].timestamp", "conversions[1].timestamp", "conversions[2].value",
                "conversions[3].timestamp");
        Map<String, Long> before = rows();
        double countsRejected = cp.metric("guidon_events_rejected_total", "kind=\"counts\"");

        Resp first = Batches.postGzip(cp, sidecar, Batches.utf8(json), null);
        Resp again = Batches.postPlain(cp, sidecar, Batches.utf8(json));

        assertThat(first.status()).as(first.body()).isEqualTo(202);
        assertThat(first.json().get("accepted").asBoolean()).isTrue();
        assertThat(first.json().get("duplicate").asBoolean()).isFalse();
        assertThat(first.json().get("events").asInt()).isEqualTo(3);
        List<String> paths = new ArrayList<>();
        first.json().get("rejected").forEach(e -> paths.add(e.get("path").asText()));
        assertThat(paths).containsExactlyElementsOf(expected);
        assertThat(first.json().get("rejected").get(13).get("reason").asText())
                .isEqualTo("a targeting key must be at most 256 characters, not 300");
        // Each item also names its place as an RFC 6901 pointer, and no reason names another place.
        first.json().get("rejected").forEach(e -> {
            assertThat(e.get("pointer").asText()).isEqualTo(io.guidon.json.Pointer.fromText(e.get("path").asText())
                    .toString());
            assertThat(e.get("reason").asText()).doesNotContain("counts[", "exposures[", "conversions[");
        });
        assertThat(first.json().get("rejected").get(13).get("pointer").asText()).isEqualTo("/exposures/2/targetingKey");
        assertThat(first.json().get("rejectedEvents").toString())
                .isEqualTo("{\"counts\":6,\"exposures\":3,\"conversions\":3}");
        // Sent again (a retry): counted once, and told again what was left out.
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("duplicate").asBoolean()).isTrue();
        List<String> againPaths = new ArrayList<>();
        again.json().get("rejected").forEach(e -> againPaths.add(e.get("path").asText()));
        assertThat(againPaths).isEqualTo(paths);
        Map<String, Long> after = rows();
        assertThat(after.get("event_batches")).isEqualTo(before.get("event_batches") + 1);
        assertThat(after.get("flag_evaluation_counts")).isEqualTo(before.get("flag_evaluation_counts") + 1);
        assertThat(after.get("flag_exposures")).isEqualTo(before.get("flag_exposures") + 1);
        assertThat(after.get("conversion_events")).isEqualTo(before.get("conversion_events") + 1);
        assertThat(totals("mixed", "environment=production").get("variants").get("on").toString())
                .isEqualTo("{\"evaluations\":5,\"exposures\":1}");
        assertThat(cp.metric("guidon_events_rejected_total", "kind=\"counts\"")).isEqualTo(countsRejected + 6);
    }

    @Test
    void aGoodValueIsStoredAsSentAfterARejectedHugeCountOrNull() {
        // FINDINGS 2: with counts[0].count = 99999999999999999999999 the conversion's 2.5 was stored as 1e23.
        Instant m = Batches.minute(Instant.now());
        String huge = "{\"flag\":\"f\",\"variant\":\"on\",\"minute\":\"" + m + "\",\"count\":99999999999999999999999}";
        String json = "{\"batchId\":\"" + java.util.UUID.randomUUID() + "\",\"sidecarId\":\""
                + java.util.UUID.randomUUID() + "\",\"createdAt\":\"" + m + "\",\"counts\":[" + huge + ",null],"
                + "\"exposures\":[null],\"conversions\":[{\"targetingKey\":\"u\",\"event\":\"value-after-huge\","
                + "\"value\":2.5,\"timestamp\":\"" + m + "\"},{\"targetingKey\":\"u\",\"event\":\"value-after-huge\","
                + "\"value\":1e400,\"timestamp\":\"" + m + "\"},{\"targetingKey\":\"" + "\\ud83d\\ude00".repeat(200)
                + "\",\"event\":\"value-after-huge\",\"value\":-0,\"timestamp\":\"" + m + "\"}]}";

        Resp r = Batches.postPlain(cp, sidecar, Batches.utf8(json));

        assertThat(r.status()).as(r.body()).isEqualTo(202);
        List<String> paths = new ArrayList<>();
        r.json().get("rejected").forEach(e -> paths.add(e.get("path").asText()));
        assertThat(paths).containsExactly("counts[0].count", "counts[1]", "exposures[0]", "conversions[1].value");
        List<String> stored = new ArrayList<>();
        try (Connection c = cp.db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT value::text, char_length(targeting_key) FROM conversion_events"
                        + " WHERE event = 'value-after-huge' ORDER BY value DESC")) {
            while (rs.next()) {
                stored.add(rs.getString(1) + " " + rs.getInt(2));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        // 200 emoji are 200 characters to PostgreSQL, as to the event rules; -0 is kept as sent.
        assertThat(stored).containsExactly("2.5 1", "-0 200");
    }

    @Test
    void aBatchOfOnlyBadEventsIsStoredEmptyOnceSoItsRetriesAreDuplicates() {
        Instant m = Batches.minute(Instant.now());
        Batches b = new Batches().exposure("f", "on", "k".repeat(300), m);

        Resp first = b.post(cp, sidecar);
        Resp again = b.post(cp, sidecar);

        assertThat(first.status()).as(first.body()).isEqualTo(202);
        assertThat(first.json().get("events").asInt()).isZero();
        assertThat(first.json().get("rejected").get(0).get("path").asText()).isEqualTo("exposures[0].targetingKey");
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("duplicate").asBoolean()).isTrue();
    }

    @Test
    void gzipBombsAndBodiesOverTheLimitsAreRefusedAndNothingIsStored() {
        Map<String, Long> before = rows();
        // 16 MiB of JSON whitespace before the object: about 16 KiB compressed, refused after 1 MiB inflated.
        byte[] raw = new byte[16 * 1024 * 1024];
        java.util.Arrays.fill(raw, (byte) ' ');
        Instant m = Batches.minute(Instant.now());
        byte[] batch = new Batches().count("f", "on", m, 1).json();
        System.arraycopy(batch, 0, raw, raw.length - batch.length, batch.length);
        byte[] bomb = Batches.gzip(raw);
        assertThat(bomb.length).isLessThan(256 * 1024);

        Resp r = cp.send("POST", "/api/v1/events", sidecar, bomb, "Content-Type", "application/json",
                "Content-Encoding", "gzip");

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("errors").get(0).get("path").asText()).isEqualTo("body");
        assertThat(r.json().get("errors").get(0).get("message").asText())
                .contains("larger than 1048576 bytes once decompressed");

        // Over events.max-body-size as sent: 413, whether compressed or not.
        byte[] noise = new byte[300 * 1024];
        new Random(1).nextBytes(noise);
        Resp tooLarge = cp.send("POST", "/api/v1/events", sidecar, noise, "Content-Type", "application/json",
                "Content-Encoding", "gzip");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.json().get("detail").asText()).contains("262144").contains("events.max-body-size");

        // Not gzip although it says so.
        Resp notGzip = cp.send("POST", "/api/v1/events", sidecar, batch, "Content-Type", "application/json",
                "Content-Encoding", "gzip");
        assertThat(notGzip.status()).isEqualTo(400);
        assertThat(notGzip.json().get("errors").get(0).get("message").asText()).contains("gzip");

        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void theEventsLimitIsSeparateFromTheAdminApisBodyLimit() throws Exception {
        try (Harness small = Harness.start(Map.of("http.max-body-size", "4KiB"))) {
            String a = small.bootstrap("t");
            small.post("/api/v1/environments", a, Map.of("key", "p"));
            String s = small.createKey(a, "s", "sidecar", "p").json().get("key").asText();
            Instant m = Batches.minute(Instant.now());
            Batches b = new Batches();
            for (int i = 0; i < 200; i++) {
                b.exposure("f", "on", "user-" + i, m);
            }
            assertThat(b.json().length).isGreaterThan(8 * 1024);

            assertThat(Batches.postPlain(small, s, b.json()).status()).isEqualTo(202);
            assertThat(small.post("/api/v1/flags", a, "{\"key\":\"f\",\"description\":\"" + "x".repeat(5000)
                    + "\",\"variants\":{\"on\":true}}").status()).isEqualTo(413);
        }
    }

    @Test
    void onlySidecarKeysMayPostEventsAndTheBodyOfOthersIsNotRead() {
        byte[] large = new byte[200 * 1024];
        java.util.Arrays.fill(large, (byte) ' ');
        for (String key : new String[] {null, "gdn_abcdefghijkl_" + "A".repeat(43)}) {
            Resp r = cp.send("POST", "/api/v1/events", key, large, "Content-Type", "application/json");
            assertThat(r.status()).isEqualTo(401);
        }
        for (String key : new String[] {admin, viewer}) {
            Resp r = cp.send("POST", "/api/v1/events", key, large, "Content-Type", "application/json");
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.json().get("detail").asText()).contains("sidecar keys only");
            assertThat(r.json().get("detail").asText()).startsWith(key.equals(admin) ? "an admin key cannot POST"
                    : "a viewer key cannot POST");
        }
        // The connection is still good after answers given before the body was read.
        assertThat(new Batches().count("f", "on", Batches.minute(Instant.now()), 1).post(cp, sidecar).status())
                .isEqualTo(202);
        assertThat(cp.get("/api/v1/flags/f/exposures?environment=production", sidecar).status()).isEqualTo(403);
    }

    @Test
    void otherMediaTypesAndEncodingsAre415() {
        byte[] json = new Batches().count("f", "on", Batches.minute(Instant.now()), 1).json();

        Resp text = cp.send("POST", "/api/v1/events", sidecar, json, "Content-Type", "text/plain");
        Resp brotli = cp.send("POST", "/api/v1/events", sidecar, json, "Content-Type", "application/json",
                "Content-Encoding", "br");

        assertThat(text.status()).isEqualTo(415);
        assertThat(brotli.status()).isEqualTo(415);
        assertThat(brotli.json().get("detail").asText()).contains("'br'");
    }

    @Test
    void eventsOfFlagsThatDoNotExistAreStoredAsGivenAndShowOnceTheFlagExists() {
        Instant m = Batches.minute(Instant.now());
        Batches b = new Batches().count("since-deleted", "gone", m, 4).exposure("since-deleted", "gone", "u1", m);

        assertThat(b.post(cp, sidecar).status()).isEqualTo(202);
        assertThat(cp.get("/api/v1/flags/since-deleted/exposures?environment=production", viewer).status())
                .isEqualTo(404);

        flag("since-deleted", "on", "off");
        JsonNode t = totals("since-deleted", "environment=production");
        assertThat(t.get("variants").toString()).isEqualTo("{\"gone\":{\"evaluations\":4,\"exposures\":1},"
                + "\"off\":{\"evaluations\":0,\"exposures\":0},\"on\":{\"evaluations\":0,\"exposures\":0}}");
    }

    @Test
    void theTotalsEndpointTakesADayRangeAndRefusesBadOnes() {
        flag("ranged", "on", "off");
        Instant now = Batches.minute(Instant.now());
        Batches b = new Batches();
        for (int d = 0; d < 5; d++) {
            b.count("ranged", "on", now.minus(Duration.ofDays(d)), d + 1);
        }
        assertThat(b.post(cp, sidecar).status()).isEqualTo(202);
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);

        JsonNode t = totals("ranged", "environment=production&from=" + today.minusDays(3) + "&to=" + today.minusDays(1));
        assertThat(t.get("from").asText()).isEqualTo(today.minusDays(3).toString());
        assertThat(t.get("days")).hasSize(3);
        assertThat(t.get("days").get(0).get("day").asText()).isEqualTo(today.minusDays(3).toString());
        assertThat(t.get("days").get(0).get("evaluations").asLong()).isEqualTo(4);
        assertThat(t.get("variants").get("on").get("evaluations").asLong()).isEqualTo(4 + 3 + 2);
        assertThat(totals("ranged", "environment=production&from=" + today + "&to=" + today).get("variants")
                .get("on").get("evaluations").asLong()).isEqualTo(1);
        assertThat(totals("ranged", "environment=production&from=" + today.minusDays(99) + "&to=" + today)
                .get("days")).hasSize(5);
        assertThat(totals("ranged", "environment=staging").get("days")).isEmpty();

        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("", "environment");
        bad.put("environment=production&from=2026-02-30", "from");
        bad.put("environment=production&to=26-11-01", "to");
        bad.put("environment=production&from=yesterday", "from");
        bad.put("environment=production&from=2026-11-20&to=2026-11-10", "from");
        bad.put("environment=production&from=" + today.minusDays(100) + "&to=" + today, "to");
        bad.put("environment=production&environment=staging", "environment");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            Resp r = cp.get("/api/v1/flags/ranged/exposures?" + e.getKey(), viewer);
            assertThat(r.status()).as(e.getKey() + ": " + r.body()).isEqualTo(400);
            assertThat(r.json().get("errors").get(0).get("path").asText()).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(cp.get("/api/v1/flags/ranged/exposures?environment=nowhere", viewer).status()).isEqualTo(404);
        assertThat(cp.get("/api/v1/flags/no-such-flag/exposures?environment=production", viewer).status())
                .isEqualTo(404);
    }
}
