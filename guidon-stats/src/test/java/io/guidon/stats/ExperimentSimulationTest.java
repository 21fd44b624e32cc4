package io.guidon.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.guidon.stats.Bayesian.BetaPrior;
import io.guidon.stats.Bayesian.NormalPrior;
import io.guidon.stats.Bayesian.Posterior;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.hipparchus.random.RandomDataGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * The experiment methods checked by simulating many experiments with a known true effect: 95 % intervals must cover
 * it 94–96 % of the time. Seeded, so the figures are the same on every run; docs/experiments.md ("Statistics")
 * quotes them, and each test publishes them as a report entry.
 *
 * <p><b>Why these run counts.</b> With N runs and a true coverage of exactly 95 %, the observed share has standard
 * error {@code sqrt(0.95·0.05/N)}: 0.0031 at 5,000 runs, 0.0022 at 10,000. The band 94–96 % is then ±3.2 or ±4.6
 * standard errors, wide enough that a correct method does not fail by chance (the seeds fix the outcome anyway)
 * and narrow enough that a method off by more than about one point (a t interval taken as normal at 12 users, a
 * variance missing its covariance term) is caught.
 */
class ExperimentSimulationTest {

    private static final double ALPHA = 0.05;

    /** Counts how often an interval held the truth, and reports and asserts the share. */
    private static void assertCoverage(TestReporter reporter, String name, long seed, int runs, int covered) {
        double share = (double) covered / runs;
        double[] ci = GuardrailSimulationTest.clopperPearson(runs, covered, 0.95);
        String figures = String.format(Locale.ROOT, "%s, seed %d: %d of %d intervals covered the true effect"
                + " (%.4f), 95 %% CI [%.4f, %.4f]", name, seed, covered, runs, share, ci[0], ci[1]);
        reporter.publishEntry(name, figures);
        assertThat(share).as(figures).isBetween(0.94, 0.96);
    }

    @Test
    void welchIntervalsCoverTheTrueDifferenceAtSmallUnequalSamples(TestReporter reporter) {
        // Control N(10, 2²) × 8 users, treatment N(11, 5²) × 15: unequal variances and sizes, few users, where the
        // Welch–Satterthwaite degrees of freedom (about 20 here, and the t quantile) matter.
        int runs = 10_000;
        long seed = 101;
        SplittableRandom random = new SplittableRandom(seed);
        int covered = 0;
        int coveredIfNormal = 0;
        for (int run = 0; run < runs; run++) {
            Sample control = normalSample(random, 8, 10, 2);
            Sample treatment = normalSample(random, 15, 11, 5);
            Inference inference = FixedHorizon.absolute(ArmEstimate.of(control), ArmEstimate.of(treatment), ALPHA);
            covered += inference.interval().contains(1) ? 1 : 0;
            Inference normal = FixedHorizon.inference(inference.estimate(), Double.POSITIVE_INFINITY, ALPHA);
            coveredIfNormal += normal.interval().contains(1) ? 1 : 0;
        }
        assertCoverage(reporter, "Welch t, 8 vs 15 users", seed, runs, covered);
        // The same estimates with a normal quantile cover a point and a half less (9,399 of 10,000): what the t
        // quantile and Welch's degrees of freedom are for.
        reporter.publishEntry("Welch as z", coveredIfNormal + " of " + runs);
        assertThat((double) coveredIfNormal / runs).isLessThan((double) covered / runs - 0.01);
    }

    @Test
    void deltaMethodIntervalsCoverTheTrueRelativeLiftOfSkewedMeans(TestReporter reporter) {
        // Revenue-like exponential values, mean 10 in the control and 10.5 in the treatment (difference 0.5, lift
        // 0.05), 1,000 users per arm.
        assertBothCover(reporter, "exponential means, 1,000 per arm", 102, random -> new ArmEstimate[] {
            ArmEstimate.of(exponentialSample(random, 1000, 10)), ArmEstimate.of(exponentialSample(random, 1000, 10.5))},
                0.5, 0.05);
    }

