package io.guidon.controlplane.service;

import static io.vertx.core.Future.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.DocumentChange;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.EnvironmentDocument;
import io.guidon.controlplane.domain.EnvironmentFlag;
import io.guidon.controlplane.domain.FlagDefinition;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.domain.Actor;
import io.guidon.controlplane.store.EnvironmentRepository;
import io.guidon.controlplane.store.FlagRepository;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.store.RowLock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Flags: their definitions (the same in every environment of the tenant) and their configuration in each
 * environment (a full replacement, a toggle, a rollout). Every change is validated by the engine in every
 * environment it touches before anything is written ({@link DocumentWriter}); the request's own violations
 * ({@code requestViolations}, found by the HTTP layer) are answered in one INVALID together with the engine's, so
 * a client sees every problem at once. Sequential code for a virtual thread; throws {@link DomainException}.
 */
public final class FlagService {

    /** The key a flag without a (valid) key is judged under. */
    private static final String STAND_IN_KEY = "new-flag";

    private final DocumentWriter writer;
    private final EnvironmentRepository environments;
    private final FlagRepository flags;
    private final ResourceViews views;

    FlagService(DocumentWriter writer, EnvironmentRepository environments, FlagRepository flags,
            ResourceViews views) {
        this.writer = writer;
        this.environments = environments;
        this.flags = flags;
        this.views = views;
    }

    // ---------------------------------------------------------------- definitions

    /** Flag {@code key} of the tenant; NOT_FOUND if none. */
    public FlagDefinition get(long tenantId, String key) {
        return found(await(flags.find(tenantId, key)), key);
    }

    private static <T> T found(T flag, String key) {
        if (flag == null) {
            throw DomainException.notFound("no flag '" + key + "'");
        }
        return flag;
    }

    /**
     * A page of the tenant's flags, by key, with tag {@code tag} and {@code q} (case-insensitive) in key, name,
     * description or one of its tags (each null: any).
     */
    public Page<FlagDefinition> list(long tenantId, String tag, String q, String after, int limit) {
        return await(flags.page(tenantId, tag, q, after, limit));
    }

    /**
     * Creates a flag with its default configuration (disabled, serving {@code offVariant} or the default off
     * variant) in every environment. A null {@code key} must come with the request's violation saying so: the
     * definition is then judged alone under a stand-in key, and refused. CONFLICT for a duplicate key.
     */
    public FlagDefinition create(Actor actor, String key, FlagFields fields, String offVariant,
            List<Violation> requestViolations) {
        if (key == null) {
            if (requestViolations.isEmpty()) {
                throw new IllegalArgumentException("a flag without a key needs the request's violation saying so");
            }
            if (usable(fields.variants())) {
                FlagDefinition alone = await(flags.asStored(proposed(0, STAND_IN_KEY, fields, 1)));
                refuseIfAny(requestViolations,
                        writer.check(alone, EnvironmentDocument.defaultConfig(alone.variants(), offVariant)));
            }
            throw DomainException.invalid(requestViolations);
        }
        return writer.write(actor, tx -> {
            List<Environment> envs = await(environments.lockAll(tx.c, actor.tenantId()));
            if (await(flags.exists(tx.c, actor.tenantId(), key))) {
                throw DomainException.conflict("flag '" + key + "' already exists");
            }
            if (!usable(fields.variants())) {
                throw DomainException.invalid(requestViolations);
            }
            FlagDefinition proposed = await(flags.asStored(tx.c, proposed(0, key, fields, 1)));
            ObjectNode config = EnvironmentDocument.defaultConfig(proposed.variants(), offVariant);
            DocumentChange change = new DocumentChange.CreateFlag(proposed, config);
            List<DocumentWriter.Prepared> prepared = envs.isEmpty()
                    ? refuseIfAny(requestViolations, writer.check(proposed, config))
                    : writer.prepare(tx, envs, change, requestViolations);
            // Valid everywhere: only now is anything written.
            FlagDefinition def = await(flags.insert(tx.c, actor.tenantId(), proposed));
            for (Environment env : envs) {
                await(flags.insertConfig(tx.c, actor.tenantId(), env.id(), def.id(), config));
            }
            writer.commit(tx, withWritten(prepared, def), change);
            tx.audit("flag.create", "flag", key, null, null, views.flag(def));
            return def;
        });
    }

