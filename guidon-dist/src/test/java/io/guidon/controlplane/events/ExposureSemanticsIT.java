package io.guidon.controlplane.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.controlplane.ConnectedSidecars;
import io.guidon.controlplane.Harness;
import io.guidon.sidecar.SidecarMain;
import io.guidon.testing.Poll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's proof that an experiment's exposed users are exactly those who read the flag (ADR 0203), end to end: a
 * real control plane and a connected sidecar, three groups of users, and what lands in PostgreSQL's
 * {@code flag_exposures}:
 * <ul>
 *   <li>A fetch every flag in bulk only (OFREP bulk, native {@code POST /v1/evaluate}, {@code GET /users/{id}/flags}):
 *       counted, never exposed;</li>
 *   <li>B read the experiment's flag alone (OFREP single, native {@code GET /v1/flags/{key}}): exposed to the
 *       variant served;</li>
 *   <li>C fetch in bulk, the flag then changes, and they report reading it ({@code POST /v1/exposures}): exposed to
 *       the variant served now, the stale ones told {@code VARIANT_CHANGED}.</li>
 * </ul>
 */
class ExposureSemanticsIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int USERS = 10;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path cache;

    JsonNode call(String method, String url, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + url + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void theExposedUsersAreExactlyThoseWhoReadTheFlagNotThoseWhoFetchedItInBulk() throws Exception {
        try (Harness cp = Harness.start(Map.of())) {
            String admin = cp.bootstrap("acme");
            cp.post("/api/v1/environments", admin, Map.of("key", "production"));
            cp.post("/api/v1/flags", admin, Map.of("key", "checkout-test", "variants", Map.of("on", true, "off", false)));
            cp.put("/api/v1/environments/production/flags/checkout-test/enabled", admin, Map.of("enabled", true));
            cp.put("/api/v1/environments/production/flags/checkout-test/rollout", admin, Map.of("percentage", 50));
            // Disabled, so it serves blue to everyone; fetched in bulk by all, read by nobody.
            cp.post("/api/v1/flags", admin, "{\"key\":\"banner\",\"variants\":{\"blue\":\"b\",\"green\":\"g\"}}");
            String key = cp.createKey(admin, "sidecar", "sidecar", "production").json().get("key").asText();
            SidecarMain sidecar = ConnectedSidecars.start(cp, key, cache, Map.of("events.flush-interval", "100ms",
                    "control-plane.poll-interval", "100ms", "control-plane.poll-jitter", "0s"));
            try {
                String base = "http://127.0.0.1:" + sidecar.port();
                Poll.until("the sidecar serves the control plane's flags", Duration.ofSeconds(20),
                        () -> version(base) > 0);

                // A: bulk only, three ways.
                for (int i = 0; i < USERS; i++) {
                    String ctx = "{\"context\":{\"targetingKey\":\"a-" + i + "\"}}";
                    assertThat(call("POST", base + "/ofrep/v1/evaluate/flags", ctx).get("flags")).hasSize(2);
                    assertThat(call("POST", base + "/v1/evaluate", ctx).get("flags").size()).isEqualTo(2);
                    call("GET", base + "/users/a-" + i + "/flags", null);
                }
                // B: single reads of the experiment's flag.
                Map<String, String> exposedB = new HashMap<>();
                for (int i = 0; i < USERS; i++) {
                    JsonNode r = i % 2 == 0
                            ? call("POST", base + "/ofrep/v1/evaluate/flags/checkout-test",
                                    "{\"context\":{\"targetingKey\":\"b-" + i + "\"}}")
                            : call("GET", base + "/v1/flags/checkout-test?targetingKey=b-" + i, null);
                    exposedB.put("b-" + i, r.get("variant").asText());
                }
                // C: bulk fetch, remember what was served.
                Map<String, String> servedC = new HashMap<>();
                for (int i = 0; i < USERS; i++) {
                    JsonNode flags = call("POST", base + "/ofrep/v1/evaluate/flags",
                            "{\"context\":{\"targetingKey\":\"c-" + i + "\"}}").get("flags");
                    for (JsonNode f : flags) {
                        if (f.get("key").asText().equals("checkout-test")) {
                            servedC.put("c-" + i, f.get("variant").asText());
                        }
                    }
                }
                assertThat(servedC.values()).as("a 50% rollout over 10 users serves both").contains("on", "off");

                // The flag changes before C read it: everyone is served on now.
                long before = version(base);
                cp.put("/api/v1/environments/production/flags/checkout-test/rollout", admin, Map.of("percentage", 100));
                Poll.until("the sidecar serves the change", Duration.ofSeconds(20), () -> version(base) > before);
                for (Map.Entry<String, String> c : servedC.entrySet()) {
                    JsonNode r = call("POST", base + "/v1/exposures", "{\"context\":{\"targetingKey\":\"" + c.getKey()
                            + "\"},\"flags\":[{\"key\":\"checkout-test\",\"variant\":\"" + c.getValue() + "\"}]}");
                    JsonNode f = r.get("flags").get(0);
                    assertThat(f.get("variant").asText()).as(c.getKey()).isEqualTo("on");
                    assertThat(f.get("status").asText()).as(c.getKey())
                            .isEqualTo(c.getValue().equals("on") ? "RECORDED" : "VARIANT_CHANGED");
                    assertThat(r.get("recorded").asInt()).isEqualTo(1);
                }

                // Counts: what was served. checkout-test: A 3 x 10, B 10, C 10; banner: A 3 x 10, C 10. Reports: none.
                Poll.until("every evaluation is counted upstream", Duration.ofSeconds(20),
                        () -> counted(cp, "checkout-test") >= 50 && counted(cp, "banner") >= 40
                                && exposures(cp, "checkout-test").size() >= 2 * USERS);
                assertThat(counted(cp, "checkout-test")).isEqualTo(50);
                assertThat(counted(cp, "banner")).isEqualTo(40);

                Set<String> expected = new HashSet<>();
                exposedB.forEach((user, variant) -> expected.add(user + "=" + variant));
                servedC.keySet().forEach(user -> expected.add(user + "=on"));
                assertThat(exposures(cp, "checkout-test")).as("exactly B with what they read and C with what is served"
                        + " now; no user of A").containsExactlyInAnyOrderElementsOf(expected);
                assertThat(exposures(cp, "banner")).as("fetched by everyone, read by nobody").isEmpty();
            } finally {
                sidecar.shutdown(Duration.ofSeconds(10));
            }
        }
    }

    /** The version of the document the sidecar serves (0 until it serves one); reads no flag. */
    long version(String base) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/flags")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()).get("version").asLong() : 0;
        } catch (Exception e) {
            return 0;
        }
    }

    static long counted(Harness cp, String flag) {
        try (Connection c = cp.db.connect(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT coalesce(sum(count), 0) FROM flag_evaluation_counts WHERE flag = '" + flag + "'")) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code user=variant} of every row of {@code flag_exposures} for {@code flag}, duplicates kept. */
    static java.util.List<String> exposures(Harness cp, String flag) {
        java.util.List<String> rows = new java.util.ArrayList<>();
        try (Connection c = cp.db.connect(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT targeting_key, variant FROM flag_exposures WHERE flag = '" + flag + "'")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + "=" + rs.getString(2));
            }
            return rows;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
