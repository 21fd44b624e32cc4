package io.guidon.controlplane.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.domain.AnalysisPlan;
import io.guidon.controlplane.domain.AnalysisSums;
import io.guidon.controlplane.domain.ExperimentSnapshot;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules of {@link ExperimentResultsService} about when a snapshot answers and which day is computed next. */
class ExperimentResultsServiceTest {

    private static final OffsetDateTime START = OffsetDateTime.parse("2026-03-01T15:00:00Z");

    private static AnalysisPlan plan(long version, OffsetDateTime end) {
        return new AnalysisPlan(1, 1, "e", "E", version, 1, "production", "f", "off",
                List.of(new AnalysisPlan.Arm("off", 1), new AnalysisPlan.Arm("on", 1)), false, false, 0.05, 0.8, null,
                "none", null, end == null ? "running" : "stopped", START, end, List.of());
    }

    private static ExperimentSnapshot snapshot(AnalysisPlan plan, long version, OffsetDateTime asOf) {
        return new ExperimentSnapshot(null, asOf, asOf, version, 1,
                new AnalysisSums(Map.of(), 0, Map.of(), plan.definitionVersion()));
    }

    @Test
    void aSnapshotAnswersWhileYoungerThanTheMaxAgeAndMadeForTheExperimentsVersion() {
        AnalysisPlan plan = plan(2, null);
        OffsetDateTime at = START.plusDays(1);
        Duration age = Duration.ofMinutes(5);

        assertThat(ExperimentResultsService.fresh(snapshot(plan, 2, at), plan, at.plusMinutes(4), age)).isTrue();
        assertThat(ExperimentResultsService.fresh(snapshot(plan, 2, at), plan, at.plusMinutes(5), age)).isFalse();
        assertThat(ExperimentResultsService.fresh(snapshot(plan, 1, at), plan, at.plusMinutes(1), age)).isFalse();
    }

    @Test
    void aSnapshotAsOfTheEndOfAStoppedExperimentAnswersForever() {
        OffsetDateTime end = START.plusDays(3);
        AnalysisPlan plan = plan(1, end);

        assertThat(ExperimentResultsService.fresh(snapshot(plan, 1, end.plusHours(1)), plan, end.plusDays(30),
                Duration.ofMinutes(5))).isTrue();
    }

    @Test
    void aSnapshotMadeForOtherMetricsIsOutOfDate() {
        AnalysisPlan plan = plan(1, null);
        ExperimentSnapshot other = new ExperimentSnapshot(null, START, START, 1, 1,
                new AnalysisSums(Map.of(), 0, Map.of(), "1;7:1"));

        assertThat(ExperimentResultsService.fresh(other, plan, START, Duration.ofMinutes(5))).isFalse();
    }

    @Test
    void theNextDayToComputeIsTheFirstCompletedOneWithoutASnapshotForTheDefinition() {
        AnalysisPlan plan = plan(1, null);
        String def = plan.definitionVersion();
        OffsetDateTime now = OffsetDateTime.parse("2026-03-04T10:00:00Z");

        assertThat(ExperimentResultsService.missingDay(plan, Map.of(), now)).isEqualTo(LocalDate.of(2026, 3, 1));
        assertThat(ExperimentResultsService.missingDay(plan, Map.of(LocalDate.of(2026, 3, 1), def,
                LocalDate.of(2026, 3, 2), "old"), now)).isEqualTo(LocalDate.of(2026, 3, 2));
        // March 4 is not over at 10:00.
        assertThat(ExperimentResultsService.missingDay(plan, Map.of(LocalDate.of(2026, 3, 1), def,
                LocalDate.of(2026, 3, 2), def, LocalDate.of(2026, 3, 3), def), now)).isNull();
    }

    @Test
    void noDayIsComputedAfterTheExperimentsEnd() {
        AnalysisPlan plan = plan(1, OffsetDateTime.parse("2026-03-02T00:00:00Z"));
        String def = plan.definitionVersion();

        assertThat(ExperimentResultsService.missingDay(plan, Map.of(LocalDate.of(2026, 3, 1), def),
                OffsetDateTime.parse("2026-03-10T00:00:00Z"))).isNull();
    }
}
