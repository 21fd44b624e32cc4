package io.guidon.controlplane.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.common.config.Settings;
import io.guidon.controlplane.Harness;
import io.guidon.sidecar.SidecarConfig;
import io.guidon.sidecar.SidecarMain;
import io.guidon.testing.Poll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with the real sidecar: a connected {@link SidecarMain} in this JVM serves the flags of a real control
 * plane; evaluations through its HTTP API and conversions through {@code POST /v1/track} go up with its own
 * {@code EventUploader} (gzip, batch ids, every 100 ms) and appear in {@code GET /api/v1/flags/{flag}/exposures},
 * counted exactly.
 */
class SidecarEventsIT {

    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Answers of the control plane's API are checked against its OpenAPI document (ADR 0111). */
    final io.guidon.controlplane.OpenApiResponses openApi = io.guidon.controlplane.OpenApiResponses.load();

    @TempDir
    Path cache;

    String call(String method, String url, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        openApi.check(r);
        assertThat(r.statusCode()).as(method + " " + url + ": " + r.body()).isBetween(200, 299);
        return r.body();
    }

    @Test
    void evaluationsAndConversionsThroughARealSidecarArriveInTheTotalsExactly() throws Exception {
        try (Harness cp = Harness.start(Map.of())) {
            String admin = cp.bootstrap("acme");
            cp.post("/api/v1/environments", admin, Map.of("key", "production"));
            cp.post("/api/v1/flags", admin, Map.of("key", "new-checkout", "variants", Map.of("on", true, "off", false)));
            cp.put("/api/v1/environments/production/flags/new-checkout/enabled", admin, Map.of("enabled", true));
            cp.put("/api/v1/environments/production/flags/new-checkout/rollout", admin, Map.of("percentage", 50));
            // Disabled, so it serves its offVariant, the first: blue.
            cp.post("/api/v1/flags", admin, "{\"key\":\"banner\",\"variants\":{\"blue\":\"b\",\"green\":\"g\"}}");
            String key = cp.createKey(admin, "sidecar", "sidecar", "production").json().get("key").asText();

            Map<String, String> o = new LinkedHashMap<>();
            o.put("http.port", "0");
            o.put("http.event-loops", "1");
            o.put("management.port", "0");
            o.put("shutdown.grace-period", "1s");
            o.put("control-plane.url", "http://127.0.0.1:" + cp.port());
            o.put("control-plane.sidecar-key", key);
            o.put("cache.dir", cache.toString());
            o.put("events.flush-interval", "100ms");
            SidecarMain sidecar = new SidecarMain(SidecarConfig.from(Settings.load(SidecarConfig.DEFAULTS, null,
                    Map.of(), o)), Clock.systemUTC());
            sidecar.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            try {
                String base = "http://127.0.0.1:" + sidecar.port();
                Poll.until("the sidecar serves the control plane's flags", Duration.ofSeconds(20), () -> {
                    try {
                        return http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
                                HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                    } catch (Exception e) {
                        return false;
                    }
                });

                // 20 users, each evaluated twice: 40 evaluations, 20 exposures (one per user within the window).
                Map<String, Integer> evaluations = new HashMap<>();
                Map<String, Set<String>> users = new HashMap<>();
                for (int round = 0; round < 2; round++) {
                    for (int i = 0; i < 20; i++) {
                        JsonNode r = JSON.readTree(call("GET", base + "/v1/flags/new-checkout?targetingKey=user-" + i,
                                null));
                        String variant = r.get("variant").asText();
                        evaluations.merge(variant, 1, Integer::sum);
                        users.computeIfAbsent(variant, v -> new HashSet<>()).add("user-" + i);
                    }
                }
                for (int i = 0; i < 10; i++) {
                    call("POST", base + "/ofrep/v1/evaluate/flags/banner", "{\"context\":{\"targetingKey\":\"u1\"}}");
                }
                for (int i = 0; i < 3; i++) {
                    call("POST", base + "/v1/track", "{\"targetingKey\":\"user-" + i + "\",\"event\":\"bought\","
                            + "\"value\":" + (10 + i) + "}");
                }
                assertThat(evaluations.keySet()).as("a 50% rollout over 20 users serves both").hasSize(2);

                AtomicReference<JsonNode> checkout = new AtomicReference<>();
                Poll.until("the evaluations reach the totals", Duration.ofSeconds(20), () -> {
                    checkout.set(cp.get("/api/v1/flags/new-checkout/exposures?environment=production", admin).json());
                    long evaluated = 0;
                    long exposed = 0;
                    for (JsonNode v : checkout.get().get("variants")) {
                        evaluated += v.get("evaluations").asLong();
                        exposed += v.get("exposures").asLong();
                    }
                    return evaluated >= 40 && exposed >= 20;
                });
                for (String variant : new String[] {"on", "off"}) {
                    JsonNode v = checkout.get().get("variants").get(variant);
                    assertThat(v.get("evaluations").asLong()).as(variant).isEqualTo(evaluations.get(variant).longValue());
                    assertThat(v.get("exposures").asLong()).as(variant).isEqualTo((long) users.get(variant).size());
                }
                AtomicReference<JsonNode> banner = new AtomicReference<>();
                Poll.until("the banner's evaluations reach the totals", Duration.ofSeconds(20), () -> {
                    banner.set(cp.get("/api/v1/flags/banner/exposures?environment=production", admin).json());
                    JsonNode blue = banner.get().get("variants").get("blue");
                    return blue.get("evaluations").asLong() >= 10 && blue.get("exposures").asLong() >= 1;
                });
                assertThat(banner.get().get("variants").toString()).isEqualTo("{\"blue\":{\"evaluations\":10,"
                        + "\"exposures\":1},\"green\":{\"evaluations\":0,\"exposures\":0}}");
                Poll.until("the conversions are stored", Duration.ofSeconds(20), () -> rows(cp,
                        "SELECT count(*) FROM conversion_events WHERE event = 'bought'") == 3);
                assertThat(rows(cp, "SELECT sum(value) FROM conversion_events")).isEqualTo(33);
                assertThat(cp.metric("guidon_events_batches_total", "result=\"rejected\"")).isZero();
                assertThat(cp.metric("guidon_events_batches_total", "result=\"stored\"")).isPositive();
            } finally {
                sidecar.shutdown(Duration.ofSeconds(10));
            }
        }
    }

    static long rows(Harness cp, String sql) {
        try (Connection c = cp.db.connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
