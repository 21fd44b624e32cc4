package io.guidon.controlplane.service;

import static io.vertx.core.Future.await;

import io.guidon.controlplane.db.DependencyUnavailable;
import io.guidon.controlplane.db.TransientFailure;
import io.guidon.controlplane.domain.Actor;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.ProposedChange;
import io.guidon.controlplane.domain.Schedule;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.store.ScheduleRepository;
import io.guidon.json.Pointer;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scheduled changes of a flag in an environment (docs/adr/0114-scheduled-changes.md): made, read, listed and
 * cancelled by editors, and applied at their time by {@link #applyNext}, which each replica's {@link ScheduleRunner}
 * calls. Sequential code for a virtual thread; throws {@link DomainException}.
 *
 * <ul>
 *   <li>A schedule holds the change exactly ({@link ProposedChange}), checked when it is made as the direct route
 *       would check it now (the request's checks, then the engine's on the current document, nothing written), and
 *       the flag's configuration revision then (its base; {@code If-Match} must be that revision when sent).</li>
 *   <li>At its time, one runner claims it ({@code FOR UPDATE SKIP LOCKED}) and applies the change through
 *       {@link ChangeApplier}, the direct routes' write path, in the same transaction that marks it applied: the
 *       claim, the change, its audit entry (actor "scheduler for" the key that scheduled it) and the status commit
 *       together or not at all, so each schedule is applied exactly once however many replicas run.</li>
 *   <li>A change the flag refuses by then (changed since, under {@link Schedule.IfChanged#FAIL}; deleted; invalid
 *       now), or whose key was revoked, is not applied: the schedule fails with the reason, audited as
 *       {@code schedule.fail}.</li>
 * </ul>
 */
public final class ScheduleService {

    private static final Logger LOG = LoggerFactory.getLogger(ScheduleService.class);

    /** The agent named in the audit log for a schedule's change: "scheduler for alice". */
    public static final String AGENT = "scheduler";
    /** How far ahead a change may be scheduled. */
    public static final Duration MAX_AHEAD = Duration.ofDays(366);
    /** The audit log's resource type of a schedule (its resource key is the schedule's id). */
    public static final String RESOURCE_TYPE = "schedule";

    private final DocumentWriter writer;
    private final ChangeApplier applier;
    private final ScheduleRepository schedules;
    private final FlagService flags;
    private final ResourceViews views;

    ScheduleService(DocumentWriter writer, ChangeApplier applier, ScheduleRepository schedules, FlagService flags,
            ResourceViews views) {
        this.writer = writer;
        this.applier = applier;
        this.schedules = schedules;
        this.flags = flags;
        this.views = views;
    }

    /**
     * A schedule to make: {@code change} (null when the request held none that could be applied: its violations
     * then say why) of {@code flag} in {@code environment} at {@code due} (null when the request's was not an
     * instant), with {@code ifChanged}, based on {@code ifMatch} when given (else on the current revision);
     * {@code changeAt} is where the request holds the change, under which the engine's violations of it are placed
     * ({@code /change} in the API's body; the root for a form that is the change).
     */
    public record Request(String environment, String flag, OffsetDateTime due, ProposedChange change,
            Schedule.IfChanged ifChanged, Integer ifMatch, Pointer changeAt) {
    }

    /**
     * Schedules a change. NOT_FOUND for the environment or the flag; STALE when {@code ifMatch} is not the flag's
     * current revision there; INVALID listing {@code requestViolations} (the request's own, placed in it), a due
     * time in the past or more than {@link #MAX_AHEAD} ahead (by the database's clock), and the engine's
     * violations of the change on the current document, all at once. Audited as {@code schedule.create}.
     */
    public Schedule create(Actor actor, Request request, List<Violation> requestViolations) {
        return writer.write(actor, tx -> createIn(tx, request, requestViolations, null));
    }

    /**
     * {@link #create} inside a caller's transaction, under its actor: a change request's {@code schedule.create}
     * being applied ({@code changeRequestId}, whose approval the schedule's application carries at its time), or
     * checked in a dry run. In an environment that requires approvals, a schedule made without one is refused
     * (APPROVAL_REQUIRED) by the write path's gate, after every other check.
     */
    Schedule createIn(DocumentWriter.Tx tx, Request request, List<Violation> requestViolations,
            Long changeRequestId) {
        Actor actor = tx.actor;
        {
            List<Violation> problems = new ArrayList<>(requestViolations);
            OffsetDateTime now = await(schedules.now(tx.c));
            if (request.due() != null && !request.due().isAfter(now)) {
                problems.add(Violation.of("at", "is in the past (it is " + now.toInstant() + " now): a change is"
                        + " scheduled for a later instant"));
            } else if (request.due() != null && request.due().isAfter(now.plus(MAX_AHEAD))) {
                problems.add(Violation.of("at", "is more than " + MAX_AHEAD.toDays() + " days ahead (it is "
                        + now.toInstant() + " now)"));
            }
            if (request.change() == null) {
                // Nothing to judge with the engine: the lookups still answer 404 first, then the precondition (a stale
                // If-Match is 412 whatever the body, RFC 9110 13.2.2).
                flags.checkPrecondition(actor.tenantId(), request.environment(), request.flag(), request.ifMatch());
                if (problems.isEmpty()) {
                    throw new IllegalArgumentException("a request without a change needs its violation saying so");
                }
                throw DomainException.invalid(problems);
            }
            ChangeApplier.Base base = applier.check(tx, request.change(), request.ifMatch(), problems,
                    request.changeAt());
            if (request.due() == null) {
                throw new IllegalArgumentException("a request without a due time needs its violation saying so");
            }
            Schedule s = await(schedules.insert(tx.c, new ScheduleRepository.New(actor.tenantId(),
                    base.environmentId(), request.environment(), base.resourceId(), request.flag(), request.due(),
                    request.change(), base.revision(), request.ifChanged(), by(actor), actor.requestId(),
                    changeRequestId)));
            tx.audit("schedule.create", RESOURCE_TYPE, Long.toString(s.id()), s.environment(), null,
                    views.schedule(s));
            return s;
        }
    }

    /** Schedule {@code id} of {@code flag} in {@code environment}; NOT_FOUND when it is not one of theirs. */
    public Schedule get(long tenantId, String environment, String flag, long id) {
        Schedule s = await(schedules.find(tenantId, id));
        if (s == null || !s.environment().equals(environment) || !s.flag().equals(flag)) {
            throw DomainException.notFound("no schedule " + id + " of flag '" + flag + "' in '" + environment + "'");
        }
        return s;
    }

    /**
     * A listing's query as given (each null: any): an environment's key, a flag's key, a status ({@code pending},
     * {@code applied}, {@code failed}, {@code cancelled}), due {@code from} (inclusive) and {@code to} (exclusive)
     * as ISO-8601 instants, and the cursor's sort key ({@code after}).
     */
    public record Query(String environment, String flag, String status, String from, String to, String after) {
    }

    /**
     * A page of the tenant's schedules matching {@code query}, by due time, then id (the order they apply in).
     *
     * @throws DomainException INVALID_PARAMETER naming each query parameter that is not valid
     */
    public Page<Schedule> list(long tenantId, Query query, int limit) {
        List<Violation> violations = new ArrayList<>();
        Schedule.Status status = query.status() == null ? null : Schedule.Status.parse(query.status());
        if (query.status() != null && status == null) {
            violations.add(Violation.of("status", "must be one of pending, applied, failed, cancelled, not '"
                    + query.status() + "'"));
        }
        OffsetDateTime from = AuditService.instant(query.from(), "from", violations);
        OffsetDateTime to = AuditService.instant(query.to(), "to", violations);
        Schedule.Position after = query.after() == null ? null : Schedule.Position.parse(query.after());
        if (query.after() != null && after == null) {
            violations.add(Violation.of("cursor", "not a cursor of this listing"));
        }
        if (!violations.isEmpty()) {
            throw DomainException.invalidParameter(violations);
        }
        return await(schedules.page(tenantId, new ScheduleRepository.Filter(query.environment(), query.flag(), status,
                from, to), after, limit));
    }

    /**
     * A page of the schedules of {@code query.flag()} in {@code query.environment()} (both required), like
     * {@link #list}; NOT_FOUND when the environment or the flag does not exist, so that a route scoped to a flag
     * answers for a missing one as every other such route does.
     */
    public Page<Schedule> listForFlag(long tenantId, Query query, int limit) {
        flags.getIn(tenantId, query.environment(), query.flag());
        return list(tenantId, query, limit);
    }

    /** The latest {@code limit} schedules of {@code flag} in {@code environment} no longer pending, latest first. */
    public List<Schedule> latestDone(long tenantId, String environment, String flag, int limit) {
        return await(schedules.latestDone(tenantId, environment, flag, limit));
    }

    /**
     * Cancels pending schedule {@code id} of {@code flag} in {@code environment}: NOT_FOUND when it is not one of
     * theirs, CONFLICT naming its status when it is no longer pending (waits for a runner applying it, so a cancel
     * and its application never both happen). Audited as {@code schedule.cancel}.
     */
    public Schedule cancel(Actor actor, String environment, String flag, long id) {
        return writer.write(actor, tx -> {
            Schedule s = await(schedules.lock(tx.c, actor.tenantId(), id));
            if (s == null || !s.environment().equals(environment) || !s.flag().equals(flag)) {
                throw DomainException.notFound("no schedule " + id + " of flag '" + flag + "' in '" + environment
                        + "'");
            }
            if (s.status() != Schedule.Status.PENDING) {
                throw DomainException.conflict("schedule " + id + " is " + s.status().jsonName() + since(s)
                        + ": only a pending schedule can be cancelled");
            }
            Schedule after = await(schedules.markCancelled(tx.c, id, by(actor)));
            tx.audit("schedule.cancel", RESOURCE_TYPE, Long.toString(id), environment, views.schedule(s),
                    views.schedule(after));
            return after;
        });
    }

    private static String since(Schedule s) {
        return switch (s.status()) {
            case APPLIED -> " (since " + s.appliedAt().toInstant() + ")";
            case FAILED -> " (since " + s.failedAt().toInstant() + ": " + s.failure() + ")";
            case CANCELLED -> " (since " + s.cancelledAt().toInstant() + ", by " + s.cancelledBy().name() + ")";
            case PENDING -> "";
        };
    }

    private static Schedule.By by(Actor actor) {
        return new Schedule.By(actor.keyId(), actor.keyName());
    }

    // ---------------------------------------------------------------- applying due schedules

    /** What one {@link #applyNext} did. */
    public enum Outcome {
        /** No schedule was due (or every due one is being applied by another runner). */
        NONE,
        /** A schedule's change was applied. */
        APPLIED,
        /** A schedule failed, with its reason recorded. */
        FAILED,
        /** A schedule could not be handled for a reason a later try may cure (the database away): still pending. */
        DEFERRED
    }

    /**
     * Applies the earliest due pending schedule of any tenant, if there is one (see the class comment): the change
     * with {@code If-Match} its base revision (policy fail) or none (apply), and the schedule marked applied, late
     * when that is more than {@code lateAfter} after its due time; or, when the change is refused or the key that
     * scheduled it is revoked, the schedule marked failed with the reason.
     */
    public Outcome applyNext(Duration lateAfter) {
        AtomicReference<ScheduleRepository.Claimed> claimed = new AtomicReference<>();
        try {
            Schedule s = writer.write(c -> {
                ScheduleRepository.Claimed due = await(schedules.claimDue(c));
                claimed.set(due);
                return due;
            }, ScheduleService::actor, (tx, due) -> {
                String refusal = refusal(due);
                if (refusal != null) {
                    return fail(tx, due, refusal);
                }
                Schedule pending = due.schedule();
                if (due.changeRequestId() != null) {
                    // Made through an approved change request: its application carries that approval.
                    tx.approve(DocumentWriter.Approval.changeRequest(due.changeRequestId()));
                }
                applier.apply(tx, pending.change(),
                        pending.ifChanged() == Schedule.IfChanged.FAIL ? pending.baseRevision() : null);
                return await(schedules.markApplied(tx.c, pending.id(), lateAfter));
            });
            if (s == null) {
                return Outcome.NONE;
            }
            if (s.status() == Schedule.Status.APPLIED) {
                LOG.info("applied scheduled change {} of flag {} in {} ({}, due {}{})", s.id(), s.flag(),
                        s.environment(), s.change().kind(), s.due().toInstant(), s.late() ? ", late" : "");
                return Outcome.APPLIED;
            }
            return Outcome.FAILED;
        } catch (DomainException e) {
            if (claimed.get() == null || e.kind() == DomainException.Kind.UNAVAILABLE) {
                LOG.warn("could not apply a due scheduled change; trying again later: {}", e.getMessage());
                return Outcome.DEFERRED;
            }
            return recordFailure(claimed.get(), reason(claimed.get(), e));
        } catch (RuntimeException e) {
            if (claimed.get() == null || e instanceof DependencyUnavailable || TransientFailure.isTransient(e)) {
                LOG.warn("could not apply a due scheduled change; trying again later: {}", e.toString());
                return Outcome.DEFERRED;
            }
            // Not the change's fault, nor an outage: a row that can never apply must not hold up the others.
            LOG.error("scheduled change {} could not be applied", claimed.get().schedule().id(), e);
            return recordFailure(claimed.get(), "it could not be applied: " + e);
        }
    }

    /** The key that scheduled {@code due}, acting through the scheduler, in a run named after the schedule. */
    private static Actor actor(ScheduleRepository.Claimed due) {
        Schedule s = due.schedule();
        String run = "schedule-" + s.id();
        return new Actor(due.tenantId(), due.tenantKey(), s.createdBy().keyId(), s.createdBy().name(), run)
                .actingFor(AGENT, run);
    }

    /** Why {@code due} must not apply whatever its change: its key revoked, its environment or flag gone; or null. */
    static String refusal(ScheduleRepository.Claimed due) {
        Schedule s = due.schedule();
        if (due.keyRevokedAt() != null) {
            return "the key that scheduled it (" + s.createdBy().name() + ") was revoked at "
                    + due.keyRevokedAt().toInstant() + ": a revoked key's changes are not applied later";
        }
        if (!due.environmentExists()) {
            return "environment '" + s.environment() + "' was deleted after it was scheduled";
        }
        if (!due.flagExists()) {
            return "flag '" + s.flag() + "' was deleted after it was scheduled";
        }
        return null;
    }

    /** Why the change of {@code due} was refused, for its record. */
    static String reason(ScheduleRepository.Claimed due, DomainException e) {
        Schedule s = due.schedule();
        return switch (e.kind()) {
            case STALE -> "flag '" + s.flag() + "' in '" + s.environment() + "' changed after it was scheduled"
                    + " (revision " + s.baseRevision() + " then" + (due.currentRevision() == null ? ""
                    : ", " + due.currentRevision() + " now") + ") and ifChanged is fail: nothing was applied";
            case APPROVAL_REQUIRED -> "environment '" + s.environment() + "' requires approvals now, and this"
                    + " schedule was not made through an approved change request: nothing was applied ("
                    + e.detail() + ")";
            case INVALID -> "the change no longer fits the flag: " + e.violations().stream()
                    .map(v -> (v.where().size() == 0 ? "" : v.where().text() + ": ") + v.message())
                    .collect(Collectors.joining("; "));
            default -> "it could not be applied: " + e.detail();
        };
    }

    /** Marks {@code due} failed for {@code reason} in {@code tx}, audited as {@code schedule.fail}. */
    private Schedule fail(DocumentWriter.Tx tx, ScheduleRepository.Claimed due, String reason) {
        Schedule failed = await(schedules.markFailed(tx.c, due.schedule().id(), reason));
        tx.audit("schedule.fail", RESOURCE_TYPE, Long.toString(failed.id()), failed.environment(),
                views.schedule(due.schedule()), views.schedule(failed));
        LOG.warn("scheduled change {} of flag {} in {} failed: {}", failed.id(), failed.flag(), failed.environment(),
                reason);
        return failed;
    }

    /**
     * Records that {@code due}'s change was refused, in a transaction of its own (the one that tried it rolled
     * back): re-claims the row if it is still pending and no other runner holds it, and marks it failed.
     */
    private Outcome recordFailure(ScheduleRepository.Claimed due, String reason) {
        try {
            Schedule s = writer.write(c -> await(schedules.reclaim(c, due.schedule().id())), ScheduleService::actor,
                    (tx, again) -> fail(tx, again, reason));
            // Null: another runner applied it or recorded its failure meanwhile.
            return s == null ? Outcome.NONE : Outcome.FAILED;
        } catch (RuntimeException e) {
            LOG.warn("could not record the failure of scheduled change {}; trying again later: {}",
                    due.schedule().id(), e.toString());
            return Outcome.DEFERRED;
        }
    }
}
