package io.guidon.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.OpenApiResponses;
import io.guidon.controlplane.TestDatabase;
import io.guidon.controlplane.WebhookReceiver;
import io.guidon.testing.Poll;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhooks' outbox across a real process kill (ADR 0120): a control plane commits a change whose delivery is
 * still pending (its delivery worker waits an hour between looks), is killed with SIGKILL, and the delivery is sent
 * after a control plane starts again on the same database, once, signed.
 */
class WebhookProcessIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] COMMON = {"webhooks.allowed-addresses=127.0.0.1/32", "events.max-event-age=1d",
        "events.partitions-ahead=1"};

    private final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final OpenApiResponses openApi = OpenApiResponses.load();

    @TempDir
    Path dir;

    private static String[] with(String... more) {
        String[] all = new String[COMMON.length + more.length];
        System.arraycopy(COMMON, 0, all, 0, COMMON.length);
        System.arraycopy(more, 0, all, COMMON.length, more.length);
        return all;
    }

    @Test
    void aChangeCommittedBeforeAKillIsDeliveredAfterTheRestart() throws Exception {
        String prefix = "guidon-hooks-" + UUID.randomUUID().toString().substring(0, 8);
        try (TestDatabase db = TestDatabase.createMigrated(); WebhookReceiver receiver = new WebhookReceiver()) {
            String admin = Harness.bootstrap(db, "acme");
            JsonNode hook;
            long id;
            try (ControlPlaneProcess first = ControlPlaneProcess.start("before-kill", dir, db, prefix,
                    with("webhooks.poll-interval=1h"))) {
                first.awaitReady(Duration.ofSeconds(90));
                hook = call("POST", first.url() + "/api/v1/webhooks", admin, "{\"url\":\"" + receiver.url("/hook")
                        + "\",\"eventTypes\":[\"flag.created\"]}");
                id = hook.get("id").asLong();
                call("POST", first.url() + "/api/v1/flags", admin,
                        "{\"key\":\"checkout\",\"variants\":{\"on\":true,\"off\":false}}");
                JsonNode pending = call("GET", first.url() + "/api/v1/webhooks/" + id + "/deliveries", admin, null);
                assertThat(pending.get("items").get(0).get("status").asText()).isEqualTo("pending");
                assertThat(pending.get("items").get(0).get("attempts").asInt()).isZero();

                first.kill();
            }
            assertThat(receiver.received("/hook")).as("nothing was sent before the kill").isEmpty();

            try (ControlPlaneProcess second = ControlPlaneProcess.start("after-restart", dir, db, prefix,
                    with("webhooks.poll-interval=100ms"))) {
                second.awaitReady(Duration.ofSeconds(90));
                Poll.until("the delivery after the restart", Duration.ofSeconds(60),
                        () -> !receiver.received("/hook").isEmpty());
                Poll.until("recorded as delivered", Duration.ofSeconds(30), () -> call("GET", second.url()
                        + "/api/v1/webhooks/" + id + "/deliveries?status=delivered", admin, null).get("total")
                        .asInt() == 1);
                List<WebhookReceiver.Received> got = receiver.received("/hook");
                assertThat(got).hasSize(1);
                assertThat(WebhookReceiver.verify(got.get(0), hook.get("secret").asText())).isTrue();
                assertThat(got.get(0).json().get("type").asText()).isEqualTo("flag.created");
                assertThat(got.get(0).json().get("data").get("resource").asText()).isEqualTo("checkout");
            }
        }
    }

    private JsonNode call(String method, String url, String key, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.header("Authorization", "Bearer " + key);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            openApi.check(r);
            assertThat(r.statusCode()).as("%s %s: %s", method, url, r.body()).isBetween(200, 201);
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError(method + " " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