    @Test
    void proportionIntervalsCoverTheTrueDifferenceAndLift(TestReporter reporter) {
        // Conversion 10 % in the control, 11 % in the treatment, 2,000 users per arm (200 converters: the normal
        // approximation's rule holds).
        assertBothCover(reporter, "proportions, 2,000 per arm", 103, random -> new ArmEstimate[] {
            ArmEstimate.of(bernoulli(random, 2000, 0.10)), ArmEstimate.of(bernoulli(random, 2000, 0.11))}, 0.01, 0.1);
    }

    @Test
    void ratioMetricIntervalsCoverTheTrueRatioDifferenceAndLift(TestReporter reporter) {
        // Revenue per order: each user places Y = 1 + Poisson(1.5) orders at an average value U, exponential with mean
        // 20 (control) or 22 (treatment), so X = Y·U and the true ratios E[X]/E[Y] are 20 and 22 (difference 2, lift
        // 0.1). A user's orders and revenue are correlated, which is why the per-user delta method is needed.
        // 500 users per arm.
        assertBothCover(reporter, "ratio metric, 500 per arm", 104, random -> new ArmEstimate[] {
            ArmEstimate.of(orders(random, 500, 20)), ArmEstimate.of(orders(random, 500, 22))}, 2, 0.1);
    }

    /**
     * Runs {@value #RUNS} experiments whose {control, treatment} arms {@code experiment} draws, and asserts the
     * coverage of the fixed-horizon absolute and relative intervals of the true difference and lift.
     */
    private static void assertBothCover(TestReporter reporter, String name, long seed,
            Function<SplittableRandom, ArmEstimate[]> experiment, double difference, double lift) {
        SplittableRandom random = new SplittableRandom(seed);
        int absolute = 0;
        int relative = 0;
        for (int run = 0; run < RUNS; run++) {
            ArmEstimate[] arms = experiment.apply(random);
            absolute += FixedHorizon.absolute(arms[0], arms[1], ALPHA).interval().contains(difference) ? 1 : 0;
            relative += FixedHorizon.relative(arms[0], arms[1], ALPHA).interval().contains(lift) ? 1 : 0;
        }
        assertCoverage(reporter, name + ", difference", seed, RUNS, absolute);
        assertCoverage(reporter, name + ", relative lift", seed, RUNS, relative);
    }

    /** Experiments per coverage scenario where each draws thousands of users. */
    private static final int RUNS = 5_000;

    @Test
    void cupedIntervalsCoverTheTrueEffectAndTheVarianceFallsByRhoSquared(TestReporter reporter) {
        // Pre-exposure X ~ N(50, 10²); the metric Y = 50 + 0.7(X − 50) + sqrt(1 − 0.7²)·10·ε, so corr(X, Y) = ρ = 0.7
        // and Var(Y) = 10²; the treatment adds 2 (lift 0.04 on a mean of 50). 400 users per arm. CUPED should keep
        // the coverage and remove ρ² = 49 % of the variance (Deng et al. 2013, §3.2).
        int runs = 5_000;
        long seed = 105;
        double rho = 0.7;
        SplittableRandom random = new SplittableRandom(seed);
        int absolute = 0;
        int relative = 0;
        double[] adjusted = new double[runs];
        double[] unadjusted = new double[runs];
        double reported = 0;
        for (int run = 0; run < runs; run++) {
            double[] c = cupedArm(random, 400, rho, 0);
            double[] t = cupedArm(random, 400, rho, 2);
            Sample controlMetric = new Sample(400, c[0], c[1]);
            Sample treatmentMetric = new Sample(400, t[0], t[1]);
            Cuped.Adjustment adjustment = Cuped.adjust(controlMetric, new Covariate(c[2], c[3], c[4]),
                    treatmentMetric, new Covariate(t[2], t[3], t[4]));
            absolute += FixedHorizon.absolute(adjustment.control(), adjustment.treatment(), ALPHA).interval()
                    .contains(2) ? 1 : 0;
            relative += FixedHorizon.inference(adjustment.relative(), Double.POSITIVE_INFINITY, ALPHA).interval()
                    .contains(0.04) ? 1 : 0;
            adjusted[run] = adjustment.absolute().value();
            unadjusted[run] = treatmentMetric.mean() - controlMetric.mean();
            reported += adjustment.varianceReduction();
        }
        assertCoverage(reporter, "CUPED, difference", seed, runs, absolute);
        assertCoverage(reporter, "CUPED, relative lift", seed, runs, relative);
        double observed = 1 - variance(adjusted) / variance(unadjusted);
        String figures = String.format(Locale.ROOT, "rho %.1f: variance of the difference fell by %.4f over %d"
                + " experiments; reported on average %.4f; expected rho² = %.2f", rho, observed, runs,
                reported / runs, rho * rho);
        reporter.publishEntry("CUPED variance", figures);
        // The variance of a variance ratio over 5,000 runs: a relative standard error near sqrt(4/5000) = 2.8 %
        // on each variance, so ±0.04 on 1 − ratio is about 3 standard errors.
        assertThat(observed).as(figures).isCloseTo(rho * rho, within(0.04));
        assertThat(reported / runs).as(figures).isCloseTo(rho * rho, within(0.01));
    }

