package io.guidon.controlplane.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.domain.Experiment;
import io.guidon.controlplane.domain.ExperimentSpec;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.StoredJson;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code experiments} and {@code experiment_metrics} tables (V13). SQL and row mapping only; null for no row.
 * An experiment's metrics are written with it, in order (the primary first), and read back by key.
 */
public final class ExperimentRepository {

    private static final String COLUMNS = "x.id, x.environment_id, x.environment_key, x.flag_id, x.flag_key, x.key,"
            + " x.name, x.hypothesis, x.control_variant, x.variants::text AS variants, x.method, x.sequential,"
            + " x.alpha, x.power, x.minimum_detectable_effect, x.correction, x.cuped_seconds, x.status, x.start_at,"
            + " x.end_at, x.version, x.created_by_name, x.created_at, x.updated_at,"
            + " (SELECT json_agg(json_build_object('key', m.key, 'role', em.role) ORDER BY em.position)"
            + " FROM experiment_metrics em JOIN metrics m ON m.id = em.metric_id WHERE em.experiment_id = x.id)::text"
            + " AS metrics";
    private static final String FILTER = " FROM experiments x WHERE x.tenant_id = $1"
            + " AND ($2::text IS NULL OR x.environment_key = $2) AND ($3::text IS NULL OR x.flag_key = $3)"
            + " AND ($4::text IS NULL OR x.status = $4)";

    private final Pool pool;

    public ExperimentRepository(Pool pool) {
        this.pool = pool;
    }

    /** Where an experiment is bound: its environment's and flag's ids (what it was made for). */
    public record Target(long environmentId, long flagId) {
    }

    /** A listing's filters; each null: any. */
    public record Filter(String environment, String flag, Experiment.Status status) {
    }

    /** An experiment locked for a change, with the ids it is bound to and the database's time now. */
    public record Locked(Experiment experiment, Target target, OffsetDateTime now) {
    }

    static Experiment experiment(Row r) {
        List<String> secondary = new ArrayList<>();
        List<String> guardrails = new ArrayList<>();
        String primary = null;
        String metrics = r.getString("metrics");
        for (JsonNode m : metrics == null ? StoredJson.array() : StoredJson.parse(metrics)) {
            String key = m.get("key").asText();
            switch (m.get("role").asText()) {
                case "primary" -> primary = key;
                case "secondary" -> secondary.add(key);
                default -> guardrails.add(key);
            }
        }
        Long cuped = r.getLong("cuped_seconds");
        ExperimentSpec.Analysis analysis = new ExperimentSpec.Analysis(
                ExperimentSpec.Method.valueOf(upper(r.getString("method"))), r.getBoolean("sequential"),
                r.getDouble("alpha"), r.getDouble("power"), r.getDouble("minimum_detectable_effect"),
                ExperimentSpec.Correction.valueOf(upper(r.getString("correction"))),
                cuped == null ? null : Duration.ofSeconds(cuped));
        OffsetDateTime startAt = r.getOffsetDateTime("start_at");
        OffsetDateTime endAt = r.getOffsetDateTime("end_at");
        ExperimentSpec spec = new ExperimentSpec(r.getString("key"), r.getString("name"), r.getString("hypothesis"),
                r.getString("environment_key"), r.getString("flag_key"), r.getString("control_variant"),
                ExperimentSpec.storedVariants(StoredJson.parse(r.getString("variants"))),
                new ExperimentSpec.Metrics(primary, secondary, guardrails), analysis, startAt, endAt);
        return new Experiment(r.getLong("id"), spec, Experiment.Status.parse(r.getString("status")), startAt, endAt,
                r.getLong("version"), r.getString("created_by_name"), r.getOffsetDateTime("created_at"),
                r.getOffsetDateTime("updated_at"));
    }

    private static Locked locked(Row r) {
        return new Locked(experiment(r), new Target(r.getLong("environment_id"), r.getLong("flag_id")),
                r.getOffsetDateTime("now"));
    }

