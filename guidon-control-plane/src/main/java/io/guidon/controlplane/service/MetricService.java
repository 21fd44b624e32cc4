package io.guidon.controlplane.service;

import static io.vertx.core.Future.await;

import io.guidon.controlplane.domain.Actor;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Metric;
import io.guidon.controlplane.domain.MetricSpec;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.store.MetricRepository;
import io.guidon.controlplane.store.RowLock;
import java.util.List;

/**
 * A tenant's metrics (docs/adr/0118-experiments-model.md): made, read, listed, edited and deleted by key. Every
 * change is audited ({@code metric.create}, {@code .update}, {@code .delete}, with the metric before and after).
 * An edit raises the metric's version and, in the same transaction, the version of every experiment using it, so
 * that their results are recomputed; a metric used by an experiment cannot be deleted. Sequential code for a
 * virtual thread; throws {@link DomainException}.
 */
public final class MetricService {

    private final DocumentWriter writer;
    private final MetricRepository metrics;
    private final ResourceViews views;

    MetricService(DocumentWriter writer, MetricRepository metrics, ResourceViews views) {
        this.writer = writer;
        this.metrics = metrics;
        this.views = views;
    }

    /**
     * Makes a metric. INVALID listing {@code requestViolations} (the body's, see {@link MetricSpec#parse}) when
     * there are any; CONFLICT when the tenant has a metric of that key.
     */
    public Metric create(Actor actor, MetricSpec spec, List<Violation> requestViolations) {
        refuseIfAny(spec, requestViolations);
        return writer.write(actor, tx -> {
            Metric m = await(metrics.insert(tx.c, actor.tenantId(), spec));
            tx.audit("metric.create", Metric.RESOURCE_TYPE, m.key(), null, null, views.metric(m));
            return m;
        });
    }

    /** Metric {@code key} of the tenant; NOT_FOUND if none. */
    public Metric get(long tenantId, String key) {
        return found(await(metrics.find(tenantId, key)), key);
    }

    /** A page of the tenant's metrics by key, after key {@code after} (null: the first page). */
    public Page<Metric> list(long tenantId, String after, int limit) {
        return await(metrics.page(tenantId, after, limit));
    }

    /**
     * Replaces metric {@code key}'s definition with {@code spec}: NOT_FOUND first, then INVALID with
     * {@code requestViolations}, then STALE when {@code ifMatch} is not its version. A definition that changes
     * nothing writes nothing; any other raises the metric's version and that of every experiment using it.
     */
    public Metric update(Actor actor, String key, Integer ifMatch, MetricSpec spec,
            List<Violation> requestViolations) {
        return writer.write(actor, tx -> {
            Metric before = found(await(metrics.lock(tx.c, actor.tenantId(), key, RowLock.CHANGE)), key);
            // RFC 9110 13.2.2: the precondition before the method's semantics (a stale change is 412 whatever its body).
            stale(before, ifMatch);
            refuseIfAny(spec, requestViolations);
            if (before.spec().equals(spec)) {
                return before;
            }
            Metric after = await(metrics.update(tx.c, before.id(), spec));
            // The results of every experiment using it depend on its definition: their version tells them so.
            await(metrics.bumpExperimentsUsing(tx.c, before.id()));
            tx.audit("metric.update", Metric.RESOURCE_TYPE, key, null, views.metric(before), views.metric(after));
            return after;
        });
    }

    /**
     * Deletes metric {@code key}: NOT_FOUND when none, STALE when {@code ifMatch} is given and not its version,
     * CONFLICT naming the experiments that use it (delete them or take the metric out of them first).
     */
    public void delete(Actor actor, String key, Integer ifMatch) {
        writer.write(actor, tx -> {
            Metric before = found(await(metrics.lock(tx.c, actor.tenantId(), key, RowLock.DELETE)), key);
            stale(before, ifMatch);
            List<String> users = await(metrics.usedBy(tx.c, before.id()));
            if (!users.isEmpty()) {
                throw DomainException.conflict("metric '" + key + "' is used by experiment" + (users.size() == 1
                        ? " " : "s ") + String.join(", ", users) + ": take it out of them (or delete them) first");
            }
            await(metrics.delete(tx.c, before.id()));
            tx.audit("metric.delete", Metric.RESOURCE_TYPE, key, null, views.metric(before), null);
            return null;
        });
    }

    private static void refuseIfAny(MetricSpec spec, List<Violation> violations) {
        if (!violations.isEmpty() || spec == null) {
            if (violations.isEmpty()) {
                throw new IllegalArgumentException("a metric without a spec needs its violations saying why");
            }
            throw DomainException.invalid(violations);
        }
    }

    private static void stale(Metric m, Integer ifMatch) {
        if (ifMatch != null && ifMatch != m.version()) {
            throw DomainException.stale("metric '" + m.key() + "' is at version " + m.version() + ", not " + ifMatch
                    + ": read it again and apply your change to what it is now");
        }
    }

    private static Metric found(Metric m, String key) {
        if (m == null) {
            throw DomainException.notFound("no metric '" + key + "'");
        }
        return m;
    }
}
