package io.guidon.controlplane.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 end to end: an experiment's results from real exposures and conversions sent through a connected
 * sidecar, read back through the control plane's API. A real control plane and a real sidecar on PostgreSQL and
 * Redis; users read the experiment's flag through the sidecar (each read an exposure, ADR 0203), some of them then
 * send {@code checkout} and {@code purchase} events with {@code POST /v1/track}; others only fetch every flag in
 * bulk, and one converts before its first exposure. The test computes each variant's numbers itself from what the
 * sidecar served and compares them with {@code GET /api/v1/experiments/{id}/results}, the conversions read-back
 * ({@code GET /api/v1/conversions}, the flag's conversion totals) and the per-user CSV export.
 */
class ExperimentThroughSidecarIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int USERS = 60;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path cache;

    HttpResponse<String> send(String method, String url, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode call(String method, String url, String body, int status) throws Exception {
        HttpResponse<String> r = send(method, url, body);
        assertThat(r.statusCode()).as(method + " " + url + ": " + r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    static JsonNode ok(Harness.Resp r, int status) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        return r.json();
    }

    @Test
    void theResultsCountExactlyWhatTheSidecarServedAndTheUsersConvertedAfterTheirExposure() throws Exception {
        try (Harness cp = Harness.start(Map.of())) {
            String admin = cp.bootstrap("acme");
            ok(cp.post("/api/v1/environments", admin, Map.of("key", "production")), 201);
            ok(cp.post("/api/v1/flags", admin, Map.of("key", "checkout", "variants", Map.of("on", true, "off", false))),
                    201);
            ok(cp.put("/api/v1/environments/production/flags/checkout/enabled", admin, Map.of("enabled", true)), 200);
            ok(cp.put("/api/v1/environments/production/flags/checkout/rollout", admin, Map.of("percentage", 50)), 200);
            ok(cp.post("/api/v1/metrics", admin, "{\"key\": \"checkout-rate\", \"name\": \"Checkout rate\","
                    + " \"kind\": \"proportion\", \"event\": \"checkout\", \"window\": \"P7D\","
                    + " \"direction\": \"higher_is_better\"}"), 201);
            ok(cp.post("/api/v1/metrics", admin, "{\"key\": \"revenue\", \"name\": \"Revenue per user\","
                    + " \"kind\": \"mean\", \"event\": \"purchase\", \"valueSource\": \"value\","
                    + " \"direction\": \"higher_is_better\"}"), 201);
            long id = ok(cp.post("/api/v1/experiments", admin, "{\"key\": \"one-page-checkout\", \"name\":"
                    + " \"One-page checkout\", \"environment\": \"production\", \"flag\": \"checkout\","
                    + " \"controlVariant\": \"off\", \"variants\": [{\"key\": \"off\"}, {\"key\": \"on\"}],"
                    + " \"metrics\": {\"primary\": \"checkout-rate\", \"secondary\": [\"revenue\"]}}"), 201)
                    .get("id").asLong();
            JsonNode started = ok(cp.post("/api/v1/experiments/" + id + "/start", admin, null), 200);
            Instant start = Instant.parse(started.get("startAt").asText());

            String key = cp.createKey(admin, "sidecar", "sidecar", "production").json().get("key").asText();
            SidecarMain sidecar = ConnectedSidecars.start(cp, key, cache, Map.of("events.flush-interval", "100ms",
                    "control-plane.poll-interval", "100ms", "control-plane.poll-jitter", "0s"));
            try {
                String base = "http://127.0.0.1:" + sidecar.port();
                Poll.until("the sidecar serves the control plane's flags", Duration.ofSeconds(20),
                        () -> version(base) > 0);

                // Users read the flag (an exposure each), then some convert; expected numbers computed here.
                Map<String, String> variantOf = new TreeMap<>();
                Map<String, Integer> users = new HashMap<>();
                Map<String, Integer> converters = new HashMap<>();
                Map<String, Double> revenue = new HashMap<>();
                for (int i = 0; i < USERS; i++) {
                    String user = "u-" + i;
                    String variant = call("POST", base + "/ofrep/v1/evaluate/flags/checkout",
                            "{\"context\":{\"targetingKey\":\"" + user + "\"}}", 200).get("variant").asText();
                    variantOf.put(user, variant);
                    users.merge(variant, 1, Integer::sum);
                    if (i % 3 == 0) {
                        call("POST", base + "/v1/track", "{\"targetingKey\":\"" + user + "\",\"event\":\"checkout\"}",
                                202);
                        converters.merge(variant, 1, Integer::sum);
                    }
                    if (i % 4 == 0) {
                        double value = 10 + i;
                        call("POST", base + "/v1/track", "{\"targetingKey\":\"" + user
                                + "\",\"event\":\"purchase\",\"value\":" + value + "}", 202);
                        revenue.merge(variant, value, Double::sum);
                    }
                }
                assertThat(users.keySet()).as("a 50 % rollout over " + USERS + " users serves both").contains("on",
                        "off");
                // Bulk fetches only: counted, never exposed, so in no arm; their conversions count nowhere.
                for (int i = 0; i < 10; i++) {
                    call("POST", base + "/ofrep/v1/evaluate/flags", "{\"context\":{\"targetingKey\":\"bulk-" + i
                            + "\"}}", 200);
                    call("POST", base + "/v1/track", "{\"targetingKey\":\"bulk-" + i + "\",\"event\":\"checkout\"}",
                            202);
                }
                // A conversion before the user's first exposure (and before the experiment's start) counts nowhere.
                call("POST", base + "/v1/track", "{\"targetingKey\":\"u-1\",\"event\":\"checkout\",\"timestamp\":\""
                        + start.minus(Duration.ofMinutes(30)) + "\"}", 202);
                int tracked = USERS / 3 + USERS / 4 + 10 + 1;

                String results = "/api/v1/experiments/" + id + "/results?refresh=true";
                java.util.concurrent.atomic.AtomicReference<String> last = new java.util.concurrent.atomic.AtomicReference<>();
                try {
                    Poll.until("every exposure and conversion reached the control plane", Duration.ofSeconds(30), () -> {
                        Harness.Resp now = cp.get(results, admin);
                        last.set(now + " conversions: " + conversions(cp, admin) + " of " + tracked);
                        return now.status() == 200 && sum(now.json().get("users")) == USERS
                                && conversions(cp, admin) == tracked;
                    });
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; last: " + last.get(), e);
                }
                JsonNode r = ok(cp.get(results, admin), 200);
                assertThat(r.get("excludedUsers").asInt()).isZero();
                assertThat(r.get("srm").get("mismatch").asBoolean()).isFalse();
                for (String v : List.of("off", "on")) {
                    assertThat(r.get("users").get(v).asInt()).as("users of " + v).isEqualTo(users.get(v));
                }
                JsonNode rate = metric(r, "checkout-rate");
                assertThat(rate.get("role").asText()).isEqualTo("primary");
                JsonNode mean = metric(r, "revenue");
                for (JsonNode row : rate.get("variants")) {
                    String v = row.get("variant").asText();
                    int n = users.get(v);
                    int k = converters.getOrDefault(v, 0);
                    assertThat(row.get("users").asInt()).as(v).isEqualTo(n);
                    assertThat(row.get("conversions").asInt()).as("converters of " + v).isEqualTo(k);
                    assertThat(row.get("value").asDouble()).as("rate of " + v).isCloseTo((double) k / n, within(1e-12));
                    assertThat(row.has("comparison")).as("only the treatment is compared").isEqualTo(v.equals("on"));
                }
                for (JsonNode row : mean.get("variants")) {
                    String v = row.get("variant").asText();
                    double total = revenue.getOrDefault(v, 0.0);
                    assertThat(row.get("numerator").asDouble()).as("revenue of " + v).isCloseTo(total, within(1e-9));
                    assertThat(row.get("value").asDouble()).as("revenue per user of " + v)
                            .isCloseTo(total / users.get(v), within(1e-9));
                }
                JsonNode treatment = rate.get("variants").get(1).get("comparison");
                double lift = converters.getOrDefault("on", 0) / (double) users.get("on")
                        / (converters.getOrDefault("off", 0) / (double) users.get("off")) - 1;
                assertThat(treatment.get("relative").get("estimate").asDouble()).as("the relative lift")
                        .isCloseTo(lift, within(1e-9));

                // What /v1/track sent, read back.
                JsonNode listed = ok(cp.get("/api/v1/conversions?environment=production&event=checkout&limit=200",
                        admin), 200);
                assertThat(listed.get("items").size()).isEqualTo(USERS / 3 + 10 + 1);
                JsonNode totals = ok(cp.get("/api/v1/flags/checkout/conversions?environment=production&from="
                        + start.toString().substring(0, 10), admin), 200);
                assertThat(totals.get("excludedUsers").asInt()).isZero();
                for (String v : List.of("off", "on")) {
                    JsonNode t = totals.get("variants").get(v);
                    assertThat(t.get("users").asInt()).as("users of " + v).isEqualTo(users.get(v));
                    JsonNode checkout = t.get("events").get("checkout");
                    assertThat(checkout.get("users").asInt()).as("checkout users of " + v + ", the conversion before"
                            + " exposure left out").isEqualTo(converters.getOrDefault(v, 0));
                    assertThat(checkout.get("events").asInt()).isEqualTo(converters.getOrDefault(v, 0));
                    assertThat(t.get("events").get("purchase").get("valueSum").asDouble()).as("revenue of " + v)
                            .isCloseTo(revenue.getOrDefault(v, 0.0), within(1e-9));
                }

                // The per-user table: one row per exposed user, in the variant the sidecar served.
                Harness.Resp csv = cp.get("/api/v1/experiments/" + id + "/users.csv", admin);
                assertThat(csv.status()).isEqualTo(200);
                List<String> lines = new ArrayList<>(List.of(csv.body().split("\r?\n")));
                String header = lines.remove(0);
                assertThat(header).contains("targeting_key", "variant");
                assertThat(lines).hasSize(USERS);
                for (String line : lines) {
                    String[] cells = line.split(",");
                    assertThat(cells[1]).as(cells[0]).isEqualTo(variantOf.get(cells[0]));
                }
            } finally {
                sidecar.shutdown(Duration.ofSeconds(10));
            }
        }
    }

    /** The version of the document the sidecar serves (0 until it serves one); reads no flag. */
    long version(String base) {
        try {
            HttpResponse<String> r = send("GET", base + "/v1/flags", null);
            return r.statusCode() == 200 ? JSON.readTree(r.body()).get("version").asLong() : 0;
        } catch (Exception e) {
            return 0;
        }
    }

    static int sum(JsonNode counts) {
        int s = 0;
        for (JsonNode n : counts) {
            s += n.asInt();
        }
        return s;
    }

    static JsonNode metric(JsonNode results, String key) {
        for (JsonNode m : results.get("metrics")) {
            if (m.get("key").asText().equals(key)) {
                return m;
            }
        }
        throw new AssertionError("no metric " + key + " in " + results);
    }

    /** The conversions the control plane stored for the tenant's production environment. */
    static int conversions(Harness cp, String admin) {
        JsonNode all = cp.get("/api/v1/conversions?environment=production&limit=200", admin).json();
        return all.get("items") == null ? -1 : all.get("items").size();
    }
}
