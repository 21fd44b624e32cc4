package io.guidon.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GuardrailsTest {

    private static final GuardrailSpec ERRORS_UP_TO_10_PERCENT =
            new GuardrailSpec(Direction.LOWER_IS_BETTER, 0.1, true);
    private static final MixtureSequentialTest TEST = MixtureSequentialTest.tunedFor(0.0125, 0.3);

    /** {@code n} users of whom {@code withEvent} had one event (a 0/1 value each). */
    private static Sample events(long n, long withEvent) {
        return new Sample(n, withEvent, withEvent);
    }

    @Test
    void aTreatmentWhoseWholeIntervalIsAboveTheAllowanceIsDegraded() {
        // 2 % errors in the control, 4 % in the treatment, 10,000 users each: relative +1.0, delta-method variance
        // ≈ 0.0294, always-valid half-width ≈ 0.6, so the interval is about [0.4, 1.6], above 0.1.
        Guardrails.Verdict verdict = Guardrails.judge(ERRORS_UP_TO_10_PERCENT, events(10_000, 200),
                events(10_000, 400), TEST);

        assertThat(verdict.enoughData()).isTrue();
        assertThat(verdict.estimate().value()).isCloseTo(1.0, within(1e-12));
        assertThat(verdict.estimate()).isEqualTo(Differences.relative(events(10_000, 200), events(10_000, 400)));
        assertThat(verdict.interval()).isEqualTo(TEST.interval(verdict.estimate()));
        assertThat(verdict.interval().lower()).isGreaterThan(0.1);
        assertThat(verdict.degraded()).isTrue();
    }

    @Test
    void anIntervalThatReachesTheAllowanceIsNotDegradedYet() {
        // The same rates with 1,000 users each: the interval is about 3 times wider and reaches below 0.1.
        Guardrails.Verdict verdict = Guardrails.judge(ERRORS_UP_TO_10_PERCENT, events(1_000, 20), events(1_000, 40),
                TEST);

        assertThat(verdict.enoughData()).isTrue();
        assertThat(verdict.interval().contains(0.1)).isTrue();
        assertThat(verdict.degraded()).isFalse();
    }

    @Test
    void anImprovementIsNeverADegradation() {
        Guardrails.Verdict verdict = Guardrails.judge(ERRORS_UP_TO_10_PERCENT, events(10_000, 400),
                events(10_000, 200), TEST);
        assertThat(verdict.interval().upper()).isLessThan(0);
        assertThat(verdict.degraded()).isFalse();
    }

    @Test
    void higherIsBetterMirrorsTheDecision() {
        GuardrailSpec conversions = new GuardrailSpec(Direction.HIGHER_IS_BETTER, 0.1, true);
        Guardrails.Verdict halved = Guardrails.judge(conversions, events(10_000, 2_000), events(10_000, 1_000), TEST);
        assertThat(halved.interval().upper()).isLessThan(-0.1);
        assertThat(halved.degraded()).isTrue();

        Guardrails.Verdict doubled = Guardrails.judge(conversions, events(10_000, 1_000), events(10_000, 2_000), TEST);
        assertThat(doubled.degraded()).isFalse();
    }

    @Test
    void anAbsoluteGuardrailJudgesTheDifferenceInTheMetricsUnits() {
        // Latency in ms: control 100 ± 10, treatment 110 ± 10 (values alternate ±10 around the mean), 5,000 users.
        Sample control = Sample.EMPTY;
        Sample treatment = Sample.EMPTY;
        for (int i = 0; i < 5_000; i++) {
            control = control.plus(i % 2 == 0 ? 90 : 110);
            treatment = treatment.plus(i % 2 == 0 ? 100 : 120);
        }
        GuardrailSpec fiveMs = new GuardrailSpec(Direction.LOWER_IS_BETTER, 5, false);
        Guardrails.Verdict verdict = Guardrails.judge(fiveMs, control, treatment,
                Guardrails.defaultTest(fiveMs, 0.0125));

        assertThat(verdict.estimate()).isEqualTo(Differences.absolute(control, treatment));
        assertThat(verdict.estimate().value()).isCloseTo(10, within(1e-9));
        assertThat(verdict.degraded()).isTrue();
        GuardrailSpec twentyMs = new GuardrailSpec(Direction.LOWER_IS_BETTER, 20, false);
        assertThat(Guardrails.judge(twentyMs, control, treatment, Guardrails.defaultTest(twentyMs, 0.0125))
                .degraded()).isFalse();
    }

    @Test
    void noVerdictBeforeEachGroupHasEnoughUsersAndSomeVariance() {
        // 99 treatment users, all with an error: alarming, but too few to judge.
        assertNoVerdict(events(10_000, 200), events(Guardrails.MIN_USERS_PER_GROUP - 1, 99));
        assertNoVerdict(events(Guardrails.MIN_USERS_PER_GROUP - 1, 2), events(10_000, 400));
        // No user with an error in the control: zero variance, and a relative difference to a mean of 0.
        assertNoVerdict(events(10_000, 0), events(10_000, 400));
        // Every treatment user with an error: zero variance, the plug-in would claim certainty.
        assertNoVerdict(events(10_000, 200), events(500, 500));
        // Relative to a control mean that is not above 0.
        Sample negative = Sample.of(-1, -2, -3).plus(new Sample(200, -200, 200));
        assertNoVerdict(negative, events(10_000, 400));
    }

    private static void assertNoVerdict(Sample control, Sample treatment) {
        Guardrails.Verdict verdict = Guardrails.judge(ERRORS_UP_TO_10_PERCENT, control, treatment, TEST);
        assertThat(verdict.enoughData()).isFalse();
        assertThat(verdict.degraded()).isFalse();
        assertThat(verdict.interval()).isEqualTo(Interval.ALL);
    }

    @Test
    void perTestAlphaSplitsThePlansAlphaOverEveryStageAndGuardrail() {
        assertThat(Guardrails.perTestAlpha(0.05, 4, 2)).isCloseTo(0.00625, within(1e-15));
        assertThat(Guardrails.perTestAlpha(0.05, 1, 1)).isEqualTo(0.05);
        assertThatThrownBy(() -> Guardrails.perTestAlpha(0, 4, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Guardrails.perTestAlpha(1, 4, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Guardrails.perTestAlpha(0.05, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Guardrails.perTestAlpha(0.05, 4, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDefaultTestIsTunedForARelativeExcessOrTheAbsoluteAllowance() {
        assertThat(Guardrails.defaultTest(ERRORS_UP_TO_10_PERCENT, 0.01).mixingVariance())
                .isEqualTo(MixtureSequentialTest.tunedFor(0.01, Guardrails.DEFAULT_RELATIVE_EFFECT).mixingVariance());
        assertThat(Guardrails.defaultTest(ERRORS_UP_TO_10_PERCENT, 0.01).alpha()).isEqualTo(0.01);
        assertThat(Guardrails.defaultTest(new GuardrailSpec(Direction.HIGHER_IS_BETTER, 50, false), 0.01)
                .mixingVariance()).isEqualTo(MixtureSequentialTest.tunedFor(0.01, 50).mixingVariance());
        assertThatThrownBy(() -> Guardrails.defaultTest(new GuardrailSpec(Direction.LOWER_IS_BETTER, 0, false), 0.01))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no scale");
    }

    @Test
    void aSpecNeedsADirectionAndAFiniteAllowance() {
        assertThatThrownBy(() -> new GuardrailSpec(null, 0.1, true)).isInstanceOf(IllegalArgumentException.class);
        for (double bad : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> new GuardrailSpec(Direction.LOWER_IS_BETTER, bad, true))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("degradation");
        }
    }
}
