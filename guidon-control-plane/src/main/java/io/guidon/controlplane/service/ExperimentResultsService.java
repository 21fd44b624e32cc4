package io.guidon.controlplane.service;

import static io.vertx.core.Future.await;

import io.guidon.controlplane.domain.AnalysisPlan;
import io.guidon.controlplane.domain.AnalysisSums;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.ExperimentSnapshot;
import io.guidon.controlplane.domain.ExperimentState;
import io.guidon.controlplane.store.ExperimentAnalysisRepository;
import io.guidon.controlplane.store.ExperimentStateRepository;
import io.guidon.controlplane.store.Transactions;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An experiment's results (docs/experiments.md "Results", docs/adr/0119-experiment-results.md,
 * docs/adr/0124-experiment-state.md): its sums stored as snapshots, turned into results by {@link ExperimentAnalysis}.
 * The current snapshot's sums come from the experiment's kept state ({@link ExperimentStateRepository}: the events
 * since the last computation folded in, or the state rebuilt), each day's from one statement over the raw events
 * ({@link ExperimentAnalysisRepository}). The current snapshot is reused while younger than {@code experiments.results-max-age}
 * and made for the experiment's definition (its version and its metrics' versions); otherwise, or when a refresh is
 * asked for, it is recomputed on the request. One computation per experiment runs at a time: on this replica
 * concurrent requests wait for the same one, across replicas a PostgreSQL advisory lock orders them and the second
 * reuses the first's snapshot. Each replica's {@link ReplicaTask} calls {@link #refreshNext} to keep running
 * experiments' snapshots fresh before they expire and to compute each completed UTC day's snapshot once.
 * Sequential code for a virtual thread.
 */
public final class ExperimentResultsService {

    private final ExperimentAnalysisRepository repository;
    private final ExperimentStateRepository states;
    /** Users of a deleted experiment removed per transaction of the upkeep. */
    static final int SWEEP_CHUNK = 50_000;
    private final Duration maxAge;
    /**
     * The computations in progress on this replica. Vert.x promises, awaited with {@code Future.await}: a virtual
     * thread blocked in {@code CompletableFuture.join} would keep its Vert.x context, so that the computation it
     * waits for could never resume on that context (a deadlock seen with concurrent requests).
     */
    private final Map<Long, io.vertx.core.Promise<ExperimentSnapshot>> computing = new ConcurrentHashMap<>();
    /**
     * When this replica's upkeep last recomputed each experiment's current snapshot ({@link System#nanoTime}): not
     * again within half the max age, so that a computation longer than that cannot keep the upkeep busy for ever.
     */
    private final Map<Long, Long> refreshedAt = new ConcurrentHashMap<>();

    /**
     * @param states the experiments' kept state, from which current snapshots are computed
     * @param maxAge {@code experiments.results-max-age}: how long a current snapshot is reused
     */
    public ExperimentResultsService(ExperimentAnalysisRepository repository, ExperimentStateRepository states,
            Duration maxAge) {
        this.repository = repository;
        this.states = states;
        this.maxAge = maxAge;
    }

    /**
     * The experiment's results from its current snapshot, computed first when there is none fresh or
     * {@code refresh} is true.
     *
     * @throws DomainException NOT_FOUND when the tenant has no such experiment; CONFLICT for a draft
     */
    public ExperimentAnalysis.Results results(long tenantId, long id, boolean refresh) {
        AnalysisPlan plan = started(tenantId, id);
        ExperimentSnapshot current = refresh ? null : await(repository.current(repository.pool(), id));
        if (current == null || !fresh(current, plan, await(repository.clock(repository.pool())), maxAge)) {
            current = compute(tenantId, id, refresh);
            plan = started(tenantId, id);
        }
        ExperimentAnalysis.Looks looks = new ExperimentAnalysis.Looks();
        if (plan.sequential() && !plan.bayesian()) {
            for (ExperimentSnapshot day : await(repository.daily(repository.pool(), id))) {
                if (day.asOf().isBefore(current.asOf()) && day.sums().definition().equals(plan.definitionVersion())) {
                    ExperimentAnalysis.assemble(plan, day, looks);
                }
            }
        }
        return ExperimentAnalysis.assemble(plan, current, looks);
    }

    /**
     * The results over time: one per stored daily snapshot (each cumulative from the start to that day's end), in
     * day order; a sequential experiment's answers run over the days.
     *
     * @throws DomainException NOT_FOUND when the tenant has no such experiment; CONFLICT for a draft
     */
    public List<ExperimentAnalysis.Results> daily(long tenantId, long id) {
        AnalysisPlan plan = started(tenantId, id);
        ExperimentAnalysis.Looks looks = new ExperimentAnalysis.Looks();
        List<ExperimentAnalysis.Results> out = new ArrayList<>();
        for (ExperimentSnapshot day : await(repository.daily(repository.pool(), id))) {
            if (day.sums().definition().equals(plan.definitionVersion())) {
                out.add(ExperimentAnalysis.assemble(plan, day, looks));
            }
        }
        return out;
    }

    /** An export about to be streamed: the experiment, its as-of instant and the per-metric column names. */
    public record Export(AnalysisPlan plan, OffsetDateTime asOf, List<String> columns) {
    }

    /**
     * Prepares the per-user export of an experiment as of now (the database's clock).
     *
     * @throws DomainException NOT_FOUND when the tenant has no such experiment; CONFLICT for a draft
     */
    public Export export(long tenantId, long id) {
        AnalysisPlan plan = started(tenantId, id);
        return new Export(plan, await(repository.clock(repository.pool())),
                ExperimentAnalysisRepository.userColumns(plan));
    }

    /** Streams {@code export}'s per-user table to {@code sink} in chunks, with bounded memory; the users written. */
    public long stream(Export export, io.guidon.controlplane.domain.ExperimentUser.Sink sink) {
        return repository.streamUsers(export.plan(), export.asOf(), sink);
    }

    private AnalysisPlan started(long tenantId, long id) {
        AnalysisPlan plan = await(repository.plan(repository.pool(), tenantId, id));
        if (plan == null) {
            throw DomainException.notFound("no experiment " + id);
        }
        if (!plan.started()) {
            throw DomainException.conflict("experiment " + id + " (" + plan.key() + ") is a draft: it has results once"
                    + " it starts");
        }
        return plan;
    }

    /**
     * Whether a current snapshot can answer: made for the experiment's definition, and either final (as of the
     * experiment's end) or younger than {@code maxAge} by the database's clock {@code now}.
     */
    static boolean fresh(ExperimentSnapshot s, AnalysisPlan plan, OffsetDateTime now, Duration maxAge) {
        if (s.experimentVersion() != plan.version() || !s.sums().definition().equals(plan.definitionVersion())) {
            return false;
        }
        boolean complete = plan.endAt() != null && !s.asOf().isBefore(plan.endAt());
        return complete || s.computedAt().plus(maxAge).isAfter(now);
    }

    /** Computes the current snapshot, or waits for the computation of it in progress on this replica. */
    private ExperimentSnapshot compute(long tenantId, long id, boolean refresh) {
        io.vertx.core.Promise<ExperimentSnapshot> mine = io.vertx.core.Promise.promise();
        io.vertx.core.Promise<ExperimentSnapshot> running = computing.putIfAbsent(id, mine);
        if (running != null) {
            return await(running.future());
        }
        try {
            ExperimentSnapshot s = Transactions.await(repository.pool(), c -> {
                repeatableRead(c);
                // Waiting for another replica's fold or rebuild is part of the computation's time.
                analysisTimeout(c);
                await(repository.lock(c, id));
                AnalysisPlan plan = await(repository.plan(c, tenantId, id));
                if (plan == null || !plan.started()) {
                    throw plan == null ? DomainException.notFound("no experiment " + id)
                            : DomainException.conflict("experiment " + id + " is a draft");
                }
                ExperimentSnapshot existing = await(repository.current(c, id));
                OffsetDateTime now = await(repository.clock(c));
                // Another replica may have computed it while this one waited for the lock.
                if (!refresh && existing != null && fresh(existing, plan, now, maxAge)) {
                    return existing;
                }
                return computeIn(c, plan, null, now);
            });
            mine.complete(s);
            return s;
        } catch (RuntimeException e) {
            mine.fail(e);
            throw e;
        } finally {
            computing.remove(id, mine);
        }
    }

    /**
     * A results transaction reads one snapshot: a fold must consume exactly the pending events whose raw rows it
     * can see (docs/adr/0124-experiment-state.md). Taken before the lock: a fold committed while this one waited
     * makes this one's writes fail with a serialization failure, and {@link Transactions} runs it again.
     */
    private static void repeatableRead(io.vertx.sqlclient.SqlConnection c) {
        await(c.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute());
    }

    /**
     * A computation's own limits: its statements and its pauses between them (a fold works on the events it read
     * between statements: seconds for a day of events) get the analysis' timeout, not the admin statements' one.
     */
    private static void analysisTimeout(io.vertx.sqlclient.SqlConnection c) {
        await(c.query("SET LOCAL statement_timeout = '" + ExperimentAnalysisRepository.ANALYSIS_TIMEOUT + "'")
                .execute());
        await(c.query("SET LOCAL idle_in_transaction_session_timeout = '"
                + ExperimentAnalysisRepository.ANALYSIS_TIMEOUT + "'").execute());
    }

    private ExperimentSnapshot computeIn(io.vertx.sqlclient.SqlConnection c, AnalysisPlan plan, LocalDate day,
            OffsetDateTime asOf) {
        long started = System.nanoTime();
        AnalysisSums sums = day == null ? fromState(c, plan) : await(repository.analyze(c, plan, asOf));
        long ms = (System.nanoTime() - started) / 1_000_000;
        return await(repository.save(c, plan.id(), day, asOf, plan.version(), ms, sums));
    }

    /**
     * The current sums from the experiment's kept state: its pending events folded in, or the state rebuilt from
     * the raw events when it is missing, was built for another definition or has more than
     * {@link ExperimentStateRepository#MAX_PENDING} events pending; then the caps applied.
     */
    private AnalysisSums fromState(io.vertx.sqlclient.SqlConnection c, AnalysisPlan plan) {
        ExperimentStateRepository.Stored stored = states.load(c, plan.id());
        String definition = plan.stateDefinition();
        ExperimentState.Totals totals;
        // A state holding events at or after a (new) end is rebuilt too: a stop at an instant before events already
        // folded (their senders' clocks ahead of the database's), or an end moved earlier.
        boolean pastEnd = stored != null && plan.endAt() != null && stored.latestEventAt() != null
                && !stored.latestEventAt().isBefore(plan.endAt());
        if (stored == null || !stored.definition().equals(definition) || pastEnd
                || states.pending(c, plan.id()) > ExperimentStateRepository.MAX_PENDING) {
            totals = states.rebuild(c, plan);
            states.save(c, plan.id(), definition, totals, states.latestEvent(c, plan), true);
        } else {
            totals = stored.totals();
            ExperimentState.Folded folded = ExperimentState.fold(plan, states.takePending(c, plan.id()),
                    new ExperimentState.Store() {
                        @Override
                        public Map<String, ExperimentState.User> users(java.util.Set<String> keys) {
                            return states.users(c, plan.id(), keys);
                        }

                        @Override
                        public Map<String, List<ExperimentState.Event>> conversions(java.util.Set<String> keys) {
                            return states.conversions(c, plan, keys);
                        }
                    }, totals);
            states.write(c, plan.id(), folded.users());
            OffsetDateTime latest = stored.latestEventAt();
            if (folded.latest() != null && (latest == null || folded.latest().isAfter(latest))) {
                latest = folded.latest();
            }
            states.save(c, plan.id(), definition, totals, latest, false);
        }
        return totals.sums(plan, states.caps(c, plan, totals));
    }

    /**
     * One piece of the replicas' upkeep: the first started experiment (by id) whose current snapshot is missing,
     * made for another definition or older than half of {@code experiments.results-max-age} (and not final), or
     * that lacks a completed UTC day's snapshot (or has one made for another definition), gets it computed. An
     * experiment another replica is computing is skipped.
     *
     * @return whether a snapshot was computed (the task then looks again)
     */
    public boolean refreshNext() {
        for (ExperimentAnalysisRepository.Tracked t : await(repository.tracked(repository.pool()))) {
            // The current snapshot first (a fold: cheap), under the lock of the experiment's state.
            Boolean current = Transactions.await(repository.pool(), c -> {
                repeatableRead(c);
                if (!await(repository.tryLock(c, t.id()))) {
                    return false;
                }
                AnalysisPlan plan = await(repository.plan(c, t.tenantId(), t.id()));
                if (plan == null || !plan.started()) {
                    return false;
                }
                OffsetDateTime now = await(repository.clock(c));
                ExperimentSnapshot existing = await(repository.current(c, t.id()));
                boolean complete = existing != null && plan.endAt() != null && !existing.asOf().isBefore(plan.endAt());
                if (complete) {
                    // A stopped experiment's final snapshot: recomputed only when late events (stamped before the
                    // end, arriving after it) wait to be folded in.
                    if (states.pending(c, t.id()) == 0) {
                        return false;
                    }
                } else if (existing != null && fresh(existing, plan, now, maxAge.dividedBy(2))) {
                    return false;
                }
                Long last = refreshedAt.get(t.id());
                if (!complete && existing != null && last != null
                        && System.nanoTime() - last < maxAge.dividedBy(2).toNanos()) {
                    return false;
                }
                analysisTimeout(c);
                computeIn(c, plan, null, now);
                refreshedAt.put(t.id(), System.nanoTime());
                return true;
            });
            if (Boolean.TRUE.equals(current)) {
                return true;
            }
            // A completed day's snapshot (one statement over the raw events: minutes at millions of events) under a
            // lock of its own, so that requests and folds never wait for it.
            Boolean day = Transactions.await(repository.pool(), c -> {
                if (!await(repository.tryLockDaily(c, t.id()))) {
                    return false;
                }
                AnalysisPlan plan = await(repository.plan(c, t.tenantId(), t.id()));
                if (plan == null || !plan.started()) {
                    return false;
                }
                LocalDate missing = missingDay(plan, await(repository.dailyDefinitions(c, t.id())),
                        await(repository.clock(c)));
                if (missing == null) {
                    return false;
                }
                computeIn(c, plan, missing, missing.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC));
                return true;
            });
            if (Boolean.TRUE.equals(day)) {
                return true;
            }
        }
        // Nothing to compute: remove the kept state of a deleted experiment, a chunk at a time.
        return Transactions.await(repository.pool(), c -> states.sweep(c, SWEEP_CHUNK)) > 0;
    }

    /**
     * The first completed UTC day of the experiment without a snapshot for its definition: days from the start's
     * day whose end has passed ({@code now}) and that begin before the experiment's end; null when none.
     */
    static LocalDate missingDay(AnalysisPlan plan, Map<LocalDate, String> stored, OffsetDateTime now) {
        LocalDate day = plan.startAt().withOffsetSameInstant(ZoneOffset.UTC).toLocalDate();
        OffsetDateTime end = plan.endAt() == null || plan.endAt().isAfter(now) ? now : plan.endAt();
        while (true) {
            OffsetDateTime dayStart = day.atStartOfDay().atOffset(ZoneOffset.UTC);
            OffsetDateTime dayEnd = dayStart.plusDays(1);
            if (!dayStart.isBefore(end) || dayEnd.isAfter(now)) {
                return null;
            }
            if (!plan.definitionVersion().equals(stored.get(day))) {
                return day;
            }
            day = day.plusDays(1);
        }
    }
}
