package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** "The last 24 hours" as the day totals see them: today whole, yesterday by the share still inside the window. */
class EvaluationWindowTest {

    @Test
    void atSixInTheMorningThreeQuartersOfYesterdayAreInside() {
        EvaluationWindow w = EvaluationWindow.endingAt(Instant.parse("2026-12-01T06:00:00Z"));
        assertThat(w.today()).isEqualTo(LocalDate.of(2026, 12, 1));
        assertThat(w.yesterday()).isEqualTo(LocalDate.of(2026, 11, 30));
        assertThat(w.yesterdayShare()).isEqualTo(0.75);
    }

    @Test
    void atMidnightAllOfYesterdayIsInsideAndJustBeforeNextMidnightAlmostNone() {
        assertThat(EvaluationWindow.endingAt(Instant.parse("2026-12-01T00:00:00Z")))
                .isEqualTo(new EvaluationWindow(LocalDate.of(2026, 12, 1), LocalDate.of(2026, 11, 30), 1.0));
        EvaluationWindow late = EvaluationWindow.endingAt(Instant.parse("2026-12-01T23:59:59.999Z"));
        assertThat(late.today()).isEqualTo(LocalDate.of(2026, 12, 1));
        assertThat(late.yesterdayShare()).isEqualTo(1.0 / 86_400_000);
        assertThat(EvaluationWindow.endingAt(Instant.parse("2026-12-01T12:00:00Z")).yesterdayShare())
                .isEqualTo(0.5);
    }

    @Test
    void daysAreUtcAcrossMonthsYearsAndLeapDaysAndBeforeTheEpoch() {
        EvaluationWindow newYear = EvaluationWindow.endingAt(Instant.parse("2027-01-01T18:00:00Z"));
        assertThat(newYear.yesterday()).isEqualTo(LocalDate.of(2026, 12, 31));
        assertThat(newYear.yesterdayShare()).isEqualTo(0.25);
        assertThat(EvaluationWindow.endingAt(Instant.parse("2028-03-01T00:00:00Z")).yesterday())
                .isEqualTo(LocalDate.of(2028, 2, 29));
        EvaluationWindow old = EvaluationWindow.endingAt(Instant.parse("1969-12-31T18:00:00Z"));
        assertThat(old.today()).isEqualTo(LocalDate.of(1969, 12, 31));
        assertThat(old.yesterdayShare()).isEqualTo(0.25);
    }

    @Test
    void sortsHaveTheirParamNamesAndDefaultDirections() {
        assertThat(FlagSort.ofParam("key")).isEqualTo(FlagSort.KEY);
        assertThat(FlagSort.ofParam("updated")).isEqualTo(FlagSort.UPDATED);
        assertThat(FlagSort.ofParam("evaluations")).isEqualTo(FlagSort.EVALUATIONS);
        assertThat(FlagSort.ofParam("KEY")).isNull();
        assertThat(FlagSort.ofParam("name")).isNull();
        assertThat(FlagSort.KEY.descendingByDefault()).isFalse();
        assertThat(FlagSort.UPDATED.descendingByDefault()).isTrue();
        assertThat(FlagSort.EVALUATIONS.descendingByDefault()).isTrue();
    }
}
