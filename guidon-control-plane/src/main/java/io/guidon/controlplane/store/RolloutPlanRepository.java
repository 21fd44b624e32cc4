package io.guidon.controlplane.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.RolloutPlan;
import io.guidon.controlplane.domain.RolloutPlanSpec;
import io.guidon.controlplane.domain.Schedule;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.stats.Sample;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code rollout_plans} and {@code rollout_plan_checks} tables (V11), and the one query a check counts its
 * stage's users and guardrail events with ({@link #count}). SQL and row mapping only; null for no row. Check times
 * are the database's {@code now()}, never a replica's clock (docs/adr/0116-progressive-rollouts.md).
 */
public final class RolloutPlanRepository {

    private static final String COLUMNS = "p.id, p.environment_key, p.flag_key, p.control_variant,"
            + " p.treatment_variant, p.bucket_by, p.stages::text AS stages, p.guardrails::text AS guardrails, p.alpha,"
            + " p.status, p.stage_index, p.stage_started_at, p.current_percentage::text AS current_percentage,"
            + " p.next_check_at, p.last_verdict,"
            + " p.reason, p.reason_details::text AS reason_details, p.checks, p.created_by_key_id, p.created_by_name,"
            + " p.started_by_key_id, p.started_by_name, p.created_at, p.updated_at, p.started_at, p.ended_at";
    private static final String FILTER = " FROM rollout_plans p WHERE p.tenant_id = $1"
            + " AND ($2::text IS NULL OR p.environment_key = $2) AND ($3::text IS NULL OR p.flag_key = $3)"
            + " AND ($4::text IS NULL OR p.status = $4)";
    /** What a check needs of a claimed plan beyond the plan: whose it is and whether it can still act. */
    private static final String CLAIM_COLUMNS = COLUMNS + ", p.tenant_id, t.key AS tenant_key, p.environment_id,"
            + " p.flag_id,"
            + " EXISTS (SELECT 1 FROM environments e WHERE e.id = p.environment_id) AS environment_exists,"
            + " EXISTS (SELECT 1 FROM flags f WHERE f.id = p.flag_id) AS flag_exists,"
            + " k.revoked_at AS key_revoked_at, now() AS now"
            + " FROM rollout_plans p JOIN tenants t ON t.id = p.tenant_id"
            + " LEFT JOIN api_keys k ON k.id = p.started_by_key_id";
    private static final String CHECK_COLUMNS = "c.id, c.checked_at, c.stage_index,"
            + " c.percentage::text AS percentage_text,"
            + " c.control_users, c.treatment_users, c.mixed_users, c.control_exposures, c.treatment_exposures,"
            + " c.srm_chi2, c.srm_p, c.guardrails::text AS guardrails, c.action, c.reason";

    /**
     * Per arm and guardrail (by its 1-based place in {@code $7}): users first exposed since {@code $4} to the flag
     * in the environment who saw only the control ({@code $5}), only the treatment ({@code $6}) or both (mixed:
     * left out of every comparison), their exposures, and the guardrail's events by each user after that user's first
     * exposure, summed per user: for a rate the count of events per user (Σ, Σ²), for a mean each user's mean value
     * (users with a value, Σ, Σ²). One query, grouped by targeting key in the database (never row by row here).
     */
    private static final String COUNT = "WITH exposed AS ("
            + " SELECT x.targeting_key, min(x.occurred_at) AS first_at,"
            + " count(*) FILTER (WHERE x.variant = $5) AS c_exp, count(*) FILTER (WHERE x.variant = $6) AS t_exp"
            + " FROM flag_exposures x WHERE x.tenant_id = $1 AND x.environment_id = $2 AND x.flag = $3"
            + " AND x.occurred_at >= $4 AND x.variant IN ($5, $6) GROUP BY x.targeting_key),"
            + " users AS (SELECT targeting_key, first_at, c_exp + t_exp AS exposures,"
            + " CASE WHEN c_exp > 0 AND t_exp > 0 THEN 'mixed' WHEN t_exp > 0 THEN 'treatment' ELSE 'control' END"
            + " AS arm FROM exposed),"
            + " per_user AS (SELECT u.arm, g.idx, u.exposures, count(e.targeting_key) AS events,"
            + " avg(e.value) AS mean_value"
            + " FROM users u CROSS JOIN unnest($7::text[]) WITH ORDINALITY AS g(event, idx)"
            + " LEFT JOIN conversion_events e ON e.tenant_id = $1 AND e.environment_id = $2 AND e.event = g.event"
            + " AND e.occurred_at >= $4 AND e.targeting_key = u.targeting_key AND e.occurred_at >= u.first_at"
            + " GROUP BY u.targeting_key, u.arm, g.idx, u.exposures)"
            + " SELECT arm, idx, count(*) AS users, sum(exposures)::bigint AS exposures, sum(events)::bigint AS events,"
            + " sum(events * events)::float8 AS events_sq, count(mean_value) AS valued,"
            + " coalesce(sum(mean_value), 0)::float8 AS value_sum,"
            + " coalesce(sum(mean_value * mean_value), 0)::float8 AS value_sq"
            + " FROM per_user GROUP BY arm, idx";

