package io.guidon.controlplane.store;

import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.ProposedChange;
import io.guidon.controlplane.domain.Schedule;
import io.guidon.controlplane.domain.StoredJson;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * The {@code flag_schedules} table (V9): SQL and row mapping only; null for no row. Due times are compared with
 * the database's {@code now()} (the transaction's start), never with a replica's clock, so that replicas whose
 * clocks differ agree on what is due (docs/adr/0114-scheduled-changes.md).
 */
public final class ScheduleRepository {

    private static final String COLUMNS = "s.id, s.environment_key, s.flag_key, s.due_at, s.change::text AS change,"
            + " s.base_revision, s.if_changed, s.status, s.created_by_key_id, s.created_by_name, s.created_at,"
            + " s.applied_at, s.late, s.applied_revision, s.failed_at, s.failure, s.cancelled_at,"
            + " s.cancelled_by_key_id, s.cancelled_by_name";
    private static final String FILTER = " FROM flag_schedules s WHERE s.tenant_id = $1"
            + " AND ($2::text IS NULL OR s.environment_key = $2) AND ($3::text IS NULL OR s.flag_key = $3)"
            + " AND ($4::text IS NULL OR s.status = $4) AND ($5::timestamptz IS NULL OR s.due_at >= $5)"
            + " AND ($6::timestamptz IS NULL OR s.due_at < $6)";
    /** What the runner needs of a claimed row beyond the schedule: whose it is and whether it can still apply. */
    private static final String CLAIM_COLUMNS = COLUMNS + ", s.tenant_id, t.key AS tenant_key,"
            + " EXISTS (SELECT 1 FROM environments e WHERE e.id = s.environment_id) AS environment_exists,"
            + " EXISTS (SELECT 1 FROM flags f WHERE f.id = s.flag_id) AS flag_exists,"
            + " (SELECT c.revision FROM flag_configs c WHERE c.environment_id = s.environment_id"
            + " AND c.flag_id = s.flag_id) AS current_revision, k.revoked_at AS key_revoked_at, now() AS now,"
            + " s.change_request_id"
            + " FROM flag_schedules s JOIN tenants t ON t.id = s.tenant_id"
            + " LEFT JOIN api_keys k ON k.id = s.created_by_key_id";

    private final Pool pool;

    public ScheduleRepository(Pool pool) {
        this.pool = pool;
    }

    /** A listing's filters; each null: any. {@code from} inclusive, {@code to} exclusive, on the due time. */
    public record Filter(String environment, String flag, Schedule.Status status, OffsetDateTime from,
            OffsetDateTime to) {
    }

    /** What a new schedule holds besides what the database sets (id, status, creation time). */
    public record New(long tenantId, long environmentId, String environment, long flagId, String flag,
            OffsetDateTime due, ProposedChange change, int baseRevision, Schedule.IfChanged ifChanged,
            Schedule.By createdBy, String requestId, Long changeRequestId) {

        /** A schedule made directly, not through a change request. */
        public New(long tenantId, long environmentId, String environment, long flagId, String flag,
                OffsetDateTime due, ProposedChange change, int baseRevision, Schedule.IfChanged ifChanged,
                Schedule.By createdBy, String requestId) {
            this(tenantId, environmentId, environment, flagId, flag, due, change, baseRevision, ifChanged, createdBy,
                    requestId, null);
        }
    }

    /**
     * A due schedule claimed by a runner, with what decides whether it may still apply: its tenant, whether its
     * environment and flag (by the ids it was made for) still exist, the flag's configuration revision there now
     * (null when either is gone), when the key that scheduled it was revoked (null: not revoked, or no key), and the
     * database's time of the claim; {@code changeRequestId}: the approved change request it was made through, or
     * null.
     */
    public record Claimed(Schedule schedule, long tenantId, String tenantKey, boolean environmentExists,
            boolean flagExists, Integer currentRevision, OffsetDateTime keyRevokedAt, OffsetDateTime now,
            Long changeRequestId) {

        /** A schedule made directly. */
        public Claimed(Schedule schedule, long tenantId, String tenantKey, boolean environmentExists,
                boolean flagExists, Integer currentRevision, OffsetDateTime keyRevokedAt, OffsetDateTime now) {
            this(schedule, tenantId, tenantKey, environmentExists, flagExists, currentRevision, keyRevokedAt, now,
                    null);
        }
    }

