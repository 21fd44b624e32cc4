package io.guidon.controlplane.events;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.guidon.controlplane.ControlPlaneConfig;
import io.guidon.controlplane.store.Sql;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the monthly partitions of the raw event tables (ADR 0107): creates every month's partition from the month of
 * the oldest accepted event ({@code events.max-event-age} ago) to {@code events.partitions-ahead} months after the
 * current one, and drops those of months {@code events.retention-months} or more before the current one. Then it
 * removes day totals older than {@code events.totals-retention-months} and batch ids too old to be retried, and
 * folds the stripes of past days' totals into one row each (see {@code flag_daily_totals}).
 *
 * <p>Runs at start (before the server accepts batches), every {@code events.maintenance-interval}, and when a batch
 * met a missing partition. The partition changes run in one transaction under a PostgreSQL advisory lock, so
 * replicas doing it at the same moment take turns (the second finds the work done); {@code IF NOT EXISTS} and
 * {@code IF EXISTS} make a repeated run a no-op. Calls while a run is in progress share it. Months are UTC.
 */
public final class EventPartitions {

    private static final Logger LOG = LoggerFactory.getLogger(EventPartitions.class);
    /** The raw event tables, each partitioned by month on its time column. */
    static final List<String> TABLES = List.of("flag_evaluation_counts", "flag_exposures", "conversion_events");
    /** The partitions this class makes; any other partition of the tables is left alone. */
    private static final Pattern PARTITION = Pattern.compile("([a-z_]+)_p(\\d{4})(0[1-9]|1[0-2])");
    /** pg_advisory_xact_lock key of the partition changes ("guidon-events" in ASCII, shortened). */
    private static final long LOCK_KEY = 0x6775_6964_6f6e_6576L;
    /** Rows deleted per statement when pruning, so no statement runs long. */
    private static final int DELETE_CHUNK = 10_000;

    /** What a run did. */
    public record Report(List<String> created, List<String> dropped, long totalsDeleted, long batchesForgotten,
            long stripesFolded) {
    }

    private final Pool pool;
    private final ControlPlaneConfig.Events config;
    private final Clock clock;
    private final AtomicReference<Future<Report>> running = new AtomicReference<>();
    private final Counter succeeded;
    private final Counter failed;

    public EventPartitions(Pool pool, ControlPlaneConfig.Events config, Clock clock, MeterRegistry registry) {
        this.pool = pool;
        this.config = config;
        this.clock = clock;
        this.succeeded = Counter.builder("guidon.events.maintenance").tag("result", "ok")
                .description("Runs of event partition maintenance").register(registry);
        this.failed = Counter.builder("guidon.events.maintenance").tag("result", "failed")
                .description("Runs of event partition maintenance").register(registry);
    }

    /** Runs {@link #maintain} every {@code events.maintenance-interval} on {@code vertx}; failures are logged. */
    public long schedule(Vertx vertx) {
        return vertx.setPeriodic(config.maintenanceInterval().toMillis(), id -> maintain());
    }

    /** One run (or the one in progress). */
    public Future<Report> maintain() {
        Promise<Report> promise = Promise.promise();
        Future<Report> mine = promise.future();
        Future<Report> current = running.compareAndExchange(null, mine);
        if (current != null) {
            return current;
        }
        run().onComplete(ar -> {
            running.set(null);
            if (ar.succeeded()) {
                succeeded.increment();
                Report r = ar.result();
                if (!r.created().isEmpty() || !r.dropped().isEmpty() || r.totalsDeleted() > 0
                        || r.batchesForgotten() > 0) {
                    LOG.info("event partitions maintained", kv("created", r.created()), kv("dropped", r.dropped()),
                            kv("totalsDeleted", r.totalsDeleted()), kv("batchesForgotten", r.batchesForgotten()),
                            kv("stripesFolded", r.stripesFolded()));
                }
                promise.complete(r);
            } else {
                failed.increment();
                LOG.error("event partition maintenance failed: {}", ar.cause().toString());
                promise.fail(ar.cause());
            }
        });
        return mine;
    }