    private final Pool pool;

    public RolloutPlanRepository(Pool pool) {
        this.pool = pool;
    }

    /** What a new plan holds besides what the database sets. */
    public record New(long tenantId, long environmentId, String environment, long flagId, String flag,
            RolloutPlanSpec spec, Schedule.By createdBy) {
    }

    /** A listing's filters; each null: any. */
    public record Filter(String environment, String flag, RolloutPlan.Status status) {
    }

    /**
     * A plan claimed for a check, or locked for an action, with what decides whether it can still act: its tenant,
     * its environment's and flag's ids and whether they still exist, when the key that started it was revoked (null:
     * not revoked, or none), and the database's time now.
     */
    public record Claimed(RolloutPlan plan, long tenantId, String tenantKey, long environmentId, long flagId,
            boolean environmentExists, boolean flagExists, OffsetDateTime keyRevokedAt, OffsetDateTime now) {
    }

    /**
     * A change of a plan's state. {@code stageIndex} null keeps it; {@code restartStage} starts the stage's clock
     * (and its users) now; {@code checkEvery} null leaves no next check (not running), else the next is due that long
     * from now; {@code verdict} null keeps the last; {@code reason} and {@code details} replace theirs;
     * {@code countCheck} adds one to the checks; {@code started} records who started it now; {@code ended} stamps
     * its end now.
     */
    public record Transition(RolloutPlan.Status status, Integer stageIndex, boolean restartStage,
            BigDecimal percentage, Duration checkEvery, String verdict, String reason, JsonNode details,
            boolean countCheck, Schedule.By started, boolean ended) {
    }

    /** One arm's counts for one guardrail ({@link #count}). */
    public record ArmCounts(long users, long exposures, long events, Sample rate, Sample mean) {
        public static final ArmCounts NONE = new ArmCounts(0, 0, 0, Sample.EMPTY, Sample.EMPTY);
    }

    /**
     * What {@link #count} found: per guardrail (in the plan's order) the control's and the treatment's counts, and
     * the users seen in both arms.
     */
    public record Counts(List<ArmCounts> control, List<ArmCounts> treatment, long mixedUsers, long controlUsers,
            long treatmentUsers, long controlExposures, long treatmentExposures) {
    }

    static RolloutPlan plan(Row r) {
        RolloutPlanSpec spec = RolloutPlanSpec.stored(r.getString("control_variant"),
                r.getString("treatment_variant"), StoredJson.parse(r.getString("stages")),
                StoredJson.parse(r.getString("guardrails")), r.getDouble("alpha"), r.getString("bucket_by"));
        String details = r.getString("reason_details");
        String startedBy = r.getString("started_by_name");
        return new RolloutPlan(r.getLong("id"), r.getString("environment_key"), r.getString("flag_key"), spec,
                RolloutPlan.Status.parse(r.getString("status")), r.getInteger("stage_index"),
                r.getOffsetDateTime("stage_started_at"), new BigDecimal(r.getString("current_percentage")),
                r.getOffsetDateTime("next_check_at"), r.getString("last_verdict"), r.getString("reason"),
                details == null ? null : StoredJson.parse(details), r.getInteger("checks"),
                new Schedule.By(r.getUUID("created_by_key_id"), r.getString("created_by_name")),
                startedBy == null ? null : new Schedule.By(r.getUUID("started_by_key_id"), startedBy),
                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"), r.getOffsetDateTime("started_at"),
                r.getOffsetDateTime("ended_at"));
    }

