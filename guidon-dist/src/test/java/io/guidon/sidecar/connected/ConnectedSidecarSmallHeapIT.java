package io.guidon.sidecar.connected;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real sidecar process with a 64 MiB heap against a control plane that, for a while, answers every flags request
 * with a 200 MiB body streamed over a few seconds: the sidecar keeps serving its flags, never runs out of memory,
 * closes those connections, and serves the control plane's new version within one poll once it answers normally.
 */
class ConnectedSidecarSmallHeapIT {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final Duration POLL = Duration.ofSeconds(2);
    private static final long HUGE = 200L * 1024 * 1024;

    private final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;
    private Vertx vertx;
    private HttpServer server;
    private Process process;
    private Path log;

    /** What the fake control plane answers: a document (its version) or, when null, a huge body. */
    private final AtomicReference<ObjectNode> answer = new AtomicReference<>();
    private final AtomicInteger hugeAnswers = new AtomicInteger();
    private final AtomicInteger hugeCutShort = new AtomicInteger();
    private final AtomicLong hugeBytesSent = new AtomicLong();

    @BeforeEach
    void startControlPlane() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(this::handle);
        Await.result(server.listen());
    }

    @AfterEach
    void stopAll() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Await.result(server.close());
        Await.result(vertx.close());
    }

    private void handle(HttpServerRequest request) {
        if (!request.path().equals("/api/v1/sidecar/flags")) {
            request.response().setStatusCode(request.path().equals("/api/v1/events") ? 202 : 404).end();
            return;
        }
        ObjectNode body = answer.get();
        if (body != null) {
            request.response().putHeader("Content-Type", "application/json").end(body.toString());
            return;
        }
        hugeAnswers.incrementAndGet();
        HttpServerResponse response = request.response().setChunked(true).putHeader("Content-Type",
                "application/json");
        response.write("{\"tenant\":\"acme\",\"environment\":\"prod\",\"version\":99,\"full\":true,\"document\":"
                + "{\"flags\":{},\"padding\":\"");
        // 200 MiB at about 64 MiB/s: a few seconds per answer, as long as the reader keeps reading.
        stream(response, Buffer.buffer("x".repeat(1024 * 1024)), new long[] {0});
    }

    private void stream(HttpServerResponse response, Buffer chunk, long[] sent) {
        if (response.closed()) {
            hugeCutShort.incrementAndGet();
            return;
        }
        if (sent[0] >= HUGE) {
            response.end("\"}}");
            return;
        }
        sent[0] += chunk.length();
        hugeBytesSent.addAndGet(chunk.length());
        response.write(chunk);
        if (response.writeQueueFull()) {
            response.drainHandler(v -> stream(response, chunk, sent));
        } else {
            vertx.setTimer(16, id -> stream(response, chunk, sent));
        }
    }

    private static ObjectNode document(long version, String variant) {
        ObjectNode doc = Docs.base();
        doc.withObjectProperty("flags").set("a", Docs.booleanFlag(variant));
        ObjectNode body = Docs.COMPILER.mapper().createObjectNode();
        body.put("tenant", FakeControlPlane.TENANT).put("environment", FakeControlPlane.ENVIRONMENT)
                .put("version", version).put("full", true);
        body.set("document", doc);
        return body;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** GET {@code path}: status and body, or null when the request fails. */
    private HttpResponse<String> get(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The version and value the sidecar serves for flag a, asserting that it answers at all. */
    private JsonNode evaluate(int port) {
        HttpResponse<String> r = get(port, "/v1/flags/a?targetingKey=u1");
        assertThat(r).as("the sidecar answers; its log:\n%s", logText()).isNotNull();
        assertThat(r.statusCode()).as("evaluation status; body %s", r.body()).isEqualTo(200);
        return Docs.tree(r.body());
    }

    @Test
    void hugeAnswersNeitherExhaustTheHeapNorStopServingAndTheNextGoodAnswerIsServedWithinOnePoll()
            throws Exception {
        answer.set(document(1, "off"));
        int port = freePort();
        log = dir.resolve("sidecar.log");
        process = new ProcessBuilder(List.of(JAVA, "-Xmx64m", "-jar", ROOT.resolve("target/guidon.jar").toString(),
                "sidecar", "--port", String.valueOf(port),
                "--control-plane", "http://127.0.0.1:" + server.actualPort(),
                "--sidecar-key", FakeControlPlane.KEY, "--cache-dir", dir.resolve("cache").toString(),
                "--set", "http.event-loops=1", "--set", "management.port=0",
                "--set", "control-plane.poll-interval=" + POLL.toMillis() + "ms",
                "--set", "control-plane.poll-jitter=0ms",
                "--set", "control-plane.timeout=5s",
                "--set", "control-plane.retry-min=100ms", "--set", "control-plane.retry-max=1s",
                "--set", "control-plane.breaker-reset-timeout=1s"))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Poll.until("the sidecar serves version 1", Duration.ofSeconds(60), () -> {
            assertThat(process.isAlive()).as("the sidecar runs; its log:\n%s", logText()).isTrue();
            HttpResponse<String> r = get(port, "/readyz");
            return r != null && r.statusCode() == 200;
        });
        assertThat(evaluate(port).path("version").asLong()).isEqualTo(1);

        // The bad phase: every flags request gets a 200 MiB body (the default limit is 16 MiB).
        answer.set(null);
        long badStart = System.nanoTime();
        AtomicInteger evaluations = new AtomicInteger();
        Poll.until("several huge answers while evaluations keep being served", Duration.ofSeconds(60), () -> {
            JsonNode served = evaluate(port);
            assertThat(served.path("version").asLong()).isEqualTo(1);
            assertThat(served.path("value").asBoolean()).isFalse();
            evaluations.incrementAndGet();
            return hugeAnswers.get() >= 4 && System.nanoTime() - badStart > Duration.ofSeconds(8).toNanos();
        });
        assertThat(evaluations.get()).isGreaterThan(10);
        Poll.until("the sidecar closed every huge answer's connection before its end",
                () -> hugeCutShort.get() == hugeAnswers.get());
        assertThat(hugeBytesSent.get()).as("the sidecar stopped reading each answer soon after the limit")
                .isLessThan(hugeAnswers.get() * 40L * 1024 * 1024);

        // Healthy again, with a changed document: served within one poll (plus a margin for a retry in flight).
        answer.set(document(2, "on"));
        long healthy = System.nanoTime();
        Poll.until("the new version is served", POLL.plusSeconds(3), () -> evaluate(port).path("version").asLong() == 2);
        assertThat(Duration.ofNanos(System.nanoTime() - healthy)).isLessThan(POLL.plusSeconds(3));
        assertThat(evaluate(port).path("value").asBoolean()).isTrue();

        // The new set serves first; the state turns UP once its cache file is written.
        Poll.until("the control plane is UP in /healthz", () -> "UP".equals(Docs.tree(get(port, "/healthz").body())
                .path("upstream").path("controlPlane").path("state").asText()));
        assertThat(process.isAlive()).isTrue();
        assertThat(logText()).doesNotContain("OutOfMemoryError")
                .contains("larger than control-plane.max-response-size");
    }
}