    static Schedule schedule(Row r) {
        UUID cancelledBy = r.getUUID("cancelled_by_key_id");
        String cancelledByName = r.getString("cancelled_by_name");
        return new Schedule(r.getLong("id"), r.getString("environment_key"), r.getString("flag_key"),
                r.getOffsetDateTime("due_at"), ProposedChange.fromJson(StoredJson.parse(r.getString("change"))),
                r.getInteger("base_revision"), Schedule.IfChanged.parse(r.getString("if_changed")),
                Schedule.Status.parse(r.getString("status")),
                new Schedule.By(r.getUUID("created_by_key_id"), r.getString("created_by_name")),
                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("applied_at"), r.getBoolean("late"),
                r.getInteger("applied_revision"), r.getOffsetDateTime("failed_at"), r.getString("failure"),
                r.getOffsetDateTime("cancelled_at"),
                cancelledBy == null && cancelledByName == null ? null : new Schedule.By(cancelledBy, cancelledByName));
    }

    private static Claimed claimed(Row r) {
        return new Claimed(schedule(r), r.getLong("tenant_id"), r.getString("tenant_key"),
                r.getBoolean("environment_exists"), r.getBoolean("flag_exists"), r.getInteger("current_revision"),
                r.getOffsetDateTime("key_revoked_at"), r.getOffsetDateTime("now"), r.getLong("change_request_id"));
    }

    /** The database's time: the start of {@code c}'s transaction ({@code now()}). */
    public Future<OffsetDateTime> now(SqlClient c) {
        return Sql.one(c, "SELECT now()", r -> r.getOffsetDateTime(0));
    }

    /** Inserts a pending schedule; answers it as stored. */
    public Future<Schedule> insert(SqlClient c, New s) {
        return Sql.one(c, "INSERT INTO flag_schedules AS s (tenant_id, environment_id, environment_key, flag_id,"
                        + " flag_key, due_at, change, base_revision, if_changed, created_by_key_id, created_by_name,"
                        + " created_request_id, change_request_id) VALUES ($1, $2, $3, $4, $5, $6, $7::text::json, $8,"
                        + " $9, $10, $11, $12, $13) RETURNING " + COLUMNS, ScheduleRepository::schedule,
                s.tenantId(), s.environmentId(), s.environment(), s.flagId(), s.flag(), s.due(),
                StoredJson.write(s.change().toJson()), s.baseRevision(), s.ifChanged().jsonName(),
                s.createdBy().keyId(), s.createdBy().name(), s.requestId(), s.changeRequestId());
    }

    /** Schedule {@code id} of the tenant (outside any transaction); null if none. */
    public Future<Schedule> find(long tenantId, long id) {
        return Sql.one(pool, "SELECT " + COLUMNS + " FROM flag_schedules s WHERE s.tenant_id = $1 AND s.id = $2",
                ScheduleRepository::schedule, tenantId, id);
    }

    /**
     * Schedule {@code id} of the tenant, locked {@code FOR UPDATE} in {@code c}'s transaction: waits for a runner
     * applying it, and then sees what the runner made of it.
     */
    public Future<Schedule> lock(SqlClient c, long tenantId, long id) {
        return Sql.one(c, "SELECT " + COLUMNS + " FROM flag_schedules s WHERE s.tenant_id = $1 AND s.id = $2"
                + " FOR UPDATE", ScheduleRepository::schedule, tenantId, id);
    }