    private Future<Report> run() {
        Instant now = clock.instant();
        YearMonth current = YearMonth.from(now.atOffset(ZoneOffset.UTC));
        YearMonth first = YearMonth.from(now.minus(config.maxEventAge()).atOffset(ZoneOffset.UTC));
        YearMonth last = current.plusMonths(config.partitionsAhead());
        YearMonth keepFrom = current.minusMonths(config.retentionMonths());
        List<String> created = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        return pool.withTransaction(c -> Sql.query(c, "SELECT pg_advisory_xact_lock($1)", LOCK_KEY)
                        .compose(x -> existing(c))
                        .compose(existing -> {
                            Future<?> chain = Future.succeededFuture();
                            for (String table : TABLES) {
                                for (YearMonth m = first; !m.isAfter(last); m = m.plusMonths(1)) {
                                    String name = name(table, m);
                                    if (!existing.contains(name)) {
                                        YearMonth month = m;
                                        chain = chain.compose(v -> ddl(c, "CREATE TABLE IF NOT EXISTS " + name
                                                + " PARTITION OF " + table + " FOR VALUES FROM ('" + start(month)
                                                + "') TO ('" + start(month.plusMonths(1)) + "')"))
                                                .onSuccess(v -> created.add(name));
                                    }
                                }
                            }
                            for (String name : existing) {
                                Matcher m = PARTITION.matcher(name);
                                if (m.matches() && YearMonth.of(Integer.parseInt(m.group(2)),
                                        Integer.parseInt(m.group(3))).isBefore(keepFrom)) {
                                    chain = chain.compose(v -> ddl(c, "DROP TABLE IF EXISTS " + name))
                                            .onSuccess(v -> dropped.add(name));
                                }
                            }
                            return chain;
                        }))
                .compose(x -> config.totalsRetentionMonths() == 0 ? Future.succeededFuture(0L)
                        : prune("flag_daily_totals", "day",
                                LocalDate.of(current.getYear(), current.getMonth(), 1)
                                        .minusMonths(config.totalsRetentionMonths()), 0))
                .compose(totals -> prune("event_batches", "received_at",
                        now.minus(config.maxEventAge()).minus(config.maxClockSkew()).atOffset(ZoneOffset.UTC), 0)
                        .compose(batches -> fold(LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(1))
                                .map(folded -> new Report(List.copyOf(created), List.copyOf(dropped), totals, batches,
                                        folded))));
    }

    /**
     * Folds the stripes of the day totals before {@code before} (days that are over, with a day's margin for late
     * batches) into stripe 0, in one statement: rows a batch updates meanwhile are folded with their new values, and
     * a row a batch adds later is folded by a later run. The number of stripe rows folded.
     */
    private Future<Long> fold(LocalDate before) {
        return Sql.query(pool, "WITH folded AS (DELETE FROM flag_daily_totals WHERE stripe > 0 AND day < $1"
                        + " RETURNING tenant_id, environment_id, flag, day, variant, evaluations, exposures),"
                        + " merged AS (INSERT INTO flag_daily_totals (tenant_id, environment_id, flag, day, variant, stripe,"
                        + " evaluations, exposures) SELECT tenant_id, environment_id, flag, day, variant, 0,"
                        + " sum(evaluations), sum(exposures) FROM folded"
                        + " GROUP BY tenant_id, environment_id, flag, day, variant"
                        + " ON CONFLICT (environment_id, flag, day, variant, stripe) DO UPDATE SET"
                        + " evaluations = flag_daily_totals.evaluations + EXCLUDED.evaluations,"
                        + " exposures = flag_daily_totals.exposures + EXCLUDED.exposures RETURNING 1)"
                        + " SELECT count(*) FROM folded", before)
                .map(rs -> rs.iterator().next().getLong(0));
    }

    /** The partitions of the event tables that exist now, by name. */
    private static Future<Set<String>> existing(SqlConnection c) {
        StringBuilder parents = new StringBuilder();
        for (String t : TABLES) {
            parents.append(parents.isEmpty() ? "" : ", ").append('\'').append(t).append("'::regclass");
        }
        return Sql.list(c, "SELECT child.relname FROM pg_inherits i JOIN pg_class child ON child.oid = i.inhrelid"
                + " WHERE i.inhparent IN (" + parents + ")", (Row r) -> r.getString(0))
                .map(TreeSet::new);
    }

    private static Future<?> ddl(SqlConnection c, String sql) {
        return c.query(sql).execute();
    }

    /** Deletes rows whose {@code column} is before {@code before}, a chunk per statement; the number deleted. */
    private Future<Long> prune(String table, String column, Object before, long deletedSoFar) {
        return Sql.query(pool, "DELETE FROM " + table + " WHERE ctid = ANY (ARRAY(SELECT ctid FROM " + table
                        + " WHERE " + column + " < $1 LIMIT " + DELETE_CHUNK + "))", before)
                .compose(rs -> rs.rowCount() < DELETE_CHUNK ? Future.succeededFuture(deletedSoFar + rs.rowCount())
                        : prune(table, column, before, deletedSoFar + rs.rowCount()));
    }

    /** The partition of {@code table} for {@code month}: {@code flag_exposures_p202611}. */
    static String name(String table, YearMonth month) {
        return String.format("%s_p%04d%02d", table, month.getYear(), month.getMonthValue());
    }

    /** A month's first instant as a PostgreSQL timestamptz literal. */
    private static String start(YearMonth month) {
        return OffsetDateTime.of(month.getYear(), month.getMonthValue(), 1, 0, 0, 0, 0, ZoneOffset.UTC).toLocalDateTime()
                + "+00";
    }
}
