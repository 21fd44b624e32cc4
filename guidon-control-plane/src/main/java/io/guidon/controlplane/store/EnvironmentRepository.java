package io.guidon.controlplane.store;

import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.Environment;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.util.List;

/**
 * The {@code environments} table (and the tenant row whose lock serializes changes of every environment): SQL and
 * row mapping only. Lookups answer null for a missing row; the service decides what that means.
 */
public final class EnvironmentRepository {

    static final String COLUMNS = "id, key, name, description, protected, version, log_floor, revision, created_at,"
            + " updated_at, required_approvals";

    private final Pool pool;

    public EnvironmentRepository(Pool pool) {
        this.pool = pool;
    }

    static Environment environment(Row r) {
        return new Environment(r.getLong("id"), r.getString("key"), r.getString("name"), r.getString("description"),
                r.getBoolean("protected"), r.getLong("version"), r.getLong("log_floor"), r.getInteger("revision"),
                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"),
                r.getInteger("required_approvals"));
    }

    /** The environment {@code key} of the tenant, read outside any transaction; null if none. */
    public Future<Environment> find(long tenantId, String key) {
        return find(pool, tenantId, key, RowLock.NONE);
    }

    /** The environment {@code key} of the tenant, locked with {@code lock} (inside {@code c}'s transaction); or null. */
    public Future<Environment> find(SqlClient c, long tenantId, String key, RowLock lock) {
        return Sql.one(c, "SELECT " + COLUMNS + " FROM environments WHERE tenant_id = $1 AND key = $2" + lock.sql,
                EnvironmentRepository::environment, tenantId, key);
    }

    /** A page of the tenant's environments whose key, name or description contains {@code q} (null: all), by key. */
    public Future<Page<Environment>> page(long tenantId, String q, String after, int limit) {
        String filter = " WHERE tenant_id = $1 AND ($2::text IS NULL OR key ILIKE $2 OR name ILIKE $2"
                + " OR description ILIKE $2)";
        String pattern = Sql.contains(q);
        Future<Long> total = Sql.one(pool, "SELECT count(*) FROM environments" + filter, r -> r.getLong(0),
                tenantId, pattern);
        Future<List<Environment>> rows = Sql.list(pool, "SELECT " + COLUMNS + " FROM environments" + filter
                        + " AND ($3::text IS NULL OR key COLLATE \"C\" > $3) ORDER BY key COLLATE \"C\" LIMIT $4",
                EnvironmentRepository::environment, tenantId, pattern, after, limit + 1);
        return Future.all(total, rows).map(x -> Page.of(rows.result(), total.result(), limit, Environment::key));
    }

    /**
     * Locks the tenant's row ({@code FOR NO KEY UPDATE}): changes to flag definitions (which touch every environment)
     * and environment creation (which copies every flag) are serialized per tenant, so that a new environment
     * cannot miss a flag created at the same moment (ADR 0108).
     */
    public Future<Void> lockTenant(SqlClient c, long tenantId) {
        return Sql.query(c, "SELECT id FROM tenants WHERE id = $1" + RowLock.CHANGE.sql, tenantId).mapEmpty();
    }

    /**
     * Locks the tenant ({@link #lockTenant}), then every environment of it in id order, all {@code FOR NO KEY
     * UPDATE}, which the {@code FOR KEY SHARE} of a concurrent insert's foreign-key check (an audit entry, a
     * change-log entry, a segment: all refer to the tenant) does not wait for: with {@code FOR UPDATE} here, such an
     * insert of a one-environment change waited for the tenant while this change waited for its environment, a
     * deadlock (ADR 0108). Changes to one environment lock only its row and never wait for the tenant.
     */
    public Future<List<Environment>> lockAll(SqlClient c, long tenantId) {
        return lockTenant(c, tenantId).compose(x -> Sql.list(c, "SELECT " + COLUMNS
                        + " FROM environments WHERE tenant_id = $1 ORDER BY id" + RowLock.CHANGE.sql,
                EnvironmentRepository::environment, tenantId));
    }

    /** Inserts an environment; a duplicate key fails with {@code DomainException} CONFLICT. */
    public Future<Environment> insert(SqlClient c, long tenantId, String key, String name, String description,
            boolean protectedEnvironment, int requiredApprovals) {
        return Sql.conflictOnDuplicate(Sql.one(c, "INSERT INTO environments (tenant_id, key, name, description,"
                        + " protected, required_approvals) VALUES ($1, $2, $3, $4, $5, $6) RETURNING " + COLUMNS,
                EnvironmentRepository::environment, tenantId, key, name, description, protectedEnvironment,
                requiredApprovals),
                "environment '" + key + "' already exists");
    }

    /** Sets name, description, whether it is protected and the approvals it requires, raising the revision. */
    public Future<Environment> update(SqlClient c, long id, String name, String description,
            boolean protectedEnvironment, int requiredApprovals) {
        return Sql.one(c, "UPDATE environments SET name = $2, description = $3, protected = $4,"
                        + " required_approvals = $5, revision = revision + 1, updated_at = now() WHERE id = $1"
                        + " RETURNING " + COLUMNS,
                EnvironmentRepository::environment, id, name, description, protectedEnvironment, requiredApprovals);
    }

    /** How many unrevoked API keys are bound to the environment. */
    public Future<Long> activeKeys(SqlClient c, long id) {
        return Sql.one(c, "SELECT count(*) FROM api_keys WHERE environment_id = $1 AND revoked_at IS NULL",
                r -> r.getLong(0), id);
    }

    /** Deletes the environment (its flag configurations, segments, change log and sidecar sightings go with it). */
    public Future<Void> delete(SqlClient c, long id) {
        // Its sightings go with it (no foreign key: they are written in batches that must not fail for one gone);
        // a batch writing one meanwhile holds the row's key-share lock, so the caller's FOR UPDATE waited for it.
        return Sql.query(c, "DELETE FROM sidecar_sightings WHERE environment_id = $1", id)
                .compose(x -> Sql.query(c, "DELETE FROM environments WHERE id = $1", id)).mapEmpty();
    }
}
