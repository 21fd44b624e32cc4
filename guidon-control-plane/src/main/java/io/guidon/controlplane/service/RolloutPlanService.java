package io.guidon.controlplane.service;

import static io.vertx.core.Future.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.db.DependencyUnavailable;
import io.guidon.controlplane.db.TransientFailure;
import io.guidon.controlplane.domain.Actor;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.EnvironmentFlag;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.ProposedChange;
import io.guidon.controlplane.domain.RolloutPlan;
import io.guidon.controlplane.domain.RolloutPlan.Status;
import io.guidon.controlplane.domain.RolloutPlanSpec;
import io.guidon.controlplane.domain.RolloutStageMachine;
import io.guidon.controlplane.domain.Schedule;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.store.RolloutPlanRepository;
import io.guidon.controlplane.store.RolloutPlanRepository.ArmCounts;
import io.guidon.controlplane.store.RolloutPlanRepository.Claimed;
import io.guidon.controlplane.store.RolloutPlanRepository.Transition;
import io.guidon.json.Pointer;
import io.guidon.stats.Guardrails;
import io.guidon.stats.Sample;
import io.guidon.stats.SampleRatioMismatch;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progressive rollout plans of a flag in an environment (docs/adr/0116-progressive-rollouts.md): made, read and
 * listed; started, paused, resumed, aborted and completed by editors; checked by each replica's
 * {@link ReplicaTask} through {@link #checkNext}. Sequential code for a virtual thread; throws
 * {@link DomainException}.
 *
 * <ul>
 *   <li>Every step that changes what is served is an ordinary change of the flag's fallthrough in the environment
 *       ({@link ProposedChange.Rollout}: control {@code 100 − p} %, treatment {@code p} %, in that order, so that a
 *       user in the treatment stays in it as {@code p} grows), applied through {@link ChangeApplier} (the direct
 *       routes' write path: locks, engine validation, audit, publication to sidecars after the commit) and audited
 *       under the agent {@code rollout plan <id>} for the key that started the plan.</li>
 *   <li>Each action on a plan is audited too ({@code rollout_plan.create}, {@code .start}, {@code .pause},
 *       {@code .resume}, {@code .abort}, {@code .complete}; from checks {@code .advance}, {@code .rollback},
 *       {@code .pause}, {@code .complete}), with the plan before and after.</li>
 *   <li>A due check is claimed {@code FOR UPDATE SKIP LOCKED} in the transaction that records it and takes its
 *       step: each due check runs once however many replicas run, and an action on the plan waits for it.</li>
 * </ul>
 */
public final class RolloutPlanService {

    private static final Logger LOG = LoggerFactory.getLogger(RolloutPlanService.class);
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private final DocumentWriter writer;
    private final ChangeApplier applier;
    private final RolloutPlanRepository plans;
    private final FlagService flags;
    private final ResourceViews views;
    private final Duration checkInterval;
    private final double srmThreshold;

    /**
     * @param checkInterval how long after a check (or the start) a running plan's next check is due
     *     ({@code rollouts.check-interval})
     * @param srmThreshold the p-value below which a split is called broken ({@code rollouts.srm-threshold})
     */
    RolloutPlanService(DocumentWriter writer, ChangeApplier applier, RolloutPlanRepository plans, FlagService flags,
            ResourceViews views, Duration checkInterval, double srmThreshold) {
        this.writer = writer;
        this.applier = applier;
        this.plans = plans;
        this.flags = flags;
        this.views = views;
        this.checkInterval = checkInterval;
        this.srmThreshold = srmThreshold;
    }

    // ---------------------------------------------------------------- making and reading plans

    /**
     * Makes a pending plan for {@code flag} in {@code environment}. NOT_FOUND for the environment or the flag (first,
     * whatever the body); INVALID listing {@code requestViolations} (the body's, placed in it: see
     * {@link RolloutPlanSpec#parse}) and, for a readable spec, variants the flag does not declare and what the
     * engine finds wrong with the plan's first step on the current configuration (a {@code bucketBy} it refuses).
     * Audited as {@code rollout_plan.create}. Serves nothing until started.
     */
    public RolloutPlan create(Actor actor, String environment, String flag, RolloutPlanSpec spec,
            List<Violation> requestViolations) {
        return writer.write(actor, tx -> {
            EnvironmentFlag current = flags.getIn(actor.tenantId(), environment, flag);
            List<Violation> problems = new ArrayList<>(requestViolations);
            if (spec == null) {
                if (problems.isEmpty()) {
                    throw new IllegalArgumentException("a plan without a spec needs its violations saying why");
                }
                throw DomainException.invalid(problems);
            }
            JsonNode variants = current.definition().variants();
            for (String field : List.of("control", "treatment")) {
                String variant = field.equals("control") ? spec.control() : spec.treatment();
                if (variants == null || !variants.has(variant)) {
                    List<String> declared = new ArrayList<>();
                    if (variants != null) {
                        variants.fieldNames().forEachRemaining(declared::add);
                    }
                    problems.add(Violation.of(field, "variant '" + variant + "' is not declared by flag '" + flag
                            + "' (declared: " + String.join(", ", declared) + ")"));
                }
            }
            if (!problems.isEmpty()) {
                throw DomainException.invalid(problems);
            }
            // Checked only (nothing of the step is written now): making a plan changes nothing served, so the
            // approval gate of the environment judges its start, not this.
            tx.approve(DocumentWriter.Approval.DRY_RUN);
            ChangeApplier.Base base = applier.check(tx, step(environment, flag, spec, spec.stages().get(0)
                    .percentage()), null, List.of(), Pointer.ROOT);
            tx.approve(null);
            RolloutPlan p = await(plans.insert(tx.c, new RolloutPlanRepository.New(actor.tenantId(),
                    base.environmentId(), environment, base.resourceId(), flag, spec, by(actor))));
            tx.audit("rollout_plan.create", RolloutPlan.RESOURCE_TYPE, Long.toString(p.id()), environment, null,
                    views.rolloutPlan(p));
            return p;
        });
    }

    /** Plan {@code id} of {@code flag} in {@code environment}; NOT_FOUND when the plan is not one of theirs. */
    public RolloutPlan get(long tenantId, String environment, String flag, long id) {
        RolloutPlan p = await(plans.find(tenantId, id));
        if (p == null || !p.environment().equals(environment) || !p.flag().equals(flag)) {
            flags.getIn(tenantId, environment, flag);
            throw notFound(environment, flag, id);
        }
        return p;
    }

    /** Plan {@code id} of the tenant, whatever its flag and environment (the UI's plan page); NOT_FOUND if none. */
    public RolloutPlan find(long tenantId, long id) {
        RolloutPlan p = await(plans.find(tenantId, id));
        if (p == null) {
            throw DomainException.notFound("no rollout plan " + id);
        }
        return p;
    }

    /** A listing's query as given (each null: any): environment, flag, status and the cursor's plan id. */
    public record Query(String environment, String flag, String status, String after) {
    }

    /**
     * A page of the tenant's plans matching {@code query}, newest first.
     *
     * @throws DomainException INVALID_PARAMETER naming each query parameter that is not valid
     */
    public Page<RolloutPlan> list(long tenantId, Query query, int limit) {
        List<Violation> violations = new ArrayList<>();
        Status status = query.status() == null ? null : Status.parse(query.status());
        if (query.status() != null && status == null) {
            violations.add(Violation.of("status", "must be one of pending, running, paused, rolled_back, aborted,"
                    + " completed, not '" + query.status() + "'"));
        }
        Long after = cursor(query.after(), violations);
        if (!violations.isEmpty()) {
            throw DomainException.invalidParameter(violations);
        }
        return await(plans.page(tenantId, new RolloutPlanRepository.Filter(query.environment(), query.flag(), status),
                after, limit));
    }

    /** Like {@link #list} for the plans of one flag in one environment; NOT_FOUND when either does not exist. */
    public Page<RolloutPlan> listForFlag(long tenantId, Query query, int limit) {
        flags.getIn(tenantId, query.environment(), query.flag());
        return list(tenantId, query, limit);
    }

    /** A page of plan {@code id}'s checks, oldest first; NOT_FOUND like {@link #get}. */
    public Page<RolloutPlan.Check> checks(long tenantId, String environment, String flag, long id, String after,
            int limit) {
        RolloutPlan p = get(tenantId, environment, flag, id);
        List<Violation> violations = new ArrayList<>();
        Long from = cursor(after, violations);
        if (!violations.isEmpty()) {
            throw DomainException.invalidParameter(violations);
        }
        return await(plans.checks(p.id(), from, limit));
    }

    /** The latest {@code limit} checks of plan {@code planId} (found first), oldest first: the UI's charts. */
    public List<RolloutPlan.Check> latestChecks(long planId, int limit) {
        return await(plans.latestChecks(planId, limit));
    }

    private static Long cursor(String after, List<Violation> violations) {
        if (after == null) {
            return null;
        }
        if (!after.matches("[0-9]{1,18}")) {
            violations.add(Violation.of("cursor", "not a cursor of this listing"));
            return null;
        }
        return Long.parseLong(after);
    }

    // ---------------------------------------------------------------- actions

    /**
     * Starts pending plan {@code id}: its first stage's percentage is served at once and its checks begin. The one
     * entry point that makes a plan act, taking the actor whose key the plan's steps are audited for (an approval
     * step can gate it here). CONFLICT when the plan is not pending or another plan of the flag in the environment
     * is active; NOT_FOUND like {@link #get}.
     */
    public RolloutPlan start(Actor actor, String environment, String flag, long id) {
        return start(actor, environment, flag, id, null);
    }

    /**
     * {@link #start} with {@code approval} letting the first step through the approval gate of an environment that
     * requires approvals (an approved change request that starts the plan, ADR 0115); null: the gate judges it like
     * any change (APPROVAL_REQUIRED there). Once started, the plan's steps carry its own approval.
     */
    RolloutPlan start(Actor actor, String environment, String flag, long id, DocumentWriter.Approval approval) {
        return writer.write(actor, tx -> {
            if (approval != null) {
                tx.approve(approval);
            }
            return startIn(tx, environment, flag, id);
        });
    }

    /**
     * {@link #start} inside {@code tx}, whose actor starts it and whose approval (if any) lets its first step through
     * the gate: how an approved {@code plan.start} change request starts a plan (ChangeRequestService).
     */
    RolloutPlan startIn(DocumentWriter.Tx tx, String environment, String flag, long id) {
        Actor actor = tx.actor;
        return actIn(tx, environment, flag, id, "start", EnumSet.of(Status.PENDING), (t, c) -> {
            if (!c.environmentExists() || !c.flagExists()) {
                // A plan is bound to the flag and environment it was made for (by id): one made again under the same
                // key is another, whose variants the plan was never checked against.
                throw DomainException.conflict("rollout plan " + id + " was made for " + (!c.environmentExists()
                        ? "environment '" + environment : "flag '" + flag) + "', which was deleted since (one made"
                        + " again under its key is another): it cannot start; make a new plan");
            }
            RolloutPlan other = await(plans.active(t.c, c.environmentId(), c.flagId()));
            if (other != null) {
                throw DomainException.conflict("rollout plan " + other.id() + " of flag '" + flag + "' in '"
                        + environment + "' is " + other.status().jsonName() + ": one plan at a time moves a flag;"
                        + " abort or complete it first");
            }
            RolloutPlan p = c.plan();
            BigDecimal first = p.spec().stages().get(0).percentage();
            serve(t, p, first);
            return await(plans.transition(t.c, id, new Transition(Status.RUNNING, 0, true, first, checkInterval,
                    null, null, null, false, by(actor), false)));
        });
    }

    /** Pauses running plan {@code id}: it keeps serving what it serves, unchecked. CONFLICT unless running. */
    public RolloutPlan pause(Actor actor, String environment, String flag, long id) {
        return act(actor, environment, flag, id, "pause", EnumSet.of(Status.RUNNING), (tx, c) ->
                await(plans.transition(tx.c, id, new Transition(Status.PAUSED, null, false,
                        c.plan().currentPercentage(), null, null, "paused by " + actor.keyName(), null, false,
                        null, false))));
    }

    /**
     * Resumes paused plan {@code id}: its stage starts again now (its minimum duration and users count from now, and
     * its guardrails are judged on the users exposed from now, with a fresh test). CONFLICT unless paused.
     */
    public RolloutPlan resume(Actor actor, String environment, String flag, long id) {
        return act(actor, environment, flag, id, "resume", EnumSet.of(Status.PAUSED), (tx, c) ->
                await(plans.transition(tx.c, id, new Transition(Status.RUNNING, null, true,
                        c.plan().currentPercentage(), checkInterval, null, null, null, false, null, false))));
    }

    /**
     * Aborts plan {@code id}: back to 0 % treatment (100 % control) if it served anything, and ended. CONFLICT when
     * it has ended already.
     */
    public RolloutPlan abort(Actor actor, String environment, String flag, long id) {
        return act(actor, environment, flag, id, "abort", EnumSet.of(Status.PENDING, Status.RUNNING, Status.PAUSED),
                (tx, c) -> {
                    if (c.plan().status().active()) {
                        serve(tx, c.plan(), BigDecimal.ZERO);
                    }
                    // The table holds a stage index for every plan that is not pending (its CHECK): a pending plan
                    // aborted before it served anything ends at its first stage, having served none of it.
                    Integer stage = c.plan().status() == Status.PENDING ? Integer.valueOf(0) : null;
                    return await(plans.transition(tx.c, id, new Transition(Status.ABORTED, stage, false,
                            BigDecimal.ZERO, null, null, "aborted by " + actor.keyName(), null, false, null, true)));
                });
    }

    /** Completes plan {@code id} at once: 100 % treatment, ended. CONFLICT unless running or paused. */
    public RolloutPlan complete(Actor actor, String environment, String flag, long id) {
        return act(actor, environment, flag, id, "complete", EnumSet.of(Status.RUNNING, Status.PAUSED), (tx, c) -> {
            serve(tx, c.plan(), HUNDRED);
            return await(plans.transition(tx.c, id, new Transition(Status.COMPLETED, null, false, HUNDRED, null,
                    null, "completed by " + actor.keyName(), null, false, null, true)));
        });
    }

    /**
     * One action on a plan, in one transaction: the plan locked (waiting for a check in progress), NOT_FOUND when
     * it is not the flag's in the environment, CONFLICT naming its state when {@code action} is not allowed from
     * it; then {@code step}, and the audit entry {@code rollout_plan.<action>}.
     */
    private RolloutPlan act(Actor actor, String environment, String flag, long id, String action, Set<Status> from,
            BiFunction<DocumentWriter.Tx, Claimed, RolloutPlan> step) {
        return writer.write(actor, tx -> actIn(tx, environment, flag, id, action, from, step));
    }

    /** {@link #act} inside {@code tx}. */
    private RolloutPlan actIn(DocumentWriter.Tx tx, String environment, String flag, long id, String action,
            Set<Status> from, BiFunction<DocumentWriter.Tx, Claimed, RolloutPlan> step) {
        Actor actor = tx.actor;
        Claimed c = await(plans.lock(tx.c, actor.tenantId(), id));
        if (c == null || !c.plan().environment().equals(environment) || !c.plan().flag().equals(flag)) {
            flags.getIn(actor.tenantId(), environment, flag);
            throw notFound(environment, flag, id);
        }
        RolloutPlan before = c.plan();
        if (!from.contains(before.status())) {
            throw DomainException.conflict("rollout plan " + id + " is " + state(before) + ": only a "
                    + String.join(" or ", from.stream().map(Status::jsonName).toList()) + " plan can be "
                    + past(action));
        }
        RolloutPlan after = step.apply(tx, c);
        tx.audit("rollout_plan." + action, RolloutPlan.RESOURCE_TYPE, Long.toString(id), environment,
                views.rolloutPlan(before), views.rolloutPlan(after));
        return after;
    }

    private static String past(String action) {
        return switch (action) {
            case "start" -> "started";
            case "pause" -> "paused";
            case "resume" -> "resumed";
            case "abort" -> "aborted";
            default -> "completed";
        };
    }

    /** "running (stage 2 of 4, 25 % treatment)", "rolled_back (since ...: reason)". */
    static String state(RolloutPlan p) {
        String s = p.status().jsonName();
        if (p.status().active()) {
            s += " (stage " + (p.stageIndex() + 1) + " of " + p.spec().stages().size() + ", "
                    + p.currentPercentage().toPlainString() + " % treatment)";
        } else if (p.status().ended()) {
            s += " (since " + p.endedAt().toInstant() + (p.reason() == null ? "" : ": " + p.reason()) + ")";
        }
        return s;
    }

    /**
     * Serves {@code percentage} % of the plan's treatment: the change of the flag's fallthrough, audited as the plan's
     * agent for the transaction's key. The start of a pending plan passes the approval gate like any change (in an
     * environment that requires approvals it is refused until approved); the steps of a started plan carry its
     * approval.
     */
    private void serve(DocumentWriter.Tx tx, RolloutPlan p, BigDecimal percentage) {
        DocumentWriter.Tx step = tx.as(tx.actor.actingFor(p.agent(), tx.actor.requestId()));
        if (p.status() != Status.PENDING && step.approval() == null) {
            // Started, so let through the approval gate (ADR 0115): a plan is approved once, at its start, and its
            // steps (advance, complete, rollback, abort) then run; a rollback is never held up by the gate.
            step.approve(DocumentWriter.Approval.rolloutPlan(p.id()));
        }
        applier.apply(step, step(p.environment(), p.flag(), p.spec(), percentage), null);
    }

    /** The change that serves {@code percentage} % treatment: {control: 100 − p, treatment: p}, in that order. */
    static ProposedChange.Rollout step(String environment, String flag, RolloutPlanSpec spec, BigDecimal percentage) {
        ObjectNode weights = StoredJson.object();
        weights.set(spec.control(), number(HUNDRED.subtract(percentage)));
        weights.set(spec.treatment(), number(percentage));
        return new ProposedChange.Rollout(environment, flag, null, weights, spec.bucketBy());
    }

    /** A percentage as written in a rollout: an integer as an integer (90), a decimal as one (87.5). */
    private static JsonNode number(BigDecimal p) {
        BigDecimal d = p.stripTrailingZeros();
        return d.scale() <= 0 ? StoredJson.NODES.numberNode(d.intValueExact()) : StoredJson.NODES.numberNode(d);
    }

    private static DomainException notFound(String environment, String flag, long id) {
        return DomainException.notFound("no rollout plan " + id + " of flag '" + flag + "' in '" + environment + "'");
    }

    private static Schedule.By by(Actor actor) {
        return new Schedule.By(actor.keyId(), actor.keyName());
    }

    // ---------------------------------------------------------------- checks

    /** What one {@link #checkNext} did. */
    public enum Outcome {
        /** No check was due (or every due one is being run by another replica). */
        NONE,
        /** A plan was checked (and held, advanced, completed, rolled back or paused). */
        CHECKED,
        /** A check could not run for a reason a later try may cure: the plan stays due. */
        DEFERRED
    }

    /**
     * Runs the most overdue check of any tenant's running plan, if one is due: claims the plan, counts its stage's
     * users and guardrail events in one query, judges each guardrail with the always-valid test at
     * {@link Guardrails#perTestAlpha} (the plan's alpha over stages × guardrails), tests the split, decides with
     * {@link RolloutStageMachine}, records the check, takes the step (a change through {@link ChangeApplier}, audited)
     * and sets the next check, all in one transaction. A plan whose environment or flag is gone is aborted; one whose
     * starter's key was revoked, or whose step the flag refuses, is paused with the reason.
     */
    public Outcome checkNext() {
        AtomicReference<Claimed> claimed = new AtomicReference<>();
        try {
            Boolean done = writer.write(c -> {
                Claimed due = await(plans.claimDue(c));
                claimed.set(due);
                return due;
            }, RolloutPlanService::agent, this::check);
            return done == null ? Outcome.NONE : Outcome.CHECKED;
        } catch (DomainException e) {
            if (claimed.get() == null || e.kind() == DomainException.Kind.UNAVAILABLE) {
                LOG.warn("could not check a rollout plan; trying again later: {}", e.getMessage());
                return Outcome.DEFERRED;
            }
            return pauseFor(claimed.get(), "its step could not be applied: " + e.getMessage());
        } catch (RuntimeException e) {
            if (claimed.get() == null || e instanceof DependencyUnavailable || TransientFailure.isTransient(e)) {
                LOG.warn("could not check a rollout plan; trying again later: {}", e.toString());
                return Outcome.DEFERRED;
            }
            LOG.error("rollout plan {} could not be checked", claimed.get().plan().id(), e);
            return pauseFor(claimed.get(), "its check failed: " + e);
        }
    }

    /** The key that started the plan, acting through the plan, in a run named after the plan and its check. */
    private static Actor agent(Claimed c) {
        RolloutPlan p = c.plan();
        String run = "rollout-plan-" + p.id() + "-check-" + (p.checks() + 1);
        Schedule.By by = p.startedBy() != null ? p.startedBy() : p.createdBy();
        return new Actor(c.tenantId(), c.tenantKey(), by.keyId(), by.name(), run).actingFor(p.agent(), run);
    }

    /** Checks claimed plan {@code c} in {@code tx}; answers true (something was done: the runner goes on). */
    private Boolean check(DocumentWriter.Tx tx, Claimed c) {
        RolloutPlan p = c.plan();
        if (!c.environmentExists() || !c.flagExists()) {
            String why = (!c.environmentExists() ? "environment '" + p.environment() : "flag '" + p.flag())
                    + "' was deleted while the plan ran";
            end(tx, p, Status.ABORTED, "aborted: " + why, why, null, "rollout_plan.abort");
            return true;
        }
        if (c.keyRevokedAt() != null) {
            String why = "the key that started it (" + p.startedBy().name() + ") was revoked at "
                    + c.keyRevokedAt().toInstant() + ": a revoked key's plan does not move; resume it with a valid key"
                    + " or abort it";
            RolloutPlan after = await(plans.transition(tx.c, p.id(), new Transition(Status.PAUSED, null, false,
                    p.currentPercentage(), null, "pause: " + why, why, null, false, null, false)));
            tx.audit("rollout_plan.pause", RolloutPlan.RESOURCE_TYPE, Long.toString(p.id()), p.environment(),
                    views.rolloutPlan(p), views.rolloutPlan(after));
            return true;
        }
        RolloutPlanSpec spec = p.spec();
        List<String> events = spec.guardrails().stream().map(RolloutPlanSpec.Guardrail::event).toList();
        RolloutPlanRepository.Counts counts = await(plans.count(tx.c, c.tenantId(), c.environmentId(), p.flag(),
                p.stageStartedAt(), spec.control(), spec.treatment(), events));
        double alpha = Guardrails.perTestAlpha(spec.alpha(), spec.stages().size(),
                Math.max(1, spec.guardrails().size()));
        List<RolloutStageMachine.GuardrailCheck> judged = new ArrayList<>();
        for (int i = 0; i < spec.guardrails().size(); i++) {
            RolloutPlanSpec.Guardrail g = spec.guardrails().get(i);
            ArmCounts control = counts.control().get(i);
            ArmCounts treatment = counts.treatment().get(i);
            Sample cs = g.kind() == RolloutPlanSpec.Kind.RATE ? control.rate() : control.mean();
            Sample ts = g.kind() == RolloutPlanSpec.Kind.RATE ? treatment.rate() : treatment.mean();
            Guardrails.Verdict verdict = Guardrails.judge(g.spec(), cs, ts, Guardrails.defaultTest(g.spec(), alpha));
            judged.add(new RolloutStageMachine.GuardrailCheck(g, cs, control.events(), ts, treatment.events(),
                    verdict));
        }
        SampleRatioMismatch.Result srm = RolloutStageMachine.splitTest(p.currentPercentage(), counts.controlUsers(),
                counts.treatmentUsers());
        Duration inStage = Duration.between(p.stageStartedAt(), c.now());
        RolloutStageMachine.Action action = RolloutStageMachine.next(spec, p.status(), p.stageIndex(),
                new RolloutStageMachine.Observation(inStage, counts.controlUsers(), counts.treatmentUsers(), judged,
                        srm), srmThreshold);
        ArrayNode guardrails = guardrailsJson(judged);
        RolloutPlan.Check check = await(plans.insertCheck(tx.c, new RolloutPlanRepository.NewCheck(p.id(),
                p.stageIndex(), p.currentPercentage(), counts, srm.statistic(), srm.pValue(), guardrails,
                action.name(), action.reason())));
        String verdict = action.name() + ": " + action.reason();
        switch (action) {
            case RolloutStageMachine.Hold h -> await(plans.transition(tx.c, p.id(), new Transition(Status.RUNNING,
                    null, false, p.currentPercentage(), checkInterval, verdict, null, null, true, null, false)));
            case RolloutStageMachine.Advance a -> {
                serve(tx, p, a.percentage());
                RolloutPlan after = await(plans.transition(tx.c, p.id(), new Transition(Status.RUNNING, a.stage(),
                        true, a.percentage(), checkInterval, verdict, null, null, true, null, false)));
                tx.audit("rollout_plan.advance", RolloutPlan.RESOURCE_TYPE, Long.toString(p.id()), p.environment(),
                        views.rolloutPlan(p), views.rolloutPlan(after));
                LOG.info("rollout plan {} of flag {} in {}: {}", p.id(), p.flag(), p.environment(), verdict);
            }
            case RolloutStageMachine.Complete done -> {
                serve(tx, p, HUNDRED);
                RolloutPlan after = await(plans.transition(tx.c, p.id(), new Transition(Status.COMPLETED, null,
                        false, HUNDRED, null, verdict, done.reason(), null, true, null, true)));
                tx.audit("rollout_plan.complete", RolloutPlan.RESOURCE_TYPE, Long.toString(p.id()), p.environment(),
                        views.rolloutPlan(p), views.rolloutPlan(after));
                LOG.info("rollout plan {} of flag {} in {}: {}", p.id(), p.flag(), p.environment(), verdict);
            }
            case RolloutStageMachine.Rollback r -> {
                ObjectNode details = StoredJson.object();
                details.put("checkId", check.id());
                details.put("stageIndex", p.stageIndex());
                details.put("percentage", p.currentPercentage());
                details.set("guardrail", guardrails.get(r.guardrail()).deepCopy());
                end(tx, p, Status.ROLLED_BACK, verdict, r.reason(), details, "rollout_plan.rollback");
                LOG.warn("rollout plan {} of flag {} in {} rolled back: {}", p.id(), p.flag(), p.environment(),
                        r.reason());
            }
            case RolloutStageMachine.Pause pause -> {
                ObjectNode details = StoredJson.object();
                details.put("checkId", check.id());
                details.put("stageIndex", p.stageIndex());
                details.put("percentage", p.currentPercentage());
                details.put("controlUsers", counts.controlUsers());
                details.put("treatmentUsers", counts.treatmentUsers());
                details.put("srmChi2", srm.statistic());
                details.put("srmP", srm.pValue());
                RolloutPlan after = await(plans.transition(tx.c, p.id(), new Transition(Status.PAUSED, null, false,
                        p.currentPercentage(), null, verdict, pause.reason(), details, true, null, false)));
                tx.audit("rollout_plan.pause", RolloutPlan.RESOURCE_TYPE, Long.toString(p.id()), p.environment(),
                        views.rolloutPlan(p), views.rolloutPlan(after));
                LOG.warn("rollout plan {} of flag {} in {} paused: {}", p.id(), p.flag(), p.environment(),
                        pause.reason());
            }
        }
        return true;
    }

    /** Ends {@code p} as {@code status} at 0 % treatment (serving it when the flag is still there), audited. */
    private void end(DocumentWriter.Tx tx, RolloutPlan p, Status status, String verdict, String reason,
            JsonNode details, String action) {
        if (status == Status.ROLLED_BACK) {
            serve(tx, p, BigDecimal.ZERO);
        }
        RolloutPlan after = await(plans.transition(tx.c, p.id(), new Transition(status, null, false, BigDecimal.ZERO,
                null, verdict, reason, details, status == Status.ROLLED_BACK, null, true)));
        tx.audit(action, RolloutPlan.RESOURCE_TYPE, Long.toString(p.id()), p.environment(), views.rolloutPlan(p),
                views.rolloutPlan(after));
    }

    /**
     * Pauses {@code due} for {@code reason} in a transaction of its own (the one that tried its check rolled back),
     * if it is still running and no one else holds it.
     */
    private Outcome pauseFor(Claimed due, String reason) {
        try {
            writer.write(c -> await(plans.reclaim(c, due.plan().id())), RolloutPlanService::agent, (tx, again) -> {
                RolloutPlan p = again.plan();
                RolloutPlan after = await(plans.transition(tx.c, p.id(), new Transition(Status.PAUSED, null, false,
                        p.currentPercentage(), null, "pause: " + reason, reason, null, false, null, false)));
                tx.audit("rollout_plan.pause", RolloutPlan.RESOURCE_TYPE, Long.toString(p.id()), p.environment(),
                        views.rolloutPlan(p), views.rolloutPlan(after));
                return after;
            });
            LOG.warn("rollout plan {} paused: {}", due.plan().id(), reason);
            return Outcome.CHECKED;
        } catch (RuntimeException e) {
            LOG.warn("could not pause rollout plan {}; trying again later: {}", due.plan().id(), e.toString());
            return Outcome.DEFERRED;
        }
    }

    /** Each guardrail's numbers at a check, as stored in the check and answered by the API. */
    static ArrayNode guardrailsJson(List<RolloutStageMachine.GuardrailCheck> judged) {
        ArrayNode a = StoredJson.array();
        for (RolloutStageMachine.GuardrailCheck g : judged) {
            ObjectNode o = a.addObject();
            o.put("event", g.guardrail().event());
            o.put("kind", g.guardrail().kind().jsonName());
            arm(o.putObject("control"), g.control(), g.controlEvents());
            arm(o.putObject("treatment"), g.treatment(), g.treatmentEvents());
            number(o, "estimate", g.verdict().estimate().value());
            number(o, "variance", g.verdict().estimate().variance());
            number(o, "lower", g.verdict().interval().lower());
            number(o, "upper", g.verdict().interval().upper());
            o.put("degraded", g.verdict().degraded());
            o.put("enoughData", g.verdict().enoughData());
        }
        return a;
    }

    private static void arm(ObjectNode o, Sample s, long events) {
        o.put("users", s.n());
        o.put("events", events);
        o.put("sum", s.sum());
        o.put("sumOfSquares", s.sumOfSquares());
        number(o, "mean", s.mean());
    }

    /** A finite number, or null (an interval's open end, an estimate without data). */
    private static void number(ObjectNode o, String field, double x) {
        if (Double.isFinite(x)) {
            o.put(field, x);
        } else {
            o.putNull(field);
        }
    }
}
