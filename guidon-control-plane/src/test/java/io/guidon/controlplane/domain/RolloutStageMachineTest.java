package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.stats.Direction;
import io.guidon.stats.Guardrails;
import io.guidon.stats.Sample;
import io.guidon.stats.SampleRatioMismatch;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The decisions of a rollout plan's check: hold until the stage's time and users are there, advance to the next
 * stage's percentage, complete after the last, roll back on a degraded guardrail (before anything else, with the
 * numbers in words), pause on a sample ratio mismatch; and the split's test itself.
 */
class RolloutStageMachineTest {

    private static final RolloutPlanSpec.Guardrail ERRORS = new RolloutPlanSpec.Guardrail("error",
            RolloutPlanSpec.Kind.RATE, Direction.LOWER_IS_BETTER, 0.1, true);
    private static final RolloutPlanSpec SPEC = new RolloutPlanSpec("off", "on", List.of(
            new RolloutPlanSpec.Stage(new BigDecimal("10"), Duration.ofHours(1), 1000),
            new RolloutPlanSpec.Stage(new BigDecimal("50"), Duration.ofHours(1), 1000)), List.of(ERRORS), 0.05,
            null);
    private static final double SRM = 0.001;

    /** {@code users} users of whom {@code withError} had one error each. */
    private static Sample errors(long users, long withError) {
        return new Sample(users, withError, withError);
    }

    private static RolloutStageMachine.GuardrailCheck judged(Sample control, Sample treatment) {
        double alpha = Guardrails.perTestAlpha(SPEC.alpha(), SPEC.stages().size(), 1);
        Guardrails.Verdict v = Guardrails.judge(ERRORS.spec(), control, treatment,
                Guardrails.defaultTest(ERRORS.spec(), alpha));
        return new RolloutStageMachine.GuardrailCheck(ERRORS, control, (long) control.sum(), treatment,
                (long) treatment.sum(), v);
    }

    private static RolloutStageMachine.Observation seen(Duration inStage, long control, long treatment,
            RolloutStageMachine.GuardrailCheck g, BigDecimal percentage) {
        return new RolloutStageMachine.Observation(inStage, control, treatment, List.of(g),
                RolloutStageMachine.splitTest(percentage, control, treatment));
    }

    /** A healthy stage at 10 %: 9 000 control and 1 000 treatment users, 5 % errors in both. */
    private static RolloutStageMachine.Observation healthy(Duration inStage) {
        return seen(inStage, 9000, 1000, judged(errors(9000, 450), errors(1000, 50)), new BigDecimal("10"));
    }

    @Test
    void aStageThatRanItsTimeWithItsUsersAndNoDegradationAdvancesToTheNextPercentage() {
        RolloutStageMachine.Action a = RolloutStageMachine.next(SPEC, RolloutPlan.Status.RUNNING, 0,
                healthy(Duration.ofMinutes(61)), SRM);

        assertThat(a).isInstanceOf(RolloutStageMachine.Advance.class);
        RolloutStageMachine.Advance advance = (RolloutStageMachine.Advance) a;
        assertThat(advance.stage()).isEqualTo(1);
        assertThat(advance.percentage()).isEqualByComparingTo("50");
        assertThat(advance.reason()).contains("stage 1 (10 %) is done").contains("10000 exposed users of at least"
                + " 1000").contains("stage 2 serves 50 % on");
    }

    @Test
    void theLastStageDoneCompletesThePlan() {
        RolloutStageMachine.Observation o = seen(Duration.ofHours(2), 5000, 5000,
                judged(errors(5000, 250), errors(5000, 240)), new BigDecimal("50"));

        RolloutStageMachine.Action a = RolloutStageMachine.next(SPEC, RolloutPlan.Status.RUNNING, 1, o, SRM);

        assertThat(a).isInstanceOf(RolloutStageMachine.Complete.class);
        assertThat(a.reason()).contains("it was the last: 100 % on");
    }

    @Test
    void aStageHoldsUntilItsMinimumDurationHasPassed() {
        RolloutStageMachine.Action a = RolloutStageMachine.next(SPEC, RolloutPlan.Status.RUNNING, 0,
                healthy(Duration.ofMinutes(59)), SRM);

        assertThat(a).isInstanceOf(RolloutStageMachine.Hold.class);
        assertThat(a.reason()).contains("needs more time").contains("59 min of at least 1 h");
    }

    @Test
    void aStageHoldsUntilItsMinimumOfExposedUsersIsReached() {
        RolloutStageMachine.Observation few = seen(Duration.ofHours(3), 850, 99, judged(errors(850, 40),
                errors(99, 5)), new BigDecimal("10"));

        RolloutStageMachine.Action a = RolloutStageMachine.next(SPEC, RolloutPlan.Status.RUNNING, 0, few, SRM);

        assertThat(a).isInstanceOf(RolloutStageMachine.Hold.class);
        assertThat(a.reason()).contains("needs more users").contains("949 exposed users of at least 1000");
    }

