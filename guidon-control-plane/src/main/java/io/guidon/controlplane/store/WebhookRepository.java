package io.guidon.controlplane.store;

import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.WebhookDelivery;
import io.guidon.controlplane.domain.WebhookSpec;
import io.guidon.controlplane.domain.WebhookSubscription;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

/**
 * The webhooks' tables (V15): {@code webhook_subscriptions}, {@code webhook_deliveries}, {@code webhook_attempts}.
 * SQL and row mapping only; null for no row. Times that decide (due, leases, the circuit, retry windows) are the
 * database's ({@code now()}), so that replicas with skewed clocks agree.
 */
public final class WebhookRepository {

    private static final String COLUMNS = "s.id, s.url, s.description, s.event_types, s.environments, s.tags,"
            + " s.enabled, s.timeout_ms, s.version, s.disabled_reason, s.disabled_at,"
            + " CASE WHEN s.previous_secret_until > now() THEN s.previous_secret_until END AS previous_until,"
            + " s.consecutive_failures, s.circuit_open_until, s.failing_since, s.last_success_at, s.created_at,"
            + " s.updated_at";
    private static final String DELIVERY = "d.id, d.subscription_id, d.message_id, d.event_type, d.audit_id,"
            + " d.status, d.attempts, d.next_attempt_at, d.last_status, d.last_error, d.created_at, d.delivered_at,"
            + " d.failed_at, d.payload";

    private final Pool pool;

    public WebhookRepository(Pool pool) {
        this.pool = pool;
    }

