package io.guidon.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.SplittableRandom;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.junit.jupiter.api.Test;

class MixtureSequentialTestTest {

    @Test
    void likelihoodRatioAndPValueAreJohariEtAlsNormalMixture() {
        // Johari et al. (2022), the two-sample normal case: n pairs, each observation of variance σ², the difference
        // of means Ȳ − X̄, mixing N(θ₀, τ²):
        //   Λ_n = sqrt(2σ²/(2σ² + nτ²)) · exp( n²τ²(Ȳ − X̄ − θ₀)² / (4σ²(2σ² + nτ²)) ).
        // With σ² = 0.5, n = 1000, Ȳ − X̄ = 0.06, θ₀ = 0, τ² = 0.01, step by step:
        //   2σ² + nτ² = 1 + 10 = 11; sqrt(1/11) = 0.30151134; the exponent is 10⁶·0.01·0.0036/(2·11) = 36/22;
        //   Λ = 0.30151134 · e^(1.6363636) = 0.30151134 · 5.1364575 = 1.5487002; p = 1/Λ = 0.6457.
        double sigma2 = 0.5;
        int n = 1000;
        double difference = 0.06;
        double tau2 = 0.01;
        double lambda = Math.sqrt(2 * sigma2 / (2 * sigma2 + n * tau2))
                * Math.exp(n * (double) n * tau2 * difference * difference / (4 * sigma2 * (2 * sigma2 + n * tau2)));
        assertThat(lambda).isCloseTo(1.5487002, within(1e-6));

        MixtureSequentialTest test = new MixtureSequentialTest(0.05, tau2);
        // The estimate of the difference has sampling variance 2σ²/n.
        Estimate estimate = new Estimate(difference, 2 * sigma2 / n);
        assertThat(test.logLikelihoodRatio(estimate, 0)).isCloseTo(Math.log(lambda), within(1e-12));
        assertThat(test.pValue(estimate, 0)).isCloseTo(1 / lambda, within(1e-12));

        // Against θ₀ = −0.05 the evidence is strong: the exponent becomes 10⁶·0.01·0.11²/22 = 5.5, Λ = 73.78.
        double far = Math.sqrt(1.0 / 11) * Math.exp(5.5);
        assertThat(far).isCloseTo(73.78, within(0.01));
        assertThat(test.pValue(estimate, -0.05)).isCloseTo(1 / far, within(1e-12)).isLessThan(0.05);
    }

    @Test
    void pValueIsOneWhereTheEstimateIsAndNeverAboveOne() {
        MixtureSequentialTest test = new MixtureSequentialTest(0.05, 0.01);
        Estimate estimate = new Estimate(0.3, 0.001);
        assertThat(test.pValue(estimate, 0.3)).isEqualTo(1);
        assertThat(test.pValue(estimate, 0.31)).isEqualTo(1);
        assertThat(test.pValue(estimate, 0.45)).isLessThan(test.pValue(estimate, 0.40)).isLessThan(1);
    }

    @Test
    void intervalIsJohariEtAlsAndItsEndsAreWhereThePValueIsAlpha() {
        // Johari et al.: Ȳ − X̄ ± sqrt( 2σ²(2σ² + nτ²)/(n²τ²) · ln((2σ² + nτ²)/(2σ²α²)) ).
        // σ² = 0.5, n = 1000, τ² = 0.01, α = 0.05: 1·11/(10⁶·0.01) = 0.0011; ln(11/0.0025) = ln(4400) = 8.3894;
        // the half-width is sqrt(0.0011 · 8.3894) = 0.096064.
        double half = Math.sqrt(1.0 * 11 / (1e6 * 0.01) * Math.log(11 / (1 * 0.05 * 0.05)));
        assertThat(half).isCloseTo(0.096064, within(1e-6));

        MixtureSequentialTest test = new MixtureSequentialTest(0.05, 0.01);
        Estimate estimate = new Estimate(0.06, 0.001);
        Interval interval = test.interval(estimate);

        assertThat(interval.lower()).isCloseTo(0.06 - half, within(1e-12));
        assertThat(interval.upper()).isCloseTo(0.06 + half, within(1e-12));
        assertThat(test.pValue(estimate, interval.lower())).isCloseTo(0.05, within(1e-9));
        assertThat(test.pValue(estimate, interval.upper())).isCloseTo(0.05, within(1e-9));
        assertThat(test.pValue(estimate, interval.upper() + 1e-6)).isLessThan(0.05);
        assertThat(interval.contains(0)).as("p = 0.65 at 0").isTrue();
    }

    @Test
    void intervalShrinksLikeTheSquareRootOfLogNOverN() {
        // With v = σ²/n the half-width is sqrt(v (1 + v/τ²) (2 ln(1/α) + ln(1 + nτ²/σ²))): for large n it is
        // σ·sqrt(ln n / n)·(1 + o(1)). So h·sqrt(n / ln n) tends to σ, while a fixed-horizon interval's h·sqrt(n) is
        // constant and the always-valid one's grows without bound (slowly: the price of looking at every n).
        double sigma2 = 4;
        MixtureSequentialTest test = new MixtureSequentialTest(0.05, 1);
        double previous = Double.POSITIVE_INFINITY;
        double previousScaled = 0;
        for (double n = 1e2; n <= 1e14; n *= 100) {
            double h = test.interval(new Estimate(0, sigma2 / n)).upper();
            assertThat(h).as("shrinks at n = %s", n).isLessThan(previous);
            assertThat(h * Math.sqrt(n)).as("h·sqrt(n) grows at n = %s", n).isGreaterThan(previousScaled);
            previous = h;
            previousScaled = h * Math.sqrt(n);
        }
        double atLarge = test.interval(new Estimate(0, sigma2 / 1e14)).upper() * Math.sqrt(1e14 / Math.log(1e14));
        double atLarger = test.interval(new Estimate(0, sigma2 / 1e18)).upper() * Math.sqrt(1e18 / Math.log(1e18));
        // The remaining terms, (ln(τ²/σ²) + 2 ln(1/α))/ln n, fade like 1/ln n: 13 % at 1e14, 10 % at 1e18.
        assertThat(atLarge / 2).isCloseTo(1, within(0.15));
        assertThat(atLarger / 2).isCloseTo(1, within(0.11)).isLessThan(atLarge / 2);
    }