    /**
     * Replaces a flag's definition; NOT_FOUND, STALE when {@code ifMatch} is not its revision, INVALID with the
     * request's violations and the engine's of every environment.
     */
    public FlagDefinition update(Actor actor, String key, Integer ifMatch, FlagFields fields,
            List<Violation> requestViolations) {
        return writer.write(actor, tx -> updateIn(tx, key, ifMatch, fields, requestViolations));
    }

    /** {@link #update} inside a caller's transaction, under its actor. */
    FlagDefinition updateIn(DocumentWriter.Tx tx, String key, Integer ifMatch, FlagFields fields,
            List<Violation> requestViolations) {
        Actor actor = tx.actor;
        List<Environment> envs = await(environments.lockAll(tx.c, actor.tenantId()));
        FlagDefinition before = found(await(flags.find(tx.c, actor.tenantId(), key)), key);
        DocumentWriter.checkRevision(ifMatch, before.revision(), "flag '" + key + "'");
        if (!usable(fields.variants())) {
            throw DomainException.invalid(requestViolations);
        }
        FlagDefinition proposed = await(flags.asStored(tx.c,
                proposed(before.id(), key, fields, before.revision() + 1)));
        DocumentChange change = new DocumentChange.UpdateFlagDefinition(proposed);
        List<DocumentWriter.Prepared> prepared = envs.isEmpty()
                ? refuseIfAny(requestViolations,
                        writer.check(proposed, EnvironmentDocument.defaultConfig(proposed.variants(), null)))
                : writer.prepare(tx, envs, change, requestViolations);
        FlagDefinition def = await(flags.update(tx.c, before.id(), proposed));
        writer.commit(tx, withWritten(prepared, def), change);
        tx.audit("flag.update", "flag", key, null, views.flag(before), views.flag(def));
        return def;
    }

    /** Deletes a flag; NOT_FOUND, STALE, or INVALID naming what in which environment still needs it. */
    public void delete(Actor actor, String key, Integer ifMatch) {
        writer.write(actor, tx -> {
            deleteIn(tx, key, ifMatch);
            return null;
        });
    }

    /** {@link #delete} inside a caller's transaction, under its actor. */
    void deleteIn(DocumentWriter.Tx tx, String key, Integer ifMatch) {
        Actor actor = tx.actor;
        List<Environment> envs = await(environments.lockAll(tx.c, actor.tenantId()));
        FlagDefinition before = found(await(flags.find(tx.c, actor.tenantId(), key)), key);
        DocumentWriter.checkRevision(ifMatch, before.revision(), "flag '" + key + "'");
        DocumentChange change = new DocumentChange.DeleteFlag(key);
        List<DocumentWriter.Prepared> prepared = writer.prepare(tx, envs, change, List.of());
        await(flags.delete(tx.c, before.id()));
        writer.commit(tx, prepared, change);
        tx.audit("flag.delete", "flag", key, null, views.flag(before), null);
    }

    // ---------------------------------------------------------------- configuration in an environment

    /** Flag {@code flagKey} in environment {@code envKey}; NOT_FOUND for either. */
    public EnvironmentFlag getIn(long tenantId, String envKey, String flagKey) {
        Environment env = EnvironmentService.found(await(environments.find(tenantId, envKey)), envKey);
        return found(await(flags.findIn(tenantId, env.id(), env.key(), flagKey)), flagKey);
    }

