package io.guidon.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.sidecar.FlagFiles;
import io.guidon.sidecar.HttpReply;
import io.guidon.sidecar.PrometheusText;
import io.guidon.sidecar.SidecarFixture;
import io.guidon.testing.Poll;
import io.guidon.testing.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code /healthz}, {@code /readyz} before and after the first flag set, and {@code /metrics}. */
@ExtendWith(VertxExtension.class)
class OpsApiTest {

    @Test
    void notReadyUntilTheMissingFlagFileIsWrittenThenReady(Vertx vertx, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("flags.json");
        try (SidecarFixture sidecar = SidecarFixture.start(vertx, file)) {
            HttpReply notReady = sidecar.get("/readyz");
            HttpReply alive = sidecar.get("/healthz");

            assertThat(notReady.status()).isEqualTo(503);
            assertThat(notReady.json()).isEqualTo(new JsonObject().put("status", "NOT_READY")
                    .put("reason", "no flag set loaded yet"));
            assertThat(alive.status()).isEqualTo(200);
            assertThat(alive.json()).isEqualTo(new JsonObject().put("status", "UP").putNull("flagSet")
                    .put("upstream", new JsonObject().put("mode", "standalone")));

            FlagFiles.install(file, "flags.json");
            HttpReply ready = Poll.until("readiness", () -> sidecar.get("/readyz"), r -> r.status() == 200);

            assertThat(ready.json()).isEqualTo(new JsonObject().put("status", "READY").put("version", 1));
            HttpReply evaluated = sidecar.post("/ofrep/v1/evaluate/flags/static-on", "{}");
            assertThat(evaluated.status()).isEqualTo(200);
            assertThat(evaluated.json().getBoolean("value")).isTrue();
        }
    }

