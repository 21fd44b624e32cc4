package io.guidon.controlplane.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.TestDatabase;
import io.guidon.controlplane.WebhookReceiver;
import io.guidon.controlplane.domain.AddressPolicy;
import io.guidon.controlplane.domain.WebhookSignature;
import io.guidon.controlplane.publish.HttpWebhookSender;
import io.guidon.controlplane.store.Transactions;
import io.guidon.controlplane.store.WebhookRepository;
import io.guidon.testing.Poll;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Two control-plane replicas on one database, both delivering webhooks: every change is delivered, and none twice
 * (each delivery is claimed by one replica under normal operation), whichever replica made the change; and a
 * delivery claimed by a replica that sent it and died before recording the outcome is sent again, once, by another
 * replica when its lease has ended, with the same webhook-id.
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

    @Test
    void aDeliveryWhoseReplicaDiedBeforeRecordingItIsSentOnceMoreWhenItsLeaseEnds() throws Exception {
        Map<String, String> allowed = Map.of("webhooks.allowed-addresses", "127.0.0.1/32");
        Map<String, String> quiet = new LinkedHashMap<>(allowed);
        // The replica that makes the change does not deliver: the test plays the replica that claims it and dies.
        quiet.put("webhooks.deliver", "false");
        Vertx vertx = Vertx.vertx();
        try (WebhookReceiver receiver = new WebhookReceiver(); Harness a = Harness.start(quiet)) {
            String admin = a.bootstrap("acme");
            JsonNode sub = a.post("/api/v1/webhooks", admin, Map.of("url", receiver.url("/lease"), "eventTypes",
                    List.of("flag.created"))).json();
            long id = sub.get("id").asLong();
            assertThat(a.post("/api/v1/flags", admin, Map.of("key", "leased", "variants",
                    Map.of("on", true, "off", false))).status()).isEqualTo(201);
            Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2))
                    .connectingTo(new PgConnectOptions().setHost(TestDatabase.HOST).setPort(TestDatabase.PORT)
                            .setDatabase(a.db.name()).setUser(TestDatabase.USER).setPassword(TestDatabase.PASSWORD))
                    .using(vertx).build();
            WebhookRepository repository = new WebhookRepository(pool);

            // The dying replica: claims it as the dispatcher does, with a short lease...
            String deadToken = "dead-replica/" + java.util.UUID.randomUUID();
            List<WebhookRepository.Claimed> claimed = Transactions.await(pool, c -> {
                List<WebhookRepository.Claimed> due = Future.await(repository.due(c, new long[0], 4, 10));
                Future.await(repository.lease(c, due.stream().mapToLong(WebhookRepository.Claimed::deliveryId)
                        .toArray(), deadToken, Duration.ofSeconds(2)));
                return due;
            });
            assertThat(claimed).hasSize(1);
            WebhookRepository.Claimed d = claimed.get(0);
            // ...sends it (the receiver takes it), and dies before writing what came of it.
            HttpWebhookSender sender = new HttpWebhookSender(vertx, AddressPolicy.of(List.of("127.0.0.1/32")), 4);
            byte[] body = d.payload().getBytes(StandardCharsets.UTF_8);
            long timestamp = Instant.now().getEpochSecond();
            WebhookSender.Outcome first = sender.send(new WebhookSender.Request(d.url(), Map.of("webhook-id",
                    d.messageId(), "webhook-timestamp", Long.toString(timestamp), "webhook-signature",
                    WebhookSignature.header(d.secret(), d.previousSecret(), d.messageId(), timestamp, body)), body,
                    Duration.ofSeconds(5))).await();
            assertThat(first.success()).isTrue();
            Instant leaseEnds;
            try (Connection c = a.db.connect(); ResultSet r = c.createStatement().executeQuery(
                    "SELECT lease_until, status FROM webhook_deliveries WHERE id = " + d.deliveryId())) {
                assertThat(r.next()).isTrue();
                leaseEnds = r.getTimestamp(1).toInstant();
                assertThat(r.getString(2)).as("nothing recorded by the dead replica").isEqualTo("pending");
            }

            // A live replica takes it over once the lease has ended.
            Map<String, String> live = new LinkedHashMap<>(allowed);
            live.put("webhooks.poll-interval", "20ms");
            try (Harness b = Harness.start(a.db, a.redisPrefix, live)) {
                Poll.until("delivered by the live replica", Duration.ofSeconds(30), () -> b.get("/api/v1/webhooks/"
                        + id + "/deliveries?status=delivered", admin).json().get("total").asInt() == 1);
                // Many claim rounds later (20 ms each), still no third request.
                Thread.sleep(500);

                List<WebhookReceiver.Received> got = receiver.received("/lease");
                assertThat(got).as("sent by the dead replica, then exactly once more").hasSize(2);
                assertThat(got).extracting(r -> r.header("webhook-id")).containsExactly(d.messageId(),
                        d.messageId());
                assertThat(got).allMatch(r -> WebhookReceiver.verify(r, sub.get("secret").asText()));
                assertThat(got.get(1).at()).as("not before the lease ended").isAfter(leaseEnds);
                JsonNode delivery = b.get("/api/v1/webhooks/" + id + "/deliveries/" + d.deliveryId(), admin).json();
                assertThat(delivery.get("status").asText()).isEqualTo("delivered");
                assertThat(delivery.get("attemptLog")).as("only the live replica's attempt was recorded").hasSize(1);
                assertThat(delivery.get("attemptLog").get(0).get("replica").asText()).doesNotStartWith("dead-replica");
                // Should the dead replica come back with its outcome, its token no longer holds the lease.
                java.time.OffsetDateTime stale = Transactions.await(pool, c -> Future.await(repository.retryFrom(c,
                        d.deliveryId(), deadToken)));
                assertThat(stale).isNull();
            } finally {
                sender.close().await();
                pool.close().await();
            }
        } finally {
            vertx.close().await();
        }
    }
}