    @Test
    void aDegradedGuardrailRollsBackWithItsNumbersInWords() {
        // Doubled error rate: 5 % vs 10 %.
        RolloutStageMachine.Observation bad = seen(Duration.ofMinutes(5), 18000, 2000,
                judged(errors(18000, 900), errors(2000, 200)), new BigDecimal("10"));

        RolloutStageMachine.Action a = RolloutStageMachine.next(SPEC, RolloutPlan.Status.RUNNING, 0, bad, SRM);

        assertThat(a).isInstanceOf(RolloutStageMachine.Rollback.class);
        assertThat(((RolloutStageMachine.Rollback) a).guardrail()).isZero();
        assertThat(a.reason()).contains("guardrail error (rate, lower is better, at most 10 % worse) degraded")
                .contains("treatment 2000 users, 200 events (0.1 per user)")
                .contains("control 18000 users, 900 events (0.05 per user)")
                .contains("estimated difference +100 %").contains("always-valid interval +")
                .contains("wholly above +10 %").contains("rolled back to 0 % treatment");
    }

    @Test
    void aDegradedGuardrailRollsBackEvenBeforeItsTimeAndWhenTheSplitIsOff() {
        // Treatment users under-logged (an SRM) and their error rate tripled: the safe side first.
        RolloutStageMachine.Observation o = seen(Duration.ofMinutes(1), 18000, 1500,
                judged(errors(18000, 900), errors(1500, 225)), new BigDecimal("10"));
        assertThat(o.srm().mismatch(SRM)).isTrue();

        assertThat(RolloutStageMachine.next(SPEC, RolloutPlan.Status.RUNNING, 0, o, SRM))
                .isInstanceOf(RolloutStageMachine.Rollback.class);
    }

    @Test
    void aSampleRatioMismatchPausesWithTheTestsNumbers() {
        RolloutStageMachine.Observation skewed = seen(Duration.ofHours(2), 8000, 2000,
                judged(errors(8000, 400), errors(2000, 100)), new BigDecimal("10"));

        RolloutStageMachine.Action a = RolloutStageMachine.next(SPEC, RolloutPlan.Status.RUNNING, 0, skewed, SRM);

        assertThat(a).isInstanceOf(RolloutStageMachine.Pause.class);
        assertThat(a.reason()).contains("sample ratio mismatch: 8000 control and 2000 treatment users where stage 1"
                + " splits 90/10").contains("χ² = 1111").contains("< 0.001");
    }

    @Test
    void aPlanThatIsNotRunningHolds() {
        for (RolloutPlan.Status s : RolloutPlan.Status.values()) {
            if (s != RolloutPlan.Status.RUNNING) {
                RolloutStageMachine.Action a = RolloutStageMachine.next(SPEC, s, 0, healthy(Duration.ofDays(1)), SRM);
                assertThat(a).as(s.jsonName()).isInstanceOf(RolloutStageMachine.Hold.class);
                assertThat(a.reason()).contains(s.jsonName());
            }
        }
    }

    @Test
    void aGuardrailWithoutEnoughDataNeitherRollsBackNorHoldsTheStage() {
        RolloutStageMachine.Observation quiet = seen(Duration.ofHours(1), 900, 100,
                judged(errors(900, 0), errors(100, 0)), new BigDecimal("10"));
        assertThat(quiet.guardrails().get(0).verdict().enoughData()).isFalse();

        assertThat(RolloutStageMachine.next(SPEC, RolloutPlan.Status.RUNNING, 0, quiet, SRM))
                .isInstanceOf(RolloutStageMachine.Advance.class);
    }

    @Test
    void theSplitTestComparesTheArmsWithThePlannedSplitAndHasNothingToSayAtAnEmptySide() {
        SampleRatioMismatch.Result even = RolloutStageMachine.splitTest(new BigDecimal("10"), 9000, 1000);
        SampleRatioMismatch.Result skewed = RolloutStageMachine.splitTest(new BigDecimal("10"), 8000, 2000);
        SampleRatioMismatch.Result all = RolloutStageMachine.splitTest(new BigDecimal("100"), 3, 5000);

        assertThat(even.statistic()).isZero();
        assertThat(even.pValue()).isEqualTo(1.0);
        // (8000 − 9000)²/9000 + (2000 − 1000)²/1000 = 111.1 + 1000
        assertThat(skewed.statistic()).isCloseTo(1111.11, org.assertj.core.data.Offset.offset(0.01));
        assertThat(skewed.pValue()).isLessThan(1e-10);
        assertThat(all.pValue()).isEqualTo(1.0);
    }

    @Test
    void durationsAreSaidInWholeUnits() {
        assertThat(RolloutStageMachine.duration(Duration.ofSeconds(42))).isEqualTo("42 s");
        assertThat(RolloutStageMachine.duration(Duration.ofMinutes(65))).isEqualTo("1 h 5 min");
        assertThat(RolloutStageMachine.duration(Duration.ofDays(2))).isEqualTo("2 d");
    }
}
