package io.guidon.controlplane.service;

import static io.vertx.core.Future.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.auth.ApiKeys;
import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.Actor;
import io.guidon.controlplane.domain.ApiKey;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.store.AuditLog;
import io.guidon.controlplane.store.EnvironmentRepository;
import io.guidon.controlplane.store.KeyRepository;
import io.guidon.controlplane.store.RowLock;
import io.guidon.controlplane.store.TenantRepository;
import io.guidon.controlplane.store.Transactions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.UUID;

/**
 * Tenants' API keys: listing, reading, creating (the secret is returned once and only its hash is stored), revoking,
 * and {@code guidon admin bootstrap}'s tenant with its first admin key. Every change writes its audit entry in its
 * own transaction ({@link Transactions#await}, re-run whole on a lock conflict). Sequential code for a virtual thread
 * (or any thread that is not Vert.x's, such as the command line's); throws {@link DomainException}.
 *
 * <p>Authentication does not come here: it reads keys straight from {@link KeyRepository} (an
 * {@code auth.ApiKeyStore}) on the event loop.
 */
public final class KeyService {

    private final Pool pool;
    private final KeyRepository keys;
    private final TenantRepository tenants;
    private final EnvironmentRepository environments;
    private final AuditLog audit;
    private final ApiKeys generator;
    private final ResourceViews views;

    KeyService(Pool pool, KeyRepository keys, TenantRepository tenants, EnvironmentRepository environments,
            AuditLog audit, ApiKeys generator, ResourceViews views) {
        this.pool = pool;
        this.keys = keys;
        this.tenants = tenants;
        this.environments = environments;
        this.audit = audit;
        this.generator = generator;
        this.views = views;
    }

    /**
     * The keys of the database behind {@code pool}, alone (for the command line, which needs no other service).
     *
     * @param generator makes each new key's secret
     * @param views how the audit log records a key (the admin API's shape)
     */
    public static KeyService standalone(Pool pool, AuditLog audit, ApiKeys generator, ResourceViews views) {
        return new KeyService(pool, new KeyRepository(pool), new TenantRepository(), new EnvironmentRepository(pool),
                audit, generator, views);
    }

    /** A key just created: its description and the whole key text ({@code gdn_<prefix>_<secret>}), returned once. */
    public record Created(ApiKey info, String key) {
    }

    /** What {@code guidon admin bootstrap} made: the tenant (id and key) and its first admin key. */
    public record Bootstrapped(long tenantId, String tenant, Created adminKey) {
    }

    private static ApiKey found(ApiKey key, UUID id) {
        if (key == null) {
            throw DomainException.notFound("no key '" + id + "'");
        }
        return key;
    }

    /**
     * A page of the tenant's keys (revoked ones too), oldest first; {@code after} is the previous page's sort key
     * ({@link ApiKey.Position#text()}), null for the first page.
     *
     * @throws DomainException INVALID_PARAMETER ({@code cursor}) when {@code after} is not a position of this listing
     */
    public Page<ApiKey> list(long tenantId, String after, int limit) {
        ApiKey.Position from = null;
        if (after != null) {
            from = ApiKey.Position.parse(after);
            if (from == null) {
                throw DomainException.invalidParameter(List.of(Violation.of("cursor", "not a cursor of this listing")));
            }
        }
        return await(keys.page(tenantId, from, limit));
    }

    /** Key {@code id} of the tenant; NOT_FOUND if none. */
    public ApiKey get(long tenantId, UUID id) {
        return found(await(keys.find(tenantId, id)), id);
    }

    /**
     * Creates a key for the actor's tenant. {@code environmentKey} is a sidecar key's environment, and null for every
     * other role (the HTTP layer has checked that the request pairs them so).
     *
     * @throws DomainException NOT_FOUND when the environment does not exist in the tenant, also when a concurrent
     *     request deletes it first
     */
    public Created create(Actor actor, String name, Role role, String environmentKey) {
        return Transactions.await(pool, c -> create(c, actor, name, role, environmentKey));
    }

    private Created create(SqlConnection c, Actor actor, String name, Role role, String environmentKey) {
        // The environment is read FOR KEY SHARE, the lock the key's foreign key takes anyway, before the insert: a
        // concurrent deletion of the environment (FOR UPDATE) either finishes first, and the environment is not found
        // here, or waits for this key and then sees it and refuses (409, active sidecar keys). Without it, the
        // insert's foreign-key check failed after the deletion committed: a 500.
        Long environmentId = null;
        if (environmentKey != null) {
            Environment env = await(environments.find(c, actor.tenantId(), environmentKey, RowLock.KEY_SHARE));
            if (env == null) {
                throw DomainException.notFound("no environment '" + environmentKey + "'");
            }
            environmentId = env.id();
        }
        ApiKeys.NewKey secret = generator.generate();
        UUID id = UUID.randomUUID();
        await(keys.insert(c, id, actor.tenantId(), name, role.jsonName(), environmentId, secret.prefix(),
                secret.hash(), actor.keyId()));
        ApiKey key = await(keys.find(c, actor.tenantId(), id, RowLock.NONE));
        record(c, actor, "key.create", key, environmentKey, null, views.key(key));
        return new Created(key, secret.key());
    }

    /**
     * Revokes key {@code id} of the actor's tenant; a key already revoked is returned as it is, with no audit entry.
     * The key is returned with its prefix, so that the caller can evict it from authentication's cache.
     *
     * @throws DomainException NOT_FOUND if there is no such key
     */
    public ApiKey revoke(Actor actor, UUID id) {
        return Transactions.await(pool, c -> {
            ApiKey before = found(await(keys.find(c, actor.tenantId(), id, RowLock.CHANGE)), id);
            if (before.revokedAt() != null) {
                return before;
            }
            await(keys.revoke(c, id));
            ApiKey after = await(keys.find(c, actor.tenantId(), id, RowLock.NONE));
            record(c, actor, "key.revoke", after, before.environment(), views.key(before), views.key(after));
            return after;
        });
    }

    /**
     * Creates tenant {@code tenantKey} and its first admin key, named {@code keyName}, in one transaction; both are
     * audited as made by the actor {@code bootstrap}.
     *
     * @throws DomainException CONFLICT when the tenant exists
     */
    public Bootstrapped bootstrap(String tenantKey, String tenantName, String keyName) {
        return Transactions.await(pool, c -> {
            long tenantId = await(tenants.insert(c, tenantKey, tenantName));
            Actor actor = new Actor(tenantId, tenantKey, null, "bootstrap", "bootstrap-" + UUID.randomUUID());
            ObjectNode tenant = StoredJson.object().put("key", tenantKey).put("name", tenantName);
            await(audit.record(c, actor, new AuditLog.Entry("tenant.create", "tenant", tenantKey, null, null,
                    tenant)));
            Created admin = create(c, actor, keyName, Role.ADMIN, null);
            return new Bootstrapped(tenantId, tenantKey, admin);
        });
    }

    private void record(SqlConnection c, Actor actor, String action, ApiKey key, String environmentKey,
            JsonNode before, JsonNode after) {
        await(audit.record(c, actor, new AuditLog.Entry(action, "key", key.id().toString(), environmentKey, before,
                after)));
    }
}
