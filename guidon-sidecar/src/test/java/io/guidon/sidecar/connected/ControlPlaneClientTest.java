package io.guidon.sidecar.connected;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guidon.sidecar.SidecarConfig;
import io.guidon.testing.Poll;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client reads every answer bounded (size while it streams, time for the whole exchange), closes the connection
 * of any exchange that failed, and reports a refused key as what it is, over loopback against a scripted server.
 */
@ExtendWith(VertxExtension.class)
class ControlPlaneClientTest {

    private static final int LIMIT = 64 * 1024; // the smallest max-response-size allowed

    @TempDir
    Path dir;

    private Vertx vertx;
    private Context context;
    private HttpServer server;
    private volatile Consumer<HttpServerRequest> handler;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger closedConnections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private MeterRegistry registry;
    private ControlPlaneClient client;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .connectionHandler(c -> {
                    connections.incrementAndGet();
                    c.closeHandler(v -> closedConnections.incrementAndGet());
                })
                .requestHandler(r -> {
                    requests.incrementAndGet();
                    handler.accept(r);
                });
        Await.result(server.listen());
        registry = new SimpleMeterRegistry();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            Await.result(client.close());
        }
        Await.result(server.close());
    }

    private ControlPlaneClient client(String... overrides) {
        String[] all = Arrays.copyOf(overrides, overrides.length + 1);
        all[overrides.length] = "control-plane.max-response-size=" + LIMIT;
        SidecarConfig config = Docs.config("http://127.0.0.1:" + server.actualPort(), dir, all);
        client = new ControlPlaneClient(vertx, config.controlPlane(), registry);
        return client;
    }

    private ControlPlaneClient.FlagsResponse fetch() throws Exception {
        return Await.on(context, () -> client.fetchFlags(-1));
    }

    /** A whole-document answer padded with spaces to exactly {@code size} bytes. */
    private static String answerOfSize(int size) {
        String json = "{\"tenant\":\"acme\",\"environment\":\"prod\",\"version\":7,\"full\":true,\"document\":"
                + Docs.base() + "}";
        return json + " ".repeat(size - json.getBytes(StandardCharsets.UTF_8).length);
    }

    /** Streams {@code chunk} until the connection closes or {@code max} bytes went out; counts them in sent. */
    private void stream(HttpServerResponse response, Buffer chunk, long max, AtomicLong sent, long pauseMs) {
        if (response.closed() || sent.get() >= max) {
            if (!response.closed()) {
                response.end();
            }
            return;
        }
        sent.addAndGet(chunk.length());
        response.write(chunk);
        if (response.writeQueueFull()) {
            response.drainHandler(v -> stream(response, chunk, max, sent, pauseMs));
        } else {
            vertx.setTimer(Math.max(1, pauseMs), id -> stream(response, chunk, max, sent, pauseMs));
        }
    }

    @Test
    void answersUpToTheLimitAreReadWholeAndOneByteMoreIsRefused() throws Exception {
        client();
        for (int size : new int[] {LIMIT - 1, LIMIT}) {
            String body = answerOfSize(size);
            handler = r -> r.response().putHeader("Content-Type", "application/json").end(body);
            assertThat(fetch().version()).as("%d bytes", size).isEqualTo(7);
        }
        for (int size : new int[] {LIMIT + 1, 2 * LIMIT, 50 * LIMIT}) {
            String body = answerOfSize(size);
            handler = r -> r.response().putHeader("Content-Type", "application/json").end(body);
            assertThatThrownBy(this::fetch).as("%d bytes", size).isInstanceOf(ControlPlaneClient.TooLarge.class)
                    .hasMessageContaining("control-plane.max-response-size");
        }
    }

    @Test
    void aBodyWithoutLengthThatNeverEndsIsCutAtTheLimitAndItsConnectionClosed() throws Exception {
        client("control-plane.timeout=30s");
        AtomicLong sent = new AtomicLong();
        long endless = 1L << 40;
        handler = r -> {
            HttpServerResponse response = r.response().setChunked(true).putHeader("Content-Type", "application/json");
            response.write("{\"tenant\":\"acme\",\"pad\":\"");
            stream(response, Buffer.buffer("x".repeat(16 * 1024)), endless, sent, 0);
        };

        assertThatThrownBy(this::fetch).isInstanceOf(ControlPlaneClient.TooLarge.class);
        Poll.until("the server sees the connection closed", () -> closedConnections.get() == 1);
        // Socket buffers hold some in flight, but the sidecar stopped reading soon after the limit.
        assertThat(sent.get()).isLessThan(64L * 1024 * 1024);

        // The next call gets a fresh connection and a normal answer.
        handler = r -> r.response().end(answerOfSize(1000));
        assertThat(fetch().version()).isEqualTo(7);
        assertThat(connections.get()).isEqualTo(2);
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeReading() throws Exception {
        client();
        AtomicLong sent = new AtomicLong();
        handler = r -> {
            HttpServerResponse response = r.response().putHeader("Content-Length", String.valueOf(100L * LIMIT));
            stream(response, Buffer.buffer("x".repeat(4096)), 100L * LIMIT, sent, 5);
        };
        assertThatThrownBy(this::fetch).isInstanceOf(ControlPlaneClient.TooLarge.class)
                .hasMessageContaining("Content-Length " + 100L * LIMIT);
        Poll.until("the connection is closed", () -> closedConnections.get() == 1);
        assertThat(sent.get()).isLessThan(100L * LIMIT);
    }

    @Test
    void theLimitCountsDecompressedBytes() throws Exception {
        client();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(answerOfSize(20 * LIMIT).getBytes(StandardCharsets.UTF_8));
        }
        byte[] bomb = out.toByteArray();
        assertThat(bomb.length).as("compressed well under the limit").isLessThan(LIMIT);
        handler = r -> r.response().putHeader("Content-Encoding", "gzip").putHeader("Content-Type",
                "application/json").end(Buffer.buffer(bomb));
        assertThatThrownBy(this::fetch).isInstanceOf(ControlPlaneClient.TooLarge.class);
    }

    @Test
    void aBodyTrickledSlowerThanTheTimeoutFailsAtTheDeadlineAndItsConnectionIsClosed() throws Exception {
        client("control-plane.timeout=500ms");
        AtomicLong sent = new AtomicLong();
        handler = r -> {
            HttpServerResponse response = r.response().setChunked(true);
            response.write("{\"tenant\":");
            // Never idle (a byte every 20 ms), never done.
            stream(response, Buffer.buffer(" "), Long.MAX_VALUE, sent, 20);
        };
        long t0 = System.nanoTime();
        assertThatThrownBy(this::fetch).isInstanceOf(TimeoutException.class)
                .hasMessageContaining("control-plane.timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        Poll.until("the connection is closed", () -> closedConnections.get() == 1);

        handler = r -> r.response().end(answerOfSize(1000));
        assertThat(fetch().version()).isEqualTo(7);
    }

    @Test
    void anErrorBodyIsQuotedCutAndNeverBufferedWhole() throws Exception {
        client();
        AtomicLong sent = new AtomicLong();
        handler = r -> {
            HttpServerResponse response = r.response().setStatusCode(500).setChunked(true);
            stream(response, Buffer.buffer("e".repeat(4096)), 1L << 40, sent, 0);
        };
        assertThatThrownBy(this::fetch).isInstanceOf(ControlPlaneClient.Rejected.class)
                .hasMessageContaining("500");
        Poll.until("the connection is closed", () -> closedConnections.get() == 1);
    }

    @Test
    void aRefusedKeyIsAnAuthFailureThatNeverOpensTheBreakerAndIsCounted() throws Exception {
        client("control-plane.breaker-failures=2");
        handler = r -> r.response().setStatusCode(401).end("{\"title\":\"Unauthorized\"}");
        for (int i = 0; i < 5; i++) {
            Throwable e = org.assertj.core.api.Assertions.catchThrowable(this::fetch);
            assertThat(ControlPlaneClient.isAuthFailure(e)).as("%s", e).isTrue();
            assertThat(((ControlPlaneClient.Rejected) e).status()).isEqualTo(401);
        }
        assertThat(requests.get()).as("every call reached the control plane").isEqualTo(5);
        assertThat(client.breaker().state()).isEqualTo(CircuitBreakerState.CLOSED);
        assertThat(registry.get("guidon.upstream.auth.failures").tag("call", "flags").counter().count())
                .isEqualTo(5);

        handler = r -> r.response().setStatusCode(403).end();
        assertThat(ControlPlaneClient.isAuthFailure(org.assertj.core.api.Assertions.catchThrowable(this::fetch)))
                .isTrue();
        handler = r -> r.response().setStatusCode(503).end();
        assertThat(ControlPlaneClient.isAuthFailure(org.assertj.core.api.Assertions.catchThrowable(this::fetch)))
                .isFalse();
    }

    @Test
    void anEventUploadAnswerIsBoundedToo() throws Exception {
        client();
        AtomicLong sent = new AtomicLong();
        handler = r -> r.body().onSuccess(b -> {
            HttpServerResponse response = r.response().setStatusCode(200).setChunked(true);
            stream(response, Buffer.buffer("x".repeat(16 * 1024)), 1L << 40, sent, 0);
        });
        assertThatThrownBy(() -> Await.on(context, () -> client.postEvents(Buffer.buffer(io.guidon.protocol.events.EventBatchEncoder.gzip(
                "{}".getBytes(StandardCharsets.UTF_8))), "batch-1")))
                .isInstanceOf(ControlPlaneClient.TooLarge.class);
        Poll.until("the connection is closed", () -> closedConnections.get() == 1);
    }

    @Test
    void everyRequestNamesTheInstanceAndTheSidecarsVersion() throws Exception {
        java.util.List<String[]> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        handler = r -> {
            seen.add(new String[] {r.path(), r.getHeader(io.guidon.protocol.ClientIdentity.INSTANCE_HEADER),
                    r.getHeader("User-Agent")});
            if (r.path().equals("/api/v1/events")) {
                r.body().onSuccess(b -> r.response().setStatusCode(200).end("{}"));
            } else {
                r.response().setStatusCode(304).end();
            }
        };
        client();
        String made = client.instanceId();
        assertThat(io.guidon.protocol.ClientIdentity.isInstanceId(made)).as(made).isTrue();
        Await.on(context, () -> client.fetchFlags(3));
        Await.on(context, () -> client.postEvents(Buffer.buffer(io.guidon.protocol.events.EventBatchEncoder.gzip(
                "{}".getBytes(StandardCharsets.UTF_8))), "batch-1"));
        Await.on(context, () -> client.fetchFlags(-1));

        assertThat(seen).hasSize(3);
        for (String[] request : seen) {
            assertThat(request[1]).as(request[0]).isEqualTo(made);
            assertThat(request[2]).as(request[0]).isEqualTo("guidon-sidecar/" + io.guidon.protocol.ClientIdentity.version());
        }
        Await.result(client.close());

        // A configured id is sent as it is.
        client("control-plane.instance-id=checkout-pod-1");
        seen.clear();
        Await.on(context, () -> client.fetchFlags(3));
        assertThat(client.instanceId()).isEqualTo("checkout-pod-1");
        assertThat(seen.get(0)[1]).isEqualTo("checkout-pod-1");
    }
}