    static WebhookSubscription subscription(Row r) {
        WebhookSpec spec = new WebhookSpec(r.getString("url"), r.getString("description"),
                List.of(r.getArrayOfStrings("event_types")), List.of(r.getArrayOfStrings("environments")),
                List.of(r.getArrayOfStrings("tags")), r.getBoolean("enabled"),
                Duration.ofMillis(r.getInteger("timeout_ms")));
        return new WebhookSubscription(r.getLong("id"), spec, r.getLong("version"), r.getString("disabled_reason"),
                r.getOffsetDateTime("disabled_at"), r.getOffsetDateTime("previous_until"),
                r.getInteger("consecutive_failures"), r.getOffsetDateTime("circuit_open_until"),
                r.getOffsetDateTime("failing_since"), r.getOffsetDateTime("last_success_at"),
                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"));
    }

    static WebhookDelivery delivery(Row r) {
        return new WebhookDelivery(r.getLong("id"), r.getLong("subscription_id"), r.getString("message_id"),
                r.getString("event_type"), r.getLong("audit_id"), r.getString("status"), r.getInteger("attempts"),
                r.getOffsetDateTime("next_attempt_at"), r.getInteger("last_status"), r.getString("last_error"),
                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("delivered_at"),
                r.getOffsetDateTime("failed_at"), r.getString("payload"), null);
    }

    private static Object[] values(Object first, WebhookSpec s) {
        return new Object[] {first, s.url(), s.description(), s.eventTypes().toArray(String[]::new),
            s.environments().toArray(String[]::new), s.tags().toArray(String[]::new), s.enabled(),
            (int) s.timeout().toMillis()};
    }

    // ------------------------------------------------------------------ subscriptions

    /** Inserts a subscription signing with {@code secret}. */
    public Future<WebhookSubscription> insert(SqlClient c, long tenantId, WebhookSpec spec, String secret) {
        Object[] v = Arrays.copyOf(values(tenantId, spec), 9);
        v[8] = secret;
        return Sql.one(c, "INSERT INTO webhook_subscriptions AS s (tenant_id, url, description, event_types,"
                + " environments, tags, enabled, timeout_ms, secret) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                + " RETURNING " + COLUMNS, WebhookRepository::subscription, v);
    }

    /** Those of {@code keys} that name no environment of the tenant, in their order. */
    public Future<List<String>> unknownEnvironments(SqlClient c, long tenantId, List<String> keys) {
        return Sql.list(c, "SELECT k.key FROM unnest($2::text[]) WITH ORDINALITY AS k (key, n) WHERE NOT EXISTS"
                + " (SELECT 1 FROM environments e WHERE e.tenant_id = $1 AND e.key = k.key) ORDER BY k.n",
                r -> r.getString(0), tenantId, keys.toArray(String[]::new));
    }

    /** Subscription {@code id} of the tenant (outside any transaction); null if none. */
    public Future<WebhookSubscription> find(long tenantId, long id) {
        return Sql.one(pool, "SELECT " + COLUMNS + " FROM webhook_subscriptions s WHERE s.tenant_id = $1 AND s.id = $2",
                WebhookRepository::subscription, tenantId, id);
    }

    /** Subscription {@code id} of the tenant locked with {@code lock} in {@code c}'s transaction; null if none. */
    public Future<WebhookSubscription> lock(SqlClient c, long tenantId, long id, RowLock lock) {
        return Sql.one(c, "SELECT " + COLUMNS + " FROM webhook_subscriptions s WHERE s.tenant_id = $1 AND s.id = $2"
                + lock.sql, WebhookRepository::subscription, tenantId, id);
    }

    /** A page of the tenant's subscriptions by id, after id {@code after} (null: the first page). */
    public Future<Page<WebhookSubscription>> page(long tenantId, Long after, int limit) {
        Future<Long> total = Sql.one(pool, "SELECT count(*) FROM webhook_subscriptions WHERE tenant_id = $1",
                r -> r.getLong(0), tenantId);
        Future<List<WebhookSubscription>> rows = Sql.list(pool, "SELECT " + COLUMNS + " FROM webhook_subscriptions s"
                + " WHERE s.tenant_id = $1 AND ($2::bigint IS NULL OR s.id > $2) ORDER BY s.id LIMIT $3",
                WebhookRepository::subscription, tenantId, after, limit + 1);
        return Future.all(total, rows).map(x -> Page.of(rows.result(), total.result(), limit,
                s -> Long.toString(s.id())));
    }

    /**
     * Replaces subscription {@code id}'s spec and raises its version. Enabling a disabled one clears why it was
     * disabled and closes its circuit (its endpoint gets a fresh start).
     */
    public Future<WebhookSubscription> update(SqlClient c, long id, WebhookSpec spec) {
        return Sql.one(c, "UPDATE webhook_subscriptions s SET url = $2, description = $3, event_types = $4,"
                + " environments = $5, tags = $6, timeout_ms = $8,"
                + " disabled_reason = CASE WHEN $7 THEN NULL ELSE s.disabled_reason END,"
                + " disabled_at = CASE WHEN $7 THEN NULL ELSE s.disabled_at END,"
                + " consecutive_failures = CASE WHEN $7 AND NOT s.enabled THEN 0 ELSE s.consecutive_failures END,"
                + " circuit_open_until = CASE WHEN $7 AND NOT s.enabled THEN NULL ELSE s.circuit_open_until END,"
                + " failing_since = CASE WHEN $7 AND NOT s.enabled THEN NULL ELSE s.failing_since END,"
                + " enabled = $7, version = s.version + 1, updated_at = now() WHERE s.id = $1 RETURNING " + COLUMNS,
                WebhookRepository::subscription, values(id, spec));
    }

    /**
     * Releases the deliveries subscription {@code id} held while it was disabled: every pending one due now, with a
     * new retry window (a held delivery made days ago is not given up at its first failure). Their order is kept:
     * the claim sends them per resource by id. Answers how many.
     */
    public Future<Integer> releaseHeld(SqlClient c, long id) {
        return Sql.query(c, "UPDATE webhook_deliveries SET next_attempt_at = now(), retry_from = now()"
                + " WHERE subscription_id = $1 AND status = 'pending'", id).map(rs -> rs.rowCount());
    }

    /** Deletes subscription {@code id} with its deliveries and attempts. */
    public Future<Void> delete(SqlClient c, long id) {
        return Sql.query(c, "DELETE FROM webhook_subscriptions WHERE id = $1", id).mapEmpty();
    }

    /**
     * Makes {@code secret} subscription {@code id}'s secret; the one it had signs too for {@code overlap} (none
     * when zero). Raises the version.
     */
    public Future<WebhookSubscription> rotate(SqlClient c, long id, String secret, Duration overlap) {
        return Sql.one(c, "UPDATE webhook_subscriptions s SET"
                + " previous_secret = CASE WHEN $3 > 0 THEN s.secret END,"
                + " previous_secret_until = CASE WHEN $3 > 0 THEN now() + $3 * interval '1 millisecond' END,"
                + " secret = $2, version = s.version + 1, updated_at = now() WHERE s.id = $1 RETURNING " + COLUMNS,
                WebhookRepository::subscription, id, secret, overlap.toMillis());
    }

    /** Disables subscription {@code id} for {@code reason} (the server's decision, shown until enabled again). */
    public Future<WebhookSubscription> disable(SqlClient c, long id, String reason) {
        return Sql.one(c, "UPDATE webhook_subscriptions s SET enabled = false, disabled_reason = $2,"
                + " disabled_at = now(), version = s.version + 1, updated_at = now() WHERE s.id = $1 RETURNING "
                + COLUMNS, WebhookRepository::subscription, id, reason);
    }

    // ------------------------------------------------------------------ delivery

    /** A delivery claimed for sending, with what sending it needs. */
    public record Claimed(long deliveryId, long subscriptionId, long tenantId, String messageId, String payload,
            String url, int timeoutMs, String secret, String previousSecret, int attempts, int consecutiveFailures) {
    }

    /**
     * Due deliveries to claim, locked {@code FOR UPDATE SKIP LOCKED} in {@code c}'s transaction (another replica's
     * claim in progress skips them): of enabled subscriptions whose circuit is not open and that are not in
     * {@code busy}, at most {@code perSubscription} each and {@code limit} in all, earliest due first; a delivery
     * only when no earlier one of its subscription and ordering key is pending (the order per flag), and none
     * whose lease has not ended.
     */
    public Future<List<Claimed>> due(SqlClient c, long[] busy, int perSubscription, int limit) {
        return Sql.list(c, "SELECT d.id, d.subscription_id, s.tenant_id, d.message_id, d.payload, s.url, s.timeout_ms,"
                        + " s.secret, CASE WHEN s.previous_secret_until > now() THEN s.previous_secret END AS previous,"
                        + " d.attempts, s.consecutive_failures"
                        + " FROM webhook_subscriptions s CROSS JOIN LATERAL ("
                        + "   SELECT d.* FROM webhook_deliveries d WHERE d.subscription_id = s.id"
                        + "   AND d.status = 'pending' AND d.next_attempt_at <= now()"
                        + "   AND (d.lease_until IS NULL OR d.lease_until <= now())"
                        + "   AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.subscription_id = d.subscription_id"
                        + "     AND e.ordering_key = d.ordering_key AND e.status = 'pending' AND e.id < d.id)"
                        + "   ORDER BY d.next_attempt_at, d.id LIMIT $2 FOR UPDATE SKIP LOCKED) d"
                        + " WHERE s.id IN (SELECT p.subscription_id FROM webhook_deliveries p"
                        + "   WHERE p.status = 'pending' AND p.next_attempt_at <= now())"
                        + " AND s.enabled AND (s.circuit_open_until IS NULL OR s.circuit_open_until <= now())"
                        + " AND NOT (s.id = ANY($1::bigint[])) ORDER BY d.next_attempt_at, d.id LIMIT $3",
                r -> new Claimed(r.getLong("id"), r.getLong("subscription_id"), r.getLong("tenant_id"),
                        r.getString("message_id"), r.getString("payload"), r.getString("url"),
                        r.getInteger("timeout_ms"), r.getString("secret"), r.getString("previous"),
                        r.getInteger("attempts"), r.getInteger("consecutive_failures")),
                toObjects(busy), perSubscription, limit);
    }

    private static Long[] toObjects(long[] ids) {
        return Arrays.stream(ids).boxed().toArray(Long[]::new);
    }

    /** Leases deliveries {@code ids} to claim {@code token} for {@code lease}. */
    public Future<Void> lease(SqlClient c, long[] ids, String token, Duration lease) {
        return Sql.query(c, "UPDATE webhook_deliveries SET lease_until = now() + $2 * interval '1 millisecond',"
                + " leased_by = $3 WHERE id = ANY($1::bigint[])", toObjects(ids), lease.toMillis(), token).mapEmpty();
    }

    /**
     * Holds the half-open circuits of subscriptions {@code ids} for {@code lease} (their one trial is in flight: no
     * other replica tries them meanwhile).
     */
    public Future<Void> holdCircuits(SqlClient c, long[] ids, Duration lease) {
        return Sql.query(c, "UPDATE webhook_subscriptions SET circuit_open_until = now() + $2 * interval"
                + " '1 millisecond' WHERE id = ANY($1::bigint[])", toObjects(ids), lease.toMillis()).mapEmpty();
    }

    /** A subscription's state an attempt's outcome changes, locked, with the database's time. */
    public record Health(long id, long tenantId, String tenantKey, boolean enabled, int consecutiveFailures,
            OffsetDateTime circuitOpenUntil, OffsetDateTime failingSince, OffsetDateTime lastSuccessAt,
            OffsetDateTime now) {
    }

    /** The health of subscription {@code id}, locked for the outcome's update; null when it was deleted. */
    public Future<Health> lockHealth(SqlClient c, long id) {
        return Sql.one(c, "SELECT s.id, s.tenant_id, t.key AS tenant_key, s.enabled, s.consecutive_failures,"
                + " s.circuit_open_until, s.failing_since, s.last_success_at, now() AS now FROM webhook_subscriptions s"
                + " JOIN tenants t ON t.id = s.tenant_id WHERE s.id = $1 FOR NO KEY UPDATE OF s",
                r -> new Health(r.getLong("id"), r.getLong("tenant_id"), r.getString("tenant_key"),
                        r.getBoolean("enabled"), r.getInteger("consecutive_failures"),
                        r.getOffsetDateTime("circuit_open_until"), r.getOffsetDateTime("failing_since"),
                        r.getOffsetDateTime("last_success_at"), r.getOffsetDateTime("now")), id);
    }

    /** Writes subscription {@code id}'s health after a success (closed, not failing) or a failure. */
    public Future<Void> health(SqlClient c, long id, boolean success, int failures, OffsetDateTime openUntil,
            OffsetDateTime failingSince) {
        return Sql.query(c, "UPDATE webhook_subscriptions SET consecutive_failures = $2, circuit_open_until = $3,"
                + " failing_since = $4, last_success_at = CASE WHEN $5 THEN now() ELSE last_success_at END"
                + " WHERE id = $1", id, failures, openUntil, failingSince, success).mapEmpty();
    }

    /** Records an attempt of delivery {@code deliveryId}. */
    public Future<Void> attempt(SqlClient c, long deliveryId, Integer status, String error, int latencyMs,
            String response, String replica) {
        return Sql.query(c, "INSERT INTO webhook_attempts (delivery_id, status, error, latency_ms, response, replica)"
                + " VALUES ($1, $2, $3, $4, $5, $6)", deliveryId, status, error, latencyMs, response, replica)
                .mapEmpty();
    }

    /** The retry window's start of delivery {@code id} still leased by {@code token}; null when it is not. */
    public Future<OffsetDateTime> retryFrom(SqlClient c, long id, String token) {
        return Sql.one(c, "SELECT retry_from FROM webhook_deliveries WHERE id = $1 AND leased_by = $2"
                + " AND status = 'pending' FOR NO KEY UPDATE", r -> r.getOffsetDateTime(0), id, token);
    }

    /** Delivery {@code id} delivered (after its attempts, the last answered {@code status}). */
    public Future<Void> delivered(SqlClient c, long id, int status) {
        return Sql.query(c, "UPDATE webhook_deliveries SET status = 'delivered', delivered_at = now(),"
                + " attempts = attempts + 1, last_status = $2, last_error = NULL, lease_until = NULL,"
                + " leased_by = NULL WHERE id = $1", id, status).mapEmpty();
    }

    /** Delivery {@code id} to be tried again at {@code next}; or, when {@code next} is null, given up (failed). */
    public Future<Void> failedAttempt(SqlClient c, long id, Integer status, String error, OffsetDateTime next) {
        return Sql.query(c, "UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = $2, last_error = $3,"
                + " lease_until = NULL, leased_by = NULL,"
                + " status = CASE WHEN $4::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,"
                + " failed_at = CASE WHEN $4::timestamptz IS NULL THEN now() END,"
                + " next_attempt_at = coalesce($4, next_attempt_at) WHERE id = $1", id, status, error, next)
                .mapEmpty();
    }

    // ------------------------------------------------------------------ the delivery log

    /**
     * A page of subscription {@code subscriptionId}'s deliveries, newest first, of {@code status} (null: any),
     * before id {@code before} (null: the first page).
     */
    public Future<Page<WebhookDelivery>> deliveries(long subscriptionId, String status, Long before, int limit) {
        Future<Long> total = Sql.one(pool, "SELECT count(*) FROM webhook_deliveries d WHERE d.subscription_id = $1"
                + " AND ($2::text IS NULL OR d.status = $2)", r -> r.getLong(0), subscriptionId, status);
        Future<List<WebhookDelivery>> rows = Sql.list(pool, "SELECT " + DELIVERY + " FROM webhook_deliveries d"
                + " WHERE d.subscription_id = $1 AND ($2::text IS NULL OR d.status = $2)"
                + " AND ($3::bigint IS NULL OR d.id < $3) ORDER BY d.id DESC LIMIT $4",
                WebhookRepository::delivery, subscriptionId, status, before, limit + 1);
        return Future.all(total, rows).map(x -> Page.of(rows.result(), total.result(), limit,
                d -> Long.toString(d.id())));
    }

    /** Delivery {@code id} of subscription {@code subscriptionId} with its attempts, oldest first; null if none. */
    public Future<WebhookDelivery> delivery(long subscriptionId, long id) {
        Future<WebhookDelivery> d = Sql.one(pool, "SELECT " + DELIVERY + " FROM webhook_deliveries d"
                + " WHERE d.subscription_id = $1 AND d.id = $2", WebhookRepository::delivery, subscriptionId, id);
        Future<List<WebhookDelivery.Attempt>> attempts = Sql.list(pool, "SELECT a.id, a.at, a.status, a.error,"
                + " a.latency_ms, a.response, a.replica FROM webhook_attempts a JOIN webhook_deliveries d"
                + " ON d.id = a.delivery_id WHERE d.subscription_id = $1 AND a.delivery_id = $2 ORDER BY a.id",
                r -> new WebhookDelivery.Attempt(r.getLong("id"), r.getOffsetDateTime("at"), r.getInteger("status"),
                        r.getString("error"), r.getInteger("latency_ms"), r.getString("response"),
                        r.getString("replica")), subscriptionId, id);
        return Future.all(d, attempts).map(x -> d.result() == null ? null : d.result().withAttempts(attempts.result()));
    }

    /**
     * Sends delivery {@code id} of subscription {@code subscriptionId} again, whatever its status: pending, due now,
     * with a new retry window (its webhook-id unchanged). False when there is no such delivery.
     */
    public Future<Boolean> redeliver(SqlClient c, long subscriptionId, long id) {
        return Sql.query(c, "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(),"
                + " retry_from = now(), delivered_at = NULL, failed_at = NULL, lease_until = NULL, leased_by = NULL"
                + " WHERE subscription_id = $1 AND id = $2", subscriptionId, id).map(rs -> rs.rowCount() == 1);
    }

    /**
     * Sends again every failed delivery of subscription {@code subscriptionId} made in [{@code from}, {@code to});
     * answers how many.
     */
    public Future<Integer> redeliverFailed(SqlClient c, long subscriptionId, OffsetDateTime from, OffsetDateTime to) {
        return Sql.query(c, "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(),"
                + " retry_from = now(), failed_at = NULL, lease_until = NULL, leased_by = NULL"
                + " WHERE subscription_id = $1 AND status = 'failed' AND created_at >= $2 AND created_at < $3",
                subscriptionId, from, to).map(rs -> rs.rowCount());
    }
    // ------------------------------------------------------------------ upkeep

    /**
     * Deletes at most {@code chunk} finished deliveries (delivered, or failed for good) that finished more than
     * {@code retention} ago, oldest first, with their attempts (the foreign key cascades); answers how many. Rows
     * another transaction holds (a redelivery in progress) are skipped ({@code FOR UPDATE SKIP LOCKED}), and a row
     * made pending again meanwhile is not deleted (the lock re-reads it), so a pending delivery is never lost. One
     * statement, its own transaction.
     */
    public Future<Integer> deleteFinished(Duration retention, int chunk) {
        return Sql.query(pool, "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND id IN ("
                + " SELECT id FROM webhook_deliveries WHERE status <> 'pending'"
                + " AND coalesce(delivered_at, failed_at) < now() - $1 * interval '1 millisecond'"
                + " ORDER BY coalesce(delivered_at, failed_at), id LIMIT $2 FOR UPDATE SKIP LOCKED)",
                retention.toMillis(), chunk).map(rs -> rs.rowCount());
    }

    /**
     * What the delivery metrics show, counted across every replica and tenant: deliveries due now (pending, their
     * time come, not leased by a replica, of enabled subscriptions (a disabled one's are held, not due); from the
     * partial index of pending rows, so it costs what the backlog is),
     * and endpoints whose circuit is open (no attempt is made to them now, or their one trial is in flight).
     */
    public record Backlog(long due, long openCircuits) {
    }

    /** The {@link Backlog} now (outside any transaction). */
    public Future<Backlog> backlog() {
        return Sql.one(pool, "SELECT (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'"
                + " AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until <= now())"
                + " AND subscription_id IN (SELECT id FROM webhook_subscriptions WHERE enabled)) AS due,"
                + " (SELECT count(*) FROM webhook_subscriptions WHERE circuit_open_until > now()) AS open",
                r -> new Backlog(r.getLong("due"), r.getLong("open")));
    }
}
