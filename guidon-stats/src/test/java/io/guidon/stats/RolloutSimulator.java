package io.guidon.stats;

import java.util.SplittableRandom;
import org.hipparchus.distribution.IntegerDistribution;
import org.hipparchus.distribution.discrete.BinomialDistribution;
import org.hipparchus.distribution.discrete.PoissonDistribution;

/**
 * Simulated progressive rollouts, for the tests that check the guardrail statistics by simulation.
 *
 * <p>A plan has stages, each a share of users given the treatment; users arrive, each is given the treatment with
 * the stage's share, and each has a count of events (errors): Poisson or Bernoulli with a rate per user that may
 * differ between the groups. After every batch of {@code checkEvery} arrivals the guardrail is checked on the
 * stage's users so far (each stage starts fresh: see {@link Guardrails#perTestAlpha}); the plan rolls back at the
 * first check that says so, else it completes.
 *
 * <p>Batches are drawn, not users: the treatment's users in a batch are binomial, a group's events Poisson (or
 * binomial) for its users, placed on users uniformly (given their total, independent Poisson counts are multinomial),
 * which gives the sum of squares. Draws are by inversion of CDF tables from Hipparchus's distributions, so a plan of
 * 80,000 users costs a few thousand random numbers.
 */
final class RolloutSimulator {

    /** How a user's count of events is distributed. */
    enum Events { POISSON, BERNOULLI }

    /** Decides, at one check, whether to roll back, from the stage's control and treatment users so far. */
    interface Rule {
        boolean rollsBack(Sample control, Sample treatment);
    }

    /**
     * What happened to one plan.
     *
     * @param rolledBack whether a check rolled it back
     * @param treatmentExposures users given the treatment, over all stages, until the rollback or the end
     */
    record Outcome(boolean rolledBack, long treatmentExposures) {
    }

    private final double[] stageShares;
    private final int usersPerStage;
    private final int checkEvery;
    private final double[][] splitTables;
    private final double[][] controlEventTables;
    private final double[][] treatmentEventTables;
    private final boolean poisson;

    /**
     * @param stageShares the treatment's share of users in each stage (0.01 = 1 %)
     * @param usersPerStage arrivals per stage, a multiple of checkEvery
     * @param checkEvery arrivals between checks
     * @param events how a user's events are distributed
     * @param controlRate the mean events per control user
     * @param treatmentRate the mean events per treatment user
     */
    RolloutSimulator(double[] stageShares, int usersPerStage, int checkEvery, Events events, double controlRate,
            double treatmentRate) {
        this.stageShares = stageShares.clone();
        this.usersPerStage = usersPerStage;
        this.checkEvery = checkEvery;
        this.poisson = events == Events.POISSON;
        this.splitTables = new double[stageShares.length][];
        for (int s = 0; s < stageShares.length; s++) {
            splitTables[s] = cdf(new BinomialDistribution(checkEvery, stageShares[s]), checkEvery);
        }
        this.controlEventTables = eventTables(controlRate);
        this.treatmentEventTables = eventTables(treatmentRate);
    }

    /** The plan 1 % → 5 % → 25 % → 50 %, 20,000 users a stage, checked every 50 users. */
    static RolloutSimulator standardPlan(Events events, double controlRate, double treatmentRate) {
        return new RolloutSimulator(new double[] {0.01, 0.05, 0.25, 0.50}, 20_000, 50, events, controlRate,
                treatmentRate);
    }

    int stages() {
        return stageShares.length;
    }

    /** Runs one plan. */
    Outcome run(SplittableRandom random, Rule rule) {
        long exposures = 0;
        int[] slots = new int[checkEvery];
        for (int stage = 0; stage < stageShares.length; stage++) {
            Sample control = Sample.EMPTY;
            Sample treatment = Sample.EMPTY;
            for (int arrived = 0; arrived < usersPerStage; arrived += checkEvery) {
                int treated = draw(splitTables[stage], random);
                exposures += treated;
                treatment = treatment.plus(batch(treated, treatmentEventTables, random, slots));
                control = control.plus(batch(checkEvery - treated, controlEventTables, random, slots));
                if (rule.rollsBack(control, treatment)) {
                    return new Outcome(true, exposures);
                }
            }
        }
        return new Outcome(false, exposures);
    }

    private Sample batch(int users, double[][] eventTables, SplittableRandom random, int[] slots) {
        if (users == 0) {
            return Sample.EMPTY;
        }
        int events = draw(eventTables[users], random);
        if (!poisson) {
            return new Sample(users, events, events);
        }
        long sumOfSquares = 0;
        for (int e = 0; e < events; e++) {
            int user = random.nextInt(users);
            sumOfSquares += 2L * slots[user] + 1;
            slots[user]++;
        }
        java.util.Arrays.fill(slots, 0, users, 0);
        return new Sample(users, events, sumOfSquares);
    }

    /** Per number of users k in 0..checkEvery, the CDF of the events of k users. */
    private double[][] eventTables(double rate) {
        double[][] tables = new double[checkEvery + 1][];
        tables[0] = new double[] {1};
        for (int k = 1; k <= checkEvery; k++) {
            tables[k] = poisson ? cdf(new PoissonDistribution(k * rate), Integer.MAX_VALUE)
                    : cdf(new BinomialDistribution(k, rate), k);
        }
        return tables;
    }

    /** P(X ≤ x) for x = 0, 1, … until it is 1 to double precision, or x = max. */
    private static double[] cdf(IntegerDistribution distribution, int max) {
        double[] table = new double[Math.min(max, 64) + 1];
        int x = 0;
        for (; x < table.length; x++) {
            table[x] = distribution.cumulativeProbability(x);
            if (table[x] >= 1 - 1e-16) {
                table[x] = 1;
                break;
            }
        }
        table[Math.min(x, table.length - 1)] = 1;
        return java.util.Arrays.copyOf(table, Math.min(x, table.length - 1) + 1);
    }

    private static int draw(double[] cdf, SplittableRandom random) {
        double u = random.nextDouble();
        int x = 0;
        while (cdf[x] <= u && x < cdf.length - 1) {
            x++;
        }
        return x;
    }
}