    /**
     * A page of the tenant's schedules matching {@code filter}, by due time then id, after {@code after} (null: from
     * the first).
     */
    public Future<Page<Schedule>> page(long tenantId, Filter filter, Schedule.Position after, int limit) {
        Object[] args = {tenantId, filter.environment(), filter.flag(),
            filter.status() == null ? null : filter.status().jsonName(), filter.from(), filter.to()};
        Future<Long> total = Sql.one(pool, "SELECT count(*)" + FILTER, r -> r.getLong(0), args);
        Object[] pageArgs = java.util.Arrays.copyOf(args, args.length + 3);
        pageArgs[args.length] = after == null ? null : after.due();
        pageArgs[args.length + 1] = after == null ? null : after.id();
        pageArgs[args.length + 2] = limit + 1;
        Future<List<Schedule>> rows = Sql.list(pool, "SELECT " + COLUMNS + FILTER
                        + " AND ($7::timestamptz IS NULL OR (s.due_at, s.id) > ($7, $8::bigint))"
                        + " ORDER BY s.due_at, s.id LIMIT $9", ScheduleRepository::schedule, pageArgs);
        return Future.all(total, rows).map(x -> Page.of(rows.result(), total.result(), limit,
                s -> s.position().text()));
    }

    /** The latest {@code limit} schedules of {@code flag} in {@code environment} that are no longer pending. */
    public Future<List<Schedule>> latestDone(long tenantId, String environment, String flag, int limit) {
        return Sql.list(pool, "SELECT " + COLUMNS + " FROM flag_schedules s WHERE s.tenant_id = $1"
                        + " AND s.environment_key = $2 AND s.flag_key = $3 AND s.status <> 'pending'"
                        + " ORDER BY s.due_at DESC, s.id DESC LIMIT $4", ScheduleRepository::schedule, tenantId,
                environment, flag, limit);
    }

    /**
     * Claims the earliest due pending schedule of any tenant ({@code FOR UPDATE SKIP LOCKED}: a row another runner
     * holds is passed over, so two runners never claim one row); null when none is due. The lock lasts until
     * {@code c}'s transaction ends: the change it applies, its audit entry and its new status commit with it.
     */
    public Future<Claimed> claimDue(SqlClient c) {
        return Sql.one(c, "SELECT " + CLAIM_COLUMNS + " WHERE s.status = 'pending' AND s.due_at <= now()"
                + " ORDER BY s.due_at, s.id LIMIT 1 FOR UPDATE OF s SKIP LOCKED", ScheduleRepository::claimed);
    }

    /**
     * Claims schedule {@code id} again, to record why it failed, when it is still pending and no runner holds it
     * ({@code FOR UPDATE SKIP LOCKED}); null otherwise (another runner applied it, or is at it).
     */
    public Future<Claimed> reclaim(SqlClient c, long id) {
        return Sql.one(c, "SELECT " + CLAIM_COLUMNS + " WHERE s.id = $1 AND s.status = 'pending'"
                + " FOR UPDATE OF s SKIP LOCKED", ScheduleRepository::claimed, id);
    }

    /**
     * Marks schedule {@code id} applied now, with the revision its change made (its flag's configuration revision
     * now, in this transaction); late when now is more than {@code lateAfter} after its due time.
     */
    public Future<Schedule> markApplied(SqlClient c, long id, Duration lateAfter) {
        return Sql.one(c, "UPDATE flag_schedules s SET status = 'applied', applied_at = now(),"
                        + " applied_revision = (SELECT c.revision FROM flag_configs c"
                        + " WHERE c.environment_id = s.environment_id AND c.flag_id = s.flag_id),"
                        + " late = now() - s.due_at > make_interval(secs => $2) WHERE s.id = $1 RETURNING " + COLUMNS,
                ScheduleRepository::schedule, id, lateAfter.toNanos() / 1e9);
    }

    /** Marks schedule {@code id} failed now, for {@code reason}. */
    public Future<Schedule> markFailed(SqlClient c, long id, String reason) {
        return Sql.one(c, "UPDATE flag_schedules s SET status = 'failed', failed_at = now(), failure = $2"
                + " WHERE s.id = $1 RETURNING " + COLUMNS, ScheduleRepository::schedule, id, reason);
    }

    /** Marks schedule {@code id} cancelled now by {@code by}. */
    public Future<Schedule> markCancelled(SqlClient c, long id, Schedule.By by) {
        return Sql.one(c, "UPDATE flag_schedules s SET status = 'cancelled', cancelled_at = now(),"
                        + " cancelled_by_key_id = $2, cancelled_by_name = $3 WHERE s.id = $1 RETURNING " + COLUMNS,
                ScheduleRepository::schedule, id, by.keyId(), by.name());
    }
}
