package io.guidon.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.TestDatabase;
import io.guidon.controlplane.WebhookReceiver;
import io.guidon.testing.Poll;
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

    private static final String[] COMMON = {"webhooks.allowed-addresses=127.0.0.1/32", "events.max-event-age=1d",
        "events.partitions-ahead=1"};

    private final AdminApi api = new AdminApi();

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
        return api.call(method, url, key, body);
    }
}
