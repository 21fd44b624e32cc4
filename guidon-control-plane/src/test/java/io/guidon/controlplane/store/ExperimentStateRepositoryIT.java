package io.guidon.controlplane.store;

import io.guidon.controlplane.ServiceRig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.guidon.controlplane.ControlPlaneConfig;
import io.guidon.controlplane.ExperimentRows;
import io.guidon.controlplane.TestDatabase;
import io.guidon.controlplane.api.AdminThreads;
import io.guidon.controlplane.domain.AnalysisPlan;
import io.guidon.controlplane.domain.AnalysisSums;
import io.guidon.controlplane.domain.ExperimentState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link ExperimentStateRepository#caps} on real PostgreSQL against PostgreSQL's own answer: random users written
 * straight into {@code experiment_users} (amounts with negatives, ties, all zeros, a single non-zero; mixed users and
 * users of a variant the experiment does not compare, who must not count), random percentiles including 0, 1 and
 * those whose ranks fall at the edges of the zeros' block; each cap must be the very double {@code percentile_cont}
 * gives over all analysed users, and the capped sums those of {@code least(amount, cap)} summed over all of them. One
 * experiment without CUPED (a cap's users read from the top rows) and one with (the pass over the users above it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExperimentStateRepositoryIT {

    private static final Instant T0 = Instant.parse("2026-03-10T00:00:00Z");
    /** The capped metrics' positions in the plans (metric 0 is an uncapped proportion). */
    private static final int REVENUE = 1;
    private static final int CLICKS = 2;
    private static final int REFUNDS = 3;

    ServiceRig rig;
    TestDatabase db;
    Vertx vertx;
    Pool pool;
    AdminThreads threads;
    ExperimentAnalysisRepository analysis;
    ExperimentStateRepository states = new ExperimentStateRepository();
    ExperimentRows rows;
    long tenant;
    long plain;
    long cuped;
    long revenue;
    long clicks;

    @BeforeAll
    void start() throws Exception {
        rig = ServiceRig.start(TestDatabase.createMigrated(), "guidon-state-caps-it", 1);
        db = rig.db;
        ControlPlaneConfig config = rig.config;
        vertx = rig.vertx;
        pool = rig.pool;
        threads = rig.threads;
        analysis = new ExperimentAnalysisRepository(pool);
        rows = new ExperimentRows(db);
        tenant = rows.tenant("acme");
        long purchase = rows.metric(tenant, "purchase", "proportion", "purchase", "count", null, null, true, null,
                null);
        revenue = rows.metric(tenant, "revenue", "mean", "purchase", "value", null, null, true, "percentile", 0.99);
        clicks = rows.metric(tenant, "clicks", "mean", "click", "count", null, null, true, "percentile", 0.9);
        long refunds = rows.metric(tenant, "refunds", "mean", "refund", "value", null, null, false, "fixed", 5.0);
        plain = rows.experiment(tenant, 11, "plain", "plain-test", ExperimentRows.Settings.running(T0, null));
        cuped = rows.experiment(tenant, 11, "cuped", "cuped-test",
                ExperimentRows.Settings.running(T0, null).cuped(86_400));
        for (long id : new long[] {plain, cuped}) {
            rows.attach(id, purchase, "primary", 0);
            rows.attach(id, revenue, "secondary", 1);
            rows.attach(id, clicks, "secondary", 2);
            rows.attach(id, refunds, "guardrail", 3);
        }
    }

    @AfterAll
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    /** How a trial's amounts of one metric are drawn. */
    private enum Shape { ALL_ZERO, ONE_NON_ZERO, SPARSE, DENSE, TIES }

    /** One amount: {@code signed} allows negatives (a value metric); {@code whole} draws counts. */
    private static double amount(Random random, Shape shape, boolean signed, boolean whole) {
        double zeroShare = switch (shape) {
            case ALL_ZERO, ONE_NON_ZERO -> 1;
            case SPARSE -> 0.6 + 0.35 * random.nextDouble();
            case DENSE -> 0.1 * random.nextDouble();
            case TIES -> 0.5;
        };
        if (random.nextDouble() < zeroShare) {
            return 0;
        }
        return draw(random, shape, signed, whole);
    }

    private static double draw(Random random, Shape shape, boolean signed, boolean whole) {
        double v = whole || shape == Shape.TIES ? 1 + random.nextInt(shape == Shape.TIES ? 3 : 12)
                : Math.round(random.nextDouble() * 50_000) / 100.0;
        return signed && random.nextDouble() < 0.3 ? -v : v;
    }

    /**
     * Writes a trial's users: {@code n} analysed ones, and a few mixed and of an uncompared variant with large
     * amounts; returns nothing, the test reads them back from the table.
     */
    private void users(long experiment, Random random, int n) {
        db.execute("DELETE FROM experiment_users WHERE experiment_id = " + experiment);
        Shape[] shapes = Shape.values();
        Shape revenueShape = shapes[random.nextInt(shapes.length)];
        Shape clicksShape = shapes[random.nextInt(shapes.length)];
        Shape refundsShape = shapes[random.nextInt(shapes.length)];
        int lonely = n == 0 ? -1 : random.nextInt(n);
        List<String> values = new ArrayList<>();
        for (int u = 0; u < n + 6; u++) {
            boolean analysed = u < n;
            String variant = analysed ? (random.nextBoolean() ? "off" : "on") : (u % 2 == 0 ? "other" : "on");
            boolean mixed = !analysed && u % 2 == 1;
            double r = analysed ? amount(random, revenueShape, true, false) : 1e6;
            double c = analysed ? amount(random, clicksShape, false, true) : 1e6;
            double f = analysed ? amount(random, refundsShape, true, false) : 1e6;
            if (u == lonely && revenueShape == Shape.ONE_NON_ZERO) {
                r = draw(random, Shape.SPARSE, true, false);
            }
            if (u == lonely && clicksShape == Shape.ONE_NON_ZERO) {
                c = draw(random, Shape.SPARSE, false, true);
            }
            double[] x = {random.nextBoolean() ? 1 : 0, r, c, f};
            double[] y = {0, 0, 0, 0};
            double[] p = experiment == cuped ? new double[] {0, amount(random, revenueShape, true, false),
                    amount(random, clicksShape, false, true), amount(random, refundsShape, true, false)}
                    : new double[] {0, 0, 0, 0};
            values.add("(" + experiment + ", 'u" + u + "', '2026-03-11T00:00:00Z', '" + variant + "', " + mixed + ", "
                    + array(x) + ", " + array(y) + ", " + array(p) + ")");
        }
        db.execute("INSERT INTO experiment_users (experiment_id, targeting_key, first_at, variant, mixed, x, y, p)"
                + " VALUES " + String.join(", ", values));
    }

    private static String array(double[] v) {
        StringBuilder b = new StringBuilder("ARRAY[");
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return b.append("]::float8[]").toString();
    }

    /**
     * The percentile of a trial: 0, 1, a random one, or one whose rank (or whose interpolation's two ranks) sits at
     * an edge of the zeros' block of metric {@code column}'s amounts.
     */
    private double percentile(long experiment, Random random, int n, int column) {
        int kind = random.nextInt(6);
        if (kind == 0 || n < 2) {
            return random.nextBoolean() ? 0 : 1;
        }
        if (kind == 1) {
            return random.nextDouble();
        }
        long[] counts = query("SELECT count(*) FILTER (WHERE x[" + column + "] < 0), count(*) FILTER (WHERE x["
                + column + "] > 0) FROM experiment_users WHERE experiment_id = " + experiment
                + " AND NOT mixed AND variant IN ('off', 'on')");
        long negatives = counts[0];
        long positives = counts[1];
        long[] edges = {negatives - 1, negatives, n - positives - 1, n - positives};
        long rank = Math.max(0, Math.min(n - 1, edges[random.nextInt(edges.length)]));
        // On the rank, or halfway to the next one (interpolating across the edge).
        double p = (rank + (random.nextBoolean() ? 0 : 0.5)) / (n - 1);
        return Math.min(1, p);
    }

    private long[] query(String sql) {
        try (var c = db.connect(); var s = c.createStatement(); var r = s.executeQuery(sql)) {
            r.next();
            long[] out = new long[r.getMetaData().getColumnCount()];
            for (int i = 0; i < out.length; i++) {
                out[i] = r.getLong(i + 1);
            }
            return out;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The caps and the capped sums as the results read them, and PostgreSQL's own over all analysed users. */
    private void check(long experiment, String trial) throws Exception {
        rig.run(() -> Transactions.await(pool, c -> {
            AnalysisPlan plan = Future.await(analysis.plan(c, tenant, experiment));
            ExperimentState.Totals totals = states.totals(c, plan);
            Map<String, ExperimentState.CapCorrection> caps = states.caps(c, plan, totals);
            AnalysisSums sums = totals.sums(plan, caps);
            for (int i : new int[] {REVENUE, CLICKS, REFUNDS}) {
                AnalysisPlan.Metric m = plan.metrics().get(i);
                String x = "x[" + (i + 1) + "]";
                String p = "p[" + (i + 1) + "]";
                String bound = m.fixedCap() ? m.capValue() + "::float8"
                        : "(SELECT percentile_cont(" + m.capValue() + "::float8) WITHIN GROUP (ORDER BY " + x + ")"
                                + " FROM experiment_users WHERE experiment_id = " + experiment + " AND NOT mixed"
                                + " AND variant IN ('off', 'on'))";
                Double expectedCap = Future.await(Sql.one(c, "SELECT " + bound + " AS b", r -> r.getDouble(0)));
                String where = trial + " " + m.key() + " p=" + m.capValue();
                assertThat(caps.get(m.key()).cap()).as(where + " cap").isEqualTo(expectedCap);
                if (expectedCap == null) {
                    assertThat(sums.users().values()).as(where).containsOnly(0L);
                    continue;
                }
                String cx = "least(" + x + ", " + bound + ")";
                String cp = "least(" + p + ", " + bound + ")";
                for (Row r : Future.await(Sql.query(c, "SELECT variant, count(*), count(*) FILTER (WHERE " + cx
                        + " > 0), sum(" + cx + "), sum(" + cx + " * " + cx + "), sum(" + cp + "), sum(" + cp + " * "
                        + cp + "), sum(" + cx + " * " + cp + ") FROM experiment_users WHERE experiment_id = " + experiment
                        + " AND NOT mixed AND variant IN ('off', 'on') GROUP BY variant"))) {
                    AnalysisSums.Sums s = sums.of(m.key(), r.getString(0));
                    String arm = where + "/" + r.getString(0);
                    assertThat(s.n()).as(arm + " n").isEqualTo(r.getLong(1));
                    assertThat(s.cap()).as(arm + " cap").isEqualTo(expectedCap);
                    assertThat(s.converters()).as(arm + " converters").isEqualTo(r.getLong(2));
                    double[] actual = {s.sumX(), s.sumX2(), s.sumPre(), s.sumPre2(), s.sumXPre()};
                    for (int k = 0; k < actual.length; k++) {
                        double e = r.getDouble(3 + k);
                        if (experiment == plain && k >= 2) {
                            e = 0; // without CUPED the results carry no pre-exposure sums
                        }
                        assertThat(actual[k]).as(arm + " sum " + k).isCloseTo(e, within(1e-9 * Math.max(1,
                                Math.abs(e))));
                    }
                }
            }
            return null;
        }));
    }

    @Test
    void percentileCapsAreExactlyPostgresqlsPercentileContAndTheCappedSumsThoseOfEveryUserCapped() throws Exception {
        Random random = new Random(20261202);
        int[] sizes = {0, 1, 2, 3, 5, 8};
        for (int trial = 0; trial < 80; trial++) {
            long experiment = trial % 2 == 0 ? plain : cuped;
            int n = trial < 24 ? sizes[trial % sizes.length] : 1 + random.nextInt(250);
            users(experiment, random, n);
            rows.update("UPDATE metrics SET cap_value = ? WHERE id = ?", percentile(experiment, random, n, REVENUE + 1),
                    revenue);
            rows.update("UPDATE metrics SET cap_value = ? WHERE id = ?", percentile(experiment, random, n, CLICKS + 1),
                    clicks);
            check(experiment, "trial " + trial + " (" + n + " users, " + (experiment == plain ? "plain" : "cuped")
                    + ")");
        }
    }
}