    @Test
    void gaussianCredibleIntervalsAndChancesAreCalibratedUnderTheirPrior(TestReporter reporter) {
        // The true relative lift is drawn from the prior N(0, 0.02²); the data are normal per user, mean 10 in the
        // control and 10(1 + lift) in the treatment, sd 5, 2,000 users per arm: the lift's standard error (about
        // 0.016) is as large as the prior's, so the prior matters. Each arm's sample mean and variance are drawn
        // from their exact distributions (N(μ, σ²/n) and σ²χ²(n − 1)/(n − 1), independent for normal data) rather
        // than user by user. Under its prior a Bayesian 95 % interval holds the truth 95 % of the time, and of the
        // runs whose chance to beat the control is c, a share c has a positive lift; the flat prior's chances, on
        // the same runs, are overconfident.
        int runs = 10_000;
        long seed = 106;
        double tau = 0.02;
        NormalPrior prior = new NormalPrior(0, tau * tau);
        RandomDataGenerator random = new RandomDataGenerator(seed);
        int covered = 0;
        double[] chances = new double[runs];
        double[] flatChances = new double[runs];
        boolean[] positive = new boolean[runs];
        for (int run = 0; run < runs; run++) {
            double lift = tau * random.nextNormal(0, 1);
            Estimate estimate = Differences.relative(normalSufficient(random, 2000, 10, 5),
                    normalSufficient(random, 2000, 10 * (1 + lift), 5));
            Posterior posterior = Bayesian.gaussian(estimate, prior, Direction.HIGHER_IS_BETTER, 0.95);
            covered += posterior.credibleInterval().contains(lift) ? 1 : 0;
            chances[run] = posterior.chanceToBeatControl();
            flatChances[run] = Bayesian.gaussian(estimate, NormalPrior.FLAT, Direction.HIGHER_IS_BETTER, 0.95)
                    .chanceToBeatControl();
            positive[run] = lift > 0;
        }
        assertCoverage(reporter, "Gaussian posterior under its prior N(0, 0.02²), 2,000 per arm", seed, runs,
                covered);
        double[] calibrated = winRateAboveChance(chances, positive, 0.9);
        double[] flat = winRateAboveChance(flatChances, positive, 0.9);
        String figures = String.format(Locale.ROOT, "runs with chance to beat control \u2265 0.9: %d, mean chance"
                + " %.4f, share truly positive %.4f; flat prior: %d, mean chance %.4f, share %.4f",
                (int) calibrated[0], calibrated[1], calibrated[2], (int) flat[0], flat[1], flat[2]);
        reporter.publishEntry("Gaussian chance calibration", figures);
        double se = Math.sqrt(calibrated[1] * (1 - calibrated[1]) / calibrated[0]);
        assertThat(calibrated[2]).as(figures).isCloseTo(calibrated[1], within(4 * se));
        assertThat(flat[2]).as(figures).isLessThan(flat[1] - 0.02);
    }