    private static Claimed claimed(Row r) {
        return new Claimed(plan(r), r.getLong("tenant_id"), r.getString("tenant_key"), r.getLong("environment_id"),
                r.getLong("flag_id"), r.getBoolean("environment_exists"), r.getBoolean("flag_exists"),
                r.getOffsetDateTime("key_revoked_at"), r.getOffsetDateTime("now"));
    }

    private static RolloutPlan.Check check(Row r) {
        return new RolloutPlan.Check(r.getLong("id"), r.getOffsetDateTime("checked_at"), r.getInteger("stage_index"),
                new BigDecimal(r.getString("percentage_text")), r.getLong("control_users"),
                r.getLong("treatment_users"), r.getLong("mixed_users"), r.getLong("control_exposures"),
                r.getLong("treatment_exposures"), r.getDouble("srm_chi2"), r.getDouble("srm_p"),
                StoredJson.parse(r.getString("guardrails")), r.getString("action"), r.getString("reason"));
    }

    /** Inserts a pending plan; answers it as stored. */
    public Future<RolloutPlan> insert(SqlClient c, New n) {
        RolloutPlanSpec s = n.spec();
        return Sql.one(c, "INSERT INTO rollout_plans AS p (tenant_id, environment_id, environment_key, flag_id,"
                        + " flag_key, control_variant, treatment_variant, bucket_by, stages, guardrails, alpha,"
                        + " created_by_key_id, created_by_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
                        + " $9::text::json, $10::text::json, $11, $12, $13) RETURNING " + COLUMNS,
                RolloutPlanRepository::plan, n.tenantId(), n.environmentId(), n.environment(), n.flagId(), n.flag(),
                s.control(), s.treatment(), s.bucketBy(), StoredJson.write(s.stagesJson()),
                StoredJson.write(s.guardrailsJson()), s.alpha(), n.createdBy().keyId(), n.createdBy().name());
    }

    /** Plan {@code id} of the tenant (outside any transaction); null if none. */
    public Future<RolloutPlan> find(long tenantId, long id) {
        return Sql.one(pool, "SELECT " + COLUMNS + " FROM rollout_plans p WHERE p.tenant_id = $1 AND p.id = $2",
                RolloutPlanRepository::plan, tenantId, id);
    }

    /** Plan {@code id} of the tenant locked {@code FOR UPDATE} (waits for a check in progress); null if none. */
    public Future<Claimed> lock(SqlClient c, long tenantId, long id) {
        return Sql.one(c, "SELECT " + CLAIM_COLUMNS + " WHERE p.tenant_id = $1 AND p.id = $2 FOR UPDATE OF p",
                RolloutPlanRepository::claimed, tenantId, id);
    }

    /** The active (running or paused) plan of a flag in an environment, by their ids; null if none. */
    public Future<RolloutPlan> active(SqlClient c, long environmentId, long flagId) {
        return Sql.one(c, "SELECT " + COLUMNS + " FROM rollout_plans p WHERE p.environment_id = $1"
                + " AND p.flag_id = $2 AND p.status IN ('running', 'paused')", RolloutPlanRepository::plan,
                environmentId, flagId);
    }

    /** A page of the tenant's plans matching {@code filter}, newest first, after plan {@code after} (null: first). */
    public Future<Page<RolloutPlan>> page(long tenantId, Filter filter, Long after, int limit) {
        Object[] args = {tenantId, filter.environment(), filter.flag(),
            filter.status() == null ? null : filter.status().jsonName()};
        Future<Long> total = Sql.one(pool, "SELECT count(*)" + FILTER, r -> r.getLong(0), args);
        Object[] pageArgs = Arrays.copyOf(args, args.length + 2);
        pageArgs[args.length] = after;
        pageArgs[args.length + 1] = limit + 1;
        Future<List<RolloutPlan>> rows = Sql.list(pool, "SELECT " + COLUMNS + FILTER
                + " AND ($5::bigint IS NULL OR p.id < $5) ORDER BY p.id DESC LIMIT $6", RolloutPlanRepository::plan,
                pageArgs);
        return Future.all(total, rows).map(x -> Page.of(rows.result(), total.result(), limit, RolloutPlan::position));
    }

