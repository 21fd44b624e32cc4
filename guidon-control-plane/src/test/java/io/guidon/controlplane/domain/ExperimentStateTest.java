package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link ExperimentState}'s fold on an in-memory store, case by case (ExperimentStateIT checks random histories on
 * PostgreSQL against the whole analysis).
 */
class ExperimentStateTest {

    private static final OffsetDateTime T0 = OffsetDateTime.of(2026, 3, 10, 0, 0, 0, 0, ZoneOffset.UTC);

    private static AnalysisPlan plan(OffsetDateTime end, Long cuped, AnalysisPlan.Metric... metrics) {
        return new AnalysisPlan(1, 1, "x", "x", 1, 7, "production", "checkout", "off",
                List.of(new AnalysisPlan.Arm("off", 50), new AnalysisPlan.Arm("on", 50)), false, false, 0.05, 0.8,
                null, "none", cuped, "running", T0, end, List.of(metrics));
    }

    private static AnalysisPlan.Metric purchases() {
        return new AnalysisPlan.Metric(1, "purchases", "Purchases", AnalysisPlan.Role.PRIMARY,
                AnalysisPlan.Kind.MEAN, "purchase", false, null, false, null, true, null, null, 1);
    }

    private static AnalysisPlan.Metric revenuePerVisit() {
        return new AnalysisPlan.Metric(2, "rpv", "Revenue per visit", AnalysisPlan.Role.SECONDARY,
                AnalysisPlan.Kind.RATIO, "purchase", true, "visit", false, 3_600L, true, null, null, 1);
    }

    private static OffsetDateTime h(double hours) {
        return T0.plusSeconds((long) (hours * 3600));
    }

    /** The users and every conversion stored so far (what the raw table would hold). */
    private static final class Memory implements ExperimentState.Store {
        final Map<String, ExperimentState.User> users = new HashMap<>();
        final List<ExperimentState.Event> raw = new ArrayList<>();
        int conversionReads;

        @Override
        public Map<String, ExperimentState.User> users(Set<String> keys) {
            Map<String, ExperimentState.User> out = new HashMap<>();
            keys.forEach(k -> {
                if (users.containsKey(k)) {
                    out.put(k, users.get(k));
                }
            });
            return out;
        }

        @Override
        public Map<String, List<ExperimentState.Event>> conversions(Set<String> keys) {
            conversionReads++;
            Map<String, List<ExperimentState.Event>> out = new HashMap<>();
            for (ExperimentState.Event e : raw) {
                if (!e.exposure() && keys.contains(e.key())) {
                    out.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e);
                }
            }
            return out;
        }

