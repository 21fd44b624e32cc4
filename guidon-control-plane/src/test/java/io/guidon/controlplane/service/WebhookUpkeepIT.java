package io.guidon.controlplane.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.Harness;
import io.guidon.controlplane.TestDatabase;
import io.guidon.controlplane.WebhookReceiver;
import io.guidon.controlplane.store.WebhookRepository;
import io.guidon.testing.Poll;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Delivery retention ({@code webhooks.retention}, docs/webhooks.md#retention) on real PostgreSQL: each replica's
 * upkeep deletes finished deliveries (delivered, failed for good) that finished longer ago than the retention, with
 * their attempts, a bounded chunk per statement, oldest first; pending deliveries are never deleted, however old, nor
 * finished ones within the retention. Rows are made old by backdating them in SQL.
 */
class WebhookUpkeepIT {

    private static long count(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); ResultSet r = c.createStatement().executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static List<Long> ids(TestDatabase db, String where) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Connection c = db.connect(); ResultSet r = c.createStatement().executeQuery(
                "SELECT id FROM webhook_deliveries WHERE " + where + " ORDER BY id")) {
            while (r.next()) {
                out.add(r.getLong(1));
            }
        }
        return out;
    }

    @Test
    void theUpkeepDeletesFinishedDeliveriesPastTheRetentionWithTheirAttemptsAndKeepsPendingOnes() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(); Harness cp = Harness.start(Map.of(
                "webhooks.allowed-addresses", "127.0.0.1/32", "webhooks.poll-interval", "20ms",
                "webhooks.retry-initial-delay", "50ms", "webhooks.retry-max-delay", "100ms",
                "webhooks.give-up-after", "1s", "webhooks.circuit-failure-threshold", "1000"))) {
            String admin = cp.bootstrap("acme");
            // /bad fails flag a's creation for good and takes flag b's: a is given up (failed) while its
            // subscription stays enabled (the endpoint is alive; a disabled one would hold it, pending).
            receiver.answerByBody("/bad", body -> body.contains("\"resource\":\"a\"") ? 500 : 204);
            // 410 disables its subscription at once: its delivery stays pending, waiting to be enabled again.
            receiver.answer("/gone", n -> 410);
            for (String path : List.of("/ok", "/bad", "/gone")) {
                assertThat(cp.post("/api/v1/webhooks", admin, Map.of("url", receiver.url(path), "eventTypes",
                        List.of("flag.created"))).status()).isEqualTo(201);
            }
            for (String flag : List.of("a", "b")) {
                assertThat(cp.post("/api/v1/flags", admin, Map.of("key", flag, "variants",
                        Map.of("on", true, "off", false))).status()).isEqualTo(201);
            }
            // Every pending delivery left is held for its subscription to be enabled again (/gone's), so none
            // changes while the test runs.
            Poll.until("/ok delivered, /bad's a given up and b delivered, /gone held", Duration.ofSeconds(30), () -> {
                try {
                    return ids(cp.db, "status = 'delivered'").size() == 3 && !ids(cp.db, "status = 'failed'").isEmpty()
                            && ids(cp.db, "status = 'pending' AND subscription_id IN (SELECT id FROM"
                            + " webhook_subscriptions WHERE enabled)").isEmpty();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            List<Long> delivered = ids(cp.db, "status = 'delivered'");
            long recent = delivered.get(2);
            List<Long> pending = ids(cp.db, "status = 'pending'");
            assertThat(pending).isNotEmpty();
            assertThat(count(cp.db, "SELECT count(*) FROM webhook_attempts")).isGreaterThan(4);

            List<Long> old = ids(cp.db, "status <> 'pending' AND id <> " + recent);
            // Everything but one delivered delivery made 40 days old; that one 29 days (within the 30 of the default).
            cp.db.execute("UPDATE webhook_deliveries SET created_at = created_at - interval '40 days',"
                    + " retry_from = retry_from - interval '40 days', next_attempt_at = next_attempt_at - interval"
                    + " '40 days', delivered_at = delivered_at - interval '40 days', failed_at = failed_at"
                    + " - interval '40 days' WHERE id <> " + recent);
            cp.db.execute("UPDATE webhook_deliveries SET created_at = created_at - interval '29 days', delivered_at ="
                    + " delivered_at - interval '29 days' WHERE id = " + recent);
            cp.db.execute("UPDATE webhook_attempts SET at = at - interval '40 days'");

            Poll.until("the upkeep deleted the old finished deliveries", Duration.ofSeconds(30), () -> {
                try {
                    return ids(cp.db, "status <> 'pending'").size() == 1;
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            List<Long> kept = new ArrayList<>(pending);
            kept.add(recent);
            assertThat(ids(cp.db, "true")).containsExactlyInAnyOrderElementsOf(kept);
            assertThat(count(cp.db, "SELECT count(*) FROM webhook_attempts WHERE delivery_id NOT IN ("
                    + String.join(",", kept.stream().map(String::valueOf).toList()) + ")"))
                    .as("the deleted deliveries' attempts").isZero();
            assertThat(count(cp.db, "SELECT count(*) FROM webhook_attempts WHERE delivery_id = " + recent))
                    .isEqualTo(1);
            assertThat(old).isNotEmpty();
            assertThat(cp.metric("guidon_webhooks_deliveries_deleted_total")).isEqualTo(old.size());
        }
    }

    @Test
    void eachStepDeletesOneBoundedChunkOldestFirstAndTheLastRefreshesTheGauges() throws Exception {
        TestDatabase db = TestDatabase.createMigrated();
        Vertx vertx = Vertx.vertx();
        try {
            db.execute("INSERT INTO tenants (key, name) VALUES ('t', 't')");
            db.execute("INSERT INTO webhook_subscriptions (tenant_id, url, event_types, timeout_ms, secret)"
                    + " SELECT id, 'http://127.0.0.1:1/', '{flag.created}', 1000, 'whsec_x' FROM tenants");
            // 1050 delivered 31 days ago and older (the i-th i minutes more), each with an attempt; 5 delivered a
            // day ago; 3 pending made 60 days ago, due now.
            db.execute("INSERT INTO webhook_deliveries (subscription_id, tenant_id, message_id, event_type,"
                    + " ordering_key, audit_id, payload, status, created_at, delivered_at)"
                    + " SELECT s.id, s.tenant_id, 'msg_old_' || i, 'flag.created', 'flag:' || i, i, '{}', 'delivered',"
                    + " now() - interval '31 days' - i * interval '1 minute',"
                    + " now() - interval '31 days' - i * interval '1 minute'"
                    + " FROM webhook_subscriptions s, generate_series(1, 1050) i");
            db.execute("INSERT INTO webhook_attempts (delivery_id, latency_ms, replica, status)"
                    + " SELECT id, 5, 'r', 204 FROM webhook_deliveries");
            db.execute("INSERT INTO webhook_deliveries (subscription_id, tenant_id, message_id, event_type,"
                    + " ordering_key, audit_id, payload, status, delivered_at)"
                    + " SELECT s.id, s.tenant_id, 'msg_new_' || i, 'flag.created', 'flag:n' || i, i, '{}', 'delivered',"
                    + " now() - interval '1 day' FROM webhook_subscriptions s, generate_series(1, 5) i");
            db.execute("INSERT INTO webhook_deliveries (subscription_id, tenant_id, message_id, event_type,"
                    + " ordering_key, audit_id, payload, created_at, retry_from, next_attempt_at)"
                    + " SELECT s.id, s.tenant_id, 'msg_pending_' || i, 'flag.created', 'flag:p' || i, i, '{}',"
                    + " now() - interval '60 days', now() - interval '60 days', now() - interval '60 days'"
                    + " FROM webhook_subscriptions s, generate_series(1, 3) i");
            Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2))
                    .connectingTo(new PgConnectOptions().setHost(TestDatabase.HOST).setPort(TestDatabase.PORT)
                            .setDatabase(db.name()).setUser(TestDatabase.USER).setPassword(TestDatabase.PASSWORD))
                    .using(vertx).build();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            WebhookUpkeep upkeep = new WebhookUpkeep(new WebhookRepository(pool), Duration.ofDays(30), registry,
                    500);

            assertThat(upkeep.step()).as("a whole chunk: more may be old").isTrue();
            assertThat(count(db, "SELECT count(*) FROM webhook_deliveries WHERE message_id LIKE 'msg_old_%'"))
                    .isEqualTo(550);
            assertThat(count(db, "SELECT count(*) FROM webhook_deliveries WHERE message_id LIKE 'msg_old_%'"
                    + " AND audit_id > 550")).as("the oldest went first").isZero();
            assertThat(registry.get("guidon.webhooks.deliveries.due").gauge().value()).as("not yet refreshed")
                    .isZero();
            assertThat(upkeep.step()).isTrue();
            assertThat(upkeep.step()).as("the last, partial chunk").isFalse();

            assertThat(count(db, "SELECT count(*) FROM webhook_deliveries WHERE message_id LIKE 'msg_old_%'"))
                    .isZero();
            assertThat(count(db, "SELECT count(*) FROM webhook_attempts")).isZero();
            assertThat(count(db, "SELECT count(*) FROM webhook_deliveries WHERE message_id LIKE 'msg_new_%'"))
                    .isEqualTo(5);
            assertThat(count(db, "SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'")).isEqualTo(3);
            assertThat(registry.get("guidon.webhooks.deliveries.deleted").counter().count()).isEqualTo(1050);
            assertThat(registry.get("guidon.webhooks.deliveries.due").gauge().value()).isEqualTo(3);
            assertThat(registry.get("guidon.webhooks.circuits.open").gauge().value()).isZero();
            pool.close().await();
        } finally {
            vertx.close().await();
            db.close();
        }
    }
}
