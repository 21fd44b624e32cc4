package io.guidon.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.TestDatabase;
import io.guidon.testing.Poll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The system as an operator runs it: the control plane and a connected sidecar as real processes from the jar
 * the package phase built ({@code guidon control-plane}, and {@code guidon sidecar --control-plane URL
 * --sidecar-key KEY --redis URL --cache-dir DIR}), with PostgreSQL and Redis. A change made with the admin API is
 * served by the sidecar through Redis within moments (its poll is 60 s), and both stop cleanly on SIGTERM.
 */
class SystemProcessIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JAR = Path.of("target/guidon.jar").toAbsolutePath();
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private final io.guidon.controlplane.OpenApiResponses openApi = io.guidon.controlplane.OpenApiResponses.load();
    private final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * The secret part of a {@code gdn_<prefix>_<secret>} key. The secret is base64url and may itself contain
     * '_', so it is everything after the second separator, not after the last one.
     */
    private static String secretOf(String key) {
        String secret = key.split("_", 3)[2];
        assertThat(secret).hasSize(43);
        return secret;
    }

    private Process start(String name, ProcessBuilder pb) throws IOException {
        Path log = dir.resolve(name + ".log");
        Process p = pb.directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    private String log(String name) {
        try {
            return Files.readString(dir.resolve(name + ".log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            // The control plane's answers (under /api/) against its OpenAPI document (ADR 0111); the sidecar's pass.
            openApi.check(r);
            return r;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private JsonNode admin(String method, String url, String key, String body) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
        assertThat(r.statusCode()).as("%s %s: %s", method, url, r.body()).isBetween(200, 201);
        return parse(r.body());
    }

    private JsonNode get(String url) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)));
        assertThat(r.statusCode()).as("GET %s: %s", url, r.body()).isEqualTo(200);
        return parse(r.body());
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /** The value of one Prometheus sample (name with labels, as printed) at {@code management}, a management port. */
    private double metric(String management, String sample) {
        for (String line : send(HttpRequest.newBuilder(URI.create(management + "/metrics"))).body().split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).trim());
            }
        }
        return -1;
    }

    @Test
    void aChangeMadeWithTheAdminApiIsServedByASidecarProcessThroughRedis() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            String prefix = "guidon-sys-" + UUID.randomUUID().toString().substring(0, 8);
            String redisUrl = "redis://" + Harness.REDIS_HOST + ":" + Harness.REDIS_PORT;
            int cpPort = freePort();
            String cp = "http://127.0.0.1:" + cpPort;
            ProcessBuilder cpBuilder = new ProcessBuilder(JAVA, "-jar", JAR.toString(), "control-plane",
                    "--port", String.valueOf(cpPort), "--set", "management.port=" + freePort(),
                    "--set", "http.event-loops=1");
            Map<String, String> env = cpBuilder.environment();
            env.put("GUIDON_DATABASE_URL", db.url());
            env.put("GUIDON_DATABASE_USER", TestDatabase.USER);
            env.put("GUIDON_DATABASE_PASSWORD", TestDatabase.PASSWORD);
            env.put("GUIDON_REDIS_URL", redisUrl);
            env.put("GUIDON_REDIS_PREFIX", prefix);
            Process controlPlane = start("control-plane", cpBuilder);
            String adminKey = Harness.bootstrap(db, "acme");
            Poll.until("the control plane is ready", Duration.ofSeconds(60), () -> {
                assertThat(controlPlane.isAlive()).as("the control plane runs; its log:\n%s", log("control-plane"))
                        .isTrue();
                return status(cp + "/readyz") == 200;
            });

            admin("POST", cp + "/api/v1/environments", adminKey, "{\"key\": \"production\"}");
            admin("POST", cp + "/api/v1/flags", adminKey,
                    "{\"key\": \"new-checkout\", \"variants\": {\"on\": true, \"off\": false}}");
            admin("PUT", cp + "/api/v1/environments/production/flags/new-checkout/rollout", adminKey,
                    "{\"percentage\": 100}");
            String sidecarKey = admin("POST", cp + "/api/v1/keys", adminKey,
                    "{\"name\": \"process sidecar\", \"role\": \"sidecar\", \"environment\": \"production\"}")
                    .get("key").asText();

            int port = freePort();
            int managementPort = freePort();
            String sidecar = "http://127.0.0.1:" + port;
            String sidecarManagement = "http://127.0.0.1:" + managementPort;
            Process sidecarProcess = start("sidecar", new ProcessBuilder(JAVA, "-jar", JAR.toString(), "sidecar",
                    "--port", String.valueOf(port), "--control-plane", cp, "--sidecar-key", sidecarKey,
                    "--redis", redisUrl, "--cache-dir", dir.resolve("sidecar-cache").toString(),
                    "--set", "management.port=" + managementPort,
                    "--set", "redis.prefix=" + prefix, "--set", "control-plane.poll-interval=60s",
                    "--set", "http.event-loops=1", "--set", "events.flush-interval=200ms",
                    "--set", "shutdown.grace-period=1s"));
            Poll.until("the sidecar is ready and listens on Redis", Duration.ofSeconds(60), () -> {
                assertThat(sidecarProcess.isAlive()).as("the sidecar runs; its log:\n%s", log("sidecar")).isTrue();
                return status(sidecar + "/readyz") == 200
                        && get(sidecar + "/healthz").path("upstream").path("redis").path("state").asText()
                        .equals("CONNECTED");
            });
            JsonNode off = get(sidecar + "/v1/flags/new-checkout?targetingKey=u1");
            assertThat(off.get("value").asBoolean()).isFalse();
            assertThat(off.get("reason").asText()).isEqualTo("DISABLED");

            admin("PUT", cp + "/api/v1/environments/production/flags/new-checkout/enabled", adminKey,
                    "{\"enabled\": true}");
            long version = admin("GET", cp + "/api/v1/environments/production", adminKey, null).get("version")
                    .asLong();
            assertThat(version).isEqualTo(off.get("version").asLong() + 1);
            Poll.until("the sidecar process serves version " + version, Duration.ofSeconds(5),
                    () -> get(sidecar + "/v1/flags/new-checkout?targetingKey=u1").get("version").asLong() == version);
            assertThat(get(sidecar + "/v1/flags/new-checkout?targetingKey=u1").get("value").asBoolean()).isTrue();

            // The sidecar key never appears in the sidecar's log; the admin's key not in the control plane's.
            assertThat(log("sidecar")).contains("listening").doesNotContain(secretOf(sidecarKey));
            assertThat(log("control-plane")).doesNotContain(secretOf(adminKey))
                    .contains("\"path\":\"/api/v1/flags\",\"client\":\"127.0.0.1\"");

            // The evaluations above reach the control plane as event batches.
            Poll.until("event batches are delivered", Duration.ofSeconds(10),
                    () -> metric(sidecarManagement, "guidon_events_batches_total{result=\"delivered\"}") >= 1);
            Poll.until("nothing waits in the sidecar", Duration.ofSeconds(10),
                    () -> metric(sidecarManagement, "guidon_events_pending_batches") == 0);

            // With the control plane gone, new evaluations' events cannot be delivered...
            controlPlane.destroy();
            assertThat(controlPlane.waitFor(15, TimeUnit.SECONDS)).as("the control plane stops on SIGTERM")
                    .isTrue();
            for (int i = 0; i < 5; i++) {
                assertThat(get(sidecar + "/v1/flags/new-checkout?targetingKey=u" + i).get("value").asBoolean())
                        .isTrue();
            }
            sidecarProcess.destroy();
            assertThat(sidecarProcess.waitFor(15, TimeUnit.SECONDS)).as("the sidecar stops on SIGTERM").isTrue();
            assertThat(sidecarProcess.exitValue()).isEqualTo(143);
            assertThat(Files.exists(dir.resolve("sidecar-cache/flags-cache.json"))).isTrue();
            // ...so on SIGTERM what waited in memory is written to the spool on disk, nothing dropped.
            assertThat(log("sidecar")).doesNotContain("dropped event batch");
            try (var spool = Files.list(dir.resolve("sidecar-cache/events"))) {
                assertThat(spool.filter(f -> f.toString().endsWith(".json.gz")).count())
                        .as("spooled batches; the sidecar's log:%n%s", log("sidecar")).isPositive();
            }
        }
    }
}