    @Test
    void anIntervalLookedAtAfterEveryObservationMissesTheTruthAtMostAlphaOfTheTime() {
        // 2,000 streams of 1,000 N(μ, 1) observations with known variance, the interval of the mean checked after
        // each one: the mSPRT's always-valid interval excludes μ at some look in at most α of the streams; the
        // fixed-horizon 95 % z-interval, looked at as often, excludes it in far more (Johari et al., Fig. 1).
        double alpha = 0.05;
        MixtureSequentialTest test = MixtureSequentialTest.tunedFor(alpha, 0.2);
        double z = new NormalDistribution().inverseCumulativeProbability(1 - alpha / 2);
        SplittableRandom random = new SplittableRandom(7);
        int streams = 2000;
        int sequentialMisses = 0;
        int fixedMisses = 0;
        double mu = 0.3;
        for (int s = 0; s < streams; s++) {
            double sum = 0;
            boolean sequentialMissed = false;
            boolean fixedMissed = false;
            for (int n = 1; n <= 1000; n++) {
                sum += mu + random.nextGaussian();
                Estimate mean = new Estimate(sum / n, 1.0 / n);
                sequentialMissed |= !test.interval(mean).contains(mu);
                fixedMissed |= Math.abs(mean.value() - mu) > z * mean.standardError();
            }
            sequentialMisses += sequentialMissed ? 1 : 0;
            fixedMisses += fixedMissed ? 1 : 0;
        }
        assertThat((double) sequentialMisses / streams).isLessThanOrEqualTo(alpha);
        assertThat((double) fixedMisses / streams).isGreaterThan(4 * alpha);
    }

    @Test
    void tunedForMakesTheIntervalNarrowestWhenItsHalfWidthIsTheExpectedEffect() {
        double alpha = 0.0125;
        double effect = 0.3;
        MixtureSequentialTest tuned = MixtureSequentialTest.tunedFor(alpha, effect);
        double x = MixtureSequentialTest.optimalInformationRatio(alpha);

        // x solves x − ln(1 + x) = 2 ln(1/α); Howard et al.'s one-step approximation 2 ln(1/α) + ln(1 + 2 ln(1/α))
        // (11.04 here, against 11.27) is within a few percent.
        assertThat(x - Math.log1p(x)).isCloseTo(2 * Math.log(1 / alpha), within(1e-9));
        double approximation = 2 * Math.log(1 / alpha) + Math.log(1 + 2 * Math.log(1 / alpha));
        assertThat(x).isCloseTo(approximation, withinPercentage(3));
        assertThat(tuned.mixingVariance()).isCloseTo(effect * effect * x / (1 + x), within(1e-12));

        // At the information (1 + x)/δ², i.e. a sampling variance of δ²/(1 + x), the half-width is exactly δ …
        double variance = effect * effect / (1 + x);
        assertThat(tuned.halfWidth(variance)).isCloseTo(effect, within(1e-9));
        // … and every other mixing variance gives a wider interval there.
        for (double factor : new double[] {0.25, 0.5, 0.9, 1.1, 2, 4}) {
            MixtureSequentialTest other = new MixtureSequentialTest(alpha, tuned.mixingVariance() * factor);
            assertThat(other.halfWidth(variance)).as("τ² × %s", factor).isGreaterThan(effect);
        }
    }

    @Test
    void degenerateVariancesGiveAPointOrEverything() {
        MixtureSequentialTest test = new MixtureSequentialTest(0.05, 0.01);
        assertThat(test.interval(new Estimate(0.2, 0))).isEqualTo(new Interval(0.2, 0.2));
        assertThat(test.pValue(new Estimate(0.2, 0), 0.2)).isEqualTo(1);
        assertThat(test.pValue(new Estimate(0.2, 0), 0.1)).isZero();
        assertThat(test.interval(new Estimate(0.2, Double.POSITIVE_INFINITY))).isEqualTo(Interval.ALL);
        assertThat(test.pValue(new Estimate(0.2, Double.POSITIVE_INFINITY), 0)).isEqualTo(1);
        assertThat(test.interval(new Estimate(Double.NaN, Double.NaN))).isEqualTo(Interval.ALL);
        assertThat(test.pValue(new Estimate(0.2, Double.NaN), 0)).isNaN();
    }

    @Test
    void refusesAlphaAndMixingVarianceOutOfRange() {
        for (double alpha : new double[] {0, 1, -0.1, Double.NaN}) {
            assertThatThrownBy(() -> new MixtureSequentialTest(alpha, 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("alpha");
            assertThatThrownBy(() -> MixtureSequentialTest.tunedFor(alpha, 1))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        for (double tau2 : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> new MixtureSequentialTest(0.05, tau2))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mixing variance");
            assertThatThrownBy(() -> MixtureSequentialTest.tunedFor(0.05, tau2))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected effect");
        }
    }
}