    /**
     * The precondition of a change of flag {@code flagKey} in environment {@code envKey} whose request is refused
     * anyway: NOT_FOUND for either, STALE when {@code ifMatch} is given and not the configuration's revision.
     * RFC 9110 13.2.2 evaluates the precondition before the method's semantics, so a stale change is 412 whatever
     * its body; a route that refuses a body before reaching the write path checks this first.
     */
    public void checkPrecondition(long tenantId, String envKey, String flagKey, Integer ifMatch) {
        DocumentWriter.checkRevision(ifMatch, getIn(tenantId, envKey, flagKey).revision(),
                "flag '" + flagKey + "' in '" + envKey + "'");
    }

    /** A page of the flags of environment {@code envKey} (NOT_FOUND if none), filtered like {@link #list}. */
    public Page<EnvironmentFlag> listIn(long tenantId, String envKey, String tag, String q, String after,
            int limit) {
        Environment env = EnvironmentService.found(await(environments.find(tenantId, envKey)), envKey);
        return await(flags.pageIn(tenantId, env.id(), env.key(), tag, q, after, limit));
    }

    /**
     * Replaces a flag's configuration in an environment with {@code config}; {@code echoed} holds the definition
     * fields the request sent back, which must be unchanged.
     */
    public EnvironmentFlag configure(Actor actor, String envKey, String flagKey, Integer ifMatch, ObjectNode config,
            ObjectNode echoed, List<Violation> requestViolations) {
        return changeIn(actor, envKey, flagKey, ifMatch, "flag.configure",
                new DocumentChange.ConfigureFlag(flagKey, config, echoed), requestViolations);
    }

    /** Turns a flag on or off in an environment. */
    public EnvironmentFlag toggle(Actor actor, String envKey, String flagKey, Integer ifMatch, boolean enabled) {
        return changeIn(actor, envKey, flagKey, ifMatch, enabled ? "flag.enable" : "flag.disable",
                new DocumentChange.Toggle(flagKey, enabled), List.of());
    }

    /** Sets a flag's fallthrough rollout in an environment (see {@link DocumentChange.Rollout}). */
    public EnvironmentFlag rollout(Actor actor, String envKey, String flagKey, Integer ifMatch, JsonNode percentage,
            ObjectNode weights, JsonNode bucketBy, List<Violation> requestViolations) {
        return changeIn(actor, envKey, flagKey, ifMatch, "flag.rollout",
                new DocumentChange.Rollout(flagKey, percentage, weights, bucketBy), requestViolations);
    }

    /**
     * Changes a flag's configuration in one environment. Engine errors inside the flag are relative to it
     * ({@code rules[0].serve.variant}); others name their place in the environment's document. NOT_FOUND for a
     * missing environment or flag, STALE for a stale {@code ifMatch}.
     */
    private EnvironmentFlag changeIn(Actor actor, String envKey, String flagKey, Integer ifMatch, String action,
            DocumentChange change, List<Violation> requestViolations) {
        return writer.write(actor, tx -> changeIn(tx, envKey, flagKey, ifMatch, action, change, requestViolations));
    }

    /**
     * {@link #changeIn(Actor, String, String, Integer, String, DocumentChange, List)} inside a caller's transaction
     * (a schedule's claim, a change request's approval, a plan's step): the same checks, writes and audit entry, under
     * {@code tx}'s actor; published when the caller's {@link DocumentWriter#write} commits.
     */
    EnvironmentFlag changeIn(DocumentWriter.Tx tx, String envKey, String flagKey, Integer ifMatch, String action,
            DocumentChange change, List<Violation> requestViolations) {
        Checked located = locate(tx, envKey, flagKey, ifMatch);
        Environment env = located.environment();
        EnvironmentFlag current = located.current();
        List<DocumentWriter.Prepared> prepared = writer.prepare(tx, List.of(env), change, requestViolations);
        writer.commit(tx, prepared, change);
        EnvironmentFlag updated = await(flags.updateConfig(tx.c, env.id(), env.key(), current.definition(),
                prepared.get(0).after().configs.get(flagKey)));
        tx.audit(action, "flag", flagKey, env.key(), views.environmentFlag(current), views.environmentFlag(updated));
        return updated;
    }