    /** A normal sample's sufficient statistics from the exact distributions of its mean and variance. */
    private static Sample normalSufficient(RandomDataGenerator random, int n, double mean, double sd) {
        double sampleMean = random.nextNormal(mean, sd / Math.sqrt(n));
        double sampleVariance = sd * sd * random.nextGamma((n - 1) / 2.0, 2) / (n - 1);
        return new Sample(n, n * sampleMean, (n - 1) * sampleVariance + n * sampleMean * sampleMean);
    }

    @Test
    void betaBinomialCredibleIntervalsAreCalibratedUnderTheirPrior(TestReporter reporter) {
        // Each arm's true rate is drawn from the prior Beta(1, 1); 200 users per arm convert with it. The credible
        // interval is the posterior CDF's 2.5 % and 97.5 % quantiles, so it holds the true lift exactly when the
        // CDF at the true lift is within (0.025, 0.975): the CDF is evaluated there, one integral per run.
        int runs = 5_000;
        long seed = 107;
        SplittableRandom random = new SplittableRandom(seed);
        int covered = 0;
        for (int run = 0; run < runs; run++) {
            double pC = random.nextDouble();
            double pT = random.nextDouble();
            double cdf = Bayesian.relativeLiftCdf(bernoulli(random, 200, pC), bernoulli(random, 200, pT),
                    BetaPrior.UNIFORM, pT / pC - 1);
            covered += cdf > 0.025 && cdf < 0.975 ? 1 : 0;
        }
        assertCoverage(reporter, "Beta-binomial posterior under its prior Beta(1, 1), 200 per arm", seed, runs,
                covered);
    }

    /** {count, mean chance, share positive} over the runs whose chance is at least {@code threshold}. */
    private static double[] winRateAboveChance(double[] chances, boolean[] positive, double threshold) {
        int count = 0;
        double chance = 0;
        int wins = 0;
        for (int i = 0; i < chances.length; i++) {
            if (chances[i] >= threshold) {
                count++;
                chance += chances[i];
                wins += positive[i] ? 1 : 0;
            }
        }
        return new double[] {count, chance / count, (double) wins / count};
    }

    static Sample normalSample(SplittableRandom random, int n, double mean, double sd) {
        return sample(n, i -> mean + sd * random.nextGaussian());
    }

    private static Sample exponentialSample(SplittableRandom random, int n, double mean) {
        return sample(n, i -> mean * random.nextExponential());
    }

    private static Sample sample(int n, ToDoubleFunction<Integer> value) {
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < n; i++) {
            double x = value.applyAsDouble(i);
            sum += x;
            squares += x * x;
        }
        return new Sample(n, sum, squares);
    }

    static Proportion bernoulli(SplittableRandom random, int n, double p) {
        int converters = 0;
        for (int i = 0; i < n; i++) {
            converters += random.nextDouble() < p ? 1 : 0;
        }
        return new Proportion(n, converters);
    }

    private static RatioSample orders(SplittableRandom random, int n, double valuePerOrder) {
        RatioSample sample = RatioSample.EMPTY;
        for (int i = 0; i < n; i++) {
            int orders = 1 + poisson(random, 1.5);
            sample = sample.plus(orders * valuePerOrder * random.nextExponential(), orders);
        }
        return sample;
    }

    /** Knuth's multiplication method: fine for a small mean. */
    private static int poisson(SplittableRandom random, double mean) {
        double limit = Math.exp(-mean);
        int k = 0;
        double product = random.nextDouble();
        while (product > limit) {
            k++;
            product *= random.nextDouble();
        }
        return k;
    }

    /** {Σy, Σy², Σx, Σx², Σxy} of n users with corr(x, y) = rho and the effect added to y. */
    private static double[] cupedArm(SplittableRandom random, int n, double rho, double effect) {
        double[] sums = new double[5];
        double residual = Math.sqrt(1 - rho * rho);
        for (int i = 0; i < n; i++) {
            double x = 50 + 10 * random.nextGaussian();
            double y = 50 + rho * (x - 50) + residual * 10 * random.nextGaussian() + effect;
            sums[0] += y;
            sums[1] += y * y;
            sums[2] += x;
            sums[3] += x * x;
            sums[4] += x * y;
        }
        return sums;
    }

    private static double variance(double[] values) {
        return new org.hipparchus.stat.descriptive.moment.Variance().evaluate(values);
    }
}
