package io.guidon.controlplane.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.WebhookReceiver;
import io.guidon.testing.Poll;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Two control-plane replicas on one database, both delivering webhooks: every change is delivered, and none twice
 * (each delivery is claimed by one replica under normal operation), whichever replica made the change.
 */
class WebhookReplicasIT {

    private static final int CHANGES = 30;

    @Test
    void twoReplicasDeliverEveryChangeOnceBetweenThem() throws Exception {
        Map<String, String> settings = Map.of("webhooks.allowed-addresses", "127.0.0.1/32",
                "webhooks.poll-interval", "20ms", "webhooks.batch-size", "3");
        try (WebhookReceiver receiver = new WebhookReceiver(); Harness a = Harness.start(settings);
                Harness b = Harness.start(a.db, a.redisPrefix, settings)) {
            String admin = a.bootstrap("acme");
            JsonNode sub = a.post("/api/v1/webhooks", admin, Map.of("url", receiver.url("/both"), "eventTypes",
                    List.of("flag.created"))).json();
            long id = sub.get("id").asLong();

            for (int i = 0; i < CHANGES; i++) {
                Harness via = i % 2 == 0 ? a : b;
                assertThat(via.post("/api/v1/flags", admin, Map.of("key", "f" + i, "variants",
                        Map.of("on", true, "off", false))).status()).isEqualTo(201);
            }

            Poll.until("every change delivered", Duration.ofSeconds(60), () -> a.get("/api/v1/webhooks/" + id
                    + "/deliveries?status=delivered", admin).json().get("total").asInt() == CHANGES);
            List<WebhookReceiver.Received> got = receiver.received("/both");
            Set<String> ids = new HashSet<>();
            got.forEach(r -> ids.add(r.header("webhook-id")));
            assertThat(got).as("none twice").hasSize(CHANGES);
            assertThat(ids).hasSize(CHANGES);
            assertThat(got).allMatch(r -> WebhookReceiver.verify(r, sub.get("secret").asText()));
            Set<String> replicas = new HashSet<>();
            for (JsonNode d : a.get("/api/v1/webhooks/" + id + "/deliveries?limit=200", admin).json().get("items")) {
                assertThat(d.get("attempts").asInt()).isEqualTo(1);
                JsonNode attempt = a.get("/api/v1/webhooks/" + id + "/deliveries/" + d.get("id").asText(), admin)
                        .json().get("attemptLog");
                assertThat(attempt).hasSize(1);
                replicas.add(attempt.get(0).get("replica").asText());
            }
            assertThat(replicas).as("the replicas that sent them").isNotEmpty().hasSizeLessThanOrEqualTo(2);
        }
    }
}
