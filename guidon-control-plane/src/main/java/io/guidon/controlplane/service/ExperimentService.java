package io.guidon.controlplane.service;

import static io.vertx.core.Future.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.domain.Actor;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.EnvironmentFlag;
import io.guidon.controlplane.domain.Experiment;
import io.guidon.controlplane.domain.Experiment.Status;
import io.guidon.controlplane.domain.ExperimentSpec;
import io.guidon.controlplane.domain.Metric;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.store.EnvironmentRepository;
import io.guidon.controlplane.store.ExperimentRepository;
import io.guidon.controlplane.store.ExperimentRepository.Locked;
import io.guidon.controlplane.store.ExperimentRepository.Target;
import io.guidon.controlplane.store.FlagRepository;
import io.guidon.controlplane.store.MetricRepository;
import io.guidon.controlplane.store.RowLock;
import io.guidon.json.Pointer;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * Experiments on a flag in an environment (docs/adr/0118-experiments-model.md): made, read, listed, edited, started,
 * stopped and deleted by editors. Sequential code for a virtual thread; throws {@link DomainException}.
 *
 * <ul>
 *   <li>A body is checked against the data: the environment and the flag exist in the tenant, the variants are
 *       the flag's, the metrics the tenant's (each refusal a violation at its pointer). Without weights the planned
 *       split is decided here and stored: the flag's fallthrough rollout in that environment restricted to the
 *       compared variants when it gives each of them a share, else equal weights.</li>
 *   <li>Lifecycle: draft → running ({@link #start}: its window starts now, or at the later {@code startAt} asked
 *       for) → stopped ({@link #stop}: its window ends now). In draft everything can change; once started, the
 *       environment, flag, variants, control and start cannot (CONFLICT saying why), while the name, hypothesis,
 *       metrics, analysis and (while running) the end can. Every change raises {@code version}, which tells the
 *       results to be recomputed. A draft or stopped experiment can be deleted, a running one cannot.</li>
 *   <li>Audited: {@code experiment.create}, {@code .update}, {@code .start}, {@code .stop}, {@code .delete}, with
 *       the experiment before and after (resource key: its id).</li>
 * </ul>
 */
public final class ExperimentService {

    private final DocumentWriter writer;
    private final ExperimentRepository experiments;
    private final MetricRepository metrics;
    private final EnvironmentRepository environments;
    private final FlagRepository flags;
    private final ResourceViews views;

    ExperimentService(DocumentWriter writer, ExperimentRepository experiments, MetricRepository metrics,
            EnvironmentRepository environments, FlagRepository flags, ResourceViews views) {
        this.writer = writer;
        this.experiments = experiments;
        this.metrics = metrics;
        this.environments = environments;
        this.flags = flags;
        this.views = views;
    }

    /** A listing's query as given (each null: any): environment, flag, status and the cursor's experiment id. */
    public record Query(String environment, String flag, String status, String after) {
    }

    /**
     * Makes a draft experiment. INVALID listing {@code requestViolations} (the body's, see
     * {@link ExperimentSpec#parse}) and what the data refutes (an unknown environment, flag, variant or metric), each
     * at its pointer; CONFLICT when the tenant has an experiment of that key.
     */
    public Experiment create(Actor actor, ExperimentSpec spec, List<Violation> requestViolations) {
        return writer.write(actor, tx -> {
            Resolved r = resolve(tx, actor.tenantId(), spec, requestViolations, null);
            Experiment x = await(experiments.insert(tx.c, actor.tenantId(), r.target(), r.spec(), r.metricIds(),
                    actor.keyName()));
            tx.audit("experiment.create", Experiment.RESOURCE_TYPE, Long.toString(x.id()), x.spec().environment(),
                    null, views.experiment(x));
            return x;
        });
    }

    /** Experiment {@code id} of the tenant; NOT_FOUND if none. */
    public Experiment get(long tenantId, long id) {
        return found(await(experiments.find(tenantId, id)), id);
    }

    /**
     * A page of the tenant's experiments matching {@code query}, newest first.
     *
     * @throws DomainException INVALID_PARAMETER naming each query parameter that is not valid
     */
    public Page<Experiment> list(long tenantId, Query query, int limit) {
        List<Violation> violations = new ArrayList<>();
        Status status = query.status() == null ? null : Status.parse(query.status());
        if (query.status() != null && status == null) {
            violations.add(Violation.of("status", "must be one of draft, running, stopped, not '" + query.status()
                    + "'"));
        }
        Long after = null;
        if (query.after() != null) {
            if (query.after().matches("[0-9]{1,18}")) {
                after = Long.parseLong(query.after());
            } else {
                violations.add(Violation.of("cursor", "not a cursor of this listing"));
            }
        }
        if (!violations.isEmpty()) {
            throw DomainException.invalidParameter(violations);
        }
        return await(experiments.page(tenantId, new ExperimentRepository.Filter(query.environment(), query.flag(),
                status), after, limit));
    }

    /**
     * Replaces experiment {@code id}'s definition with {@code spec}: NOT_FOUND first; STALE when {@code ifMatch} is not its
     * version; then INVALID with {@code requestViolations} and what the data refutes; CONFLICT
     * when it has started and the body changes what a started experiment keeps (its environment, flag, variants,
     * weights, control or start; or, once stopped, its end). Without weights in the body, a draft's are decided
     * again and a started one's are kept. A body that changes nothing writes nothing; any other raises the version.
     */
    public Experiment update(Actor actor, long id, Integer ifMatch, ExperimentSpec spec,
            List<Violation> requestViolations) {
        return writer.write(actor, tx -> {
            Locked l = locked(tx, actor.tenantId(), id);
            Experiment before = l.experiment();
            if (ifMatch != null && ifMatch != before.version()) {
                throw DomainException.stale("experiment " + id + " is at version " + before.version() + ", not "
                        + ifMatch + ": read it again and apply your change to what it is now");
            }
            ExperimentSpec wanted = spec;
            if (spec != null && before.status() != Status.DRAFT) {
                wanted = keepStarted(before, spec);
            }
            Resolved r = resolve(tx, actor.tenantId(), wanted, requestViolations,
                    before.status() == Status.DRAFT ? null : l.target());
            if (before.spec().equals(r.spec())) {
                return before;
            }
            Experiment after = await(experiments.update(tx.c, id, r.target(), r.spec(), r.metricIds(), true));
            tx.audit("experiment.update", Experiment.RESOURCE_TYPE, Long.toString(id), after.spec().environment(),
                    views.experiment(before), views.experiment(after));
            return after;
        });
    }

    /**
     * What a started experiment keeps: CONFLICT when {@code spec} changes its environment, flag, control, variants
     * (or their weights, when given), or its start, or the end of a stopped one; else {@code spec} with the stored
     * variants, start (and a stopped one's end) where the body left them out.
     */
    private static ExperimentSpec keepStarted(Experiment before, ExperimentSpec spec) {
        ExperimentSpec was = before.spec();
        String state = "experiment " + before.id() + " is " + before.status().jsonName() + " (since "
                + (before.status() == Status.RUNNING ? before.startAt() : before.endAt()).toInstant() + ")";
        List<String> changed = new ArrayList<>();
        if (!spec.environment().equals(was.environment())) {
            changed.add("environment ('" + was.environment() + "')");
        }
        if (!spec.flag().equals(was.flag())) {
            changed.add("flag ('" + was.flag() + "')");
        }
        if (!spec.controlVariant().equals(was.controlVariant())) {
            changed.add("controlVariant ('" + was.controlVariant() + "')");
        }
        List<String> keys = spec.variants().stream().map(ExperimentSpec.Variant::key).toList();
        List<String> wasKeys = was.variants().stream().map(ExperimentSpec.Variant::key).toList();
        boolean weighted = spec.variants().get(0).weight() != null;
        if (!keys.equals(wasKeys) || (weighted && !spec.variants().equals(was.variants()))) {
            changed.add("variants (" + ExperimentSpec.variantsJson(was.variants()) + ")");
        }
        if (spec.startAt() != null && !spec.startAt().isEqual(before.startAt())) {
            changed.add("startAt (" + before.startAt().toInstant() + ")");
        }
        OffsetDateTime end = spec.endAt();
        if (before.status() == Status.STOPPED) {
            if (end != null && !end.isEqual(before.endAt())) {
                changed.add("endAt (" + before.endAt().toInstant() + ", when it stopped)");
            }
            end = before.endAt();
        }
        if (!changed.isEmpty()) {
            throw DomainException.conflict(state + ": its " + String.join(", ", changed) + " cannot change once"
                    + " started, since its users were assigned under them; make a new experiment instead");
        }
        return new ExperimentSpec(spec.key(), spec.name(), spec.hypothesis(), was.environment(), was.flag(),
                was.controlVariant(), was.variants(), spec.metrics(), spec.analysis(), before.startAt(), end);
    }

    /**
     * Starts draft experiment {@code id}: running from now, or from its later {@code startAt}. CONFLICT unless a
     * draft; when its environment or flag was deleted since it was made (one made again under the key is another),
     * or no longer declares a compared variant; when its {@code endAt} is not after the start.
     */
    public Experiment start(Actor actor, long id) {
        return act(actor, id, "start", (tx, l) -> {
            Experiment x = l.experiment();
            requireStatus(x, Status.DRAFT, "started");
            Environment env = await(environments.find(tx.c, actor.tenantId(), x.spec().environment(),
                    RowLock.KEY_SHARE));
            EnvironmentFlag flag = env == null || env.id() != l.target().environmentId() ? null
                    : await(flags.findIn(tx.c, actor.tenantId(), env.id(), env.key(), x.spec().flag()));
            if (flag == null || flag.definition().id() != l.target().flagId()) {
                throw DomainException.conflict("experiment " + id + " was made for " + (flag == null && (env == null
                        || env.id() != l.target().environmentId()) ? "environment '" + x.spec().environment()
                        : "flag '" + x.spec().flag()) + "', which was deleted since (one made again under its key is"
                        + " another): it cannot start; make a new experiment");
            }
            List<String> missing = x.spec().variants().stream().map(ExperimentSpec.Variant::key)
                    .filter(k -> flag.definition().variants() == null || !flag.definition().variants().has(k))
                    .toList();
            if (!missing.isEmpty()) {
                throw DomainException.conflict("experiment " + id + " compares variant" + (missing.size() == 1
                        ? " '" : "s '") + String.join("', '", missing) + "', which flag '" + x.spec().flag()
                        + "' no longer declares: it cannot start; edit its variants");
            }
            OffsetDateTime start = x.startAt() != null && x.startAt().isAfter(l.now()) ? x.startAt() : l.now();
            if (x.endAt() != null && !x.endAt().isAfter(start)) {
                throw DomainException.conflict("experiment " + id + "'s endAt (" + x.endAt().toInstant() + ") is not"
                        + " after its start (" + start.toInstant() + "): change endAt first");
            }
            return await(experiments.transition(tx.c, id, Status.RUNNING, start, x.endAt()));
        });
    }

    /**
     * Stops running experiment {@code id}: its window ends now (or at its earlier {@code endAt}; one stopped before
     * its later start ends a microsecond after that start, having counted no one). CONFLICT unless running.
     */
    public Experiment stop(Actor actor, long id) {
        return act(actor, id, "stop", (tx, l) -> {
            Experiment x = l.experiment();
            requireStatus(x, Status.RUNNING, "stopped");
            OffsetDateTime end = x.endAt() != null && x.endAt().isBefore(l.now()) ? x.endAt() : l.now();
            if (!end.isAfter(x.startAt())) {
                // The table wants an end after the start (its CHECK): the window is then empty.
                end = x.startAt().plusNanos(1000);
            }
            return await(experiments.transition(tx.c, id, Status.STOPPED, x.startAt(), end));
        });
    }

    /**
     * Deletes experiment {@code id} (a draft or a stopped one) with its stored results. NOT_FOUND, STALE when
     * {@code ifMatch} is given and not its version, CONFLICT when it is running (stop it first).
     */
    public void delete(Actor actor, long id, Integer ifMatch) {
        writer.write(actor, tx -> {
            Experiment before = locked(tx, actor.tenantId(), id).experiment();
            if (ifMatch != null && ifMatch != before.version()) {
                throw DomainException.stale("experiment " + id + " is at version " + before.version() + ", not "
                        + ifMatch + ": read it again");
            }
            if (before.status() == Status.RUNNING) {
                throw DomainException.conflict("experiment " + id + " is running (since "
                        + before.startAt().toInstant() + "): stop it first, then delete it");
            }
            await(experiments.delete(tx.c, id));
            tx.audit("experiment.delete", Experiment.RESOURCE_TYPE, Long.toString(id), before.spec().environment(),
                    views.experiment(before), null);
            return null;
        });
    }

    // ---------------------------------------------------------------- helpers

    /** One action on an experiment, in one transaction: locked, {@code step}, audited {@code experiment.<action>}. */
    private Experiment act(Actor actor, long id, String action,
            BiFunction<DocumentWriter.Tx, Locked, Experiment> step) {
        return writer.write(actor, tx -> {
            Locked l = locked(tx, actor.tenantId(), id);
            Experiment after = step.apply(tx, l);
            tx.audit("experiment." + action, Experiment.RESOURCE_TYPE, Long.toString(id),
                    after.spec().environment(), views.experiment(l.experiment()), views.experiment(after));
            return after;
        });
    }

    private Locked locked(DocumentWriter.Tx tx, long tenantId, long id) {
        Locked l = await(experiments.lock(tx.c, tenantId, id));
        if (l == null) {
            throw notFound(id);
        }
        return l;
    }

    private static void requireStatus(Experiment x, Status wanted, String past) {
        if (x.status() != wanted) {
            throw DomainException.conflict("experiment " + x.id() + " is " + x.status().jsonName() + ": only a "
                    + wanted.jsonName() + " experiment can be " + past);
        }
    }

    /** A body checked against the data: the spec with its weights decided, where it is bound, its metrics' ids. */
    private record Resolved(ExperimentSpec spec, Target target, List<Long> metricIds) {
    }

    /**
     * Checks {@code spec} against the tenant's data in {@code tx} and decides its weights. With {@code bound} (a
     * started experiment, whose environment and flag were checked when it was made and cannot change) only the
     * metrics are checked. INVALID with {@code requestViolations} and every refutation, each at its pointer.
     */
    private Resolved resolve(DocumentWriter.Tx tx, long tenantId, ExperimentSpec spec,
            List<Violation> requestViolations, Target bound) {
        List<Violation> problems = new ArrayList<>(requestViolations);
        if (spec == null) {
            if (problems.isEmpty()) {
                throw new IllegalArgumentException("an experiment without a spec needs its violations saying why");
            }
            throw DomainException.invalid(problems);
        }
        ExperimentSpec decided = spec;
        Target target = bound;
        if (bound == null) {
            Environment env = await(environments.find(tx.c, tenantId, spec.environment(), RowLock.KEY_SHARE));
            EnvironmentFlag flag = env == null ? null
                    : await(flags.findIn(tx.c, tenantId, env.id(), env.key(), spec.flag()));
            if (env == null) {
                problems.add(Violation.of("environment", "no environment '" + spec.environment() + "' in this"
                        + " tenant"));
            } else if (flag == null) {
                problems.add(Violation.of("flag", "no flag '" + spec.flag() + "' in this tenant"));
            } else {
                JsonNode declared = flag.definition().variants();
                for (int i = 0; i < spec.variants().size(); i++) {
                    String k = spec.variants().get(i).key();
                    if (declared == null || !declared.has(k)) {
                        problems.add(new Violation(Pointer.of("variants").index(i).field("key"), "variant '" + k
                                + "' is not declared by flag '" + spec.flag() + "' (declared: "
                                + String.join(", ", names(declared)) + ")"));
                    }
                }
                target = new Target(env.id(), flag.definition().id());
                if (spec.variants().get(0).weight() == null) {
                    decided = spec.withVariants(plannedSplit(flag, spec.variants()));
                }
            }
        }
        List<String> keys = spec.metrics().all().stream().map(Map.Entry::getKey).toList();
        Map<String, Long> ids = await(metrics.shareLock(tx.c, tenantId, keys)).stream()
                .collect(Collectors.toMap(Metric::key, Metric::id));
        List<Long> metricIds = new ArrayList<>();
        Pointer at = Pointer.of("metrics");
        int secondary = 0;
        int guardrail = 0;
        for (Map.Entry<String, ExperimentSpec.Role> m : spec.metrics().all()) {
            Pointer where = switch (m.getValue()) {
                case PRIMARY -> at.field("primary");
                case SECONDARY -> at.field("secondary").index(secondary++);
                case GUARDRAIL -> at.field("guardrails").index(guardrail++);
            };
            Long id = ids.get(m.getKey());
            if (id == null) {
                problems.add(new Violation(where, "no metric '" + m.getKey() + "' in this tenant: make it first"
                        + " (POST /api/v1/metrics)"));
            }
            metricIds.add(id);
        }
        if (!problems.isEmpty()) {
            throw DomainException.invalid(problems);
        }
        return new Resolved(decided, target, metricIds);
    }

    /**
     * The planned split of {@code compared} when the body gave none: the weights of the flag's fallthrough rollout
     * in the environment, restricted to the compared variants, when it gives each of them a share above 0 (the
     * split the users actually get, so the sample-ratio check tests the real plan); else equal weights.
     */
    static List<ExperimentSpec.Variant> plannedSplit(EnvironmentFlag flag, List<ExperimentSpec.Variant> compared) {
        JsonNode rollout = flag.config() == null ? null : flag.config().path("fallthrough").get("rollout");
        List<ExperimentSpec.Variant> out = new ArrayList<>();
        if (rollout != null && rollout.isObject()) {
            for (ExperimentSpec.Variant v : compared) {
                JsonNode w = rollout.get(v.key());
                if (w == null || !w.isNumber() || !(w.doubleValue() > 0)) {
                    out.clear();
                    break;
                }
                out.add(new ExperimentSpec.Variant(v.key(), w.doubleValue()));
            }
        }
        if (out.isEmpty()) {
            for (ExperimentSpec.Variant v : compared) {
                out.add(new ExperimentSpec.Variant(v.key(), 1.0));
            }
        }
        return out;
    }

    private static List<String> names(JsonNode variants) {
        List<String> out = new ArrayList<>();
        if (variants != null) {
            for (Iterator<String> it = variants.fieldNames(); it.hasNext();) {
                out.add(it.next());
            }
        }
        return out;
    }

    private static Experiment found(Experiment x, long id) {
        if (x == null) {
            throw notFound(id);
        }
        return x;
    }

    private static DomainException notFound(long id) {
        return DomainException.notFound("no experiment " + id);
    }
}