    @Test
    void evaluationsBeforeAnyFlagSetAre503SayingSo(Vertx vertx, @TempDir Path dir) throws Exception {
        try (SidecarFixture sidecar = SidecarFixture.start(vertx, dir.resolve("not-yet.json"))) {
            for (HttpReply r : new HttpReply[] {
                    sidecar.post("/ofrep/v1/evaluate/flags/static-on", "{}"),
                    sidecar.post("/ofrep/v1/evaluate/flags", "{}"),
                    sidecar.post("/v1/evaluate", "{}"),
                    sidecar.get("/v1/flags/static-on"),
                    sidecar.get("/v1/flags"),
                    sidecar.get("/users/u1/flags")}) {
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.json().getString("errorCode")).isEqualTo("GENERAL");
                assertThat(r.json().getString("errorDetails")).isEqualTo("no flag set is loaded yet; see /readyz");
            }
            PrometheusText metrics = sidecar.metrics();
            assertThat(metrics.value("guidon_flagset_version")).isEqualTo(0.0);
            assertThat(metrics.value("guidon_flagset_age_seconds")).isEqualTo(-1.0);
        }
    }

    @Test
    void healthAndReadinessDescribeTheLoadedSet(Vertx vertx, @TempDir Path dir) throws Exception {
        Path file = FlagFiles.install(dir.resolve("flags.json"), "flags.json");
        try (SidecarFixture sidecar = SidecarFixture.start(vertx, file)) {
            HttpReply health = sidecar.get("/healthz");
            HttpReply ready = sidecar.get("/readyz");

            assertThat(health.status()).isEqualTo(200);
            JsonObject flagSet = health.json().getJsonObject("flagSet");
            assertThat(health.json().getString("status")).isEqualTo("UP");
            assertThat(flagSet.getLong("version")).isEqualTo(1);
            assertThat(flagSet.getInteger("flags")).isEqualTo(7);
            assertThat(flagSet.getString("origin")).isEqualTo(file.toAbsolutePath().toString());
            assertThat(flagSet.getLong("ageSeconds")).isBetween(0L, 60L);
            assertThat(flagSet.getString("loadedAt")).isNotBlank();
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().getString("status")).isEqualTo("READY");
        }
    }

    @Test
    void metricsCountEvaluationsByFlagVariantAndReasonAndDescribeTheFlagSet(Vertx vertx, @TempDir Path dir)
            throws Exception {
        try (SidecarFixture sidecar = SidecarFixture.start(vertx,
                FlagFiles.install(dir.resolve("flags.json"), "flags.json"))) {
            sidecar.post("/ofrep/v1/evaluate/flags/static-on", "{}");
            sidecar.post("/ofrep/v1/evaluate/flags/static-on", "{}");
            sidecar.get("/v1/flags/premium-feature?targetingKey=user-42");
            sidecar.get("/v1/flags/premium-feature?targetingKey=u1");
            sidecar.post("/ofrep/v1/evaluate/flags/gradual-rollout", "{}");
            sidecar.post("/ofrep/v1/evaluate/flags/no-such-flag", "{}");

            HttpReply r = sidecar.management("/metrics");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("text/plain");
            assertThat(r.body()).contains("# TYPE guidon_evaluations_total counter");
            PrometheusText m = new PrometheusText(r.body());
            assertThat(m.value("guidon_evaluations_total", "flag", "static-on", "variant", "on", "reason", "STATIC"))
                    .isEqualTo(2.0);
            assertThat(m.value("guidon_evaluations_total", "flag", "premium-feature", "variant", "on",
                    "reason", "TARGETING_MATCH")).isEqualTo(1.0);
            assertThat(m.value("guidon_evaluations_total", "flag", "premium-feature", "variant", "off",
                    "reason", "DEFAULT")).isEqualTo(1.0);
            assertThat(m.value("guidon_evaluation_errors_total", "code", "TARGETING_KEY_MISSING")).isEqualTo(1.0);
            assertThat(m.value("guidon_evaluation_errors_total", "code", "FLAG_NOT_FOUND")).isEqualTo(1.0);
            // Exposures need a subject: the two anonymous reads of static-on are evaluations only.
            assertThat(m.value("guidon_sink_exposures_total", "flag", "static-on", "variant", "on")).isNull();
            assertThat(m.value("guidon_sink_exposures_total", "flag", "premium-feature", "variant", "on"))
                    .isEqualTo(1.0);
            assertThat(m.value("guidon_flagset_version")).isEqualTo(1.0);
            assertThat(m.value("guidon_flagset_flags")).isEqualTo(7.0);
            assertThat(m.value("guidon_flagset_age_seconds")).isBetween(0.0, 60.0);
            assertThat(m.value("guidon_flagset_loaded_timestamp_seconds"))
                    .isBetween(System.currentTimeMillis() / 1000.0 - 60, System.currentTimeMillis() / 1000.0 + 1);
            assertThat(m.value("guidon_flagset_reloads_total", "result", "applied")).isEqualTo(1.0);
            assertThat(m.value("guidon_flagset_reloads_total", "result", "rejected")).isEqualTo(0.0);
        }
    }

    @Test
    void metricsHaveHttpLatencyHistogramsByRoute(Vertx vertx, @TempDir Path dir) throws Exception {
        try (SidecarFixture sidecar = SidecarFixture.start(vertx,
                FlagFiles.install(dir.resolve("flags.json"), "flags.json"))) {
            sidecar.post("/ofrep/v1/evaluate/flags/static-on", "{}");
            sidecar.get("/v1/flags/no-such-flag");

            HttpReply r = sidecar.management("/metrics");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).contains("# TYPE vertx_http_server_response_time_seconds histogram");
            PrometheusText m = new PrometheusText(r.body());
            assertThat(m.samples("vertx_http_server_response_time_seconds_bucket"))
                    .filteredOn(s -> "/ofrep/v1/evaluate/flags/:key".equals(s.labels().get("route"))
                            && "200".equals(s.labels().get("code")))
                    .hasSizeGreaterThan(10)
                    .anySatisfy(s -> assertThat(s.labels().get("le")).isEqualTo("+Inf"))
                    .allSatisfy(s -> assertThat(s.labels()).containsEntry("method", "POST"));
            assertThat(m.value("vertx_http_server_response_time_seconds_count", "route",
                    "/ofrep/v1/evaluate/flags/:key", "code", "200")).isEqualTo(1.0);
            assertThat(m.value("vertx_http_server_response_time_seconds_count", "route", "/v1/flags/:key",
                    "code", "404")).isEqualTo(1.0);
        }
    }

    @Test
    void theManagementPortServesMetricsAndProbesAndTheApiPortNoMetrics(Vertx vertx, @TempDir Path dir)
            throws Exception {
        try (SidecarFixture sidecar = SidecarFixture.start(vertx,
                FlagFiles.install(dir.resolve("flags.json"), "flags.json"))) {
            assertThat(sidecar.managementPort()).isPositive().isNotEqualTo(sidecar.port());
            assertThat(sidecar.get("/metrics").status()).as("/metrics on the API port").isEqualTo(404);
            assertThat(sidecar.management("/healthz").json().getString("status")).isEqualTo("UP");
            assertThat(sidecar.management("/readyz").json().getString("status")).isEqualTo("READY");
            assertThat(sidecar.management("/metrics").header("Content-Type")).startsWith("text/plain; version=0.0.4");
            assertThat(sidecar.management("/v1/flags").status()).as("the API is not on the management port")
                    .isEqualTo(404);
        }
    }

    @Test
    void theManagementPortAnswersErrorsAsJsonInTheSidecarsShapeWithNosniff(Vertx vertx, @TempDir Path dir)
            throws Exception {
        try (SidecarFixture sidecar = SidecarFixture.start(vertx,
                FlagFiles.install(dir.resolve("flags.json"), "flags.json"))) {
            int port = sidecar.managementPort();
            RawHttp.Answer missing = RawHttp.send(port, "GET /nothing HTTP/1.1", "Host: 127.0.0.1",
                    "Connection: close");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.header("Content-Type")).isEqualTo("application/json");
            assertThat(missing.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(new JsonObject(missing.body())).isEqualTo(new JsonObject().put("errorCode", "GENERAL")
                    .put("errorDetails", "no endpoint /nothing on the management port; it serves GET /metrics, "
                            + "/healthz and /readyz"));

            RawHttp.Answer post = RawHttp.send(port, "POST /readyz HTTP/1.1", "Host: 127.0.0.1",
                    "Content-Length: 0", "Connection: close");
            assertThat(post.status()).isEqualTo(405);
            assertThat(post.header("Allow")).isEqualTo("GET, HEAD");
            assertThat(post.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(new JsonObject(post.body()).getString("errorDetails"))
                    .isEqualTo("method POST is not allowed on /readyz; allowed: GET, HEAD");

            RawHttp.Answer head = RawHttp.send(port, "HEAD /readyz HTTP/1.1", "Host: 127.0.0.1", "Connection: close");
            assertThat(head.status()).isEqualTo(200);
            for (String path : new String[] {"/healthz", "/readyz", "/metrics"}) {
                assertThat(RawHttp.send(port, "GET " + path + " HTTP/1.1", "Host: 127.0.0.1", "Connection: close")
                        .header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
            }
        }
    }

    /** Requests the HTTP decoder or the router refuse before any route, on the API port and the management port. */
    @Test
    void anOverlongUrlAndAMissingHostGetClearJsonBodiesOnBothPorts(Vertx vertx, @TempDir Path dir)
            throws Exception {
        try (SidecarFixture sidecar = SidecarFixture.start(vertx,
                FlagFiles.install(dir.resolve("flags.json"), "flags.json"))) {
            for (int port : new int[] {sidecar.port(), sidecar.managementPort()}) {
                RawHttp.Answer tooLong = RawHttp.send(port, "GET /v1/flags/x?targetingKey=" + "u".repeat(5000)
                        + " HTTP/1.1", "Host: 127.0.0.1", "Connection: close");
                assertThat(tooLong.status()).isEqualTo(414);
                assertThat(tooLong.header("X-Content-Type-Options")).isEqualTo("nosniff");
                assertThat(new JsonObject(tooLong.body())).isEqualTo(new JsonObject().put("errorCode", "GENERAL")
                        .put("errorDetails", "the request line (method, URL and version) is longer than this "
                                + "server accepts (4096 bytes); send long contexts in a POST body"));

                RawHttp.Answer noHost = RawHttp.send(port, "GET /readyz HTTP/1.1", "Connection: close");
                assertThat(noHost.status()).as("port %d", port).isEqualTo(400);
                assertThat(noHost.header("X-Content-Type-Options")).isEqualTo("nosniff");
                assertThat(new JsonObject(noHost.body())).isEqualTo(new JsonObject().put("errorCode", "GENERAL")
                        .put("errorDetails", "the request has no Host header, which HTTP/1.1 requires "
                                + "(Host: name[:port])"));
            }
        }
    }

    @Test
    void concurrentScrapesShareOneRenderingWithinMetricsMaxAge(Vertx vertx, @TempDir Path dir) throws Exception {
        try (SidecarFixture sidecar = SidecarFixture.start(vertx,
                FlagFiles.install(dir.resolve("flags.json"), "flags.json"), "management.metrics-max-age=1m")) {
            java.util.List<io.vertx.core.Future<HttpReply>> scrapes = new java.util.ArrayList<>();
            io.vertx.core.http.HttpClient client = vertx.createHttpClient(new io.vertx.core.http.PoolOptions()
                    .setHttp1MaxSize(50));
            for (int i = 0; i < 200; i++) {
                scrapes.add(client.request(io.vertx.core.http.HttpMethod.GET, sidecar.managementPort(), "127.0.0.1",
                                "/metrics")
                        .compose(req -> req.send().compose(resp -> resp.body().map(b -> new HttpReply(
                                resp.statusCode(), resp.headers(), b.toString())))));
            }
            String first = null;
            for (io.vertx.core.Future<HttpReply> f : scrapes) {
                HttpReply r = SidecarFixture.await(f);
                assertThat(r.status()).isEqualTo(200);
                first = first == null ? r.body() : first;
                assertThat(r.body()).as("every scraper within the max age gets the same text").isEqualTo(first);
            }
            SidecarFixture.await(client.close());

            PrometheusText m = new PrometheusText(first);
            assertThat(m.value("guidon_metrics_renders_total")).isEqualTo(1.0);
        }
    }
}
