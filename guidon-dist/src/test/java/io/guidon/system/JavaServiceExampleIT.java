package io.guidon.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.testing.Poll;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example application ({@code examples/java-service}, a Maven project of its own that uses
 * {@code io.guidon:guidon-openfeature:0.1.0-SNAPSHOT} from the local Maven repository, where this build installed it
 * at verify) built with Maven and run as real processes against a real control plane and a connected sidecar: once
 * with the in-process provider following the sidecar, once with OpenFeature's OFREP provider asking the sidecar on
 * every request. Both answer {@code GET /checkout} with the flag's value, and both answers change when the flag is
 * turned off through the admin API.
 */
class JavaServiceExampleIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLE = Path.of("examples/java-service").toAbsolutePath();
    private static final Path JAR = EXAMPLE.resolve("target/java-service-1.0.0.jar");
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

    private final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stopServices() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** {@code ./mvnw -o -f examples/java-service/pom.xml package}, as the README says; fails with Maven's output. */
    private void buildExample() throws Exception {
        Path log = dir.resolve("example-build.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of("mvnw").toAbsolutePath().toString(), "-B", "-q", "-o", "-f",
                EXAMPLE.resolve("pom.xml").toString(), "package").redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // A build of seconds: the C1 compiler alone spends less of the two shared cores than C1 and C2 (it.argLine).
        pb.environment().put("MAVEN_OPTS", "-XX:TieredStopAtLevel=1");
        Process p = pb.start();
        processes.add(p);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("the example's build finished").isTrue();
        assertThat(p.exitValue()).as("the example's build: %s", Files.readString(log)).isZero();
        assertThat(JAR).exists();
    }

    /** Starts the service with {@code env}; returns its port once it prints that it listens. */
    private int service(String name, Map<String, String> env) throws Exception {
        // C1 alone, as in every test JVM: the service lives seconds.
        ProcessBuilder pb = new ProcessBuilder(JAVA, "-XX:TieredStopAtLevel=1", "-jar", JAR.toString())
                .redirectError(dir.resolve(name + ".err").toFile());
        pb.environment().putAll(env);
        pb.environment().put("PORT", "0");
        Process p = pb.start();
        processes.add(p);
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        return Integer.parseInt(m.group(1));
                    }
                }
                return -1;
            } catch (IOException e) {
                return -1;
            }
        });
        int n = port.get(30, TimeUnit.SECONDS);
        assertThat(n).as("%s listening; its log: %s", name, Files.readString(dir.resolve(name + ".err")))
                .isPositive();
        return n;
    }

    private JsonNode checkout(int port, String user) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/checkout?user=" + user)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theExampleServiceServesTheFlagInProcessAndOverOfrepAndFollowsItsChanges() throws Exception {
        buildExample();
        try (GuidonSystem system = GuidonSystem.start(dir)) {
            system.createFlag("new-checkout");
            long version = system.setEnabled("new-checkout", true);
            SidecarNode sidecar = system.connectedSidecar("app-sidecar", version);
            String sidecarUrl = "http://127.0.0.1:" + sidecar.port();

            int inProcess = service("in-process", Map.of("GUIDON_PROVIDER", "in-process",
                    "GUIDON_SIDECAR_URL", sidecarUrl));
            int ofrep = service("ofrep", Map.of("GUIDON_PROVIDER", "ofrep", "GUIDON_SIDECAR_URL", sidecarUrl));

            JsonNode local = checkout(inProcess, "u1");
            assertThat(local.get("newCheckout").asBoolean()).as(local.toString()).isTrue();
            assertThat(local.get("variant").asText()).isEqualTo("on");
            assertThat(local.get("provider").asText()).isEqualTo("guidon");
            JsonNode remote = checkout(ofrep, "u1");
            assertThat(remote.get("newCheckout").asBoolean()).as(remote.toString()).isTrue();
            assertThat(remote.get("variant").asText()).isEqualTo("on");
            assertThat(remote.get("reason").asText()).isEqualTo(local.get("reason").asText());
            assertThat(remote.get("provider").asText()).isNotEqualTo("guidon");

            system.setEnabled("new-checkout", false);

            JsonNode localOff = Poll.until("the in-process service serves the flag off",
                    () -> checkout(inProcess, "u1"), j -> !j.get("newCheckout").asBoolean());
            assertThat(localOff.get("variant").asText()).isEqualTo("off");
            assertThat(localOff.get("reason").asText()).isEqualTo("DISABLED");
            JsonNode remoteOff = Poll.until("the OFREP service serves the flag off",
                    () -> checkout(ofrep, "u1"), j -> !j.get("newCheckout").asBoolean());
            assertThat(remoteOff.get("variant").asText()).isEqualTo("off");
            assertThat(remoteOff.get("reason").asText()).isEqualTo("DISABLED");
        }
    }
}
