package io.guidon.controlplane.events;

import io.guidon.controlplane.store.Sql;
import io.guidon.protocol.events.EventBatch;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@link BatchStore} and {@link DailyTotals} on PostgreSQL (tables of {@code V2__events.sql}). A batch is a handful
 * of statements in one transaction whatever its size: the batch row first ({@code ON CONFLICT DO NOTHING} on its
 * primary key is the dedupe, and a concurrent insert of the same id waits on that key until the first commits),
 * then one {@code INSERT ... SELECT FROM unnest(arrays)} per kind of event, and one upsert of the day totals,
 * aggregated per batch and sent in one fixed order ({@link DayTotal#of}), so that concurrent batches
 * lock total rows in the same order and cannot deadlock. Each batch adds its totals to one stripe, picked at random, of the rows of its flags, so
 * that concurrent batches of one environment rarely wait for each other's commit (ADR 0106); reads sum the
 * stripes.
 */
public final class PgEventStore implements BatchStore, DailyTotals {

    private static final String INSERT_BATCH = "INSERT INTO event_batches (tenant_id, environment_id, batch_id,"
            + " sidecar_id, created_at, events) VALUES ($1, $2, $3, $4, $5, $6)"
            + " ON CONFLICT (environment_id, batch_id) DO NOTHING RETURNING events";
    private static final String STORED_BATCH = "SELECT events FROM event_batches WHERE environment_id = $1"
            + " AND batch_id = $2";
    // Each event keeps its position in its batch (ordinal, from 0): the export's tiebreak and Kafka's dedupe key.
    private static final String INSERT_COUNTS = "INSERT INTO flag_evaluation_counts (tenant_id, environment_id,"
            + " batch_id, minute, flag, variant, count, ordinal) SELECT $1, $2, $3, u.a, u.b, u.c, u.d, u.n - 1 FROM"
            + " unnest($4::timestamptz[], $5::text[], $6::text[], $7::bigint[]) WITH ORDINALITY AS u (a, b, c, d, n)";
    private static final String INSERT_EXPOSURES = "INSERT INTO flag_exposures (tenant_id, environment_id, batch_id,"
            + " occurred_at, flag, variant, targeting_key, ordinal) SELECT $1, $2, $3, u.a, u.b, u.c, u.d, u.n - 1"
            + " FROM unnest($4::timestamptz[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY"
            + " AS u (a, b, c, d, n)";
    private static final String INSERT_CONVERSIONS = "INSERT INTO conversion_events (tenant_id, environment_id,"
            + " batch_id, occurred_at, targeting_key, event, value, ordinal) SELECT $1, $2, $3, u.a, u.b, u.c, u.d,"
            + " u.n - 1 FROM unnest($4::timestamptz[], $5::text[], $6::text[], $7::float8[]) WITH ORDINALITY"
            + " AS u (a, b, c, d, n)";
    private static final String INSERT_OUTBOX = "INSERT INTO event_outbox (tenant_id, environment_id, tenant_key,"
            + " environment_key, batch_id, events, payload) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    private static final String UPSERT_TOTALS = "INSERT INTO flag_daily_totals (tenant_id, environment_id, stripe, flag,"
            + " day, variant, evaluations, exposures) SELECT $1, $2, $3, u.* FROM unnest($4::text[], $5::date[],"
            + " $6::text[], $7::bigint[], $8::bigint[]) AS u ON CONFLICT (environment_id, flag, day, variant, stripe)"
            + " DO UPDATE SET"
            + " evaluations = flag_daily_totals.evaluations + EXCLUDED.evaluations,"
            + " exposures = flag_daily_totals.exposures + EXCLUDED.exposures";
    private static final String DAILY = "SELECT day, variant, sum(evaluations)::bigint AS evaluations,"
            + " sum(exposures)::bigint AS exposures FROM flag_daily_totals WHERE environment_id = $1 AND flag = $2"
            + " AND day BETWEEN $3 AND $4 GROUP BY day, variant ORDER BY day, variant COLLATE \"C\"";

    private final Pool pool;
    private final int stripes;

    /** @param stripes rows per flag, variant and day over which batches spread their totals (at least 1) */
    public PgEventStore(Pool pool, int stripes) {
        this.pool = pool;
        this.stripes = stripes;
    }

    @Override
    public Future<Outcome> store(EventSource source, EventBatch batch, byte[] outbox) {
        long tenantId = source.tenantId();
        long environmentId = source.environmentId();
        return pool.withTransaction(c -> Sql.one(c, INSERT_BATCH, r -> r.getInteger(0), tenantId, environmentId,
                        batch.batchId(), batch.sidecarId(), utc(batch.createdAt()), batch.events())
                .compose(inserted -> inserted == null
                        ? Sql.one(c, STORED_BATCH, r -> new Outcome(true, r.getInteger(0)), environmentId,
                                batch.batchId())
                        : events(c, tenantId, environmentId, batch, (short) ThreadLocalRandom.current().nextInt(stripes))
                                .compose(x -> outbox == null ? Future.succeededFuture()
                                        : Sql.query(c, INSERT_OUTBOX, tenantId, environmentId, source.tenantKey(),
                                                source.environmentKey(), batch.batchId(), batch.events(),
                                                io.vertx.core.buffer.Buffer.buffer(outbox)))
                                .map(x -> new Outcome(false, batch.events()))))
                .recover(e -> Future.failedFuture(noPartition(e)
                        ? new MissingPartition("no partition for the time of an event of batch " + batch.batchId()
                                + ": " + e.getMessage(), e) : e));
    }

    /** PostgreSQL's "no partition of relation ... found for row" (a check violation). */
    private static boolean noPartition(Throwable e) {
        return e instanceof PgException pg && "23514".equals(pg.getSqlState()) && pg.getMessage() != null
                && pg.getMessage().contains("no partition");
    }

    private static Future<?> events(SqlConnection c, long tenantId, long environmentId, EventBatch batch,
            short stripe) {
        List<Future<?>> writes = new ArrayList<>(4);
        List<EventBatch.Count> counts = batch.counts();
        if (!counts.isEmpty()) {
            int n = counts.size();
            OffsetDateTime[] minutes = new OffsetDateTime[n];
            String[] flags = new String[n];
            String[] variants = new String[n];
            Long[] values = new Long[n];
            for (int i = 0; i < n; i++) {
                EventBatch.Count x = counts.get(i);
                minutes[i] = utc(x.minute());
                flags[i] = x.flag();
                variants[i] = x.variant();
                values[i] = x.count();
            }
            writes.add(Sql.query(c, INSERT_COUNTS, tenantId, environmentId, batch.batchId(), minutes, flags, variants,
                    values));
        }
        List<EventBatch.Exposure> exposures = batch.exposures();
        if (!exposures.isEmpty()) {
            int n = exposures.size();
            OffsetDateTime[] times = new OffsetDateTime[n];
            String[] flags = new String[n];
            String[] variants = new String[n];
            String[] keys = new String[n];
            for (int i = 0; i < n; i++) {
                EventBatch.Exposure x = exposures.get(i);
                times[i] = utc(x.timestamp());
                flags[i] = x.flag();
                variants[i] = x.variant();
                keys[i] = x.targetingKey();
            }
            writes.add(Sql.query(c, INSERT_EXPOSURES, tenantId, environmentId, batch.batchId(), times, flags, variants,
                    keys));
        }
        List<EventBatch.Conversion> conversions = batch.conversions();
        if (!conversions.isEmpty()) {
            int n = conversions.size();
            OffsetDateTime[] times = new OffsetDateTime[n];
            String[] keys = new String[n];
            String[] names = new String[n];
            Double[] values = new Double[n];
            for (int i = 0; i < n; i++) {
                EventBatch.Conversion x = conversions.get(i);
                times[i] = utc(x.timestamp());
                keys[i] = x.targetingKey();
                names[i] = x.event();
                values[i] = x.value();
            }
            writes.add(Sql.query(c, INSERT_CONVERSIONS, tenantId, environmentId, batch.batchId(), times, keys, names,
                    values));
        }
        List<DayTotal> totals = DayTotal.of(batch);
        if (!totals.isEmpty()) {
            int n = totals.size();
            String[] flags = new String[n];
            LocalDate[] days = new LocalDate[n];
            String[] variants = new String[n];
            Long[] evaluations = new Long[n];
            Long[] exposed = new Long[n];
            for (int i = 0; i < n; i++) {
                DayTotal t = totals.get(i);
                flags[i] = t.flag();
                days[i] = t.day();
                variants[i] = t.variant();
                evaluations[i] = t.evaluations();
                exposed[i] = t.exposures();
            }
            writes.add(Sql.query(c, UPSERT_TOTALS, tenantId, environmentId, stripe, flags, days, variants, evaluations,
                    exposed));
        }
        return Future.all(writes);
    }

    private static OffsetDateTime utc(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }

    @Override
    public Future<List<Day>> daily(long environmentId, String flag, LocalDate from, LocalDate to) {
        return Sql.list(pool, DAILY, r -> new Day(r.getLocalDate("day"), r.getString("variant"),
                r.getLong("evaluations"), r.getLong("exposures")), environmentId, flag, from, to);
    }
}