    private static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }

    /** The definition's columns from $2 on, in the order of INSERT and UPDATE below. */
    private static Object[] values(Object first, Target t, ExperimentSpec s) {
        ExperimentSpec.Analysis a = s.analysis();
        return new Object[] {first, t.environmentId(), s.environment(), t.flagId(), s.flag(), s.key(), s.name(),
            s.hypothesis(), s.controlVariant(), StoredJson.write(ExperimentSpec.variantsJson(s.variants())),
            name(a.method()), a.sequential(), a.alpha(), a.power(), a.minimumDetectableEffect(), name(a.correction()),
            a.cupedPreExposure() == null ? null : a.cupedPreExposure().getSeconds(), s.startAt(), s.endAt()};
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Inserts a draft experiment and its metrics ({@code metricIds}: the ids of {@code spec.metrics().all()}, in
     * that order); CONFLICT when the tenant has one of that key.
     */
    public Future<Experiment> insert(SqlClient c, long tenantId, Target target, ExperimentSpec spec,
            List<Long> metricIds, String createdBy) {
        Object[] v = values(tenantId, target, spec);
        Object[] args = Arrays.copyOf(v, v.length + 1);
        args[v.length] = createdBy;
        Future<Long> id = Sql.conflictOnDuplicate(Sql.one(c, "INSERT INTO experiments (tenant_id, environment_id,"
                        + " environment_key, flag_id, flag_key, key, name, hypothesis, control_variant, variants,"
                        + " method, sequential, alpha, power, minimum_detectable_effect, correction, cuped_seconds,"
                        + " start_at, end_at, created_by_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
                        + " $10::text::json, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id",
                r -> r.getLong(0), args), "experiment '" + spec.key() + "' already exists");
        return id.compose(x -> writeMetrics(c, x, spec, metricIds).compose(n -> get(c, x)));
    }

    /**
     * Replaces experiment {@code id}'s definition and metrics; {@code bump} raises its version (what its results
     * are computed from changed). Answers it as stored.
     */
    public Future<Experiment> update(SqlClient c, long id, Target target, ExperimentSpec spec, List<Long> metricIds,
            boolean bump) {
        Object[] v = values(id, target, spec);
        Object[] args = Arrays.copyOf(v, v.length + 1);
        args[v.length] = bump;
        return Sql.query(c, "UPDATE experiments x SET environment_id = $2, environment_key = $3, flag_id = $4,"
                        + " flag_key = $5, key = $6, name = $7, hypothesis = $8, control_variant = $9,"
                        + " variants = $10::text::json, method = $11, sequential = $12, alpha = $13, power = $14,"
                        + " minimum_detectable_effect = $15, correction = $16, cuped_seconds = $17, start_at = $18,"
                        + " end_at = $19, version = x.version + CASE WHEN $20 THEN 1 ELSE 0 END, updated_at = now()"
                        + " WHERE x.id = $1", args)
                .compose(done -> Sql.query(c, "DELETE FROM experiment_metrics WHERE experiment_id = $1", id))
                .compose(done -> writeMetrics(c, id, spec, metricIds))
                .compose(n -> get(c, id));
    }

    private static Future<Void> writeMetrics(SqlClient c, long id, ExperimentSpec spec, List<Long> metricIds) {
        List<Map.Entry<String, ExperimentSpec.Role>> all = spec.metrics().all();
        String[] roles = all.stream().map(e -> e.getValue().jsonName()).toArray(String[]::new);
        return Sql.query(c, "INSERT INTO experiment_metrics (experiment_id, metric_id, role, position)"
                        + " SELECT $1, m.id, m.role, m.position::int - 1"
                        + " FROM unnest($2::bigint[], $3::text[]) WITH ORDINALITY AS m(id, role, position)", id,
                metricIds.toArray(Long[]::new), roles).mapEmpty();
    }

    /**
     * Moves experiment {@code id} to {@code status}: running from {@code startAt}, or stopped at {@code endAt};
     * answers it as stored.
     */
    public Future<Experiment> transition(SqlClient c, long id, Experiment.Status status, OffsetDateTime startAt,
            OffsetDateTime endAt) {
        // A start or a stop changes the window the results count: a new version (ETag), and the snapshots recompute.
        return Sql.query(c, "UPDATE experiments SET status = $2, start_at = $3, end_at = $4, version = version + 1,"
                + " updated_at = now()"
                + " WHERE id = $1", id, status.jsonName(), startAt, endAt).compose(done -> get(c, id));
    }

    /** Deletes experiment {@code id} (its metrics' rows and snapshots go with it). */
    public Future<Void> delete(SqlClient c, long id) {
        return Sql.query(c, "DELETE FROM experiments WHERE id = $1", id).mapEmpty();
    }

    private static Future<Experiment> get(SqlClient c, long id) {
        return Sql.one(c, "SELECT " + COLUMNS + " FROM experiments x WHERE x.id = $1",
                ExperimentRepository::experiment, id);
    }

    /** Experiment {@code id} of the tenant (outside any transaction); null if none. */
    public Future<Experiment> find(long tenantId, long id) {
        return Sql.one(pool, "SELECT " + COLUMNS + " FROM experiments x WHERE x.tenant_id = $1 AND x.id = $2",
                ExperimentRepository::experiment, tenantId, id);
    }

    /** Experiment {@code id} of the tenant locked {@code FOR UPDATE} in {@code c}'s transaction; null if none. */
    public Future<Locked> lock(SqlClient c, long tenantId, long id) {
        return Sql.one(c, "SELECT " + COLUMNS + ", now() AS now FROM experiments x WHERE x.tenant_id = $1"
                + " AND x.id = $2 FOR UPDATE OF x", ExperimentRepository::locked, tenantId, id);
    }

    /** The database's time: the start of {@code c}'s transaction. */
    public Future<OffsetDateTime> now(SqlClient c) {
        return Sql.one(c, "SELECT now()", r -> r.getOffsetDateTime(0));
    }

    /** A page of the tenant's experiments matching {@code filter}, newest first, after id {@code after}. */
    public Future<Page<Experiment>> page(long tenantId, Filter filter, Long after, int limit) {
        Object[] args = {tenantId, filter.environment(), filter.flag(),
            filter.status() == null ? null : filter.status().jsonName()};
        Future<Long> total = Sql.one(pool, "SELECT count(*)" + FILTER, r -> r.getLong(0), args);
        Object[] pageArgs = Arrays.copyOf(args, args.length + 2);
        pageArgs[args.length] = after;
        pageArgs[args.length + 1] = limit + 1;
        Future<List<Experiment>> rows = Sql.list(pool, "SELECT " + COLUMNS + FILTER
                + " AND ($5::bigint IS NULL OR x.id < $5) ORDER BY x.id DESC LIMIT $6",
                ExperimentRepository::experiment, pageArgs);
        return Future.all(total, rows).map(x -> Page.of(rows.result(), total.result(), limit,
                Experiment::position));
    }
}
