package io.guidon.controlplane.store;

import io.guidon.controlplane.auth.ApiKeyStore;
import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.auth.StoredKey;
import io.guidon.controlplane.domain.ApiKey;
import io.guidon.controlplane.domain.Page;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code api_keys} table: SQL and row mapping only; null for no row. A key is listed as an {@link ApiKey} (with
 * its environment's key, never its hash); authentication reads it as a {@link StoredKey} ({@link ApiKeyStore}: by
 * its visible prefix, with its hash, tenant and environment) and writes when each key was last used.
 */
public final class KeyRepository implements ApiKeyStore {

    private static final String COLUMNS = "k.id, k.name, k.role, k.prefix, k.created_at, k.revoked_at,"
            + " k.last_used_at, e.key AS environment";
    private static final String FROM = " FROM api_keys k LEFT JOIN environments e ON e.id = k.environment_id";

    private final Pool pool;

    public KeyRepository(Pool pool) {
        this.pool = pool;
    }

    private static ApiKey key(Row r) {
        return new ApiKey(r.getUUID("id"), r.getString("name"), r.getString("role"), r.getString("environment"),
                r.getString("prefix"), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("revoked_at"),
                r.getOffsetDateTime("last_used_at"));
    }

    @Override
    public Future<StoredKey> findByPrefix(String prefix) {
        return Sql.one(pool, "SELECT k.id, k.name, k.role, k.tenant_id, t.key AS tenant, k.environment_id,"
                + " e.key AS environment, k.hash, k.revoked_at FROM api_keys k JOIN tenants t ON t.id = k.tenant_id"
                + " LEFT JOIN environments e ON e.id = k.environment_id WHERE k.prefix = $1", r -> new StoredKey(
                r.getUUID("id"), r.getString("name"), Role.parse(r.getString("role")), r.getLong("tenant_id"),
                r.getString("tenant"), r.getLong("environment_id"), r.getString("environment"),
                r.getBuffer("hash").getBytes(), r.getOffsetDateTime("revoked_at")), prefix);
    }

    @Override
    public Future<Void> recordLastUsed(Map<UUID, Instant> lastUsed) {
        List<UUID> ids = new ArrayList<>();
        List<OffsetDateTime> times = new ArrayList<>();
        lastUsed.forEach((id, t) -> {
            ids.add(id);
            times.add(t.atOffset(ZoneOffset.UTC));
        });
        // The rows are locked in id order first: two replicas flushing overlapping keys in the order the join happens
        // to produce could otherwise deadlock each other.
        return Sql.query(pool, "WITH u AS (SELECT * FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, t)),"
                        + " locked AS (SELECT k.id FROM api_keys k JOIN u ON u.id = k.id ORDER BY k.id"
                        + " FOR NO KEY UPDATE OF k)"
                        + " UPDATE api_keys k SET last_used_at = GREATEST(k.last_used_at, u.t) FROM u, locked"
                        + " WHERE k.id = u.id AND locked.id = k.id",
                ids.toArray(new UUID[0]), times.toArray(new OffsetDateTime[0])).mapEmpty();
    }

    /**
     * A page of the tenant's keys (revoked ones too), by creation time then id, starting after {@code after} (null:
     * from the first); the page's next sort key is the last key's {@link ApiKey.Position#text()}.
     */
    public Future<Page<ApiKey>> page(long tenantId, ApiKey.Position after, int limit) {
        Future<Long> total = Sql.one(pool, "SELECT count(*) FROM api_keys WHERE tenant_id = $1", r -> r.getLong(0),
                tenantId);
        Future<List<ApiKey>> rows = Sql.list(pool, "SELECT " + COLUMNS + FROM + " WHERE k.tenant_id = $1"
                        + " AND ($2::timestamptz IS NULL OR (k.created_at, k.id) > ($2, $3::uuid))"
                        + " ORDER BY k.created_at, k.id LIMIT $4", KeyRepository::key, tenantId,
                after == null ? null : after.createdAt(), after == null ? null : after.id(), limit + 1);
        return Future.all(total, rows).map(x -> Page.of(rows.result(), total.result(), limit,
                k -> k.position().text()));
    }

    /** Key {@code id} of the tenant, read outside any transaction; null if none. */
    public Future<ApiKey> find(long tenantId, UUID id) {
        return find(pool, tenantId, id, RowLock.NONE);
    }

    /**
     * Key {@code id} of the tenant, its row (not its environment's) locked with {@code lock} inside {@code c}'s
     * transaction; null if none.
     */
    public Future<ApiKey> find(SqlClient c, long tenantId, UUID id, RowLock lock) {
        return Sql.one(c, "SELECT " + COLUMNS + FROM + " WHERE k.tenant_id = $1 AND k.id = $2"
                + (lock == RowLock.NONE ? "" : lock.sql + " OF k"), KeyRepository::key, tenantId, id);
    }

    /**
     * Inserts a key: {@code role} as the API names it, {@code environmentId} null but for a sidecar key, the visible
     * {@code prefix} and the SHA-256 {@code hash} of the whole key, {@code createdBy} the key that made it (null for
     * the first admin key of a tenant).
     */
    public Future<Void> insert(SqlClient c, UUID id, long tenantId, String name, String role, Long environmentId,
            String prefix, byte[] hash, UUID createdBy) {
        return Sql.query(c, "INSERT INTO api_keys (id, tenant_id, name, role, environment_id, prefix, hash,"
                        + " created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", id, tenantId, name, role,
                environmentId, prefix, Buffer.buffer(hash), createdBy).mapEmpty();
    }

    /** Marks key {@code id} revoked now. */
    public Future<Void> revoke(SqlClient c, UUID id) {
        return Sql.query(c, "UPDATE api_keys SET revoked_at = now() WHERE id = $1", id).mapEmpty();
    }
}