    /**
     * Claims the running plan whose check is the most overdue, of any tenant ({@code FOR UPDATE SKIP LOCKED}: a plan
     * another replica is checking is passed over); null when none is due. The lock lasts until {@code c}'s
     * transaction ends: the check's row, the step it takes and the next due time commit together.
     */
    public Future<Claimed> claimDue(SqlClient c) {
        return Sql.one(c, "SELECT " + CLAIM_COLUMNS + " WHERE p.status = 'running' AND p.next_check_at <= now()"
                + " ORDER BY p.next_check_at, p.id LIMIT 1 FOR UPDATE OF p SKIP LOCKED",
                RolloutPlanRepository::claimed);
    }

    /** Plan {@code id} again when it is still running and no one holds it ({@code SKIP LOCKED}); null otherwise. */
    public Future<Claimed> reclaim(SqlClient c, long id) {
        return Sql.one(c, "SELECT " + CLAIM_COLUMNS + " WHERE p.id = $1 AND p.status = 'running'"
                + " FOR UPDATE OF p SKIP LOCKED", RolloutPlanRepository::claimed, id);
    }

    /** Applies {@code t} to plan {@code id}; answers the plan as it is after. */
    public Future<RolloutPlan> transition(SqlClient c, long id, Transition t) {
        return Sql.one(c, "UPDATE rollout_plans p SET status = $2, stage_index = coalesce($3, p.stage_index),"
                        + " stage_started_at = CASE WHEN $4 THEN now() ELSE p.stage_started_at END,"
                        + " current_percentage = $5::text::numeric,"
                        + " next_check_at = CASE WHEN $6::float8 IS NULL THEN NULL"
                        + " ELSE now() + make_interval(secs => $6::float8) END,"
                        + " last_verdict = coalesce($7, p.last_verdict), reason = $8, reason_details = $9::text::json,"
                        + " checks = p.checks + CASE WHEN $10 THEN 1 ELSE 0 END,"
                        + " started_by_key_id = CASE WHEN $11 THEN $12 ELSE p.started_by_key_id END,"
                        + " started_by_name = CASE WHEN $11 THEN $13 ELSE p.started_by_name END,"
                        + " started_at = CASE WHEN $11 THEN now() ELSE p.started_at END,"
                        + " ended_at = CASE WHEN $14 THEN now() ELSE p.ended_at END, updated_at = now()"
                        + " WHERE p.id = $1 RETURNING " + COLUMNS, RolloutPlanRepository::plan,
                id, t.status().jsonName(), t.stageIndex(), t.restartStage(), t.percentage().toPlainString(),
                t.checkEvery() == null ? null : t.checkEvery().toNanos() / 1e9, t.verdict(), t.reason(),
                t.details() == null ? null : StoredJson.write(t.details()), t.countCheck(), t.started() != null,
                t.started() == null ? null : t.started().keyId(), t.started() == null ? null : t.started().name(),
                t.ended());
    }

