package io.guidon.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.sidecar.FlagFiles;
import io.guidon.sidecar.HttpReply;
import io.guidon.sidecar.SidecarFixture;
import io.guidon.sidecar.SseStream;
import io.guidon.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Change pushes: Server-Sent Events on {@code /v1/stream} and the WebSocket {@code /ws/flags}, the hello, the
 * {@code flags-changed} event after a file change, and catching up with {@code Last-Event-ID}.
 */
@ExtendWith(VertxExtension.class)
class ChangeStreamsTest {

    private static final JsonObject HELLO_1 = new JsonObject().put("type", "hello").put("version", 1);
    private static final JsonObject CHANGED_2 = new JsonObject().put("type", "flags-changed").put("version", 2)
            .put("changed", new JsonArray().add("button-color").add("static-on"));

    @TempDir
    Path dir;
    Path file;
    SidecarFixture sidecar;
    // Held in a field: Vert.x closes a client that becomes unreachable, with whatever connections it has.
    WebSocketClient webSockets;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        file = FlagFiles.install(dir.resolve("flags.json"), "flags.json");
        sidecar = SidecarFixture.start(vertx, file, "stream.heartbeat-interval=100ms", "stream.history=5");
        webSockets = vertx.createWebSocketClient();
    }

    @AfterEach
    void stop() {
        SidecarFixture.await(webSockets.close());
        if (sidecar != null) {
            sidecar.close();
        }
    }

    private void changeToVersion2() {
        FlagFiles.install(file, "flags-v2.json");
        Poll.until("version 2", () -> sidecar.version() == 2);
    }

    @Test
    void sseStartsWithRetryThenAHelloWhoseIdIsTheVersion() {
        try (SseStream stream = SseStream.open(sidecar)) {
            SseStream.Event retry = stream.next();
            SseStream.Event hello = stream.next();

            assertThat(stream.response().statusCode()).isEqualTo(200);
            assertThat(stream.response().getHeader("Content-Type")).isEqualTo("text/event-stream");
            assertThat(stream.response().getHeader("Cache-Control")).isEqualTo("no-cache");
            assertThat(retry).isEqualTo(new SseStream.Event(null, null, null, "2000"));
            assertThat(hello.id()).isEqualTo("1");
            assertThat(hello.event()).isEqualTo("hello");
            assertThat(new JsonObject(hello.data())).isEqualTo(HELLO_1);
        }
    }

    @Test
    void sseGetsFlagsChangedAfterTheFileChanges() {
        try (SseStream stream = SseStream.open(sidecar)) {
            stream.next();
            assertThat(stream.next().event()).isEqualTo("hello");

            FlagFiles.install(file, "flags-v2.json");
            SseStream.Event changed = stream.next();

            assertThat(changed.id()).isEqualTo("2");
            assertThat(changed.event()).isEqualTo("flags-changed");
            assertThat(new JsonObject(changed.data())).isEqualTo(CHANGED_2);
        }
    }

    @Test
    void sseReconnectingWithLastEventIdGetsTheMissedChangeAtOnce() {
        String lastSeen;
        try (SseStream stream = SseStream.open(sidecar)) {
            stream.next();
            lastSeen = stream.next().id();
        }
        changeToVersion2();

        try (SseStream again = SseStream.open(sidecar, "Last-Event-ID", lastSeen)) {
            assertThat(again.next().retry()).isEqualTo("2000");
            SseStream.Event missed = again.next();

            assertThat(missed.id()).isEqualTo("2");
            assertThat(missed.event()).isEqualTo("flags-changed");
            assertThat(new JsonObject(missed.data())).isEqualTo(CHANGED_2.copy().put("missed", true));
        }
    }

    @Test
    void sseReconnectingAtTheCurrentVersionGetsAHello() {
        changeToVersion2();

        try (SseStream stream = SseStream.open(sidecar, "Last-Event-ID", "2")) {
            stream.next();
            SseStream.Event hello = stream.next();

            assertThat(hello.event()).isEqualTo("hello");
            assertThat(new JsonObject(hello.data())).isEqualTo(new JsonObject().put("type", "hello").put("version", 2));
        }
    }

    @Test
    void sseReconnectingFromBeyondTheHistoryIsToldToResyncEveryFlag() {
        changeToVersion2();

        try (SseStream stream = SseStream.open(sidecar, "Last-Event-ID", "0")) {
            stream.next();
            SseStream.Event resync = stream.next();

            assertThat(resync.id()).isEqualTo("2");
            JsonObject data = new JsonObject(resync.data());
            assertThat(data.getString("type")).isEqualTo("flags-changed");
            assertThat(data.getBoolean("resync")).isTrue();
            assertThat(data.getJsonArray("changed")).containsExactlyInAnyOrder("static-on", "switched-off",
                    "button-color", "premium-feature", "gradual-rollout", "results-limit", "page-layout");
        }
    }

    @Test
    void sseReconnectingWithAnIdFromBeforeARestartIsToldToResync() {
        try (SseStream stream = SseStream.open(sidecar, "Last-Event-ID", "99")) {
            stream.next();
            SseStream.Event resync = stream.next();

            assertThat(resync.id()).isEqualTo("1");
            JsonObject data = new JsonObject(resync.data());
            assertThat(data.getBoolean("resync")).isTrue();
            assertThat(data.getLong("version")).isEqualTo(1);
            assertThat(data.getJsonArray("changed")).hasSize(7);
        }
    }

    @Test
    void plainGetOnTheWebSocketPathIsRefusedWithAnAnswer() {
        HttpReply r = sidecar.get("/ws/flags");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        assertThat(r.body()).contains("\"errorCode\":\"GENERAL\"").contains("Upgrade: websocket");
    }

    @Test
    void sseIgnoresAMeaninglessLastEventId() {
        try (SseStream stream = SseStream.open(sidecar, "Last-Event-ID", "not-a-version")) {
            stream.next();
            SseStream.Event hello = stream.next();

            assertThat(hello.event()).isEqualTo("hello");
            assertThat(new JsonObject(hello.data())).isEqualTo(HELLO_1);
        }
    }

    @Test
    void idleSseStreamsGetHeartbeatComments() {
        try (SseStream stream = SseStream.open(sidecar)) {
            stream.next();
            stream.next();

            Poll.until("two heartbeats", () -> stream.comments() >= 2);

            assertThat(stream.queued()).isZero();
            assertThat(stream.ended()).isNotDone();
        }
    }

    @Test
    void sseStreamsEndWhenTheSidecarStops() throws Exception {
        SseStream stream = SseStream.open(sidecar);
        stream.next();
        stream.next();

        sidecar.close();
        sidecar = null;

        stream.ended().get(10, TimeUnit.SECONDS);
        assertThat(stream.queued()).isZero();
    }

    private WebSocket connect(String uri, BlockingQueue<String> messages, String... headers) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1")
                .setPort(sidecar.port()).setURI(uri);
        for (int i = 0; i < headers.length; i += 2) {
            options.addHeader(headers[i], headers[i + 1]);
        }
        // Handlers set before connecting, so the greeting sent right after the handshake cannot be missed.
        ClientWebSocket ws = webSockets.webSocket();
        ws.textMessageHandler(messages::add);
        return SidecarFixture.await(ws.connect(options));
    }

    private static JsonObject take(BlockingQueue<String> messages) throws InterruptedException {
        String message = messages.poll(10, TimeUnit.SECONDS);
        assertThat(message).as("a WebSocket message within 10s").isNotNull();
        return new JsonObject(message);
    }

    @Test
    void webSocketGetsHelloThenTheFlagsChangedEvent(Vertx vertx, VertxTestContext test) {
        Checkpoint hello = test.checkpoint();
        Checkpoint changed = test.checkpoint();
        AtomicInteger received = new AtomicInteger();
        ClientWebSocket ws = webSockets.webSocket();
        ws.textMessageHandler(text -> {
            if (received.incrementAndGet() == 1) {
                test.verify(() -> assertThat(new JsonObject(text)).isEqualTo(HELLO_1));
                hello.flag();
                vertx.executeBlocking(() -> FlagFiles.install(file, "flags-v2.json")).onFailure(test::failNow);
            } else {
                test.verify(() -> assertThat(new JsonObject(text)).isEqualTo(CHANGED_2));
                changed.flag();
                ws.close();
            }
        });
        ws.connect(sidecar.port(), "127.0.0.1", "/ws/flags").onFailure(test::failNow);
    }

    @Test
    void webSocketLastEventIdQueryParameterWorksLikeTheHeader() throws Exception {
        changeToVersion2();
        BlockingQueue<String> byQuery = new LinkedBlockingQueue<>();
        BlockingQueue<String> byHeader = new LinkedBlockingQueue<>();
        BlockingQueue<String> current = new LinkedBlockingQueue<>();

        WebSocket q = connect("/ws/flags?lastEventId=1", byQuery);
        WebSocket h = connect("/ws/flags", byHeader, "Last-Event-ID", "1");
        WebSocket c = connect("/ws/flags?lastEventId=2", current);

        assertThat(take(byQuery)).isEqualTo(CHANGED_2.copy().put("missed", true));
        assertThat(take(byHeader)).isEqualTo(CHANGED_2.copy().put("missed", true));
        assertThat(take(current)).isEqualTo(new JsonObject().put("type", "hello").put("version", 2));
        for (WebSocket ws : new WebSocket[] {q, h, c}) {
            SidecarFixture.await(ws.close());
        }
    }

    @Test
    void everyOpenStreamGetsEachChange() throws Exception {
        BlockingQueue<String> ws1 = new LinkedBlockingQueue<>();
        BlockingQueue<String> ws2 = new LinkedBlockingQueue<>();
        WebSocket a = connect("/ws/flags", ws1);
        WebSocket b = connect("/ws/flags", ws2);
        try (SseStream sse = SseStream.open(sidecar)) {
            sse.next();
            sse.next();
            take(ws1);
            take(ws2);

            FlagFiles.install(file, "flags-v2.json");

            assertThat(take(ws1)).isEqualTo(CHANGED_2);
            assertThat(take(ws2)).isEqualTo(CHANGED_2);
            assertThat(new JsonObject(sse.next().data())).isEqualTo(CHANGED_2);

            FlagFiles.install(file, "flags-v3.json");

            JsonObject v3 = new JsonObject().put("type", "flags-changed").put("version", 3)
                    .put("changed", new JsonArray().add("button-color").add("static-on").add("switched-off"));
            assertThat(take(ws1)).isEqualTo(v3);
            assertThat(take(ws2)).isEqualTo(v3);
            SseStream.Event third = sse.next(Duration.ofSeconds(10));
            assertThat(third.id()).isEqualTo("3");
            assertThat(new JsonObject(third.data())).isEqualTo(v3);
        } finally {
            SidecarFixture.await(a.close());
            SidecarFixture.await(b.close());
        }
    }
}
