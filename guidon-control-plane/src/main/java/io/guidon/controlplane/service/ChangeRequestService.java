package io.guidon.controlplane.service;

import static io.vertx.core.Future.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.Actor;
import io.guidon.controlplane.domain.ChangeRequest;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.ProposedChange;
import io.guidon.controlplane.domain.Schedule;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.store.AuditLog;
import io.guidon.controlplane.store.ChangeRequestRepository;
import io.guidon.controlplane.store.EnvironmentRepository;
import io.guidon.controlplane.store.RowLock;
import io.guidon.json.Pointer;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Change requests (docs/adr/0115-approvals.md): a change to an environment that requires approvals, kept exactly
 * (its action's stored JSON and SHA-256) with the document versions it is based on, until enough other people's
 * editor keys approved that hash; then applied through the write path with the request's approval, which is the only
 * way (besides an admin's audited bypass) through the gate in {@link DocumentWriter#prepare}. Sequential code for a
 * virtual thread; throws {@link DomainException}.
 *
 * <ul>
 *   <li>An action is a {@link ProposedChange}'s stored form, or {@code schedule.create} (a schedule made once the
 *       request is applied, whose application at its time then carries the approval), or any kind registered with
 *       {@link #register} (a rollout plan's {@code plan.start}).</li>
 *   <li>Proposing, editing and rebasing check the action on the current document in a dry run (the same checks as
 *       its direct route, nothing kept) and take the versions of the environments it changes as its base.</li>
 *   <li>Editing (by the author only) or rebasing withdraws every approval. Approving names the hash the approver
 *       reviewed (CONFLICT when it is no longer the request's); the author cannot approve (FORBIDDEN).</li>
 *   <li>Applying needs every base version unchanged (CONFLICT "rebase") and as many approvals of the current hash,
 *       from keys not revoked now, as the environment requires now.</li>
 * </ul>
 */
public final class ChangeRequestService {

    /** The agent named in the audit log for an approved request's change: "change-request for alice". */
    public static final String AGENT = "change-request";
    /** The audit log's resource type of a request (its resource key is the request's id). */
    public static final String RESOURCE_TYPE = "change_request";
    /** The kind of a schedule kept until approved. */
    public static final String SCHEDULE_CREATE = "schedule.create";
    /** The kind of a rollout plan's start kept until approved (registered by {@link Services}). */
    public static final String PLAN_START = "plan.start";

    /** What a request changes: its environment (null: a flag's definition, every environment) and resource. */
    public record Target(String environment, String resourceType, String resourceKey) {
    }

    /**
     * A kind of action beyond {@link ProposedChange}'s that a request can hold and the gate can stop: how its target
     * is read, and how it is done in a transaction (with the same checks, writes and audit entries as its direct
     * route; a {@link DomainException} otherwise). {@code changeRequestId} is the request being applied, or null
     * in a dry run.
     */
    interface ActionKind {
        Target target(ObjectNode action);

        void apply(DocumentWriter.Tx tx, ObjectNode action, Long changeRequestId);
    }

    private final DocumentWriter writer;
    private final ChangeApplier applier;
    private final ChangeRequestRepository requests;
    private final EnvironmentRepository environments;
    private final ResourceViews views;
    private final AuditLog audit;
    private final Map<String, ActionKind> kinds = new LinkedHashMap<>();

    ChangeRequestService(DocumentWriter writer, ChangeApplier applier, ChangeRequestRepository requests,
            EnvironmentRepository environments, ScheduleService schedules, ResourceViews views, AuditLog audit) {
        this.writer = writer;
        this.audit = audit;
        this.applier = applier;
        this.requests = requests;
        this.environments = environments;
        this.views = views;
        register(SCHEDULE_CREATE, new ActionKind() {
            @Override
            public Target target(ObjectNode action) {
                return new Target(text(action, "environment"), "flag", text(action, "flag"));
            }

            @Override
            public void apply(DocumentWriter.Tx tx, ObjectNode action, Long changeRequestId) {
                schedules.createIn(tx, scheduleRequest(action), List.of(), changeRequestId);
            }
        });
    }

    /**
     * Makes change requests hold actions of {@code kind} (a rollout plan's {@code plan.start}: approved once, then
     * its steps run with the plan's own authority).
     */
    void register(String kind, ActionKind handler) {
        kinds.put(kind, handler);
    }

    /**
     * A {@code schedule.create} action: the schedule's environment and flag, due instant (RFC 3339 text), policy,
     * base revision ({@code ifMatch}, or none) and change (a {@link ProposedChange}'s stored form).
     */
    public static ObjectNode scheduleAction(ScheduleService.Request request) {
        ObjectNode o = io.guidon.controlplane.domain.StoredJson.object();
        o.put("kind", SCHEDULE_CREATE);
        o.put("environment", request.environment());
        o.put("flag", request.flag());
        o.put("at", request.due().toString());
        o.put("ifChanged", request.ifChanged().jsonName());
        if (request.ifMatch() != null) {
            o.put("ifMatch", request.ifMatch());
        }
        o.set("change", request.change().toJson());
        return o;
    }

    private static ScheduleService.Request scheduleRequest(ObjectNode action) {
        JsonNode ifMatch = action.get("ifMatch");
        return new ScheduleService.Request(text(action, "environment"), text(action, "flag"),
                OffsetDateTime.parse(text(action, "at")), ProposedChange.fromJson(action.get("change")),
                Schedule.IfChanged.parse(text(action, "ifChanged")), ifMatch == null ? null : ifMatch.intValue(),
                Pointer.of("change", "change"));
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private Target target(ObjectNode action) {
        ActionKind k = kinds.get(action.path("kind").asText());
        if (k != null) {
            return k.target(action);
        }
        ProposedChange c = ProposedChange.fromJson(action);
        return new Target(c.environment(), c.resourceType(), c.resourceKey());
    }

    /** Does {@code action} in {@code tx} (the gate lets it through only with the transaction's approval). */
    private void perform(DocumentWriter.Tx tx, ObjectNode action, Long changeRequestId, Integer ifMatch) {
        ActionKind k = kinds.get(action.path("kind").asText());
        if (k != null) {
            k.apply(tx, action, changeRequestId);
        } else {
            applier.apply(tx, ProposedChange.fromJson(action), ifMatch);
        }
    }

    // ---------------------------------------------------------------- reading

    /** Request {@code id} of the tenant; NOT_FOUND if none. */
    public ChangeRequest get(long tenantId, long id) {
        ChangeRequest r = await(requests.find(tenantId, id));
        if (r == null) {
            throw DomainException.notFound("no change request " + id);
        }
        return r;
    }

    /** A listing's query (each null: any): status, environment key, flag key, and the cursor. */
    public record Query(String status, String environment, String flag, String after) {
    }

    /**
     * A page of the tenant's requests, newest first.
     *
     * @throws DomainException INVALID_PARAMETER naming each query parameter that is not valid
     */
    public Page<ChangeRequest> list(long tenantId, Query query, int limit) {
        List<Violation> violations = new ArrayList<>();
        ChangeRequest.Status status = query.status() == null ? null : ChangeRequest.Status.parse(query.status());
        if (query.status() != null && status == null) {
            violations.add(Violation.of("status", "must be one of open, applied, withdrawn, closed, not '"
                    + io.guidon.json.ValueChecks.printable(query.status(), 40) + "'"));
        }
        Long before = null;
        if (query.after() != null) {
            try {
                before = Long.parseLong(query.after());
            } catch (NumberFormatException e) {
                violations.add(Violation.of("cursor", "not a cursor of this listing"));
            }
        }
        if (!violations.isEmpty()) {
            throw DomainException.invalidParameter(violations);
        }
        return await(requests.page(tenantId, new ChangeRequestRepository.Filter(status, query.environment(),
                query.flag()), before, limit));
    }

    /** The open requests about {@code resourceKey} in {@code environment} (or every environment), newest first. */
    public List<ChangeRequest> open(long tenantId, String environment, String resourceKey) {
        return await(requests.open(tenantId, environment, resourceKey));
    }

    /**
     * What applying open request {@code r} would change now: the resource before and after, as the audit log would
     * record them (null when it does not exist before or after); or why it cannot be applied now ({@code problem}).
     */
    public record Diff(JsonNode before, JsonNode after, String problem) {
    }

    /** {@link Diff} of request {@code r} on the current document (a dry run: nothing is kept). */
    public Diff diff(Actor actor, ChangeRequest r) {
        try {
            return writer.write(actor, tx -> {
                List<AuditLog.Entry> entries = writer.dryRun(tx, t -> perform(t, r.action(), null, null));
                AuditLog.Entry first = entries.isEmpty() ? null : entries.get(0);
                return first == null ? new Diff(null, null, null) : new Diff(first.before(), first.after(), null);
            });
        } catch (DomainException e) {
            return new Diff(null, null, describe(e));
        }
    }

    private static String describe(DomainException e) {
        if (e.kind() == DomainException.Kind.INVALID) {
            StringBuilder b = new StringBuilder("it no longer applies: ");
            for (Violation v : e.violations()) {
                b.append(v.where().size() == 0 ? "" : v.where().text() + ": ").append(v.message()).append("; ");
            }
            return b.substring(0, b.length() - 2);
        }
        return "it no longer applies: " + e.detail();
    }

    // ---------------------------------------------------------------- proposing

    /**
     * Proposes {@code action}: checked on the current document in a dry run (NOT_FOUND, STALE when {@code ifMatch}
     * is not the resource's revision, INVALID listing {@code requestViolations} and the engine's violations placed
     * under {@code at}), based on the current versions of the environments it changes, and kept open. Audited as
     * {@code change_request.create}. {@code title} null: one made from the action.
     */
    public ChangeRequest propose(Actor actor, ObjectNode action, Integer ifMatch, String title, String description,
            Pointer at, List<Violation> requestViolations) {
        return writer.write(actor, tx -> {
            Target t = target(action);
            Map<String, Long> base = checked(tx, action, ifMatch, t, at, requestViolations);
            ChangeRequest r = await(requests.insert(tx.c, new ChangeRequestRepository.New(actor.tenantId(),
                    t.environment(), t.resourceType(), t.resourceKey(), action, base,
                    title == null || title.isBlank() ? title(action, t) : title,
                    description == null ? "" : description, by(actor))));
            tx.audit("change_request.create", RESOURCE_TYPE, Long.toString(r.id()), r.environment(), null,
                    views.changeRequest(r));
            return r;
        });
    }

    /**
     * The direct routes' way through the gate: runs {@code direct} (a change made at once), and when the gate stops
     * it (APPROVAL_REQUIRED) proposes {@code change} instead, unchanged, as a request of its author.
     *
     * @return the direct change's answer, or the request proposed
     */
    public <T> Submitted<T> submit(Actor actor, ProposedChange change, Integer ifMatch, Supplier<T> direct) {
        return submit(actor, change, ifMatch, null, direct);
    }

    private <T> Submitted<T> submit(Actor actor, ProposedChange change, Integer ifMatch, String title,
            Supplier<T> direct) {
        try {
            return new Submitted<>(direct.get(), null);
        } catch (DomainException e) {
            if (e.kind() != DomainException.Kind.APPROVAL_REQUIRED) {
                throw e;
            }
            return new Submitted<>(null, propose(actor, change.toJson(), ifMatch, title, "", Pointer.ROOT,
                    List.of()));
        }
    }

    /**
     * Reverts audit entry {@code auditId}: the change that puts its {@code before} back ({@link
     * io.guidon.controlplane.domain.Reverts}), applied at once, or proposed as a change request where the gate
     * stops it. NOT_FOUND for an entry that is not the tenant's; INVALID for one that cannot be reverted, or whose
     * revert no longer fits the document.
     *
     * @return the resource after the revert (null for a deletion), or the request it became
     */
    public Submitted<JsonNode> revert(Actor actor, long auditId) {
        JsonNode entry = await(audit.find(actor.tenantId(), auditId));
        if (entry == null) {
            throw DomainException.notFound("no audit entry " + auditId);
        }
        ProposedChange change = io.guidon.controlplane.domain.Reverts.of(entry);
        return submit(actor, change, null, "revert of audit entry " + auditId + " ("
                + entry.path("action").asText() + " of " + change.resourceKey() + ")",
                () -> writer.write(actor, tx -> applier.apply(tx, change, null)));
    }

    /**
     * Proposes making the schedule {@code request} describes (a {@code schedule.create} request), checked in a dry
     * run like any proposal: in an environment that requires approvals, a schedule exists only once approved.
     */
    public ChangeRequest proposeSchedule(Actor actor, ScheduleService.Request request) {
        return propose(actor, scheduleAction(request), null, "schedule " + request.change().kind() + " of flag "
                + request.flag() + " in " + request.environment() + " at " + request.due(), "", Pointer.ROOT,
                List.of());
    }

    /**
     * Proposes starting rollout plan {@code planId} of {@code flag} in {@code environment} (a {@code plan.start}
     * request, {@code {"kind", "environment", "flag", "plan"}}), checked in a dry run like any proposal: in an
     * environment that requires approvals a plan is approved once, at its start, and its steps then run.
     */
    public ChangeRequest proposePlanStart(Actor actor, String environment, String flag, long planId) {
        ObjectNode action = io.guidon.controlplane.domain.StoredJson.object();
        action.put("kind", PLAN_START);
        action.put("environment", environment);
        action.put("flag", flag);
        action.put("plan", planId);
        return propose(actor, action, null, "start rollout plan " + planId + " of flag " + flag + " in "
                + environment, "", Pointer.ROOT, List.of());
    }

    /** What {@link #submit} did: the change made ({@code done}), or the request it became ({@code proposed}). */
    public record Submitted<T>(T done, ChangeRequest proposed) {
    }

    /** A title for a request from its action: "flag.toggle of checkout in production". */
    static String title(ObjectNode action, Target t) {
        return action.path("kind").asText() + " of " + t.resourceType() + " " + t.resourceKey()
                + (t.environment() == null ? " (every environment)" : " in " + t.environment());
    }

    /**
     * Locks the environments {@code t} changes (ADR 0108's order: one environment, or the tenant and then every
     * environment), checks {@code action} on their current documents in a dry run, and answers their versions: the
     * base of a request. For a change of a flag's definition the base is every environment that requires approvals.
     */
    private Map<String, Long> checked(DocumentWriter.Tx tx, ObjectNode action, Integer ifMatch, Target t,
            Pointer at, List<Violation> requestViolations) {
        Map<String, Long> base = lockBase(tx, t);
        try {
            writer.dryRun(tx, d -> perform(d, action, null, ifMatch));
        } catch (DomainException e) {
            if (e.kind() == DomainException.Kind.INVALID) {
                Set<Violation> all = new LinkedHashSet<>(requestViolations);
                e.violations().forEach(v -> all.add(new Violation(v.where().under(at), v.message())));
                throw DomainException.invalid(List.copyOf(all));
            }
            throw e;
        }
        if (!requestViolations.isEmpty()) {
            throw DomainException.invalid(requestViolations);
        }
        return base;
    }

    private Map<String, Long> lockBase(DocumentWriter.Tx tx, Target t) {
        Map<String, Long> base = new LinkedHashMap<>();
        lockEnvironments(tx, t).forEach((key, env) -> base.put(key, env.version()));
        return base;
    }

    /** Locks the environments {@code t} changes, as {@link #lockBase} does, and answers them by key. */
    private Map<String, Environment> lockEnvironments(DocumentWriter.Tx tx, Target t) {
        long tenant = tx.actor.tenantId();
        Map<String, Environment> locked = new LinkedHashMap<>();
        if (t.environment() != null) {
            Environment env = await(environments.find(tx.c, tenant, t.environment(), RowLock.CHANGE));
            if (env == null) {
                throw DomainException.notFound("no environment '" + t.environment() + "'");
            }
            locked.put(env.key(), env);
        } else {
            for (Environment env : await(environments.lockAll(tx.c, tenant))) {
                if (env.gated()) {
                    locked.put(env.key(), env);
                }
            }
        }
        return locked;
    }

    /** How many approvals {@code t} needs now: its environment's, or the most any environment requires. */
    private int required(DocumentWriter.Tx tx, Target t) {
        long tenant = tx.actor.tenantId();
        if (t.environment() != null) {
            Environment env = await(environments.find(tx.c, tenant, t.environment(), RowLock.NONE));
            return env == null ? 0 : env.requiredApprovals();
        }
        int most = 0;
        for (Environment env : await(environments.lockAll(tx.c, tenant))) {
            most = Math.max(most, env.requiredApprovals());
        }
        return most;
    }

    // ---------------------------------------------------------------- changing a request

    private ChangeRequest locked(DocumentWriter.Tx tx, long id) {
        ChangeRequest r = await(requests.lock(tx.c, tx.actor.tenantId(), id));
        if (r == null) {
            throw DomainException.notFound("no change request " + id);
        }
        return r;
    }

    private static ChangeRequest open(ChangeRequest r) {
        if (r.status() != ChangeRequest.Status.OPEN) {
            throw DomainException.conflict("change request " + r.id() + " is " + r.status().jsonName()
                    + ": only an open request can be changed, approved or applied");
        }
        return r;
    }

    private static boolean isAuthor(Actor actor, ChangeRequest r) {
        return actor.keyId() != null && actor.keyId().equals(r.author().keyId());
    }

    /**
     * Replaces request {@code id}'s action (and so what it is about: its environment and resource), by its author
     * only (FORBIDDEN for anyone else), checked and based like a proposal; withdraws every approval (the hash
     * changes with any edit; a title or description alone too, so that nothing about a request changes under its
     * approvals). Audited as {@code change_request.update}.
     */
    public ChangeRequest edit(Actor actor, long id, ObjectNode action, String title, String description,
            Pointer at, List<Violation> requestViolations) {
        return writer.write(actor, tx -> {
            ChangeRequest before = open(locked(tx, id));
            if (!isAuthor(actor, before)) {
                throw DomainException.forbidden("only the author of change request " + id + " ("
                        + before.author().name() + ") may edit it");
            }
            Target t = target(action);
            Map<String, Long> base = checked(tx, action, null, t, at, requestViolations);
            await(requests.update(tx.c, id, action, t.environment(), t.resourceType(), t.resourceKey(), base,
                    title == null || title.isBlank() ? title(action, t) : title,
                    description == null ? "" : description));
            await(requests.withdrawAll(tx.c, id));
            ChangeRequest after = locked(tx, id);
            tx.audit("change_request.update", RESOURCE_TYPE, Long.toString(id), after.environment(),
                    views.changeRequest(before), views.changeRequest(after));
            return after;
        });
    }

    /**
     * Approves request {@code id}'s change as it hashes to {@code sha256} (what the approver reviewed): FORBIDDEN for
     * its author (or a session without a key), CONFLICT when the request is not open or its hash moved. Audited as
     * {@code change_request.approve}.
     */
    public ChangeRequest approve(Actor actor, long id, String sha256) {
        return writer.write(actor, tx -> {
            ChangeRequest before = open(locked(tx, id));
            if (actor.keyId() == null) {
                throw DomainException.forbidden("an approval is given by a key");
            }
            if (isAuthor(actor, before)) {
                throw DomainException.forbidden("you proposed change request " + id + ": it needs other people's"
                        + " approvals");
            }
            if (!before.sha256().equals(sha256)) {
                throw DomainException.conflict("change request " + id + " changed since you reviewed it: its change"
                        + " hashes to " + before.sha256() + " now, not " + sha256 + "; read it again");
            }
            await(requests.approve(tx.c, id, by(actor), sha256));
            ChangeRequest after = locked(tx, id);
            tx.audit("change_request.approve", RESOURCE_TYPE, Long.toString(id), after.environment(),
                    views.changeRequest(before), views.changeRequest(after));
            return after;
        });
    }

    /** Withdraws the caller's approval of request {@code id}: NOT_FOUND when they have none. */
    public ChangeRequest unapprove(Actor actor, long id) {
        return writer.write(actor, tx -> {
            ChangeRequest before = open(locked(tx, id));
            if (actor.keyId() == null || !await(requests.withdraw(tx.c, id, actor.keyId()))) {
                throw DomainException.notFound("you have no approval of change request " + id + " to withdraw");
            }
            ChangeRequest after = locked(tx, id);
            tx.audit("change_request.unapprove", RESOURCE_TYPE, Long.toString(id), after.environment(),
                    views.changeRequest(before), views.changeRequest(after));
            return after;
        });
    }

    /**
     * Bases request {@code id} on the current versions of its environments, its action checked again there;
     * withdraws every approval (what they approved was judged against another document). Audited as
     * {@code change_request.rebase}.
     */
    public ChangeRequest rebase(Actor actor, long id) {
        return writer.write(actor, tx -> {
            ChangeRequest before = open(locked(tx, id));
            Map<String, Long> base = checked(tx, before.action(), null, target(before.action()), Pointer.of("change"),
                    List.of());
            await(requests.rebase(tx.c, id, base));
            await(requests.withdrawAll(tx.c, id));
            ChangeRequest after = locked(tx, id);
            tx.audit("change_request.rebase", RESOURCE_TYPE, Long.toString(id), after.environment(),
                    views.changeRequest(before), views.changeRequest(after));
            return after;
        });
    }

    /**
     * Closes request {@code id} without applying it: withdrawn when its author closes it, closed when someone else
     * does. Audited as {@code change_request.withdraw} or {@code change_request.close}.
     */
    public ChangeRequest close(Actor actor, long id) {
        return writer.write(actor, tx -> {
            ChangeRequest before = open(locked(tx, id));
            ChangeRequest.Status status = isAuthor(actor, before) ? ChangeRequest.Status.WITHDRAWN
                    : ChangeRequest.Status.CLOSED;
            ChangeRequest after = await(requests.markClosed(tx.c, id, status, actor.keyName()));
            tx.audit(status == ChangeRequest.Status.WITHDRAWN ? "change_request.withdraw" : "change_request.close",
                    RESOURCE_TYPE, Long.toString(id), after.environment(), views.changeRequest(before),
                    views.changeRequest(after));
            return after;
        });
    }

    /**
     * Applies request {@code id}: its environments must still be at its base versions (CONFLICT saying to rebase),
     * its action must still hash to the hash kept, and it must have as many approvals of that hash, from keys not
     * revoked now, as its environment requires now (CONFLICT saying how many are missing); then its action runs
     * through the write path with the request's approval (the change audited as "change-request for" the key that
     * applied it, and published), and the request is marked applied. Audited as {@code change_request.apply}.
     */
    public ChangeRequest apply(Actor actor, long id) {
        return apply(actor, id, null);
    }

    /**
     * Applies request {@code id} without its approvals (the caller checked the admin role): {@code reason} must not
     * be blank (INVALID). The base is checked like {@link #apply}'s. Audited as {@code change_request.bypass} with
     * the reason, which the request shows too.
     */
    public ChangeRequest bypass(Actor actor, long id, String reason) {
        if (reason == null || reason.isBlank()) {
            throw DomainException.invalid(Violation.of("reason", "required: say why this change cannot wait for"
                    + " its approvals (it is recorded in the audit log and on the request)"));
        }
        return apply(actor, id, reason.strip());
    }

    private ChangeRequest apply(Actor actor, long id, String bypassReason) {
        Actor agent = actor.actingFor(AGENT, actor.requestId());
        return writer.write(agent, tx -> {
            ChangeRequest before = open(locked(tx, id));
            Target t = target(before.action());
            Map<String, Environment> now = lockEnvironments(tx, t);
            for (Map.Entry<String, Long> e : before.baseVersions().entrySet()) {
                Environment env = now.get(e.getKey());
                // An environment created after the request was based (its last edit or rebase) is another one under
                // the same key, whose versions count from 1 again: an equal version is not the document approved.
                if (env != null && env.createdAt().isAfter(before.updatedAt())) {
                    throw DomainException.conflict("rebase: environment '" + e.getKey() + "' was created again at "
                            + env.createdAt().toInstant() + ", after change request " + id + " was based on the one"
                            + " deleted; rebase it (POST .../change-requests/" + id + "/rebase), which withdraws"
                            + " its approvals");
                }
                Long current = env == null ? null : env.version();
                if (!e.getValue().equals(current)) {
                    throw DomainException.conflict("rebase: environment '" + e.getKey() + "' is at version "
                            + (current == null ? "(gone or no longer gated)" : current) + ", not "
                            + e.getValue() + " as when change request " + id + " was based on it; rebase it (POST"
                            + " .../change-requests/" + id + "/rebase), which withdraws its approvals");
                }
            }
            if (!ChangeRequest.sha256(before.action()).equals(before.sha256())) {
                throw new IllegalStateException("change request " + id + "'s change no longer hashes to its hash");
            }
            int need = required(tx, t);
            long valid = before.validApprovals();
            if (bypassReason == null && valid < need) {
                throw DomainException.conflict("change request " + id + " has " + valid + " valid approval"
                        + (valid == 1 ? "" : "s") + " of its current change, and needs " + need
                        + " (approvals of an earlier version, withdrawn, or by a revoked key do not count)");
            }
            tx.approve(bypassReason == null ? DocumentWriter.Approval.changeRequest(id)
                    : DocumentWriter.Approval.bypass(id, bypassReason));
            perform(tx, before.action(), id, null);
            Long version = t.environment() == null ? null
                    : await(requests.versions(tx.c, tx.actor.tenantId(), List.of(t.environment())))
                            .get(t.environment());
            ChangeRequest after = await(requests.markApplied(tx.c, id, by(actor), version, bypassReason));
            tx.audit(bypassReason == null ? "change_request.apply" : "change_request.bypass", RESOURCE_TYPE,
                    Long.toString(id), after.environment(), views.changeRequest(before), views.changeRequest(after));
            return after;
        });
    }

    private static ChangeRequest.By by(Actor actor) {
        return new ChangeRequest.By(actor.keyId(), actor.keyName());
    }
}
