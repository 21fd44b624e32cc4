package io.guidon.controlplane.store;

import io.guidon.controlplane.ServiceRig;
import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.ControlPlaneConfig;
import io.guidon.controlplane.ExperimentRows;
import io.guidon.controlplane.TestDatabase;
import io.guidon.controlplane.api.AdminThreads;
import io.guidon.controlplane.db.Migrations;
import io.guidon.controlplane.domain.AnalysisPlan;
import io.guidon.controlplane.domain.AnalysisSums;
import io.guidon.controlplane.domain.ExperimentSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The analysis statement of {@link ExperimentAnalysisRepository} on real PostgreSQL against sums computed by hand
 * from a handful of users chosen for the attribution's edge cases: a repeated exposure, a user exposed to both
 * variants (excluded and counted), exposures before the start and after the end, a user in a variant the experiment
 * does not compare, conversions before the first exposure (CUPED's pre-window), after a metric's window and after
 * the end, another environment's conversions, a fixed cap and a percentile cap.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExperimentAnalysisRepositoryIT {

    private static final Instant T0 = Instant.parse("2026-03-10T00:00:00Z");
    private static final long ENV = 7;

    ServiceRig rig;
    TestDatabase db;
    Vertx vertx;
    Pool pool;
    AdminThreads threads;
    ExperimentAnalysisRepository repository;
    long tenant;
    long experiment;

    @BeforeAll
    void start() throws Exception {
        rig = ServiceRig.start(TestDatabase.create(), "guidon-analysis-it", 1);
        db = rig.db;
        ControlPlaneConfig config = rig.config;
        new Migrations(config.database()).migrate();
        // Event partitions are made by the running server; default partitions take this test's rows.
        db.execute("CREATE TABLE flag_exposures_default PARTITION OF flag_exposures DEFAULT");
        db.execute("CREATE TABLE conversion_events_default PARTITION OF conversion_events DEFAULT");
        vertx = rig.vertx;
        pool = rig.pool;
        threads = rig.threads;
        repository = new ExperimentAnalysisRepository(pool);

        ExperimentRows rows = new ExperimentRows(db);
        tenant = rows.tenant("acme");
        experiment = rows.experiment(tenant, ENV, "checkout", "checkout-test",
                ExperimentRows.Settings.running(T0, T0.plus(Duration.ofDays(10))).cuped(86_400));
        rows.attach(experiment, rows.metric(tenant, "purchase", "proportion", "purchase", "count", null, null, true,
                null, null), "primary", 0);
        rows.attach(experiment, rows.metric(tenant, "revenue", "mean", "purchase", "value", null, 172_800L, true,
                "fixed", 100.0), "secondary", 0);
        rows.attach(experiment, rows.metric(tenant, "revenue_per_visit", "ratio", "purchase", "value", "visit", null,
                true, null, null), "secondary", 1);
        rows.attach(experiment, rows.metric(tenant, "clicks", "mean", "click", "count", null, null, true,
                "percentile", 0.5), "guardrail", 0);

        // u1: off (exposed twice); a purchase before the exposure (pre), two after (130, capped at 100 for revenue).
        rows.exposure(tenant, ENV, h(1), "checkout", "off", "u1");
        rows.exposure(tenant, ENV, h(2), "checkout", "off", "u1");
        rows.conversion(tenant, ENV, T0.plus(Duration.ofMinutes(30)), "u1", "purchase", 30.0);
        rows.conversion(tenant, ENV, h(3), "u1", "purchase", 50.0);
        rows.conversion(tenant, ENV, h(4), "u1", "purchase", 80.0);
        rows.conversion(tenant, ENV, h(2), "u1", "visit", null);
        rows.conversion(tenant, ENV, h(5), "u1", "visit", null);
        for (int i = 0; i < 3; i++) {
            rows.conversion(tenant, ENV, h(6), "u1", "click", null);
        }
        // Another environment's purchase by u1: never counted.
        rows.conversion(tenant, ENV + 1, h(3), "u1", "purchase", 1000.0);
        // u2: off from day 1; its purchase on day 4 is past revenue's 2-day window but counts for the proportion.
        rows.exposure(tenant, ENV, h(24), "checkout", "off", "u2");
        rows.conversion(tenant, ENV, h(96), "u2", "purchase", 20.0);
        rows.conversion(tenant, ENV, h(25), "u2", "visit", null);
        rows.conversion(tenant, ENV, h(26), "u2", "click", null);
        // u3: on, nothing else.
        rows.exposure(tenant, ENV, h(2), "checkout", "on", "u3");
        // u4: on then off: excluded; its events and clicks count nowhere (not even in the percentile).
        rows.exposure(tenant, ENV, h(3), "checkout", "on", "u4");
        rows.exposure(tenant, ENV, h(5), "checkout", "off", "u4");
        rows.conversion(tenant, ENV, h(4), "u4", "purchase", 10.0);
        for (int i = 0; i < 7; i++) {
            rows.conversion(tenant, ENV, h(6), "u4", "click", null);
        }
        // u5: on before the start (ignored) and at 6 h: a purchase at 5 h is its pre-exposure amount.
        rows.exposure(tenant, ENV, h(-1), "checkout", "on", "u5");
        rows.exposure(tenant, ENV, h(6), "checkout", "on", "u5");
        rows.conversion(tenant, ENV, h(5), "u5", "purchase", 40.0);
        rows.conversion(tenant, ENV, h(7), "u5", "purchase", 60.0);
        rows.conversion(tenant, ENV, T0.plus(Duration.ofMinutes(390)), "u5", "visit", null);
        rows.conversion(tenant, ENV, h(8), "u5", "visit", null);
        for (int i = 0; i < 5; i++) {
            rows.conversion(tenant, ENV, h(7), "u5", "click", null);
        }
        // u6: exposed after the end: not in the experiment.
        rows.exposure(tenant, ENV, h(11 * 24), "checkout", "on", "u6");
        // u7: on at day 9; its purchase after the end does not count.
        rows.exposure(tenant, ENV, h(9 * 24), "checkout", "on", "u7");
        rows.conversion(tenant, ENV, h(10 * 24 + 1), "u7", "purchase", 25.0);
        // u8: a variant the experiment does not compare: in no arm, not excluded, not in the percentile.
        rows.exposure(tenant, ENV, h(1), "checkout", "other", "u8");
        for (int i = 0; i < 10; i++) {
            rows.conversion(tenant, ENV, h(2), "u8", "click", null);
        }
        // Another flag's exposure of u9: not in the experiment.
        rows.exposure(tenant, ENV, h(1), "search", "on", "u9");
    }

    private static Instant h(long hours) {
        return T0.plus(Duration.ofHours(hours));
    }

    @AfterAll
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    private AnalysisSums analyze(Instant asOf) throws Exception {
        return rig.run(() -> Transactions.await(pool, c -> {
            AnalysisPlan plan = Future.await(repository.plan(c, tenant, experiment));
            return Future.await(repository.analyze(c, plan, asOf.atOffset(ZoneOffset.UTC)));
        }));
    }

    private static AnalysisSums.Sums sums(long n, long converters, double sumX, double sumX2, double sumY,
            double sumY2, double sumXY, double sumPre, double sumPre2, double sumXPre, Double cap) {
        return new AnalysisSums.Sums(n, converters, sumX, sumX2, sumY, sumY2, sumXY, sumPre, sumPre2, sumXPre, cap);
    }

    @Test
    void theSumsPerMetricAndVariantAreTheOnesComputedByHand() throws Exception {
        AnalysisSums s = analyze(T0.plus(Duration.ofDays(20)));

        assertThat(s.users()).containsExactly(Map.entry("off", 2L), Map.entry("on", 3L));
        assertThat(s.excluded()).isEqualTo(1);
        // purchase (proportion, no window): u1 and u2 converted; on: u5 (u7's purchase is after the end). Pre: u1, u5.
        assertThat(s.of("purchase", "off")).isEqualTo(sums(2, 2, 2, 2, 0, 0, 0, 1, 1, 1, null));
        assertThat(s.of("purchase", "on")).isEqualTo(sums(3, 1, 1, 1, 0, 0, 0, 1, 1, 1, null));
        // revenue (mean of values, 2-day window, capped at 100): u1 50 + 80 = 130 → 100, pre 30; u2's purchase is
        // past its window; u5 60, pre 40.
        assertThat(s.of("revenue", "off")).isEqualTo(sums(2, 1, 100, 10_000, 0, 0, 0, 30, 900, 3_000, 100.0));
        assertThat(s.of("revenue", "on")).isEqualTo(sums(3, 1, 60, 3_600, 0, 0, 0, 40, 1_600, 2_400, 100.0));
        // revenue per visit (ratio, uncapped, no CUPED): u1 130/2, u2 20/1; u5 60/2.
        assertThat(s.of("revenue_per_visit", "off")).isEqualTo(sums(2, 2, 150, 17_300, 3, 5, 280, 0, 0, 0, null));
        assertThat(s.of("revenue_per_visit", "on")).isEqualTo(sums(3, 1, 60, 3_600, 2, 4, 120, 0, 0, 0, null));
        // clicks (count, capped at the median of the analysed users' counts 3, 1, 0, 5, 0 = 1; u4's 7 and u8's 10
        // are not in it, else it would be 2).
        assertThat(s.of("clicks", "off")).isEqualTo(sums(2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 1.0));
        assertThat(s.of("clicks", "on")).isEqualTo(sums(3, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1.0));
    }

    @Test
    void anEarlierAsOfCountsOnlyWhatHappenedBeforeIt() throws Exception {
        // At 23 h: u2 is not exposed yet (24 h); u5's purchase at 7 h counts.
        AnalysisSums s = analyze(h(23));

        assertThat(s.usersOf("off")).isEqualTo(1);
        assertThat(s.usersOf("on")).isEqualTo(2);
        assertThat(s.excluded()).isEqualTo(1);
        assertThat(s.of("revenue", "off").sumX()).isEqualTo(100);
        assertThat(s.of("revenue", "on").sumX()).isEqualTo(60);
        assertThat(s.of("purchase", "off").converters()).isEqualTo(1);
    }

    @Test
    void thePerUserTableHasEachAnalysedUserWithTheirAmounts() throws Exception {
        List<io.guidon.controlplane.domain.ExperimentUser> users = new ArrayList<>();
        long written = rig.run(() -> {
            AnalysisPlan plan = Future.await(repository.plan(pool, tenant, experiment));
            assertThat(ExperimentAnalysisRepository.userColumns(plan)).containsExactly("purchase", "purchase.pre",
                    "revenue", "revenue.pre", "revenue_per_visit", "revenue_per_visit.denominator", "clicks",
                    "clicks.pre");
            return repository.streamUsers(plan, T0.plus(Duration.ofDays(20)).atOffset(ZoneOffset.UTC),
                    users::addAll);
        });

        assertThat(written).isEqualTo(5);
        users.sort(java.util.Comparator.comparing(io.guidon.controlplane.domain.ExperimentUser::targetingKey));
        assertThat(users).extracting(io.guidon.controlplane.domain.ExperimentUser::targetingKey)
                .containsExactly("u1", "u2", "u3", "u5", "u7");
        io.guidon.controlplane.domain.ExperimentUser u1 = users.get(0);
        assertThat(u1.variant()).isEqualTo("off");
        assertThat(u1.firstExposure()).isEqualTo(h(1).atOffset(ZoneOffset.UTC));
        assertThat(u1.values()).containsExactly(1.0, 1.0, 100.0, 30.0, 130.0, 2.0, 1.0, 0.0);
        assertThat(users.get(3).values()).containsExactly(1.0, 1.0, 60.0, 40.0, 60.0, 2.0, 1.0, 0.0);
    }

    @Test
    void aSnapshotIsStoredAndReplacedPerExperimentAndDay() throws Exception {
        AnalysisSums s = analyze(T0.plus(Duration.ofDays(20)));
        OffsetDateTime asOf = T0.plus(Duration.ofDays(20)).atOffset(ZoneOffset.UTC);
        LocalDate day = LocalDate.of(2026, 3, 10);
        rig.run(() -> {
            Future.await(repository.save(pool, experiment, null, asOf, 1, 12, s));
            Future.await(repository.save(pool, experiment, null, asOf, 1, 34, s));
            Future.await(repository.save(pool, experiment, day, asOf, 1, 5, s));
            return null;
        });

        ExperimentSnapshot current = rig.run(() -> Future.await(repository.current(pool, experiment)));
        assertThat(current.durationMs()).isEqualTo(34);
        assertThat(current.sums()).isEqualTo(s);
        List<ExperimentSnapshot> daily = rig.run(() -> Future.await(repository.daily(pool, experiment)));
        assertThat(daily).extracting(ExperimentSnapshot::day).containsExactly(day);
        assertThat(rig.run(() -> Future.await(repository.dailyDefinitions(pool, experiment))))
                .containsEntry(day, s.definition());
    }
}