    /** A flag in an environment a change was checked against: the environment (locked) and the flag there now. */
    record Checked(Environment environment, EnvironmentFlag current) {
    }

    /**
     * Checks {@code change} in {@code tx} as {@link #changeIn(DocumentWriter.Tx, String, String, Integer, String,
     * DocumentChange, List)} would apply it (the same lock, lookups, revision check and engine validation), writing
     * nothing: for a change kept to be applied later (a schedule). INVALID lists {@code requestViolations}, then the
     * engine's placed under {@code at} (they are relative to the change, as the direct routes answer them).
     */
    Checked checkIn(DocumentWriter.Tx tx, String envKey, String flagKey, Integer ifMatch, DocumentChange change,
            List<Violation> requestViolations, io.guidon.json.Pointer at) {
        Checked located = locate(tx, envKey, flagKey, ifMatch);
        try {
            writer.prepare(tx, List.of(located.environment()), change, List.of());
        } catch (DomainException e) {
            if (e.kind() == DomainException.Kind.APPROVAL_REQUIRED && !requestViolations.isEmpty()) {
                // A request with problems of its own is refused for them, never kept as a change request.
                throw DomainException.invalid(requestViolations);
            }
            if (e.kind() != DomainException.Kind.INVALID) {
                throw e;
            }
            Set<Violation> all = new LinkedHashSet<>(requestViolations);
            e.violations().forEach(v -> all.add(new Violation(v.where().under(at), v.message())));
            throw DomainException.invalid(List.copyOf(all));
        }
        if (!requestViolations.isEmpty()) {
            throw DomainException.invalid(requestViolations);
        }
        return located;
    }

    /**
     * Flag {@code flagKey} in environment {@code envKey}, the environment locked for a change of its document:
     * NOT_FOUND for either, STALE when {@code ifMatch} is not the configuration's revision.
     */
    private Checked locate(DocumentWriter.Tx tx, String envKey, String flagKey, Integer ifMatch) {
        Actor actor = tx.actor;
        Environment env = EnvironmentService.found(
                await(environments.find(tx.c, actor.tenantId(), envKey, RowLock.CHANGE)), envKey);
        EnvironmentFlag current = found(await(flags.findIn(tx.c, actor.tenantId(), env.id(), env.key(),
                flagKey)), flagKey);
        DocumentWriter.checkRevision(ifMatch, current.revision(), "flag '" + flagKey + "' in '" + envKey + "'");
        return new Checked(env, current);
    }

    // ---------------------------------------------------------------- helpers

    /** Whether {@code variants} is something a flag can be built from (else the request's violations say why). */
    private static boolean usable(JsonNode variants) {
        return variants != null && variants.isObject() && !variants.isEmpty();
    }

    /** The definition {@code fields} describe, before it is written (no times). */
    private static FlagDefinition proposed(long id, String key, FlagFields fields, int revision) {
        return new FlagDefinition(id, key, fields.name() == null ? "" : fields.name(),
                fields.description() == null ? "" : fields.description(), fields.tags(),
                fields.variants(), fields.metadata(), fields.salt(), revision, null, null);
    }

    /** INVALID with {@code request} and then {@code engine}, each once, if there is any; else no document prepared. */
    private static List<DocumentWriter.Prepared> refuseIfAny(List<Violation> request, List<Violation> engine) {
        Set<Violation> all = new LinkedHashSet<>(request);
        all.addAll(engine);
        if (!all.isEmpty()) {
            throw DomainException.invalid(List.copyOf(all));
        }
        return List.of();
    }

    /** Puts the written definition into each prepared document (it validated the same one, before the write). */
    private static List<DocumentWriter.Prepared> withWritten(List<DocumentWriter.Prepared> prepared,
            FlagDefinition def) {
        for (DocumentWriter.Prepared p : prepared) {
            p.after().flags.put(def.key(), def);
        }
        return prepared;
    }
}