    /**
     * Counts the users first exposed to {@code flag} in the environment since {@code since}, per arm, and their
     * events of each of {@code events} after their exposure (see {@link #COUNT}).
     */
    public Future<Counts> count(SqlClient c, long tenantId, long environmentId, String flag, OffsetDateTime since,
            String control, String treatment, List<String> events) {
        // With no guardrail, one stand-in event that matches none: the users are still counted.
        String[] names = events.isEmpty() ? new String[] {null} : events.toArray(String[]::new);
        int n = events.size();
        return Sql.list(c, COUNT, r -> r, tenantId, environmentId, flag, since, control, treatment, names)
                .map(rows -> {
                    List<ArmCounts> controls = new ArrayList<>(java.util.Collections.nCopies(n, ArmCounts.NONE));
                    List<ArmCounts> treatments = new ArrayList<>(java.util.Collections.nCopies(n, ArmCounts.NONE));
                    long mixed = 0;
                    long controlUsers = 0;
                    long treatmentUsers = 0;
                    long controlExposures = 0;
                    long treatmentExposures = 0;
                    for (Row r : rows) {
                        String arm = r.getString("arm");
                        int idx = r.getLong("idx").intValue() - 1;
                        long users = r.getLong("users");
                        long exposures = r.getLong("exposures");
                        if (idx == 0) {
                            switch (arm) {
                                case "mixed" -> mixed = users;
                                case "control" -> {
                                    controlUsers = users;
                                    controlExposures = exposures;
                                }
                                default -> {
                                    treatmentUsers = users;
                                    treatmentExposures = exposures;
                                }
                            }
                        }
                        if (idx >= n || arm.equals("mixed")) {
                            continue;
                        }
                        ArmCounts a = new ArmCounts(users, exposures, r.getLong("events"),
                                new Sample(users, r.getLong("events"), r.getDouble("events_sq")),
                                new Sample(r.getLong("valued"), r.getDouble("value_sum"), r.getDouble("value_sq")));
                        (arm.equals("control") ? controls : treatments).set(idx, a);
                    }
                    return new Counts(List.copyOf(controls), List.copyOf(treatments), mixed, controlUsers,
                            treatmentUsers, controlExposures, treatmentExposures);
                });
    }

    /** What one check recorded. */
    public record NewCheck(long planId, int stageIndex, BigDecimal percentage, Counts counts, double srmChi2,
            double srmP, JsonNode guardrails, String action, String reason) {
    }

    /** Records a check (its time is the database's now). */
    public Future<RolloutPlan.Check> insertCheck(SqlClient c, NewCheck n) {
        return Sql.one(c, "INSERT INTO rollout_plan_checks AS c (plan_id, stage_index, percentage, control_users,"
                        + " treatment_users, mixed_users, control_exposures, treatment_exposures, srm_chi2, srm_p,"
                        + " guardrails, action, reason) VALUES ($1, $2, $3::text::numeric, $4, $5, $6, $7, $8, $9,"
                        + " $10, $11::text::json, $12, $13) RETURNING " + CHECK_COLUMNS,
                RolloutPlanRepository::check, n.planId(), n.stageIndex(), n.percentage().toPlainString(),
                n.counts().controlUsers(), n.counts().treatmentUsers(), n.counts().mixedUsers(),
                n.counts().controlExposures(), n.counts().treatmentExposures(), n.srmChi2(), n.srmP(),
                StoredJson.write(n.guardrails()), n.action(), n.reason());
    }

    /** A page of plan {@code planId}'s checks, oldest first, after check id {@code after} (null: the first). */
    public Future<Page<RolloutPlan.Check>> checks(long planId, Long after, int limit) {
        Future<Long> total = Sql.one(pool, "SELECT count(*) FROM rollout_plan_checks c WHERE c.plan_id = $1",
                r -> r.getLong(0), planId);
        Future<List<RolloutPlan.Check>> rows = Sql.list(pool, "SELECT " + CHECK_COLUMNS
                        + " FROM rollout_plan_checks c WHERE c.plan_id = $1 AND ($2::bigint IS NULL OR c.id > $2)"
                        + " ORDER BY c.id LIMIT $3", RolloutPlanRepository::check, planId, after, limit + 1);
        return Future.all(total, rows).map(x -> Page.of(rows.result(), total.result(), limit,
                ch -> Long.toString(ch.id())));
    }

    /** The latest {@code limit} checks of plan {@code planId}, oldest first. */
    public Future<List<RolloutPlan.Check>> latestChecks(long planId, int limit) {
        return Sql.list(pool, "SELECT * FROM (SELECT " + CHECK_COLUMNS + " FROM rollout_plan_checks c"
                + " WHERE c.plan_id = $1 ORDER BY c.id DESC LIMIT $2) l ORDER BY l.id", RolloutPlanRepository::check,
                planId, limit);
    }

    /** The database's time: the start of {@code c}'s transaction. */
    public Future<OffsetDateTime> now(SqlClient c) {
        return Sql.one(c, "SELECT now()", r -> r.getOffsetDateTime(0));
    }
}