        ExperimentState.Folded fold(AnalysisPlan plan, ExperimentState.Totals totals, ExperimentState.Event... events) {
            raw.addAll(List.of(events));
            ExperimentState.Folded f = ExperimentState.fold(plan, List.of(events), this, totals);
            f.users().forEach(u -> users.put(u.key(), u));
            return f;
        }
    }

    @Test
    void aLateExposureEarlierThanTheStoredOneRecountsTheUserFromTheirOwnConversions() {
        AnalysisPlan plan = plan(null, 7_200L, purchases());
        Memory m = new Memory();
        ExperimentState.Totals totals = new ExperimentState.Totals();
        m.fold(plan, totals, ExperimentState.Event.exposure(h(5), "u1", "on"),
                ExperimentState.Event.conversion(h(4), "u1", "purchase", null),
                ExperimentState.Event.conversion(h(6), "u1", "purchase", null));
        assertThat(m.users.get("u1").x()).containsExactly(1.0);
        assertThat(m.users.get("u1").p()).as("4 h is in the 2 h before 5 h").containsExactly(1.0);

        // An exposure at 3 h arrives late: both purchases are now after the first exposure, none before it.
        m.fold(plan, totals, ExperimentState.Event.exposure(h(3), "u1", "on"));

        ExperimentState.User u = m.users.get("u1");
        assertThat(u.firstAt()).isEqualTo(h(3));
        assertThat(u.x()).containsExactly(2.0);
        assertThat(u.p()).containsExactly(0.0);
        AnalysisSums.Sums s = totals.sums(plan, Map.of()).of("purchases", "on");
        assertThat(s.n()).isEqualTo(1);
        assertThat(s.sumX()).isEqualTo(2.0);
        assertThat(s.sumX2()).isEqualTo(4.0);
        assertThat(s.sumPre()).isZero();
    }

    @Test
    void aConversionBeforeItsUsersExposureCountsWhenTheExposureArrives() {
        AnalysisPlan plan = plan(null, null, purchases());
        Memory m = new Memory();
        ExperimentState.Totals totals = new ExperimentState.Totals();
        m.fold(plan, totals, ExperimentState.Event.conversion(h(2), "u1", "purchase", null));
        assertThat(m.users).as("not exposed yet: no user").isEmpty();

        m.fold(plan, totals, ExperimentState.Event.exposure(h(1), "u1", "off"));

        assertThat(m.users.get("u1").x()).containsExactly(1.0);
        assertThat(totals.sums(plan, Map.of()).of("purchases", "off").sumX()).isEqualTo(1.0);
    }

    @Test
    void aConversionOfAnExposedUserIsAddedWithoutRereadingTheirHistory() {
        AnalysisPlan plan = plan(null, null, purchases(), revenuePerVisit());
        Memory m = new Memory();
        ExperimentState.Totals totals = new ExperimentState.Totals();
        m.fold(plan, totals, ExperimentState.Event.exposure(h(1), "u1", "on"));
        int reads = m.conversionReads;

        m.fold(plan, totals, ExperimentState.Event.conversion(h(1.5), "u1", "purchase", 30.0),
                ExperimentState.Event.conversion(h(1.2), "u1", "visit", null),
                ExperimentState.Event.conversion(h(2.5), "u1", "purchase", 50.0));

        assertThat(m.conversionReads).isEqualTo(reads);
        ExperimentState.User u = m.users.get("u1");
        assertThat(u.x()).as("purchases: both; revenue: only the one within an hour").containsExactly(2.0, 30.0);
        assertThat(u.y()).containsExactly(0.0, 1.0);
        AnalysisSums.Sums rpv = totals.sums(plan, Map.of()).of("rpv", "on");
        assertThat(rpv.sumX()).isEqualTo(30.0);
        assertThat(rpv.sumY()).isEqualTo(1.0);
        assertThat(rpv.sumXY()).isEqualTo(30.0);
    }

    @Test
    void aUserSeeingASecondVariantMovesFromTheirArmToTheExcluded() {
        AnalysisPlan plan = plan(null, null, purchases());
        Memory m = new Memory();
        ExperimentState.Totals totals = new ExperimentState.Totals();
        m.fold(plan, totals, ExperimentState.Event.exposure(h(1), "u1", "on"),
                ExperimentState.Event.conversion(h(2), "u1", "purchase", null));
        assertThat(totals.users("on")).isEqualTo(1);

        m.fold(plan, totals, ExperimentState.Event.exposure(h(3), "u1", "off"));

        assertThat(totals.users("on")).isZero();
        assertThat(totals.excluded()).isEqualTo(1);
        AnalysisSums sums = totals.sums(plan, Map.of());
        assertThat(sums.users()).containsEntry("on", 0L).containsEntry("off", 0L);
        assertThat(sums.of("purchases", "on")).isEqualTo(AnalysisSums.Sums.EMPTY);
    }

    @Test
    void eventsOutsideTheWindowAreNotFolded() {
        AnalysisPlan plan = plan(h(10), null, purchases());
        Memory m = new Memory();
        ExperimentState.Totals totals = new ExperimentState.Totals();
        ExperimentState.Folded f = m.fold(plan, totals, ExperimentState.Event.exposure(h(-1), "early", "on"),
                ExperimentState.Event.exposure(h(10), "late", "on"),
                ExperimentState.Event.exposure(h(2), "u1", "on"),
                ExperimentState.Event.conversion(h(10), "u1", "purchase", null),
                ExperimentState.Event.conversion(h(9), "u1", "purchase", null));

        assertThat(m.users).containsOnlyKeys("u1");
        assertThat(m.users.get("u1").x()).containsExactly(1.0);
        assertThat(f.latest()).as("the latest event within the window").isEqualTo(h(9));
    }

    @Test
    void aCapCorrectionIsAddedToItsMetricsSumsAndNamesTheCap() {
        AnalysisPlan plan = plan(null, null, purchases(), revenuePerVisit());
        ExperimentState.Totals totals = new ExperimentState.Totals();
        totals.add(plan, new ExperimentState.User("u1", h(1), "on", false, new double[] {5, 300},
                new double[] {0, 2}, new double[] {0, 0}), 1);
        totals.add(plan, new ExperimentState.User("u2", h(1), "on", false, new double[] {1, 20},
                new double[] {0, 1}, new double[] {0, 0}), 1);
        // rpv capped at 100: u1's 300 becomes 100 (Σx −200, Σx² 100² − 300², Σxy (100 − 300)·2).
        double[] delta = {-200, 10_000 - 90_000, 0, 0, -400, 0, 0, 0, 0};
        AnalysisSums sums = totals.sums(plan, Map.of("rpv", new ExperimentState.CapCorrection(100.0,
                Map.of("on", delta))));

        assertThat(sums.of("rpv", "on")).isEqualTo(new AnalysisSums.Sums(2, 2, 120, 10_400, 3, 5, 220, 0, 0, 0,
                100.0));
        assertThat(sums.of("purchases", "on")).isEqualTo(new AnalysisSums.Sums(2, 2, 6, 26, 0, 0, 0, 0, 0, 0,
                null));
    }

    @Test
    void totalsReadBackFromTheirJsonAreTheSame() {
        AnalysisPlan plan = plan(null, 3_600L, purchases(), revenuePerVisit());
        ExperimentState.Totals totals = new ExperimentState.Totals();
        totals.add(plan, new ExperimentState.User("u1", h(1), "on", false, new double[] {0.1, 1e-7},
                new double[] {0, 3}, new double[] {2, 0}), 1);
        totals.add(plan, new ExperimentState.User("u2", h(1), "off", true, new double[] {1, 1},
                new double[] {0, 1}, new double[] {0, 0}), 1);

        ExperimentState.Totals back = ExperimentState.Totals.fromJson(totals.toJson());

        assertThat(back.toJson()).isEqualTo(totals.toJson());
        assertThat(back.sums(plan, Map.of())).isEqualTo(totals.sums(plan, Map.of()));
        assertThat(back.excluded()).isEqualTo(1);
    }
}
