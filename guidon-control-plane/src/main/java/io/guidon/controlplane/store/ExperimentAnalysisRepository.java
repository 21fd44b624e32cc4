package io.guidon.controlplane.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.domain.AnalysisPlan;
import io.guidon.controlplane.domain.AnalysisSums;
import io.guidon.controlplane.domain.ExperimentSnapshot;
import io.guidon.controlplane.domain.ExperimentUser;
import io.guidon.controlplane.domain.StoredJson;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The analysis of an experiment in PostgreSQL (docs/adr/0119-experiment-results.md): its definition read into an
 * {@link AnalysisPlan}, the one statement that turns its exposures and conversions into per-variant sums
 * ({@link #analyze}), the per-user table behind it ({@link #streamUsers}) and the stored snapshots
 * ({@code experiment_snapshots}, V13). SQL and row mapping only; null for no row.
 */
public final class ExperimentAnalysisRepository {

    /** pg_advisory_xact_lock's first key of the results' computations ("EXPR"); the second is the experiment id. */
    static final int LOCK_CLASS = 0x45585052;
    /**
     * The analysis' own statement timeout: it reads every exposure and conversion of the experiment (10 million of
     * each take seconds), far beyond the admin statements' {@code database.statement-timeout}.
     */
    public static final String ANALYSIS_TIMEOUT = "300s";
    /**
     * Memory per sort or hash of the analysis (hash tables may use twice this, hash_mem_multiplier): the grouping by
     * user holds one row per user; with less it spills to disk in batches (measured in benchmarks/RESULTS.md).
     */
    static final String ANALYSIS_WORK_MEM = "256MB";
    /** Rows per round trip of the per-user table. */
    public static final int FETCH = 2_000;

    private static final String PLAN = "SELECT e.id, e.tenant_id, e.key, e.name, e.version, e.environment_id,"
            + " e.environment_key, e.flag_key, e.control_variant, e.variants::text AS variants, e.method, e.sequential,"
            + " e.alpha, e.power, e.minimum_detectable_effect, e.correction, e.cuped_seconds, e.status, e.start_at,"
            + " e.end_at FROM experiments e WHERE e.id = $1 AND e.tenant_id = $2";
    private static final String METRICS = "SELECT m.id, m.key, m.name, em.role, m.kind, m.event, m.value_source,"
            + " m.denominator_event, m.denominator_source, m.window_seconds, m.direction, m.cap_kind, m.cap_value,"
            + " m.version FROM experiment_metrics em JOIN metrics m ON m.id = em.metric_id"
            + " WHERE em.experiment_id = $1"
            + " ORDER BY CASE em.role WHEN 'primary' THEN 0 WHEN 'secondary' THEN 1 ELSE 2 END, em.position, m.key";
    private static final String SNAPSHOT_COLUMNS = "day, as_of, computed_at, experiment_version, duration_ms,"
            + " stats::text AS stats";

    private final Pool pool;

    public ExperimentAnalysisRepository(Pool pool) {
        this.pool = pool;
    }

    /** The pool the reads outside a transaction use. */
    public Pool pool() {
        return pool;
    }

    /** The experiment {@code id} of tenant {@code tenantId} with its metrics, or null when the tenant has none such. */
    public Future<AnalysisPlan> plan(SqlClient c, long tenantId, long id) {
        return Sql.one(c, PLAN, r -> r, id, tenantId).compose(e -> e == null ? Future.succeededFuture(null)
                : Sql.list(c, METRICS, ExperimentAnalysisRepository::metric, id).map(ms -> plan(e, ms)));
    }

    private static AnalysisPlan plan(Row r, List<AnalysisPlan.Metric> metrics) {
        List<AnalysisPlan.Arm> arms = new ArrayList<>();
        JsonNode variants = read(r.getString("variants"));
        for (JsonNode v : variants) {
            arms.add(new AnalysisPlan.Arm(v.path("key").asText(), v.path("weight").asDouble()));
        }
        return new AnalysisPlan(r.getLong("id"), r.getLong("tenant_id"), r.getString("key"), r.getString("name"),
                r.getLong("version"), r.getLong("environment_id"), r.getString("environment_key"),
                r.getString("flag_key"), r.getString("control_variant"), arms, "bayesian".equals(r.getString("method")),
                r.getBoolean("sequential"), r.getDouble("alpha"), r.getDouble("power"),
                r.getDouble("minimum_detectable_effect"), r.getString("correction"), r.getLong("cuped_seconds"),
                r.getString("status"), r.getOffsetDateTime("start_at"), r.getOffsetDateTime("end_at"), metrics);
    }

    private static AnalysisPlan.Metric metric(Row r) {
        return new AnalysisPlan.Metric(r.getLong("id"), r.getString("key"), r.getString("name"),
                AnalysisPlan.Role.valueOf(r.getString("role").toUpperCase(java.util.Locale.ROOT)),
                AnalysisPlan.Kind.valueOf(r.getString("kind").toUpperCase(java.util.Locale.ROOT)),
                r.getString("event"), "value".equals(r.getString("value_source")), r.getString("denominator_event"),
                "value".equals(r.getString("denominator_source")), r.getLong("window_seconds"),
                "higher_is_better".equals(r.getString("direction")), r.getString("cap_kind"),
                r.getDouble("cap_value"), r.getLong("version"));
    }

    private static JsonNode read(String json) {
        try {
            return StoredJson.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a stored JSON column does not parse", e);
        }
    }

    /**
     * Waits for this transaction's hold of the experiment's computation lock: one computation per experiment at a
     * time across replicas (released at commit or rollback).
     */
    public Future<Void> lock(SqlConnection c, long experimentId) {
        return Sql.query(c, "SELECT pg_advisory_xact_lock($1, $2)", LOCK_CLASS, lockKey(experimentId)).mapEmpty();
    }

    /** Takes the experiment's computation lock if it is free; whether it did (held until this transaction ends). */
    public Future<Boolean> tryLock(SqlConnection c, long experimentId) {
        return Sql.one(c, "SELECT pg_try_advisory_xact_lock($1, $2)", r -> r.getBoolean(0), LOCK_CLASS,
                lockKey(experimentId));
    }

    /**
     * Takes the lock of the experiment's daily snapshots if it is free (another class than the state's: a day's
     * computation reads only raw events, and a fold need not wait for it); whether it did.
     */
    public Future<Boolean> tryLockDaily(SqlConnection c, long experimentId) {
        return Sql.one(c, "SELECT pg_try_advisory_xact_lock($1, $2)", r -> r.getBoolean(0), DAILY_LOCK_CLASS,
                lockKey(experimentId));
    }

    /** pg_advisory_xact_lock's first key of the daily snapshots' computations ("EXPD"). */
    static final int DAILY_LOCK_CLASS = 0x45585044;

    private static int lockKey(long experimentId) {
        // Two experiments whose ids agree modulo 2³¹ share a lock: they then compute one after the other, no worse.
        return (int) (experimentId % Integer.MAX_VALUE);
    }

    /** The database's clock, read now (not at the transaction's start). */
    public Future<OffsetDateTime> clock(SqlClient c) {
        return Sql.one(c, "SELECT clock_timestamp() AS t", r -> r.getOffsetDateTime("t"));
    }

    /**
     * The sums of {@code plan}'s metrics as of {@code asOf} (see {@link AnalysisQuery}), in one statement run in the
     * caller's transaction with the analysis' own settings ({@code SET LOCAL}: statement timeout, memory, parallel
     * workers).
     */
    public Future<AnalysisSums> analyze(SqlConnection c, AnalysisPlan plan, OffsetDateTime asOf) {
        AnalysisQuery q = AnalysisQuery.sums(plan, asOf);
        return settings(c).compose(x -> c.preparedQuery(q.sql()).execute(Tuple.from(q.args())))
                .map(rows -> q.read(rows, plan));
    }

    private static Future<Void> settings(SqlConnection c) {
        // Parallel workers share the scans of the partitions and the hash join; the grouping by user is the costly
        // step and needs memory to stay in one pass.
        return c.query("SET LOCAL statement_timeout = '" + ANALYSIS_TIMEOUT + "'").execute()
                .compose(x -> c.query("SET LOCAL work_mem = '" + ANALYSIS_WORK_MEM + "'").execute())
                .compose(x -> c.query("SET LOCAL max_parallel_workers_per_gather = 2").execute())
                .mapEmpty();
    }

    /**
     * Streams the per-user table of {@code plan} as of {@code asOf} through a cursor of {@link #FETCH} rows: memory
     * stays bounded whatever the number of users. The columns after the first exposure are
     * {@link AnalysisQuery#userColumns(AnalysisPlan)}. Must run on a Vert.x virtual thread (each fetch is awaited).
     *
     * @return the users written
     */
    public long streamUsers(AnalysisPlan plan, OffsetDateTime asOf, ExperimentUser.Sink sink) {
        AnalysisQuery q = AnalysisQuery.users(plan, asOf);
        int columns = AnalysisQuery.userColumns(plan).size();
        return CursorReads.stream(pool, ExperimentAnalysisRepository::settings, q.sql(), Tuple.from(q.args()), FETCH,
                r -> {
                    List<Double> values = new ArrayList<>(columns);
                    for (int i = 0; i < columns; i++) {
                        values.add(r.getDouble(3 + i));
                    }
                    return new ExperimentUser(r.getString(0), r.getString(1), r.getOffsetDateTime(2), values);
                }, sink::accept);
    }

    /**
     * The per-user table's columns after the targeting key, variant and first exposure: per metric its key, then
     * {@code <key>.denominator} for a ratio and {@code <key>.pre} (CUPED's pre-exposure amount) when it has one.
     */
    public static List<String> userColumns(AnalysisPlan plan) {
        return AnalysisQuery.userColumns(plan);
    }

    /** The experiment's current snapshot, or null. */
    public Future<ExperimentSnapshot> current(SqlClient c, long experimentId) {
        return Sql.one(c, "SELECT " + SNAPSHOT_COLUMNS + " FROM experiment_snapshots"
                + " WHERE experiment_id = $1 AND day IS NULL", ExperimentAnalysisRepository::snapshot, experimentId);
    }

    /** The experiment's daily snapshots, by day. */
    public Future<List<ExperimentSnapshot>> daily(SqlClient c, long experimentId) {
        return Sql.list(c, "SELECT " + SNAPSHOT_COLUMNS + " FROM experiment_snapshots"
                + " WHERE experiment_id = $1 AND day IS NOT NULL ORDER BY day", ExperimentAnalysisRepository::snapshot,
                experimentId);
    }

    /** Stores a snapshot, replacing the experiment's current one ({@code day} null) or that day's. */
    public Future<ExperimentSnapshot> save(SqlClient c, long experimentId, LocalDate day, OffsetDateTime asOf,
            long experimentVersion, long durationMs, AnalysisSums sums) {
        String conflict = day == null ? "(experiment_id) WHERE day IS NULL" : "(experiment_id, day) WHERE day IS NOT NULL";
        return Sql.one(c, "INSERT INTO experiment_snapshots (experiment_id, day, as_of, experiment_version,"
                + " duration_ms, stats) VALUES ($1, $2::date, $3, $4, $5, $6::text::jsonb) ON CONFLICT " + conflict
                + " DO UPDATE SET as_of = excluded.as_of, computed_at = now(),"
                + " experiment_version = excluded.experiment_version, duration_ms = excluded.duration_ms,"
                + " stats = excluded.stats RETURNING " + SNAPSHOT_COLUMNS, ExperimentAnalysisRepository::snapshot,
                experimentId, day, asOf, experimentVersion, durationMs, sums.toJson().toString());
    }

    private static ExperimentSnapshot snapshot(Row r) {
        return new ExperimentSnapshot(r.getLocalDate("day"), r.getOffsetDateTime("as_of"),
                r.getOffsetDateTime("computed_at"), r.getLong("experiment_version"), r.getLong("duration_ms"),
                AnalysisSums.fromJson(read(r.getString("stats"))));
    }

    /**
     * An experiment whose stored results the replicas keep up to date: running, or stopped; with its tenant.
     *
     * @param now the database's clock
     */
    public record Tracked(long id, long tenantId, OffsetDateTime now) {
    }

    /** The started experiments (running or stopped), oldest first. */
    public Future<List<Tracked>> tracked(SqlClient c) {
        return Sql.list(c, "SELECT id, tenant_id, now() AS now FROM experiments"
                + " WHERE status IN ('running', 'stopped') AND start_at IS NOT NULL ORDER BY id",
                r -> new Tracked(r.getLong("id"), r.getLong("tenant_id"), r.getOffsetDateTime("now")));
    }

    /** Per day, the experiment version of each stored daily snapshot of the experiment. */
    public Future<Map<LocalDate, String>> dailyDefinitions(SqlClient c, long experimentId) {
        return Sql.list(c, "SELECT day, stats->>'definition' AS definition FROM experiment_snapshots"
                + " WHERE experiment_id = $1 AND day IS NOT NULL", r -> Map.entry(r.getLocalDate("day"),
                String.valueOf(r.getString("definition"))), experimentId).map(list -> {
                    Map<LocalDate, String> out = new LinkedHashMap<>();
                    list.forEach(e -> out.put(e.getKey(), e.getValue()));
                    return out;
                });
    }
}
