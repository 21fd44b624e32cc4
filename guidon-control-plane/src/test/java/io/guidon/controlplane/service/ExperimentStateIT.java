package io.guidon.controlplane.service;

import io.guidon.controlplane.ServiceRig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.guidon.controlplane.ControlPlaneConfig;
import io.guidon.controlplane.ExperimentRows;
import io.guidon.controlplane.TestDatabase;
import io.guidon.controlplane.api.AdminThreads;
import io.guidon.controlplane.domain.AnalysisPlan;
import io.guidon.controlplane.domain.AnalysisSums;
import io.guidon.controlplane.events.PgEventStore;
import io.guidon.controlplane.store.ExperimentAnalysisRepository;
import io.guidon.controlplane.store.ExperimentStateRepository;
import io.guidon.controlplane.store.Transactions;
import io.guidon.protocol.events.EventBatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The experiments' kept state (docs/adr/0124-experiment-state.md) on real PostgreSQL, fed through the real ingest
 * ({@link PgEventStore}): random exposures and conversions of a few hundred users, sent in shuffled batches (late
 * exposures that move a user's first exposure earlier, conversions before the exposure that makes them count,
 * users exposed to both variants or to a variant not compared, events before the start and after the end), with
 * results asked for between batches (each a fold of what arrived since). The folded sums must equal those of the
 * one-statement analysis over the raw events ({@link ExperimentAnalysisRepository#analyze}), which
 * ExperimentAnalysisRepositoryIT checks against sums computed by hand.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExperimentStateIT {

    private static final Instant T0 = Instant.parse("2026-03-10T00:00:00Z");
    private static final String[] EVENTS = {"purchase", "visit", "click", "signup", "noise"};

    ServiceRig rig;
    TestDatabase db;
    Vertx vertx;
    Pool pool;
    AdminThreads threads;
    ExperimentAnalysisRepository repository;
    ExperimentResultsService service;
    PgEventStore store;
    ExperimentRows rows;
    long tenant;
    long env;
    List<Long> metrics = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        rig = ServiceRig.start(TestDatabase.createMigrated(), "guidon-state-it", 1);
        db = rig.db;
        ControlPlaneConfig config = rig.config;
        db.execute("CREATE TABLE flag_exposures_default PARTITION OF flag_exposures DEFAULT");
        db.execute("CREATE TABLE conversion_events_default PARTITION OF conversion_events DEFAULT");
        db.execute("CREATE TABLE flag_evaluation_counts_default PARTITION OF flag_evaluation_counts DEFAULT");
        vertx = rig.vertx;
        pool = rig.pool;
        threads = rig.threads;
        repository = new ExperimentAnalysisRepository(pool);
        service = new ExperimentResultsService(repository, new ExperimentStateRepository(), Duration.ofMinutes(5));
        store = new PgEventStore(pool, 4);
        rows = new ExperimentRows(db);
        tenant = rows.tenant("acme");
        env = 11;
        metrics.add(rows.metric(tenant, "purchase", "proportion", "purchase", "count", null, null, true, null, null));
        metrics.add(rows.metric(tenant, "revenue", "mean", "purchase", "value", null, 172_800L, true, "fixed", 100.0));
        metrics.add(rows.metric(tenant, "revenue_per_visit", "ratio", "purchase", "value", "visit", null, true, null,
                null));
        metrics.add(rows.metric(tenant, "clicks", "mean", "click", "count", null, null, false, "percentile", 0.9));
        metrics.add(rows.metric(tenant, "signup", "proportion", "signup", "count", null, 86_400L, true, null, null));
    }

    @AfterAll
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    private long experiment(String flag, ExperimentRows.Settings settings) {
        long id = rows.experiment(tenant, env, flag, flag + "-test", settings);
        String[] roles = {"primary", "secondary", "secondary", "guardrail", "secondary"};
        for (int i = 0; i < metrics.size(); i++) {
            rows.attach(id, metrics.get(i), roles[i], i);
        }
        return id;
    }

    /** Results computed now (a fold, or a rebuild the first time), and the sums of the snapshot they came from. */
    private AnalysisSums folded(long id) throws Exception {
        rig.run(() -> service.results(tenant, id, true));
        return rig.run(() -> Future.await(repository.current(pool, id))).sums();
    }

    /** The one-statement analysis over the raw events, as of long after every event. */
    private AnalysisSums reference(long id) throws Exception {
        return rig.run(() -> Transactions.await(pool, c -> {
            AnalysisPlan plan = Future.await(repository.plan(c, tenant, id));
            return Future.await(repository.analyze(c, plan, T0.plus(Duration.ofDays(400)).atOffset(ZoneOffset.UTC)));
        }));
    }

    /** Random events of {@code users} users of flag {@code flag}, shuffled. */
    private static List<Object> events(Random random, String flag, int users) {
        List<Object> out = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String key = flag + "-user-" + u;
            if (random.nextDouble() < 0.85) {
                double kind = random.nextDouble();
                String first = random.nextBoolean() ? "off" : "on";
                int exposures = 1 + random.nextInt(3);
                for (int i = 0; i < exposures; i++) {
                    String variant = kind < 0.08 && i > 0 ? (first.equals("on") ? "off" : "on")
                            : kind > 0.96 ? "other" : first;
                    out.add(new EventBatch.Exposure(flag, variant, key, at(random, -1, 12)));
                }
            }
            int conversions = random.nextInt(7);
            for (int i = 0; i < conversions; i++) {
                String event = EVENTS[random.nextInt(EVENTS.length)];
                Double value = event.equals("purchase") ? Double.valueOf(Math.round((random.nextDouble() * 170 - 20) * 100) / 100.0)
                        : random.nextDouble() < 0.1 ? Double.valueOf(1.5) : null;
                out.add(new EventBatch.Conversion(key, event, value, at(random, -3, 14)));
            }
        }
        Collections.shuffle(out, random);
        return out;
    }

    private static Instant at(Random random, int fromDays, int toDays) {
        long span = (toDays - fromDays) * 86_400L;
        return T0.plusSeconds(fromDays * 86_400L + (long) (random.nextDouble() * span));
    }

    private void send(List<Object> events) throws Exception {
        List<EventBatch.Exposure> exposures = new ArrayList<>();
        List<EventBatch.Conversion> conversions = new ArrayList<>();
        for (Object e : events) {
            if (e instanceof EventBatch.Exposure x) {
                exposures.add(x);
            } else {
                conversions.add((EventBatch.Conversion) e);
            }
        }
        store.store(new io.guidon.controlplane.events.EventSource(tenant, "acme", env, "production"),
                new EventBatch(UUID.randomUUID(), UUID.randomUUID(), Instant.now(), List.of(), exposures, conversions),
                null).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /** Sends {@code events} in {@code batches} batches, folding after each of {@code foldAfter}. */
    private void sendFolding(long id, List<Object> events, int batches, int... foldAfter) throws Exception {
        int size = (events.size() + batches - 1) / batches;
        int next = 0;
        for (int b = 0; b < batches; b++) {
            send(events.subList(Math.min(events.size(), b * size), Math.min(events.size(), (b + 1) * size)));
            if (next < foldAfter.length && foldAfter[next] == b) {
                folded(id);
                next++;
            }
        }
    }

    private static void assertSame(AnalysisSums actual, AnalysisSums expected) {
        assertThat(actual.users()).isEqualTo(expected.users());
        assertThat(actual.excluded()).isEqualTo(expected.excluded());
        assertThat(actual.definition()).isEqualTo(expected.definition());
        assertThat(actual.metrics().keySet()).isEqualTo(expected.metrics().keySet());
        expected.metrics().forEach((metric, perVariant) -> perVariant.forEach((variant, e) -> {
            AnalysisSums.Sums a = actual.of(metric, variant);
            String where = metric + "/" + variant;
            assertThat(a.n()).as(where + " n").isEqualTo(e.n());
            assertThat(a.converters()).as(where + " converters").isEqualTo(e.converters());
            double[] av = {a.sumX(), a.sumX2(), a.sumY(), a.sumY2(), a.sumXY(), a.sumPre(), a.sumPre2(), a.sumXPre()};
            double[] ev = {e.sumX(), e.sumX2(), e.sumY(), e.sumY2(), e.sumXY(), e.sumPre(), e.sumPre2(), e.sumXPre()};
            for (int k = 0; k < av.length; k++) {
                assertThat(av[k]).as(where + " sum " + k).isCloseTo(ev[k], within(1e-9 * Math.max(1, Math.abs(ev[k]))));
            }
            if (e.cap() == null) {
                assertThat(a.cap()).as(where + " cap").isNull();
            } else {
                assertThat(a.cap()).as(where + " cap").isCloseTo(e.cap(), within(1e-9));
            }
        }));
    }

    @Test
    void foldingEventsAsTheyArriveInAnyOrderGivesTheSumsOfTheWholeAnalysis() throws Exception {
        for (int seed = 1; seed <= 3; seed++) {
            String flag = "shuffled-" + seed;
            long id = experiment(flag, ExperimentRows.Settings.running(T0, null).cuped(86_400));
            List<Object> events = events(new Random(seed), flag, 300);
            sendFolding(id, events, 24, 3, 8, 9, 15, 22);
            AnalysisSums reference = reference(id);
            assertThat(reference.usersOf("off") + reference.usersOf("on")).isGreaterThan(150);
            assertThat(reference.excluded()).isPositive();
            assertThat(count("experiment_pending", id)).as("events queued since the last fold").isPositive();
            assertSame(folded(id), reference);
            // Built once (the first results), folded since: the sums above are the folds' own.
            assertThat(text("SELECT (built_at < folded_at)::text FROM experiment_states WHERE experiment_id = " + id))
                    .isEqualTo("true");
            assertThat(count("experiment_pending", id)).isZero();
        }
    }

    @Test
    void aStopBeforeEventsAlreadyFoldedRebuildsAndThenCountsOnlyWhatCameBeforeTheEnd() throws Exception {
        String flag = "stopped";
        long id = experiment(flag, ExperimentRows.Settings.running(T0, null));
        List<Object> events = events(new Random(42), flag, 200);
        sendFolding(id, events.subList(0, events.size() / 2), 6, 2, 5);
        rows.update("UPDATE experiments SET status = 'stopped', end_at = ?, version = version + 1 WHERE id = ?",
                T0.plus(Duration.ofDays(5)).atOffset(ZoneOffset.UTC), id);
        // Events after the stop are not queued for the state; those before the end still count (a rebuild).
        sendFolding(id, events.subList(events.size() / 2, events.size()), 3);
        assertSame(folded(id), reference(id));
    }

    @Test
    void eventsArrivingAfterAStopButStampedBeforeTheEndAreFoldedIn() throws Exception {
        Instant start = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minus(Duration.ofHours(3));
        Instant end = start.plus(Duration.ofHours(2));
        long id = experiment("late", ExperimentRows.Settings.running(start, null));
        Random random = new Random(5);
        List<Object> before = new ArrayList<>();
        List<Object> late = new ArrayList<>();
        for (int u = 0; u < 120; u++) {
            String key = "late-user-" + u;
            String variant = u % 2 == 0 ? "on" : "off";
            before.add(new EventBatch.Exposure("late", variant, key, start.plusSeconds(random.nextInt(3_600))));
            before.add(new EventBatch.Conversion(key, "purchase", 10.0, start.plusSeconds(random.nextInt(3_600))));
            // Sent after the stop: stamped before the end (counted) and after it (not).
            late.add(new EventBatch.Conversion(key, "purchase", 1.0, end.minusSeconds(1 + random.nextInt(3_000))));
            late.add(new EventBatch.Conversion(key, "click", null, end.plusSeconds(random.nextInt(600))));
            if (u % 10 == 0) {
                late.add(new EventBatch.Exposure("late", variant, "late-new-" + u, end.minusSeconds(60)));
            }
        }
        sendFolding(id, before, 2, 1);
        rows.update("UPDATE experiments SET status = 'stopped', end_at = ?, version = version + 1 WHERE id = ?",
                end.atOffset(ZoneOffset.UTC), id);
        AnalysisSums atStop = folded(id);
        send(late);
        assertThat(count("experiment_pending", id)).as("late events stamped before the end are queued").isPositive();

        AnalysisSums after = folded(id);

        assertSame(after, reference(id));
        assertThat(after.usersOf("on") + after.usersOf("off")).isEqualTo(atStop.usersOf("on") + atStop.usersOf("off")
                + 12);
        assertThat(text("SELECT (built_at < folded_at)::text FROM experiment_states WHERE experiment_id = " + id))
                .as("folded, not rebuilt").isEqualTo("true");
    }

    @Test
    void aChangedMetricRebuildsTheStateForItsNewDefinition() throws Exception {
        String flag = "redefined";
        long id = experiment(flag, ExperimentRows.Settings.running(T0, null).cuped(3_600));
        List<Object> events = events(new Random(7), flag, 150);
        sendFolding(id, events, 4, 1, 3);
        rows.update("UPDATE metrics SET window_seconds = 3600, version = version + 1 WHERE id = ?", metrics.get(1));
        try {
            assertSame(folded(id), reference(id));
            sendFolding(id, events(new Random(8), flag, 50), 2, 1);
            assertSame(folded(id), reference(id));
        } finally {
            rows.update("UPDATE metrics SET window_seconds = 172800, version = version + 1 WHERE id = ?",
                    metrics.get(1));
        }
    }

    @Test
    void aStartOrAMetricEditWaitsForTheBatchesInFlight() throws Exception {
        long id = experiment("in-flight", ExperimentRows.Settings.running(T0, null).status("draft"));
        try (java.sql.Connection ingest = db.connect(); java.sql.Connection admin = db.connect()) {
            ingest.setAutoCommit(false);
            try (java.sql.Statement s = ingest.createStatement()) {
                s.execute("INSERT INTO conversion_events (tenant_id, environment_id, batch_id, occurred_at,"
                        + " targeting_key, event, value) VALUES (" + tenant + ", " + env + ", gen_random_uuid(), '"
                        + T0.plusSeconds(60) + "', 'u1', 'purchase', 5)");
            }
            try (java.sql.Statement s = admin.createStatement()) {
                s.execute("SET lock_timeout = '300ms'");
                // Else the batch, queued for no running experiment, could commit after the rebuild's snapshot.
                assertThatThrownBy(() -> s.execute("UPDATE experiments SET status = 'running' WHERE id = " + id))
                        .hasMessageContaining("lock timeout");
                assertThatThrownBy(() -> s.execute("UPDATE metrics SET version = version + 1 WHERE id = "
                        + metrics.get(0))).hasMessageContaining("lock timeout");
            }
            ingest.commit();
            try (java.sql.Statement s = admin.createStatement()) {
                assertThat(s.executeUpdate("UPDATE experiments SET status = 'running' WHERE id = " + id))
                        .isEqualTo(1);
            }
        }
        assertThat(folded(id).usersOf("on") + folded(id).usersOf("off")).isZero();
    }

    @Test
    void aDeletedExperimentsStateIsSweptAChunkAtATime() throws Exception {
        String flag = "deleted";
        long id = experiment(flag, ExperimentRows.Settings.running(T0, null));
        sendFolding(id, events(new Random(9), flag, 100), 2, 1);
        long users = count("experiment_users", id);
        assertThat(users).isGreaterThan(50);
        rows.update("DELETE FROM experiments WHERE id = ?", id);
        ExperimentStateRepository states = new ExperimentStateRepository();
        long first = rig.run(() -> Transactions.await(pool, c -> states.sweep(c, 30)));
        assertThat(first).isEqualTo(30);
        while (rig.run(() -> Transactions.await(pool, c -> states.sweep(c, 30))) > 0) {
            assertThat(count("experiment_states", id)).isLessThanOrEqualTo(1);
        }
        assertThat(count("experiment_users", id)).isZero();
        assertThat(count("experiment_states", id)).isZero();
        assertThat(count("experiment_pending", id)).isZero();
    }

    private String text(String sql) throws Exception {
        try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement();
                java.sql.ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    private long count(String table, long id) throws Exception {
        try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement();
                java.sql.ResultSet r = s.executeQuery("SELECT count(*) FROM " + table + " WHERE experiment_id = "
                        + id)) {
            r.next();
            return r.getLong(1);
        }
    }
}
