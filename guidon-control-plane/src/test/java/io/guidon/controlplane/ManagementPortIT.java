package io.guidon.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.testing.RawHttp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The control plane's operations endpoints: {@code /metrics} only on the management port, {@code /healthz} and
 * {@code /readyz} on both, and a flood of scrapes or probes costing a bounded number of renderings and database
 * checks (the readiness and metrics sharing is on, one second, as shipped).
 */
class ManagementPortIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    static Harness cp;

    @BeforeAll
    static void start() throws Exception {
        cp = Harness.start(Map.of("management.metrics-max-age", "1s", "management.readiness-max-age", "1s"));
    }

    @AfterAll
    static void stop() {
        cp.close();
    }

    @Test
    void metricsAreOnTheManagementPortOnlyAndProbesOnBoth() {
        assertThat(cp.managementPort()).isPositive().isNotEqualTo(cp.port());
        assertThat(cp.get("/metrics", null).status()).as("/metrics on the API port").isEqualTo(404);
        assertThat(cp.get("/healthz", null).status()).isEqualTo(200);
        assertThat(cp.get("/readyz", null).json().get("status").asText()).isEqualTo("READY");
        assertThat(cp.management("/healthz").status()).isEqualTo(200);
        assertThat(cp.management("/readyz").json().get("database").asText()).isEqualTo("UP");
        Harness.Resp metrics = cp.management("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.header("Content-Type")).startsWith("text/plain");
        assertThat(metrics.body()).contains("guidon_readiness_checks_total").contains("guidon_metrics_renders_total");
        assertThat(cp.management("/api/v1/flags").status()).as("the API is not on the management port")
                .isEqualTo(404);
    }

    @Test
    void aRequestTargetThatIsNotAPathIsA400NamingItOnEveryPort() throws Exception {
        for (int port : new int[] {cp.port(), cp.managementPort()}) {
            for (String target : new String[] {"*", "x", "http:x"}) {
                RawHttp.Answer a = RawHttp.send(port, "GET " + target + " HTTP/1.1", "Host: 127.0.0.1",
                        "Connection: close");
                assertThat(a.status()).as(port + " " + target).isEqualTo(400);
                JsonNode problem = JSON.readTree(a.body());
                assertThat(problem.path("type").asText()).as(port + " " + target)
                        .isEqualTo("https://guidon.io/problems/malformed-request");
                assertThat(problem.path("title").asText()).isEqualTo("Malformed request");
                assertThat(problem.path("detail").asText()).as(port + " " + target)
                        .startsWith("the request target must be a path starting with '/'");
            }
        }
    }

    @Test
    void theManagementPortAnswersErrorsAsProblemJsonWithNosniff() throws Exception {
        int port = cp.managementPort();
        RawHttp.Answer missing = RawHttp.send(port, "GET /nothing HTTP/1.1", "Host: 127.0.0.1", "Connection: close");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(missing.header("X-Content-Type-Options")).isEqualTo("nosniff");
        JsonNode problem = JSON.readTree(missing.body());
        assertThat(problem.path("status").asInt()).isEqualTo(404);
        // The same URI form as the API's problems (ApiException.TYPE_BASE).
        assertThat(problem.path("type").asText()).isEqualTo("https://guidon.io/problems/not-found")
                .startsWith(io.guidon.controlplane.api.ApiException.TYPE_BASE);
        assertThat(problem.path("detail").asText()).isEqualTo("no endpoint /nothing on the management port; it "
                + "serves GET /metrics, /healthz and /readyz");

        RawHttp.Answer post = RawHttp.send(port, "DELETE /metrics HTTP/1.1", "Host: 127.0.0.1", "Connection: close");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.header("Allow")).isEqualTo("GET, HEAD");
        assertThat(post.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(JSON.readTree(post.body()).path("detail").asText())
                .isEqualTo("method DELETE is not allowed on /metrics; allowed: GET, HEAD");
        assertThat(JSON.readTree(post.body()).path("type").asText())
                .isEqualTo("https://guidon.io/problems/method-not-allowed");
        for (String path : new String[] {"/healthz", "/readyz", "/metrics"}) {
            assertThat(RawHttp.send(port, "GET " + path + " HTTP/1.1", "Host: 127.0.0.1", "Connection: close")
                    .header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
        }
        // One vocabulary with the sidecar: UP, READY / NOT_READY, dependencies UP or DOWN.
        assertThat(cp.management("/healthz").json().path("status").asText()).isEqualTo("UP");
        assertThat(cp.management("/readyz").json().path("status").asText()).isEqualTo("READY");
    }

    /** Requests the HTTP decoder or the router refuse before any route, on the API port and the management port. */
    @Test
    void anOverlongUrlAndAMissingHostGetClearProblemBodiesOnBothPorts() throws Exception {
        for (int port : new int[] {cp.port(), cp.managementPort()}) {
            RawHttp.Answer tooLong = RawHttp.send(port, "GET /api/v1/flags?q=" + "u".repeat(5000) + " HTTP/1.1",
                    "Host: 127.0.0.1", "Connection: close");
            assertThat(tooLong.status()).isEqualTo(414);
            assertThat(tooLong.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(tooLong.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(JSON.readTree(tooLong.body()).path("detail").asText()).isEqualTo("the request line (method, "
                    + "URL and version) is longer than this server accepts (4096 bytes); send long contexts in a POST "
                    + "body");

            RawHttp.Answer noHost = RawHttp.send(port, "GET /readyz HTTP/1.1", "Connection: close");
            assertThat(noHost.status()).as("port %d: %s", port, noHost.body()).isEqualTo(400);
            assertThat(noHost.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(noHost.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(JSON.readTree(noHost.body()).path("detail").asText())
                    .isEqualTo("the request has no Host header, which HTTP/1.1 requires (Host: name[:port])");
        }
    }

    @Test
    void aFloodOfReadinessProbesOnBothPortsCostsAFewDatabaseChecks() throws Exception {
        double before = cp.metric("guidon_readiness_checks_total");
        long started = System.nanoTime();
        List<Integer> statuses = flood(200, i -> i % 2 == 0 ? cp.get("/readyz", null).status()
                : cp.management("/readyz").status());
        double seconds = (System.nanoTime() - started) / 1e9;
        double checks = cp.metric("guidon_readiness_checks_total") - before;

        assertThat(statuses).containsOnly(200);
        // At most one check per second started, whatever the number of probes.
        assertThat(checks).as("readiness checks for 200 probes in %.1f s", seconds)
                .isBetween(0.0, Math.floor(seconds) + 2);
    }

    @Test
    void aFloodOfScrapesCostsAFewRenderingsAndTheTextIsSmall() throws Exception {
        // Traffic on many routes and statuses, as in production: each (method, route, status) has a histogram.
        String admin = cp.bootstrap("metered-" + System.nanoTime() % 100_000);
        for (int i = 0; i < 20; i++) {
            cp.get("/api/v1/flags/none-" + i, admin);
            cp.get("/api/v1/environments", admin);
            cp.get("/api/v1/flags", null);
        }
        double before = cp.metric("guidon_metrics_renders_total");
        long started = System.nanoTime();
        List<Integer> sizes = flood(100, i -> cp.management("/metrics").body().length());
        double seconds = (System.nanoTime() - started) / 1e9;
        double renders = cp.metric("guidon_metrics_renders_total") - before;

        assertThat(renders).as("renderings for 100 scrapes in %.1f s", seconds)
                .isBetween(0.0, Math.floor(seconds) + 2);
        assertThat(sizes).allSatisfy(size -> assertThat(size).as("bytes of /metrics").isBetween(1000, 400_000));
    }

    private static List<Integer> flood(int requests, java.util.function.IntFunction<Integer> request)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<CompletableFuture<Integer>> all = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                int n = i;
                all.add(CompletableFuture.supplyAsync(() -> request.apply(n), pool));
            }
            List<Integer> out = new ArrayList<>();
            for (CompletableFuture<Integer> f : all) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
