package io.guidon.controlplane.service;

import static io.vertx.core.Future.await;

import io.guidon.controlplane.domain.DocumentChange;
import io.guidon.controlplane.domain.DocumentChanges;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.EnvironmentDocument;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.publish.ChangeEvent;
import io.guidon.controlplane.publish.ChangePublisher;
import io.guidon.controlplane.domain.Actor;
import io.guidon.controlplane.store.AuditLog;
import io.guidon.controlplane.store.DocumentRepository;
import io.guidon.controlplane.store.Transactions;
import io.guidon.controlplane.store.VersionListener;
import io.guidon.engine.FlagSet;
import io.guidon.json.Pointer;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The write path every change of an environment's document takes, shared by the services of flags, segments and
 * environments. Code on a virtual thread (it awaits each step).
 *
 * <p>A change runs in one transaction ({@link #write}) that locks the environments it touches (in the order of
 * docs/adr/0108-admin-write-lock-order-and-retries.md; re-run by {@link Transactions} on a lock conflict), applies the
 * change to each environment's document and has the engine validate all of them ({@link #prepare}, on a worker
 * thread) before anything is written; then the service writes its rows, {@link #commit} raises each version and
 * writes the change log, the audit entry is written, and the transaction commits; any problem rolls everything back.
 * Only after the commit is each changed environment published ({@link ChangePublisher}) and its version told to the
 * snapshot cache ({@link VersionListener}), once.
 */
final class DocumentWriter {

    private final Vertx vertx;
    private final Pool pool;
    private final DocumentChanges changes;
    private final DocumentRepository documents;
    private final AuditLog audit;
    private final ChangePublisher publisher;
    private final VersionListener versions;

    /** An environment's document and compiled flag set at one version, as this replica last committed it. */
    private record Cached(long version, EnvironmentDocument document, FlagSet flagSet) {
    }

    /**
     * The last committed document of each environment changed through this replica. A change finds the version it
     * locked here when this replica made the previous change, and then skips reading and compiling the document it
     * starts from. Entries are added only after commit, and a version is never reused, so an entry whose version
     * is the locked one is exactly the database's state.
     */
    private final Map<Long, Cached> cache = new ConcurrentHashMap<>();

    DocumentWriter(Vertx vertx, Pool pool, DocumentChanges changes, DocumentRepository documents, AuditLog audit,
            ChangePublisher publisher, VersionListener versions) {
        this.vertx = vertx;
        this.pool = pool;
        this.changes = changes;
        this.documents = documents;
        this.audit = audit;
        this.publisher = publisher;
        this.versions = versions;
    }

    /**
     * Why a change may pass the approval gate of an environment that requires approvals (docs/adr/0115-approvals.md):
     * an approved change request being applied ({@code changeRequestId}), an admin's bypass of one with its reason,
     * a schedule made through an approved request, or a proposal's dry run (its transaction always rolls back).
     */
    record Approval(String kind, long changeRequestId, String reason) {

        /** A change request applied with its approvals. */
        static Approval changeRequest(long id) {
            return new Approval("change-request", id, null);
        }

        /** A change request applied by an admin without its approvals, for {@code reason}. */
        static Approval bypass(long id, String reason) {
            return new Approval("bypass", id, reason);
        }

        /**
         * A step of rollout plan {@code planId} whose start was approved (a {@code plan.start} change request): the
         * plan is approved once, and its steps then run with this. For the rollout plans' runner.
         */
        static Approval rolloutPlan(long planId) {
            return new Approval("rollout-plan", planId, null);
        }

        /** A proposal checked against the current document: nothing of it commits. */
        static final Approval DRY_RUN = new Approval("dry-run", 0, null);
    }

    /** One run of a change's transaction: its connection, who changes, and what it applied to which environment. */
    final class Tx {
        final SqlConnection c;
        final Actor actor;
        private final List<Applied> applied;
        /** What lets this transaction's changes through the approval gate; null: nothing (the direct routes). */
        private Approval approval;
        /** The audit entries written in this run, in order (a dry run's before and after are its diff). */
        private final List<AuditLog.Entry> audited;

        private Tx(SqlConnection c, Actor actor) {
            this(c, actor, new ArrayList<>(), new ArrayList<>(), null);
        }

        private Tx(SqlConnection c, Actor actor, List<Applied> applied, List<AuditLog.Entry> audited,
                Approval approval) {
            this.c = c;
            this.actor = actor;
            this.applied = applied;
            this.audited = audited;
            this.approval = approval;
        }

        /**
         * This transaction under {@code other} (an agent acting for a key: a rollout plan's step inside the request
         * that starts it): what it changes is audited under {@code other} and published with this transaction, with
         * this transaction's approval.
         */
        Tx as(Actor other) {
            return new Tx(c, other, applied, audited, approval);
        }

        /** Writes the audit entry of the change, in this transaction. */
        void audit(String action, String resourceType, String resourceKey, String environmentKey,
                com.fasterxml.jackson.databind.JsonNode before, com.fasterxml.jackson.databind.JsonNode after) {
            AuditLog.Entry entry = new AuditLog.Entry(action, resourceType, resourceKey, environmentKey, before,
                    after);
            await(audit.record(c, actor, entry));
            audited.add(entry);
        }

        /** Lets this transaction's changes through the approval gate, for {@code why}. */
        void approve(Approval why) {
            this.approval = why;
        }

        /** What lets this transaction's changes through the approval gate, or null. */
        Approval approval() {
            return approval;
        }
    }

    /** One environment's document with the change applied and validated, nothing written yet. */
    record Prepared(Environment env, DocumentChanges.Outcome outcome) {
        EnvironmentDocument after() {
            return outcome.document();
        }
    }

    /** A change committed to one environment: the event to publish, and the document and flag set it produced. */
    private record Applied(ChangeEvent event, EnvironmentDocument document, FlagSet flagSet) {
    }

    /** Runs {@code work} in a transaction (re-run whole on a conflict); after the commit, publishes what it applied. */
    <T> T write(Actor actor, Function<Tx, T> work) {
        return write(c -> actor, a -> a, (tx, a) -> work.apply(tx));
    }

    /**
     * {@link #write(Actor, Function)} for work whose actor is known only inside its transaction: {@code claim} runs
     * first in it (a due schedule's row claimed, whose key is the actor) and answers what it claimed, or null when
     * there is nothing to do (the transaction then ends with nothing more done, and the answer is null); then
     * {@code work} runs under {@code actorOf} of what was claimed. Re-run whole (the claim too) and published after
     * the commit like any write.
     */
    <C, T> T write(Function<SqlConnection, C> claim, Function<C, Actor> actorOf, BiFunction<Tx, C, T> work) {
        // The run that committed: the last one (a run that claimed nothing applied nothing).
        List<Tx> committed = new ArrayList<>(1);
        T value = Transactions.await(pool, c -> {
            committed.clear();
            C claimed = claim.apply(c);
            if (claimed == null) {
                return null;
            }
            Tx tx = new Tx(c, actorOf.apply(claimed));
            committed.add(tx);
            return work.apply(tx, claimed);
        });
        for (Applied a : committed.isEmpty() ? List.<Applied>of() : committed.get(0).applied) {
            ChangeEvent e = a.event();
            cache.put(e.environmentId(), new Cached(e.version(), a.document(), a.flagSet()));
            versions.committed(e.environmentId(), e.version());
            publisher.publish(e);
        }
        return value;
    }

    /**
     * Runs {@code work} in {@code tx} as a dry run through the approval gate: everything it writes is undone (a
     * savepoint rolled back), nothing of it is published; its answer, or its failure, is what it would have been.
     * Locks taken before the call are kept (the dry run's own are released with the savepoint).
     *
     * @return the audit entries the work wrote (what the change would have changed), in order
     */
    List<AuditLog.Entry> dryRun(Tx tx, java.util.function.Consumer<Tx> work) {
        await(tx.c.query("SAVEPOINT dry_run").execute());
        Approval was = tx.approval;
        int applied = tx.applied.size();
        int audited = tx.audited.size();
        tx.approval = Approval.DRY_RUN;
        try {
            work.accept(tx);
            return List.copyOf(tx.audited.subList(audited, tx.audited.size()));
        } finally {
            tx.approval = was;
            tx.applied.subList(applied, tx.applied.size()).clear();
            tx.audited.subList(audited, tx.audited.size()).clear();
            await(tx.c.query("ROLLBACK TO SAVEPOINT dry_run").execute());
        }
    }

    /**
     * Applies {@code change} to the document of each of {@code envs} (locked by the caller), in turn, each compiled
     * on a worker thread; writes nothing. The document is read from the database unless this replica committed the
     * locked version itself.
     *
     * <p>The approval gate (docs/adr/0115-approvals.md) is here, where every change of an environment's document
     * passes: a valid change of what an environment that requires approvals serves is refused with APPROVAL_REQUIRED
     * unless {@code tx} carries an {@link Approval}. It is judged after the engine's validation, so that an invalid
     * change is answered as invalid rather than kept in a request that could never apply.
     *
     * @throws DomainException INVALID listing {@code requestViolations} (the request's own, found before) and every
     *     violation of every environment, each once, in that order, when there is any; or, when the change could not
     *     be built, the request's violations (or "no configuration to apply"); APPROVAL_REQUIRED for a valid change
     *     that the gate stops
     */
    List<Prepared> prepare(Tx tx, List<Environment> envs, DocumentChange change, List<Violation> requestViolations) {
        List<Prepared> prepared = new ArrayList<>();
        Set<Violation> violations = new LinkedHashSet<>(requestViolations);
        int gatedBy = 0;
        List<String> gated = new ArrayList<>();
        for (Environment env : envs) {
            Cached cached = cache.get(env.id());
            boolean hit = cached != null && cached.version() == env.version();
            EnvironmentDocument before = hit ? cached.document()
                    : await(DocumentRepository.load(tx.c, tx.actor.tenantId(), env.id()));
            FlagSet known = hit ? cached.flagSet() : null;
            DocumentChanges.Outcome outcome = await(vertx.executeBlocking(
                    () -> changes.apply(env.key(), before, known, change), false));
            if (outcome.document() == null) {
                violations.addAll(outcome.violations());
                throw DomainException.invalid(violations.isEmpty()
                        ? List.of(new Violation(Pointer.ROOT, "no configuration to apply"))
                        : List.copyOf(violations));
            }
            violations.addAll(outcome.violations());
            prepared.add(new Prepared(env, outcome));
            if (env.gated() && changesWhatIsServed(change, before)) {
                gated.add(env.key());
                gatedBy = Math.max(gatedBy, env.requiredApprovals());
            }
        }
        if (!violations.isEmpty()) {
            throw DomainException.invalid(List.copyOf(violations));
        }
        if (!gated.isEmpty() && tx.approval == null) {
            throw DomainException.approvalRequired(gatedBy, "environment" + (gated.size() == 1 ? " '" + gated.get(0)
                    + "' requires " : "s " + gated + " require up to ") + gatedBy + " approval"
                    + (gatedBy == 1 ? "" : "s") + " for a change of what it serves: propose it as a change request");
        }
        return prepared;
    }

    /**
     * Whether {@code change} may change what an environment whose document was {@code before} serves: every change
     * but a new flag (disabled everywhere, and asked for by no application yet) and a flag definition whose variants,
     * salt and metadata are unchanged (a new name, description or tags change no evaluation).
     */
    static boolean changesWhatIsServed(DocumentChange change, EnvironmentDocument before) {
        return switch (change) {
            case DocumentChange.CreateFlag c -> false;
            case DocumentChange.UpdateFlagDefinition u -> {
                io.guidon.controlplane.domain.FlagDefinition was = before.flags.get(u.definition().key());
                yield was == null || !java.util.Objects.equals(was.variants(), u.definition().variants())
                        || !java.util.Objects.equals(was.salt(), u.definition().salt())
                        || !java.util.Objects.equals(was.metadata(), u.definition().metadata());
            }
            default -> true;
        };
    }

    /**
     * The second half of a change, after {@link #prepare} and the service's own writes: raises each environment's
     * version and writes its change log; the change is published after the commit.
     */
    void commit(Tx tx, List<Prepared> prepared, DocumentChange change) {
        for (Prepared p : prepared) {
            Environment env = p.env();
            long version = await(documents.bumpVersion(tx.c, tx.actor.tenantId(), env.id(), change.flagKeys(),
                    change.segmentKeys()));
            tx.applied.add(new Applied(new ChangeEvent(env.id(), tx.actor.tenantKey(), env.key(), version,
                    List.copyOf(p.outcome().changedFlags())), p.after(), p.outcome().flagSet()));
        }
    }

    /**
     * Judges a flag definition no environment's document can hold, on a worker thread (see
     * {@link DocumentChanges#check}).
     */
    List<Violation> check(io.guidon.controlplane.domain.FlagDefinition def,
            com.fasterxml.jackson.databind.node.ObjectNode config) {
        return await(vertx.executeBlocking(() -> changes.check(def, config), false));
    }

    /** {@link DomainException.Kind#STALE} when the client's {@code If-Match} revision is not the current one. */
    static void checkRevision(Integer ifMatch, int current, String what) {
        if (ifMatch != null && ifMatch != current) {
            throw DomainException.stale(what + " is at revision " + current + ", not " + ifMatch
                    + "; someone changed it since you read it: read it again and re-apply your change");
        }
    }
}
