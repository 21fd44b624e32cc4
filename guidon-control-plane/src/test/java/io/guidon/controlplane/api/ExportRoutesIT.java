package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import io.guidon.controlplane.events.Batches;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code GET /api/v1/export/{kind}} against a real control plane and PostgreSQL: every stored event of the range
 * exported once, as stored, in the order of time, batch id and index, across pages linked by cursors; CSV; gzip as
 * asked or as accepted; another environment's and an out-of-range event left out; every bad parameter named in one
 * 400 with nothing changed; and with the Kafka sink off, no outbox row written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExportRoutesIT {

    static final ObjectMapper JSON = new ObjectMapper();

    Harness cp;
    String viewer;
    /** Every event of production in the range, as the export writes it, in its order. */
    final List<JsonNode> exposures = new ArrayList<>();
    final List<JsonNode> conversions = new ArrayList<>();
    final List<JsonNode> counts = new ArrayList<>();
    Instant from;
    Instant to;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of("export.fetch-rows", "3"));
        String admin = cp.bootstrap("acme");
        cp.post("/api/v1/environments", admin, Map.of("key", "production"));
        cp.post("/api/v1/environments", admin, Map.of("key", "staging"));
        viewer = cp.createKey(admin, "viewer", "viewer", null).json().get("key").asText();
        String sidecar = cp.createKey(admin, "sidecar", "sidecar", "production").json().get("key").asText();
        String staging = cp.createKey(admin, "staging", "sidecar", "staging").json().get("key").asText();
        Instant base = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(30, ChronoUnit.MINUTES);
        from = base;
        to = base.plus(20, ChronoUnit.MINUTES);
        for (int n = 0; n < 6; n++) {
            Batches b = new Batches();
            for (int i = 0; i < 5; i++) {
                // Some events share a time across batches: the batch id and index order them.
                Instant t = base.plusSeconds(60L * (i % 3)).plusMillis(n % 2);
                b.exposure("flag-" + i % 2, i % 2 == 0 ? "on" : "off", i == 4 ? "=cmd|' /C calc'!A0" : "user-" + n + i,
                        t);
                b.conversion("user-" + n + i, "purchase", i == 2 ? null : n + i * 0.25, t);
            }
            b.count("flag-0", "on", base.plusSeconds(60L * (n % 3)), 10 + n);
            b.count("flag-1", "off", base.plusSeconds(60L * (n % 3)), 20 + n);
            assertThat(b.post(cp, sidecar).status()).isEqualTo(202);
            expect(b);
        }
        // Outside the range, and another environment: never exported.
        Batches late = new Batches().exposure("flag-0", "on", "late", to).conversion("late", "purchase", 1.0, to)
                .count("flag-0", "on", to, 1);
        assertThat(late.post(cp, sidecar).status()).isEqualTo(202);
        Batches other = new Batches().exposure("flag-0", "on", "other", base).conversion("o", "purchase", 1.0, base)
                .count("flag-0", "on", base, 1);
        assertThat(other.post(cp, staging).status()).isEqualTo(202);
        Comparator<JsonNode> order = Comparator.comparing((JsonNode o) -> Instant.parse(
                        o.has("minute") ? o.get("minute").asText() : o.get("timestamp").asText()))
                .thenComparing(o -> java.util.UUID.fromString(o.get("batchId").asText()), ExportRoutesIT::pgUuidOrder)
                .thenComparing(o -> o.get("index").asInt());
        exposures.sort(order);
        conversions.sort(order);
        counts.sort(order);
    }

    /** PostgreSQL orders uuids by their bytes, unsigned (Java's UUID.compareTo is signed). */
    static int pgUuidOrder(java.util.UUID a, java.util.UUID b) {
        int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return c != 0 ? c : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }

    void expect(Batches b) {
        for (int i = 0; i < b.exposures.size(); i++) {
            Map<String, Object> e = b.exposures.get(i);
            exposures.add(JSON.createObjectNode().put("timestamp", (String) e.get("timestamp"))
                    .put("environment", "production").put("flag", (String) e.get("flag"))
                    .put("variant", (String) e.get("variant")).put("targetingKey", (String) e.get("targetingKey"))
                    .put("batchId", b.batchId).put("index", i));
        }
        for (int i = 0; i < b.conversions.size(); i++) {
            Map<String, Object> e = b.conversions.get(i);
            var o = JSON.createObjectNode().put("timestamp", (String) e.get("timestamp"))
                    .put("environment", "production").put("targetingKey", (String) e.get("targetingKey"))
                    .put("event", (String) e.get("event"));
            if (e.get("value") == null) {
                o.putNull("value");
            } else {
                o.put("value", (Double) e.get("value"));
            }
            conversions.add(o.put("batchId", b.batchId).put("index", i));
        }
        for (int i = 0; i < b.counts.size(); i++) {
            Map<String, Object> e = b.counts.get(i);
            counts.add(JSON.createObjectNode().put("minute", (String) e.get("minute"))
                    .put("environment", "production").put("flag", (String) e.get("flag"))
                    .put("variant", (String) e.get("variant")).put("count", ((Number) e.get("count")).longValue())
                    .put("batchId", b.batchId).put("index", i));
        }
    }

    @AfterAll
    void stop() {
        cp.close();
    }

    String range() {
        return "environment=production&from=" + from + "&to=" + to;
    }

    /** Every page of an export, following Next-Cursor; the rows in the order received. */
    List<JsonNode> allPages(String kind, int limit, int[] pages) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        String next = "/api/v1/export/" + kind + "?" + range() + "&limit=" + limit;
        while (next != null) {
            Resp r = cp.get(next, viewer);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.header("Content-Type")).isEqualTo("application/x-ndjson");
            String[] lines = r.body().isEmpty() ? new String[0] : r.body().split("\n", -1);
            assertThat(lines[lines.length - 1]).as("every line ends with a line feed").isEmpty();
            for (int i = 0; i < lines.length - 1; i++) {
                rows.add(JSON.readTree(lines[i]));
            }
            pages[0]++;
            String cursor = r.header("Next-Cursor");
            if (cursor == null) {
                assertThat(r.header("Link")).isNull();
                next = null;
            } else {
                assertThat(lines.length - 1).as("a full page").isEqualTo(limit);
                next = "/api/v1/export/" + kind + "?cursor=" + cursor + "&limit=" + limit;
                assertThat(r.header("Link")).isEqualTo("<" + next + ">; rel=\"next\"");
            }
        }
        return rows;
    }

    static List<JsonNode> normal(List<JsonNode> rows) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode n : rows) {
            try {
                out.add(JSON.readTree(n.toString()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }

    @Test
    void everyEventOfTheRangeIsExportedOnceAsStoredInOrderAcrossPages() throws Exception {
        for (var kind : Map.of("exposures", exposures, "conversions", conversions, "counts", counts).entrySet()) {
            int[] pages = new int[1];
            List<JsonNode> got = allPages(kind.getKey(), 7, pages);
            assertThat(normal(got)).as(kind.getKey()).containsExactlyElementsOf(normal(kind.getValue()));
            assertThat(pages[0]).isEqualTo(kind.getValue().size() / 7 + 1);
            // One page with everything is the same rows.
            assertThat(normal(allPages(kind.getKey(), 1000, new int[1]))).isEqualTo(normal(got));
        }
    }

    @Test
    void csvWithAHeaderLineAndFormulasNeutralised() {
        Resp r = cp.get("/api/v1/export/exposures?" + range() + "&format=csv", viewer);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("text/csv; charset=utf-8");
        assertThat(r.header("Content-Disposition")).isEqualTo("attachment; filename=\"exposures-production.csv\"");
        String[] lines = r.body().split("\r\n");
        assertThat(lines[0]).isEqualTo("timestamp,environment,flag,variant,targeting_key,batch_id,index");
        assertThat(lines).hasSize(exposures.size() + 1);
        for (int i = 0; i < exposures.size(); i++) {
            JsonNode e = exposures.get(i);
            String key = e.get("targetingKey").asText();
            assertThat(lines[i + 1]).isEqualTo(String.join(",", e.get("timestamp").asText(), "production",
                    e.get("flag").asText(), e.get("variant").asText(),
                    key.startsWith("=") ? "'" + key : key, e.get("batchId").asText(), e.get("index").asText()));
        }
        Resp conv = cp.get("/api/v1/export/conversions?" + range() + "&format=csv", viewer);
        assertThat(conv.body()).startsWith("timestamp,environment,targeting_key,event,batch_id,index,value\r\n");
        Resp c = cp.get("/api/v1/export/counts?" + range() + "&format=csv", viewer);
        assertThat(c.body().split("\r\n")).hasSize(counts.size() + 1);
    }

    byte[] raw(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cp.port() + path))
                .header("Authorization", "Bearer " + viewer);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        last = r;
        return r.body();
    }

    HttpResponse<byte[]> last;

    static String gunzip(byte[] b) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void gzipWhenAskedAsAFileAndWhenAcceptedAsAnEncoding() throws Exception {
        String plain = cp.get("/api/v1/export/exposures?" + range(), viewer).body();
        // Asked: a gzip file, not compressed again for a client that also accepts gzip.
        byte[] file = raw("/api/v1/export/exposures?" + range() + "&compression=gzip", "Accept-Encoding", "gzip");
        assertThat(last.headers().firstValue("Content-Type")).hasValue("application/gzip");
        assertThat(last.headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"exposures-production.ndjson.gz\"");
        assertThat(last.headers().firstValue("Content-Encoding").orElse("identity")).isEqualTo("identity");
        assertThat(last.headers().allValues("Vary")).as("a gzip file whatever Accept-Encoding says")
                .noneMatch(v -> v.contains("Accept-Encoding"));
        assertThat(gunzip(file)).isEqualTo(plain);
        // Not accepted: plain, and a cache is told that the encoding depends on Accept-Encoding.
        assertThat(new String(raw("/api/v1/export/exposures?" + range()), StandardCharsets.UTF_8)).isEqualTo(plain);
        assertThat(last.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(last.headers().firstValue("Vary")).hasValue("Accept-Encoding");
        // Accepted: the same body, gzip-encoded by the server.
        byte[] encoded = raw("/api/v1/export/exposures?" + range(), "Accept-Encoding", "gzip");
        assertThat(last.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(last.headers().firstValue("Vary")).hasValue("Accept-Encoding");
        assertThat(gunzip(encoded)).isEqualTo(plain);
        // A later page (by cursor) and CSV: the same.
        String cursor = cp.get("/api/v1/export/exposures?" + range() + "&limit=2", viewer).header("Next-Cursor");
        raw("/api/v1/export/exposures?cursor=" + cursor + "&format=csv", "Accept-Encoding", "gzip");
        assertThat(last.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(last.headers().firstValue("Vary")).hasValue("Accept-Encoding");
    }

    @Test
    void badParametersAreNamedInOne400AndAnotherTenantsOrUnknownEnvironmentIs404() {
        Resp none = cp.get("/api/v1/export/exposures", viewer);
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.json().get("errors").findValuesAsText("path")).contains("environment", "from");

        Resp bad = cp.get("/api/v1/export/exposures?environment=production&from=yesterday&to=2026-13-01"
                + "&limit=0", viewer);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("errors").findValuesAsText("path")).containsExactlyInAnyOrder("from", "to",
                "limit");
        Resp formats = cp.get("/api/v1/export/exposures?" + range() + "&format=xml&compression=zip", viewer);
        assertThat(formats.status()).isEqualTo(400);
        assertThat(formats.json().get("errors").findValuesAsText("path")).containsExactlyInAnyOrder("format",
                "compression");

        Resp backwards = cp.get("/api/v1/export/exposures?environment=production&from=" + to + "&to=" + from, viewer);
        assertThat(backwards.status()).isEqualTo(400);
        assertThat(backwards.json().get("errors").findValuesAsText("path")).containsExactly("from");

        Resp kind = cp.get("/api/v1/export/flags?" + range(), viewer);
        assertThat(kind.status()).isEqualTo(400);
        assertThat(kind.json().get("errors").findValuesAsText("path")).containsExactly("kind");

        assertThat(cp.get("/api/v1/export/exposures?environment=nowhere&from=" + from, viewer).status())
                .isEqualTo(404);

        Resp page = cp.get("/api/v1/export/exposures?" + range() + "&limit=2", viewer);
        String cursor = page.header("Next-Cursor");
        assertThat(cursor).isNotNull();
        Resp forged = cp.get("/api/v1/export/exposures?cursor=" + cursor.substring(2), viewer);
        assertThat(forged.status()).isEqualTo(400);
        assertThat(forged.json().get("errors").findValuesAsText("path")).containsExactly("cursor");
        Resp otherKind = cp.get("/api/v1/export/counts?cursor=" + cursor, viewer);
        assertThat(otherKind.status()).isEqualTo(400);
        assertThat(otherKind.json().get("errors").get(0).get("message").asText()).contains("exposures export");
        Resp changed = cp.get("/api/v1/export/exposures?cursor=" + cursor + "&environment=staging", viewer);
        assertThat(changed.status()).isEqualTo(400);
        assertThat(changed.json().get("errors").findValuesAsText("path")).containsExactly("environment");
        Resp same = cp.get("/api/v1/export/exposures?cursor=" + cursor + "&" + range() + "&limit=2", viewer);
        assertThat(same.status()).isEqualTo(200);
    }

    /** {@code cursor} with its signed content edited by {@code edit}, keeping the signature it had. */
    static String edited(String cursor, java.util.function.UnaryOperator<String> edit) {
        byte[] token = java.util.Base64.getUrlDecoder().decode(cursor);
        byte[] mac = java.util.Arrays.copyOfRange(token, token.length - 32, token.length);
        String content = new String(token, 0, token.length - 32, StandardCharsets.UTF_8);
        String changed = edit.apply(content);
        assertThat(changed).as("the edit changed something").isNotEqualTo(content);
        byte[] p = changed.getBytes(StandardCharsets.UTF_8);
        byte[] forged = java.util.Arrays.copyOf(p, p.length + mac.length);
        System.arraycopy(mac, 0, forged, p.length, mac.length);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(forged);
    }

    /** The cursor's fields: tag and version, kind, environment, from, to, time, batch id, index. */
    static String field(String content, int n, String value) {
        String[] p = content.split("\\|", -1);
        p[n] = value;
        return String.join("|", p);
    }

    void refused(Resp r, String cursor) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().get("errors").findValuesAsText("path")).containsExactly("cursor");
        assertThat(r.json().get("errors").get(0).get("message").asText())
                .startsWith("not a cursor this server issued for this key's tenant");
        assertThat(r.body()).doesNotContain(cursor).doesNotContain("production");
    }

    @Test
    void aCursorChangedInAnyWayIsA400AndNothingIsExported() {
        Resp page = cp.get("/api/v1/export/exposures?" + range() + "&limit=2", viewer);
        String cursor = page.header("Next-Cursor");
        String staging = edited(cursor, c -> field(c, 2, "staging"));
        String widened = edited(cursor, c -> field(field(c, 3, from.minus(365, ChronoUnit.DAYS).toString()), 4,
                to.plus(365, ChronoUnit.DAYS).toString()));
        String reset = edited(cursor, c -> field(field(field(c, 5, from.toString()), 6,
                "00000000-0000-0000-0000-000000000000"), 7, "0"));
        String negative = edited(cursor, c -> field(c, 7, "-5"));
        String counts = edited(cursor, c -> field(c, 1, "counts"));
        for (String forged : List.of(staging, widened, reset, negative)) {
            refused(cp.get("/api/v1/export/exposures?cursor=" + forged, viewer), forged);
        }
        refused(cp.get("/api/v1/export/counts?cursor=" + counts, viewer), counts);
        // As the docs showed it before cursors were signed: "c1:" and the content, base64url.
        byte[] token = java.util.Base64.getUrlDecoder().decode(cursor);
        String unsigned = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("c1:" + new String(token, 3, token.length - 35, StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8));
        refused(cp.get("/api/v1/export/exposures?cursor=" + unsigned, viewer), unsigned);
        // Random flips of the cursor's bytes, through HTTP (CursorsTest flips every bit of one).
        java.util.Random random = new java.util.Random(cursor.hashCode());
        for (int n = 0; n < 20; n++) {
            byte[] flipped = token.clone();
            flipped[random.nextInt(flipped.length)] ^= (byte) (1 + random.nextInt(255));
            String f = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(flipped);
            refused(cp.get("/api/v1/export/exposures?cursor=" + f, viewer), f);
        }
        // The same problem beside the request's others: every one named at once.
        Resp both = cp.get("/api/v1/export/exposures?cursor=" + staging + "&limit=0", viewer);
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.json().get("errors").findValuesAsText("path")).containsExactlyInAnyOrder("cursor", "limit");
        // The genuine cursor still works.
        assertThat(cp.get("/api/v1/export/exposures?cursor=" + cursor, viewer).status()).isEqualTo(200);
    }

    @Test
    void anotherTenantsCursorIsA400EvenWhereThatTenantHasTheSameEnvironment() {
        String cursor = cp.get("/api/v1/export/exposures?" + range() + "&limit=2", viewer).header("Next-Cursor");
        String globexAdmin = cp.bootstrap("globex-export");
        String globex = cp.createKey(globexAdmin, "viewer", "viewer", null).json().get("key").asText();
        // Before globex has a production environment (was a 404 naming it) and after (was a 200 with its data).
        refused(cp.get("/api/v1/export/exposures?cursor=" + cursor, globex), cursor);
        assertThat(cp.post("/api/v1/environments", globexAdmin, Map.of("key", "production")).status())
                .isEqualTo(201);
        refused(cp.get("/api/v1/export/exposures?cursor=" + cursor, globex), cursor);
        refused(cp.get("/api/v1/export/exposures?cursor=" + cursor + "&" + range(), globex), cursor);
        // Its own export of the same range is its own: empty.
        Resp own = cp.get("/api/v1/export/exposures?" + range(), globex);
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.body()).isEmpty();
    }

    @Test
    void withTheKafkaSinkOffNothingGoesToTheOutbox() throws Exception {
        try (var c = cp.db.connect(); var st = c.createStatement();
                var rs = st.executeQuery("SELECT count(*) FROM event_outbox")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
        assertThat(cp.metrics()).doesNotContain("guidon_kafka_outbox_batches");
    }
}
