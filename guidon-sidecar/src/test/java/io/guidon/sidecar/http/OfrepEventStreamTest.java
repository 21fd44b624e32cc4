package io.guidon.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.sidecar.FlagFiles;
import io.guidon.sidecar.HttpReply;
import io.guidon.sidecar.SidecarFixture;
import io.guidon.sidecar.SseStream;
import io.guidon.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * OFREP's event stream (open-feature/protocol ADR 0008) over real HTTP, as a web client uses it: the bulk answer
 * names the stream in {@code eventStreams}, the client connects to that URL, a change of the flag file arrives
 * as one {@code refetchEvaluation} message, and the refetch (with the event's metadata as query parameters and
 * the old ETag) gets the new values, while the new ETag gets 304; a client that reconnects after missing a change
 * hears of it at once.
 */
@ExtendWith(VertxExtension.class)
class OfrepEventStreamTest {

    private static final String BODY = "{\"context\":{\"targetingKey\":\"user-1\"}}";

    @TempDir
    Path dir;
    Path file;
    SidecarFixture sidecar;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        file = FlagFiles.install(dir.resolve("flags.json"), "flags.json");
        sidecar = SidecarFixture.start(vertx, file, "stream.heartbeat-interval=100ms");
    }

    @AfterEach
    void stop() {
        if (sidecar != null) {
            sidecar.close();
        }
    }

    private String streamUrl() {
        return "http://127.0.0.1:" + sidecar.port() + "/ofrep/v1/stream";
    }

    private static JsonObject flag(HttpReply bulk, String key) {
        return bulk.json().getJsonArray("flags").stream().map(JsonObject.class::cast)
                .filter(f -> f.getString("key").equals(key)).findFirst().orElseThrow();
    }

    @Test
    void aBulkClientIsToldToRefetchWhenTheFlagsChangeAndTheRefetchGetsTheNewValues() {
        HttpReply first = sidecar.post("/ofrep/v1/evaluate/flags", BODY);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().getJsonArray("eventStreams"))
                .isEqualTo(new JsonArray().add(new JsonObject().put("type", "sse").put("url", streamUrl())));
        assertThat(flag(first, "static-on").getBoolean("value")).isTrue();
        String firstEtag = first.header("ETag");

        try (SseStream stream = SseStream.openUrl(sidecar.client(), streamUrl())) {
            assertThat(stream.response().getHeader("Content-Type")).isEqualTo("text/event-stream");
            assertThat(stream.next().retry()).isEqualTo("2000");
            // Nothing changed since the client's fetch: heartbeats only.
            Poll.until("a heartbeat", () -> stream.comments() > 0);
            assertThat(stream.queued()).isZero();

            FlagFiles.install(file, "flags-v2.json");
            SseStream.Event refetch = stream.next();

            HttpReply document = sidecar.get("/v1/flags");
            assertThat(refetch.id()).isEqualTo("2");
            assertThat(refetch.event()).isEqualTo("message");
            JsonObject data = new JsonObject(refetch.data());
            assertThat(data.fieldNames()).containsExactlyInAnyOrder("type", "etag", "lastModified");
            assertThat(data.getString("type")).isEqualTo("refetchEvaluation");
            assertThat(data.getString("etag")).isEqualTo(document.header("ETag"));
            assertThat(data.getLong("lastModified")).isBetween(System.currentTimeMillis() / 1000 - 60,
                    System.currentTimeMillis() / 1000 + 1);

            String refetchUri = "/ofrep/v1/evaluate/flags?flagConfigEtag="
                    + URLEncoder.encode(data.getString("etag"), StandardCharsets.UTF_8)
                    + "&flagConfigLastModified=" + data.getLong("lastModified");
            HttpReply again = sidecar.post(refetchUri, BODY, "If-None-Match", firstEtag);
            assertThat(again.status()).isEqualTo(200);
            assertThat(flag(again, "static-on").getBoolean("value")).isFalse();
            assertThat(flag(again, "button-color").getString("value")).isEqualTo("blue");
            assertThat(again.header("ETag")).isNotEqualTo(firstEtag);

            HttpReply unchanged = sidecar.post(refetchUri, BODY, "If-None-Match", again.header("ETag"));
            assertThat(unchanged.status()).isEqualTo(304);
            assertThat(unchanged.body()).isEmpty();
        }
    }

    @Test
    void aClientThatReconnectsAfterAChangeIsToldAtOnceAndOneThatMissedNothingIsNot() {
        FlagFiles.install(file, "flags-v2.json");
        Poll.until("version 2", () -> sidecar.version() == 2);

        try (SseStream missed = SseStream.openUrl(sidecar.client(), streamUrl(), "Last-Event-ID", "1")) {
            missed.next();
            SseStream.Event refetch = missed.next();
            assertThat(refetch.id()).isEqualTo("2");
            assertThat(new JsonObject(refetch.data()).getString("type")).isEqualTo("refetchEvaluation");
        }
        try (SseStream current = SseStream.openUrl(sidecar.client(), streamUrl(), "Last-Event-ID", "2")) {
            current.next();
            Poll.until("a heartbeat", () -> current.comments() > 0);
            assertThat(current.queued()).isZero();
        }
    }

    @Test
    void aSingleFlagAnswerKeepsItsShapeWithoutEventStreams() {
        // ADR 0008 allows eventStreams on single answers too; the sidecar names the stream where a client caches
        // (bulk), and keeps a single evaluation's answer as it was (a dynamic-context client evaluates each read).
        HttpReply success = sidecar.post("/ofrep/v1/evaluate/flags/static-on", BODY);
        assertThat(success.status()).isEqualTo(200);
        assertThat(success.json().fieldNames()).containsExactlyInAnyOrder("key", "value", "reason", "variant",
                "metadata");
    }

    @Test
    void theStreamAnswersHeadWithItsHeadersAlone() {
        HttpReply head = sidecar.request(io.vertx.core.http.HttpMethod.HEAD, "/ofrep/v1/stream", null);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Content-Type")).isEqualTo("text/event-stream");
        assertThat(head.body()).isEmpty();
    }
}
