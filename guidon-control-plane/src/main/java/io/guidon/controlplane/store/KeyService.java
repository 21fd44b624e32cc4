package io.guidon.controlplane.store;

import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.Actor;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.auth.ApiKeyStore;
import io.guidon.controlplane.auth.ApiKeys;
import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.auth.StoredKey;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.StoredJson;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Tenants and API keys: creation (the key shown once), revocation, listing, and lookup for authentication. */
public final class KeyService implements ApiKeyStore {

    private static final String KEY_COLUMNS = "k.id, k.name, k.role, k.prefix, k.created_at, k.revoked_at,"
            + " k.last_used_at, e.key AS environment";

    private final Pool pool;
    private final AuditLog audit;
    private final ApiKeys keys;

    public KeyService(Pool pool, AuditLog audit, ApiKeys keys) {
        this.pool = pool;
        this.audit = audit;
        this.keys = keys;
    }

    /** An API key as listed (never with its secret). */
    public record KeyInfo(UUID id, String name, String role, String environment, String prefix,
            OffsetDateTime createdAt, OffsetDateTime revokedAt, OffsetDateTime lastUsedAt) {
        public ObjectNode toJson() {
            ObjectNode o = StoredJson.object();
            o.put("id", id.toString());
            o.put("name", name);
            o.put("role", role);
            o.put("environment", environment);
            o.put("prefix", "gdn_" + prefix);
            o.put("createdAt", createdAt.toInstant().toString());
            o.put("revokedAt", revokedAt == null ? null : revokedAt.toInstant().toString());
            o.put("lastUsedAt", lastUsedAt == null ? null : lastUsedAt.toInstant().toString());
            return o;
        }
    }

    /** A key just created: its description and the secret key text, returned once. */
    public record Created(KeyInfo info, String key) {
    }

