package io.guidon.controlplane.service;

import static io.vertx.core.Future.await;

import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.EnvironmentDocument;
import io.guidon.controlplane.domain.FlagDefinition;
import io.guidon.controlplane.domain.Actor;
import io.guidon.controlplane.store.EnvironmentRepository;
import io.guidon.controlplane.store.FlagRepository;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.store.RowLock;
import io.vertx.core.Future;
import io.guidon.controlplane.domain.Violation;
import java.util.ArrayList;
import java.util.List;

/**
 * Environments of a tenant: reading, listing, creating (every flag of the tenant gets its default, disabled,
 * configuration there), renaming and deleting (refused while sidecar keys are bound to it). Sequential code for a
 * virtual thread: each method awaits its statements and throws {@link DomainException}.
 */
public final class EnvironmentService {

    private final DocumentWriter writer;
    private final EnvironmentRepository environments;
    private final FlagRepository flags;
    private final ResourceViews views;

    EnvironmentService(DocumentWriter writer, EnvironmentRepository environments, FlagRepository flags,
            ResourceViews views) {
        this.writer = writer;
        this.environments = environments;
        this.flags = flags;
        this.views = views;
    }

    /** Environment {@code key} of the tenant; NOT_FOUND if none. */
    public Environment get(long tenantId, String key) {
        return found(await(environments.find(tenantId, key)), key);
    }

    static Environment found(Environment e, String key) {
        if (e == null) {
            throw DomainException.notFound("no environment '" + key + "'");
        }
        return e;
    }

    /** A page of the tenant's environments, by key, whose key, name or description contains {@code q} (null: all). */
    public Page<Environment> list(long tenantId, String q, String after, int limit) {
        return await(environments.page(tenantId, q, after, limit));
    }

    /**
     * Creates an environment with every flag of the tenant in it, disabled; CONFLICT if the key exists.
     * {@code protectedEnvironment}: whether consoles ask for a confirmation naming it before changing its flags.
     */
    public Environment create(Actor actor, String key, String name, String description, boolean protectedEnvironment) {
        return create(actor, key, name, description, protectedEnvironment, 0);
    }

    /**
     * {@link #create(Actor, String, String, String, boolean)} with {@code requiredApprovals}: how many approvals a
     * change of what it serves needs (0 to {@link Environment#MAX_APPROVALS}; the caller checked the range).
     */
    public Environment create(Actor actor, String key, String name, String description, boolean protectedEnvironment,
            int requiredApprovals) {
        return writer.write(actor, tx -> {
            await(environments.lockTenant(tx.c, actor.tenantId()));
            Environment env = await(environments.insert(tx.c, actor.tenantId(), key, name, description,
                    protectedEnvironment, requiredApprovals));
            // Every flag of the tenant gets its default (disabled) configuration here; the inserts are pipelined.
            List<Future<Void>> inserts = new ArrayList<>();
            for (FlagDefinition def : await(flags.all(tx.c, actor.tenantId()))) {
                inserts.add(flags.insertConfig(tx.c, actor.tenantId(), env.id(), def.id(),
                        EnvironmentDocument.defaultConfig(def.variants(), null)));
            }
            await(Future.all(inserts));
            tx.audit("environment.create", "environment", key, key, null, views.environment(env));
            return env;
        });
    }

    /**
     * Renames, re-describes or (un)protects an environment; {@code protectedEnvironment} null keeps it as it is.
     * NOT_FOUND, or STALE when {@code ifMatch} is not its revision.
     */
    public Environment update(Actor actor, String key, Integer ifMatch, String name, String description,
            Boolean protectedEnvironment) {
        return update(actor, key, ifMatch, name, description, protectedEnvironment, null);
    }

    /**
     * {@link #update(Actor, String, Integer, String, String, Boolean)} that also sets the approvals its changes need
     * ({@code requiredApprovals}, 0 to {@link Environment#MAX_APPROVALS}; null keeps it). Admins only (the route's
     * role): lowering it is audited like any change of the environment.
     */
    public Environment update(Actor actor, String key, Integer ifMatch, String name, String description,
            Boolean protectedEnvironment, Integer requiredApprovals) {
        return update(actor, key, ifMatch, name, description, protectedEnvironment, requiredApprovals, List.of());
    }

    /**
     * {@link #update(Actor, String, Integer, String, String, Boolean, Integer)} of a request whose body had
     * {@code requestViolations}: INVALID with them, but only after NOT_FOUND and STALE (RFC 9110 13.2.2: the
     * precondition is evaluated before the method's semantics, so a stale change is 412 whatever its body).
     */
    public Environment update(Actor actor, String key, Integer ifMatch, String name, String description,
            Boolean protectedEnvironment, Integer requiredApprovals, List<Violation> requestViolations) {
        return writer.write(actor, tx -> {
            Environment before = found(await(environments.find(tx.c, actor.tenantId(), key, RowLock.CHANGE)), key);
            DocumentWriter.checkRevision(ifMatch, before.revision(), "environment '" + key + "'");
            if (!requestViolations.isEmpty()) {
                throw DomainException.invalid(requestViolations);
            }
            Environment after = await(environments.update(tx.c, before.id(), name, description,
                    protectedEnvironment == null ? before.protectedEnvironment() : protectedEnvironment,
                    requiredApprovals == null ? before.requiredApprovals() : requiredApprovals));
            tx.audit("environment.update", "environment", key, key, views.environment(before),
                    views.environment(after));
            return after;
        });
    }

    /** Deletes an environment; NOT_FOUND, STALE, or CONFLICT while unrevoked sidecar keys are bound to it. */
    public void delete(Actor actor, String key, Integer ifMatch) {
        writer.write(actor, tx -> {
            Environment env = found(await(environments.find(tx.c, actor.tenantId(), key, RowLock.DELETE)), key);
            DocumentWriter.checkRevision(ifMatch, env.revision(), "environment '" + key + "'");
            long active = await(environments.activeKeys(tx.c, env.id()));
            if (active > 0) {
                throw DomainException.conflict("environment '" + key + "' has " + active
                        + " active sidecar key(s); revoke them first");
            }
            await(environments.delete(tx.c, env.id()));
            tx.audit("environment.delete", "environment", key, key, views.environment(env), null);
            return null;
        });
    }
}
