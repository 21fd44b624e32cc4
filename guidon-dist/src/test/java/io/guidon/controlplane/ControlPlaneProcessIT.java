package io.guidon.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.testing.Poll;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ./guidon control-plane} as an operator runs it: a real process from the packaged jar, configured by a YAML
 * file, GUIDON_* variables and options; JSON log lines with the effective configuration (password masked) and
 * request ids; a clean stop on SIGTERM.
 */
class ControlPlaneProcessIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theServerStartsFromTheCommandLineLogsJsonWithoutSecretsAndStopsOnSigterm() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            Path config = Files.createTempFile(Path.of("target"), "control-plane", ".yaml");
            Files.writeString(config, "http:\n  host: 127.0.0.1\nredis:\n  prefix: guidon-it-process\n"
                    + "api:\n  default-page-size: 10\n  max-page-size: 20\n");
            ProcessBuilder pb = new ProcessBuilder(Path.of("guidon").toAbsolutePath().toString(), "control-plane",
                    "--config", config.toString(), "--port", "0", "--set", "http.event-loops=1",
                    "--set", "management.port=0")
                    .redirectErrorStream(true);
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            pb.environment().put("GUIDON_DATABASE_URL", db.url());
            pb.environment().put("GUIDON_DATABASE_USER", TestDatabase.USER);
            pb.environment().put("GUIDON_DATABASE_PASSWORD", TestDatabase.PASSWORD);
            pb.environment().put("GUIDON_REDIS_URL", "redis://" + Harness.REDIS_HOST + ":" + Harness.REDIS_PORT);
            Process p = pb.start();
            List<String> lines = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null;) {
                        lines.add(line);
                    }
                } catch (Exception e) {
                    lines.add("reader failed: " + e);
                }
            });
            reader.start();
            try {
                Poll.until("the server listens or stops", Duration.ofSeconds(60),
                        () -> !p.isAlive() || lines.stream().anyMatch(l -> l.contains("control plane listening")));
                assertThat(lines).as("the server's output").anySatisfy(l -> assertThat(l).contains("listening"));
                JsonNode listening = JSON.readTree(lines.stream().filter(l -> l.contains("control plane listening"))
                        .findFirst().orElseThrow());
                int port = listening.get("port").asInt();

                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(ready.statusCode()).isEqualTo(200);
                int management = listening.get("managementPort").asInt();
                HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + management + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.body()).contains("guidon_readiness_checks_total");
                HttpResponse<String> denied = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                + "/api/v1/flags")).header("X-Request-Id", "it-process-42").build(),
                        HttpResponse.BodyHandlers.ofString());
                io.guidon.controlplane.OpenApiResponses.load().check(denied);
                assertThat(denied.statusCode()).isEqualTo(401);
                assertThat(denied.headers().firstValue("X-Request-Id")).contains("it-process-42");

                Poll.until("the request is logged with its id", Duration.ofSeconds(10),
                        () -> lines.stream().anyMatch(l -> l.contains("\"requestId\":\"it-process-42\"")));
                for (String line : lines) {
                    if (line.startsWith("{")) {
                        JSON.readTree(line); // every log line is one JSON object
                    }
                }
                JsonNode configuration = JSON.readTree(lines.stream()
                        .filter(l -> l.contains("\"message\":\"configuration\"")).findFirst().orElseThrow());
                assertThat(configuration.get("database.password").asText()).isEqualTo("**** (env)");
                assertThat(configuration.get("api.max-page-size").asText()).isEqualTo("20 (file)");
                assertThat(configuration.get("http.port").asText()).isEqualTo("0 (cli)");
                assertThat(configuration.get("http.event-loops").asText()).isEqualTo("1 (cli)");
                if (!TestDatabase.PASSWORD.isEmpty() && !TestDatabase.PASSWORD.equals(TestDatabase.USER)) {
                    assertThat(String.join("\n", lines)).doesNotContain(TestDatabase.PASSWORD);
                }
            } finally {
                p.toHandle().destroy(); // SIGTERM, keeping the output stream open to read the last lines
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                reader.join(5000);
            }
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("stopping the control plane"));
        }
    }
}