    private static KeyInfo info(Row r) {
        return new KeyInfo(r.getUUID("id"), r.getString("name"), r.getString("role"), r.getString("environment"),
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

    public Future<Page<KeyInfo>> list(long tenantId, String after, int limit) {
        // Sorted by creation, then id: stable, and the cursor is "<epoch micros>:<id>".
        OffsetDateTime afterTime = null;
        UUID afterId = null;
        if (after != null) {
            String[] parts = after.split(":", 2);
            long micros = Long.parseLong(parts[0]);
            afterTime = Instant.EPOCH.plusNanos(micros * 1000).atOffset(ZoneOffset.UTC);
            afterId = UUID.fromString(parts[1]);
        }
        Future<Long> total = Sql.one(pool, "SELECT count(*) FROM api_keys WHERE tenant_id = $1", r -> r.getLong(0),
                tenantId);
        Future<List<KeyInfo>> rows = Sql.list(pool, "SELECT " + KEY_COLUMNS + " FROM api_keys k"
                        + " LEFT JOIN environments e ON e.id = k.environment_id WHERE k.tenant_id = $1"
                        + " AND ($2::timestamptz IS NULL OR (k.created_at, k.id) > ($2, $3::uuid))"
                        + " ORDER BY k.created_at, k.id LIMIT $4", KeyService::info, tenantId, afterTime, afterId,
                limit + 1);
        return Future.all(total, rows).map(x -> Page.of(rows.result(), total.result(), limit,
                k -> micros(k.createdAt()) + ":" + k.id()));
    }

    private static long micros(OffsetDateTime t) {
        Instant i = t.toInstant();
        return i.getEpochSecond() * 1_000_000 + i.getNano() / 1000;
    }

    public Future<KeyInfo> get(long tenantId, UUID id) {
        return Sql.one(pool, "SELECT " + KEY_COLUMNS + " FROM api_keys k LEFT JOIN environments e"
                        + " ON e.id = k.environment_id WHERE k.tenant_id = $1 AND k.id = $2", KeyService::info,
                        tenantId, id)
                .compose(k -> k == null ? Future.failedFuture(DomainException.notFound("no key '" + id + "'"))
                        : Future.succeededFuture(k));
    }

    /**
     * Creates a key; a sidecar key names its environment (which must exist in the tenant: 404 otherwise, also when a
     * concurrent request deletes it first).
     */
    public Future<Created> create(Actor actor, String name, Role role, String environmentKey) {
        return Transactions.run(pool, c -> create(c, actor, name, role, environmentKey));
    }

    private Future<Created> create(SqlConnection c, Actor actor, String name, Role role, String environmentKey) {
        // FOR KEY SHARE, the lock the key's foreign key takes anyway, taken before the insert: a concurrent deletion
        // of the environment (FOR UPDATE) either finishes first, and the environment is not found here, or waits
        // for this key and then sees it and refuses (409, active sidecar keys). Without it, the insert's foreign-key
        // check failed after the deletion committed: a 500.
        Future<Long> envId = environmentKey == null ? Future.succeededFuture(null)
                : Sql.one(c, "SELECT id FROM environments WHERE tenant_id = $1 AND key = $2 FOR KEY SHARE",
                        r -> r.getLong(0),
                        actor.tenantId(), environmentKey).compose(id -> id == null
                        ? Future.failedFuture(DomainException.notFound("no environment '" + environmentKey + "'"))
                        : Future.succeededFuture(id));
        ApiKeys.NewKey key = keys.generate();
        UUID id = UUID.randomUUID();
        return envId.compose(env -> Sql.query(c, "INSERT INTO api_keys (id, tenant_id, name, role, environment_id,"
                                + " prefix, hash, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", id,
                        actor.tenantId(), name, role.jsonName(), env, key.prefix(),
                        io.vertx.core.buffer.Buffer.buffer(key.hash()), actor.keyId()))
                .compose(x -> Sql.one(c, "SELECT " + KEY_COLUMNS + " FROM api_keys k LEFT JOIN environments e"
                        + " ON e.id = k.environment_id WHERE k.id = $1", KeyService::info, id))
                .compose(info -> audit.record(c, actor, new AuditLog.Entry("key.create", "key", id.toString(),
                                environmentKey, null, info.toJson()))
                        .map(x -> new Created(info, key.key())));
    }

    /** Revokes a key (idempotent); returns it with its prefix so the caller can evict it from caches. */
    public Future<KeyInfo> revoke(Actor actor, UUID id) {
        return Transactions.run(pool, c -> Sql.one(c, "SELECT " + KEY_COLUMNS + " FROM api_keys k LEFT JOIN"
                        + " environments e ON e.id = k.environment_id WHERE k.tenant_id = $1 AND k.id = $2"
                        + " FOR NO KEY UPDATE OF k",
                KeyService::info, actor.tenantId(), id).compose(before -> {
                    if (before == null) {
                        return Future.failedFuture(DomainException.notFound("no key '" + id + "'"));
                    }
                    if (before.revokedAt() != null) {
                        return Future.succeededFuture(before);
                    }
                    return Sql.query(c, "UPDATE api_keys SET revoked_at = now() WHERE id = $1", id)
                            .compose(x -> Sql.one(c, "SELECT " + KEY_COLUMNS + " FROM api_keys k LEFT JOIN"
                                    + " environments e ON e.id = k.environment_id WHERE k.id = $1", KeyService::info, id))
                            .compose(after -> audit.record(c, actor, new AuditLog.Entry("key.revoke", "key",
                                    id.toString(), before.environment(), before.toJson(), after.toJson())).map(after));
                }));
    }

    /** What {@code guidon admin bootstrap} made: the tenant and its first admin key. */
    public record Bootstrapped(long tenantId, String tenant, Created adminKey) {
    }

    /** Creates a tenant and its first admin key; 409 when the tenant exists. */
    public Future<Bootstrapped> bootstrap(String tenantKey, String tenantName, String keyName) {
        return Transactions.run(pool, c -> Sql.conflictOnDuplicate(Sql.one(c, "INSERT INTO tenants (key, name)"
                        + " VALUES ($1, $2) RETURNING id", r -> r.getLong(0), tenantKey, tenantName),
                "tenant '" + tenantKey + "' already exists").compose(tenantId -> {
                    Actor actor = new Actor(tenantId, tenantKey, null, "bootstrap", "bootstrap-" + UUID.randomUUID());
                    ObjectNode tenant = StoredJson.object().put("key", tenantKey).put("name", tenantName);
                    return audit.record(c, actor, new AuditLog.Entry("tenant.create", "tenant", tenantKey, null, null,
                                    tenant))
                            .compose(x -> create(c, actor, keyName, Role.ADMIN, null))
                            .map(created -> new Bootstrapped(tenantId, tenantKey, created));
                }));
    }
}
