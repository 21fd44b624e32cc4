package io.guidon.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.stats.RolloutSimulator.Events;
import io.guidon.stats.RolloutSimulator.Outcome;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.hipparchus.distribution.continuous.BetaDistribution;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * The guardrail statistics checked by simulating whole rollout plans ({@link RolloutSimulator#standardPlan}: 1 % →
 * 5 % → 25 % → 50 %, 20,000 users a stage, the guardrail checked after every 50 users, a fresh test per stage), plan
 * alpha 0.05 split by {@link Guardrails#perTestAlpha} over 4 stages and 1 guardrail. Seeded: the figures are the
 * same on every run, and docs/release-management.md ("Guardrail statistics") quotes them; each test publishes its
 * figures as a report entry.
 */
class GuardrailSimulationTest {

    private static final double PLAN_ALPHA = 0.05;
    private static final double BASE_RATE = 0.02;
    private static final int STAGES = 4;

    private static boolean sequentialRollsBack(GuardrailSpec spec, MixtureSequentialTest test, Sample control,
            Sample treatment) {
        return Guardrails.judge(spec, control, treatment, test).degraded();
    }

    /** Runs {@code plans} plans and counts the rollbacks. */
    private static int rollbacks(RolloutSimulator simulator, RolloutSimulator.Rule rule, int plans, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int rolledBack = 0;
        for (int i = 0; i < plans; i++) {
            rolledBack += simulator.run(random, rule).rolledBack() ? 1 : 0;
        }
        return rolledBack;
    }

    /**
     * With no true difference, the share of plans that roll back stays at or below the plan's alpha. Asserted: the
     * observed share is at most α + 3.09·sqrt(α(1 − α)/N), the share that a true rate of exactly α would stay below
     * with probability 0.999; and, stronger, the one-sided 99.9 % Clopper–Pearson upper bound of the true rate is at
     * most α. 4,000 plans: if the true rate were α = 5 % (200 expected rollbacks), the bound would exceed α.
     */
    @Test
    void withNoTrueDifferenceAtMostAlphaOfPlansRollBack(TestReporter reporter) {
        int plans = 4000;
        double alpha = Guardrails.perTestAlpha(PLAN_ALPHA, STAGES, 1);
        Object[][] cases = {
            {Events.POISSON, 0.0, 1L}, {Events.POISSON, 0.1, 2L}, {Events.BERNOULLI, 0.0, 3L},
        };
        for (Object[] c : cases) {
            Events events = (Events) c[0];
            GuardrailSpec spec = new GuardrailSpec(Direction.LOWER_IS_BETTER, (double) c[1], true);
            MixtureSequentialTest test = Guardrails.defaultTest(spec, alpha);
            int rolledBack = rollbacks(RolloutSimulator.standardPlan(events, BASE_RATE, BASE_RATE),
                    (control, treatment) -> sequentialRollsBack(spec, test, control, treatment), plans, (long) c[2]);

            double share = (double) rolledBack / plans;
            double[] ci95 = clopperPearson(plans, rolledBack, 0.95);
            // The two-sided 99.8 % interval's upper end is the one-sided 99.9 % bound.
            double upper999 = clopperPearson(plans, rolledBack, 0.998)[1];
            String figures = String.format(Locale.ROOT,
                    "%s, max degradation %.0f %%, seed %d: %d of %d plans rolled back (%.4f), 95 %% CI [%.4f, %.4f],"
                            + " 99.9 %% upper bound %.4f", events, 100 * (double) c[1], (long) c[2], rolledBack, plans,
                    share, ci95[0], ci95[1], upper999);
            reporter.publishEntry("null " + events + " " + c[1], figures);
            assertThat(share).as(figures).isLessThanOrEqualTo(
                    PLAN_ALPHA + 3.09 * Math.sqrt(PLAN_ALPHA * (1 - PLAN_ALPHA) / plans));
            assertThat(upper999).as(figures).isLessThanOrEqualTo(PLAN_ALPHA);
        }
    }

    /**
     * The exact (Clopper–Pearson, Biometrika 26, 1934) two-sided interval of a binomial proportion from
     * {@code successes} of {@code trials}: the beta quantiles B(α/2; x, n − x + 1) and B(1 − α/2; x + 1, n − x), the
     * ends 0 and 1 when x is 0 or n. Hipparchus's {@code BinomialProportion.getClopperPearsonInterval} refuses x = 0,
     * which is the outcome here.
     */
    private static double[] clopperPearson(int trials, int successes, double confidence) {
        double tail = (1 - confidence) / 2;
        double lower = successes == 0 ? 0
                : new BetaDistribution(successes, trials - successes + 1).inverseCumulativeProbability(tail);
        double upper = successes == trials ? 1
                : new BetaDistribution(successes + 1, trials - successes).inverseCumulativeProbability(1 - tail);
        return new double[] {lower, upper};
    }

    /**
     * A doubled error rate (2 % → 4 % of users, Poisson) under a guardrail allowing 10 %: the plan rolls back within
     * {@value #POWER_EXPOSURES} treatment exposures (counted over all stages) in at least 90 % of runs.
     */
    @Test
    void aDoubledErrorRateRollsBackWithinTheStatedExposures(TestReporter reporter) {
        int runs = 1000;
        long seed = 4;
        double alpha = Guardrails.perTestAlpha(PLAN_ALPHA, STAGES, 1);
        long[] exposures = exposuresUntilRollback(Guardrails.defaultTest(TEN_PERCENT, alpha), runs, seed);
        long within = Arrays.stream(exposures).filter(e -> e <= POWER_EXPOSURES).count();
        String figures = String.format(Locale.ROOT, "seed %d: %d of %d runs rolled back; %d within %d treatment"
                + " exposures; median %d, 90th percentile %d", seed, rolledBack(exposures), runs, within,
                POWER_EXPOSURES, exposures[runs / 2], exposures[runs * 9 / 10]);
        reporter.publishEntry("power", figures);
        assertThat((double) within / runs).as(figures).isGreaterThanOrEqualTo(0.9);
    }

    /**
     * Why {@link Guardrails#DEFAULT_RELATIVE_EFFECT} is 0.3: for the doubled error rate (an excess of 0.9 beyond the
     * allowance) it is within 15 % of the mixing variance tuned for exactly that excess, while tuning for 0.1 leaves
     * most runs without a rollback within the plan. The same runs (seed 8) for every tuning.
     */
    @Test
    void theDefaultMixingVarianceIsNearTheBestForADoubledErrorRate(TestReporter reporter) {
        int runs = 300;
        double alpha = Guardrails.perTestAlpha(PLAN_ALPHA, STAGES, 1);
        StringBuilder figures = new StringBuilder("seed 8, 90th percentile of treatment exposures to a rollback:");
        long[] ninetieth = new long[4];
        double[] effects = {0.1, 0.2, Guardrails.DEFAULT_RELATIVE_EFFECT, 0.9};
        int[] rolledBack = new int[effects.length];
        for (int i = 0; i < effects.length; i++) {
            long[] exposures = exposuresUntilRollback(MixtureSequentialTest.tunedFor(alpha, effects[i]), runs, 8);
            ninetieth[i] = exposures[runs * 9 / 10];
            rolledBack[i] = rolledBack(exposures);
            figures.append(String.format(Locale.ROOT, " tuned for %.1f: %s (%d of %d rolled back);", effects[i],
                    ninetieth[i] == Long.MAX_VALUE ? "none" : Long.toString(ninetieth[i]), rolledBack[i], runs));
        }
        reporter.publishEntry("tuning", figures.toString());
        assertThat(ninetieth[2]).as(figures.toString()).isLessThanOrEqualTo(Math.round(1.15 * ninetieth[3]))
                .isLessThan(ninetieth[1]);
        assertThat(rolledBack[0]).as(figures.toString()).isLessThan(runs / 2);
    }

    private static final GuardrailSpec TEN_PERCENT = new GuardrailSpec(Direction.LOWER_IS_BETTER, 0.1, true);

    /** Plans with a doubled error rate: the sorted treatment exposures at rollback, Long.MAX_VALUE for none. */
    private static long[] exposuresUntilRollback(MixtureSequentialTest test, int runs, long seed) {
        RolloutSimulator simulator = RolloutSimulator.standardPlan(Events.POISSON, BASE_RATE, 2 * BASE_RATE);
        SplittableRandom random = new SplittableRandom(seed);
        long[] exposures = new long[runs];
        for (int i = 0; i < runs; i++) {
            Outcome outcome = simulator.run(random, (control, treatment) ->
                    sequentialRollsBack(TEN_PERCENT, test, control, treatment));
            exposures[i] = outcome.rolledBack() ? outcome.treatmentExposures() : Long.MAX_VALUE;
        }
        Arrays.sort(exposures);
        return exposures;
    }

    private static int rolledBack(long[] exposures) {
        return (int) Arrays.stream(exposures).filter(e -> e != Long.MAX_VALUE).count();
    }

    /** The number of treatment exposures stated for {@link #aDoubledErrorRateRollsBackWithinTheStatedExposures}. */
    private static final long POWER_EXPOSURES = 6_000;

    /**
     * The fixed-horizon one-sided z-test of the same estimate, looked at after every 50 users as a dashboard would,
     * rolls back plans with no true difference far more often than its alpha: why the sequential test is needed.
     * Shown at the plan's alpha applied per stage (a dashboard's "significant at 95 %") and at the Bonferroni
     * per-stage alpha of the sequential test; each beside the same z-test looked at once, at each stage's end.
     */
    @Test
    void peekingAtAFixedHorizonTestInflatesFalseAlarms(TestReporter reporter) {
        int plans = 2000;
        RolloutSimulator simulator = RolloutSimulator.standardPlan(Events.POISSON, BASE_RATE, BASE_RATE);
        for (double alpha : new double[] {PLAN_ALPHA, Guardrails.perTestAlpha(PLAN_ALPHA, STAGES, 1)}) {
            double z = new NormalDistribution().inverseCumulativeProbability(1 - alpha);
            RolloutSimulator.Rule peeking = (control, treatment) -> naiveRollsBack(control, treatment, z);
            RolloutSimulator.Rule once = (control, treatment) -> control.n() + treatment.n() == 20_000
                    && naiveRollsBack(control, treatment, z);
            int peeked = rollbacks(simulator, peeking, plans, 5);
            int lookedAtOnce = rollbacks(simulator, once, plans, 6);
            String figures = String.format(Locale.ROOT, "z-test at %.4f per stage, seeds 5 and 6: peeking every 50"
                    + " users %d of %d plans (%.4f); once per stage %d of %d (%.4f)", alpha, peeked, plans,
                    (double) peeked / plans, lookedAtOnce, plans, (double) lookedAtOnce / plans);
            reporter.publishEntry("naive " + alpha, figures);
            assertThat((double) peeked / plans).as(figures).isGreaterThan(PLAN_ALPHA)
                    .isGreaterThan(2.0 * lookedAtOnce / plans);
            if (alpha == PLAN_ALPHA) {
                assertThat((double) peeked / plans).as(figures).isGreaterThan(5 * PLAN_ALPHA);
            }
        }
    }

    private static boolean naiveRollsBack(Sample control, Sample treatment, double z) {
        if (control.n() < Guardrails.MIN_USERS_PER_GROUP || treatment.n() < Guardrails.MIN_USERS_PER_GROUP
                || !(control.variance() > 0) || !(treatment.variance() > 0)) {
            return false;
        }
        Estimate estimate = Differences.relative(control, treatment);
        return estimate.value() / estimate.standardError() > z;
    }
}
