package io.guidon.controlplane.events;

import io.guidon.controlplane.store.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link EventOutbox} on PostgreSQL ({@code event_outbox} of {@code V16__event_outbox_and_export.sql}). A round is
 * one transaction: {@code pg_try_advisory_xact_lock} (a replica that does not get it skips the round: one forwarder
 * at a time keeps the stored order), the oldest rows by {@code seq}, the publisher, then their delete and the
 * commit. A replica dying mid-round rolls back: the rows wait for the next round (they may then reach Kafka twice).
 * The transaction stays open while Kafka confirms, so it lifts this session's idle-in-transaction timeout to
 * {@code idleAllowance} for the round.
 */
public final class PgEventOutbox implements EventOutbox {

    /** pg_advisory_xact_lock key of the forwarding rounds ("guidon-kafka" in ASCII, shortened). */
    private static final long LOCK_KEY = 0x6775_6964_6b61_666bL;
    private static final String OLDEST = "SELECT seq, tenant_id, tenant_key, environment_id, environment_key,"
            + " stored_at, payload FROM event_outbox ORDER BY seq LIMIT $1";
    private static final String DELETE = "DELETE FROM event_outbox WHERE seq = ANY($1)";
    private static final String LAG = "SELECT count(*), coalesce(sum(events), 0),"
            + " coalesce(extract(epoch FROM now() - min(stored_at)), 0) FROM event_outbox";

    private final Pool pool;
    private final Duration idleAllowance;

    /** @param idleAllowance how long a round may wait for Kafka with its transaction open (the delivery timeout and some) */
    public PgEventOutbox(Pool pool, Duration idleAllowance) {
        this.pool = pool;
        this.idleAllowance = idleAllowance;
    }

    @Override
    public int forwardOldest(int maxBatches, Publish publish) {
        SqlConnection c = Future.await(pool.getConnection());
        try {
            Transaction tx = Future.await(c.begin());
            try {
                boolean locked = Future.await(Sql.one(c, "SELECT pg_try_advisory_xact_lock($1)", r -> r.getBoolean(0),
                        LOCK_KEY));
                if (!locked) {
                    return -1;
                }
                Future.await(c.query("SET LOCAL idle_in_transaction_session_timeout = " + idleAllowance.toMillis())
                        .execute());
                List<Pending> batches = Future.await(Sql.list(c, OLDEST, PgEventOutbox::pending, maxBatches));
                if (batches.isEmpty()) {
                    return 0;
                }
                publish.publish(batches);
                Long[] seqs = new Long[batches.size()];
                for (int i = 0; i < seqs.length; i++) {
                    seqs[i] = batches.get(i).seq();
                }
                Future.await(Sql.query(c, DELETE, (Object) seqs));
                Future.await(tx.commit());
                return batches.size();
            } finally {
                // A no-op after the commit; the end of a round that failed or found nothing.
                Future.await(tx.rollback().otherwiseEmpty());
            }
        } finally {
            c.close();
        }
    }

    private static Pending pending(Row r) {
        return new Pending(r.getLong("seq"), new EventSource(r.getLong("tenant_id"), r.getString("tenant_key"),
                r.getLong("environment_id"), r.getString("environment_key")),
                r.getOffsetDateTime("stored_at").toInstant(), OutboxPayload.read(r.getBuffer("payload").getBytes()));
    }

    @Override
    public Lag lag() {
        return Future.await(Sql.one(pool, LAG, r -> new Lag(r.getLong(0), r.getLong(1),
                Duration.ofMillis(Math.round(r.getNumeric(2).doubleValue() * 1000)))));
    }
}
