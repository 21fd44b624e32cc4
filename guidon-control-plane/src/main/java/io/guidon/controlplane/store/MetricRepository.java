package io.guidon.controlplane.store;

import io.guidon.controlplane.domain.Metric;
import io.guidon.controlplane.domain.MetricSpec;
import io.guidon.controlplane.domain.Page;
import io.guidon.stats.Direction;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The {@code metrics} table (V13), and which experiments use a metric ({@code experiment_metrics}). SQL and row
 * mapping only; null for no row.
 */
public final class MetricRepository {

    private static final String COLUMNS = "m.id, m.key, m.name, m.description, m.kind, m.event, m.value_source,"
            + " m.denominator_event, m.denominator_source, m.window_seconds, m.direction, m.cap_kind, m.cap_value,"
            + " m.version, m.created_at, m.updated_at";

    private final Pool pool;

    public MetricRepository(Pool pool) {
        this.pool = pool;
    }

    static Metric metric(Row r) {
        Long window = r.getLong("window_seconds");
        String capKind = r.getString("cap_kind");
        String denominatorSource = r.getString("denominator_source");
        MetricSpec spec = new MetricSpec(r.getString("key"), r.getString("name"), r.getString("description"),
                MetricSpec.Kind.valueOf(upper(r.getString("kind"))), r.getString("event"),
                MetricSpec.Source.valueOf(upper(r.getString("value_source"))), r.getString("denominator_event"),
                denominatorSource == null ? null : MetricSpec.Source.valueOf(upper(denominatorSource)),
                window == null ? null : Duration.ofSeconds(window), Direction.valueOf(upper(r.getString("direction"))),
                capKind == null ? null : new MetricSpec.Cap(MetricSpec.CapKind.valueOf(upper(capKind)),
                        r.getDouble("cap_value")));
        return new Metric(r.getLong("id"), spec, r.getLong("version"), r.getOffsetDateTime("created_at"),
                r.getOffsetDateTime("updated_at"));
    }

    private static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }

    /** The spec's columns from $2 on, in the order of INSERT and UPDATE below. */
    private static Object[] values(Object first, MetricSpec s) {
        return new Object[] {first, s.key(), s.name(), s.description(), MetricSpec.jsonName(s.kind()), s.event(),
            MetricSpec.jsonName(s.valueSource()), s.denominatorEvent(),
            s.denominatorSource() == null ? null : MetricSpec.jsonName(s.denominatorSource()),
            s.window() == null ? null : s.window().getSeconds(), MetricSpec.jsonName(s.direction()),
            s.cap() == null ? null : MetricSpec.jsonName(s.cap().kind()), s.cap() == null ? null : s.cap().value()};
    }

    /** Inserts a metric; CONFLICT when the tenant has one of that key. */
    public Future<Metric> insert(SqlClient c, long tenantId, MetricSpec spec) {
        return Sql.conflictOnDuplicate(Sql.one(c, "INSERT INTO metrics AS m (tenant_id, key, name, description, kind,"
                        + " event, value_source, denominator_event, denominator_source, window_seconds, direction,"
                        + " cap_kind, cap_value) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
                        + " RETURNING " + COLUMNS, MetricRepository::metric, values(tenantId, spec)),
                "metric '" + spec.key() + "' already exists");
    }

    /** Metric {@code key} of the tenant (outside any transaction); null if none. */
    public Future<Metric> find(long tenantId, String key) {
        return Sql.one(pool, "SELECT " + COLUMNS + " FROM metrics m WHERE m.tenant_id = $1 AND m.key = $2",
                MetricRepository::metric, tenantId, key);
    }

    /**
     * Metric {@code key} of the tenant locked with {@code lock} in {@code c}'s transaction ({@link RowLock#CHANGE} to
     * edit it, which leaves experiments free to refer to it; {@link RowLock#DELETE} to delete it); null if none.
     */
    public Future<Metric> lock(SqlClient c, long tenantId, String key, RowLock lock) {
        return Sql.one(c, "SELECT " + COLUMNS + " FROM metrics m WHERE m.tenant_id = $1 AND m.key = $2" + lock.sql,
                MetricRepository::metric, tenantId, key);
    }

    /**
     * The tenant's metrics of {@code keys}, each row share-locked ({@code FOR KEY SHARE}: a deletion waits for the
     * transaction that makes an experiment use it, then sees the use); the keys not found are absent.
     */
    public Future<List<Metric>> shareLock(SqlClient c, long tenantId, List<String> keys) {
        return Sql.list(c, "SELECT " + COLUMNS + " FROM metrics m WHERE m.tenant_id = $1 AND m.key = ANY($2::text[])"
                + " FOR KEY SHARE", MetricRepository::metric, tenantId, keys.toArray(String[]::new));
    }

    /** Replaces metric {@code id}'s definition and raises its version; answers it as stored. */
    public Future<Metric> update(SqlClient c, long id, MetricSpec spec) {
        // The key never changes (the row is locked FOR NO KEY UPDATE): $2 only confirms it.
        return Sql.one(c, "UPDATE metrics m SET name = $3, description = $4, kind = $5, event = $6,"
                        + " value_source = $7, denominator_event = $8, denominator_source = $9, window_seconds = $10,"
                        + " direction = $11, cap_kind = $12, cap_value = $13, version = m.version + 1,"
                        + " updated_at = now() WHERE m.id = $1 AND m.key = $2 RETURNING " + COLUMNS,
                MetricRepository::metric,
                values(id, spec));
    }

    /** Deletes metric {@code id} (no experiment may use it: the foreign key refuses). */
    public Future<Void> delete(SqlClient c, long id) {
        return Sql.query(c, "DELETE FROM metrics WHERE id = $1", id).mapEmpty();
    }

    /** The experiments using metric {@code id}, as {@code "<key> (<id>)"}, by id. */
    public Future<List<String>> usedBy(SqlClient c, long id) {
        return Sql.list(c, "SELECT x.key || ' (' || x.id || ')' FROM experiment_metrics em"
                + " JOIN experiments x ON x.id = em.experiment_id WHERE em.metric_id = $1 ORDER BY x.id",
                r -> r.getString(0), id);
    }

    /**
     * Raises the version of every experiment using metric {@code id} (their results depend on it and are recomputed
     * on a version change); answers their ids.
     */
    public Future<List<Long>> bumpExperimentsUsing(SqlClient c, long id) {
        return Sql.list(c, "UPDATE experiments x SET version = x.version + 1, updated_at = now()"
                + " FROM experiment_metrics em WHERE em.experiment_id = x.id AND em.metric_id = $1 RETURNING x.id",
                r -> r.getLong(0), id);
    }

    /** A page of the tenant's metrics by key (byte order), after key {@code after} (null: the first page). */
    public Future<Page<Metric>> page(long tenantId, String after, int limit) {
        Future<Long> total = Sql.one(pool, "SELECT count(*) FROM metrics m WHERE m.tenant_id = $1",
                r -> r.getLong(0), tenantId);
        Future<List<Metric>> rows = Sql.list(pool, "SELECT " + COLUMNS + " FROM metrics m WHERE m.tenant_id = $1"
                + " AND ($2::text IS NULL OR m.key COLLATE \"C\" > $2) ORDER BY m.key COLLATE \"C\" LIMIT $3",
                MetricRepository::metric, tenantId, after, limit + 1);
        return Future.all(total, rows).map(x -> Page.of(rows.result(), total.result(), limit, Metric::key));
    }
}
