package io.guidon.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.hipparchus.distribution.continuous.NormalDistribution;
import org.junit.jupiter.api.Test;

class SampleRatioMismatchTest {

    @Test
    void fiftyThousandAgainstFiftyOneThousandOnAnEvenSplitIsAMismatch() {
        // Expected 50,500 each: χ² = 2·500²/50,500 = 9.90099…; with 1 degree of freedom χ² = z², so the p-value is
        // also 2(1 − Φ(sqrt(χ²))) = 0.00165 (scipy 1.17.1 stats.chisquare([50000, 51000]): 9.900990099009901,
        // p 0.001651898732357361).
        SampleRatioMismatch.Result result = SampleRatioMismatch.test(new long[] {50_000, 51_000}, new double[] {1, 1});

        assertThat(result.statistic()).isCloseTo(500_000.0 / 50_500, within(1e-9)).isCloseTo(9.90, within(0.005));
        assertThat(result.degreesOfFreedom()).isEqualTo(1);
        double viaNormal = 2 * (1 - new NormalDistribution().cumulativeProbability(Math.sqrt(result.statistic())));
        assertThat(result.pValue()).isCloseTo(viaNormal, within(1e-12)).isCloseTo(0.001651898732357361, within(1e-12))
                .isLessThan(SampleRatioMismatch.RECOMMENDED_THRESHOLD * 2);
    }

    @Test
    void weightsAreSharesWhateverTheirSum() {
        // scipy: stats.chisquare([1000, 1100, 2000], [1025, 1025, 2050]) -> 7.317073170731708, p 0.025770197629651086.
        // The last: weights whose sum overflows a double (an API client may send any finite scale), once a 500.
        for (double[] weights : new double[][] {{1, 1, 2}, {25, 25, 50}, {0.25, 0.25, 0.5},
                {0.6e308, 0.6e308, 1.2e308}}) {
            SampleRatioMismatch.Result result = SampleRatioMismatch.test(new long[] {1000, 1100, 2000}, weights);
            assertThat(result.statistic()).isCloseTo(7.317073170731708, within(1e-9));
            assertThat(result.degreesOfFreedom()).isEqualTo(2);
            assertThat(result.pValue()).isCloseTo(0.025770197629651086, within(1e-12));
        }
    }

    @Test
    void anExperimentsArmsAreCheckedTogetherAgainstTheirPlannedWeights() {
        // R 4.2.2: chisq.test(c(3300, 3350, 3450), p = c(1, 1, 1)/3) -> X-squared 3.4653465346534658,
        //    p 0.17681111425401447; chisq.test(c(5000, 2600, 2400, 2550), p = c(.4, .2, .2, .2))
        //    -> X-squared 8.764940239043824, df 3, p 0.032585024937085136
        SampleRatioMismatch.Result three = SampleRatioMismatch.test(new long[] {3300, 3350, 3450},
                new double[] {1, 1, 1});
        assertThat(three.statistic()).isCloseTo(3.4653465346534658, within(1e-12));
        assertThat(three.degreesOfFreedom()).isEqualTo(2);
        assertThat(three.pValue()).isCloseTo(0.17681111425401447, within(1e-12));
        assertThat(three.mismatch(SampleRatioMismatch.RECOMMENDED_THRESHOLD)).isFalse();

        SampleRatioMismatch.Result four = SampleRatioMismatch.test(new long[] {5000, 2600, 2400, 2550},
                new double[] {40, 20, 20, 20});
        assertThat(four.statistic()).isCloseTo(8.764940239043824, within(1e-12));
        assertThat(four.degreesOfFreedom()).isEqualTo(3);
        assertThat(four.pValue()).isCloseTo(0.032585024937085136, within(1e-12));
        assertThat(four.mismatch(0.05)).isTrue();
        assertThat(four.mismatch(SampleRatioMismatch.RECOMMENDED_THRESHOLD)).isFalse();
    }

    @Test
    void theSplitAsPlannedIsNoEvidence() {
        SampleRatioMismatch.Result exact = SampleRatioMismatch.test(new long[] {990, 10}, new double[] {99, 1});
        assertThat(exact.statistic()).isZero();
        assertThat(exact.pValue()).isEqualTo(1);
        assertThat(SampleRatioMismatch.test(new long[] {0, 0}, new double[] {1, 1}))
                .isEqualTo(new SampleRatioMismatch.Result(0, 1, 1));
    }

    @Test
    void refusesBadShapes() {
        assertThatThrownBy(() -> SampleRatioMismatch.test(new long[] {1, 2}, new double[] {1, 1, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("differ in length");
        assertThatThrownBy(() -> SampleRatioMismatch.test(new long[] {1}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2 groups");
        assertThatThrownBy(() -> SampleRatioMismatch.test(new long[] {1, -2}, new double[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("observed[1]");
        assertThatThrownBy(() -> SampleRatioMismatch.test(new long[] {1, 2}, new double[] {1, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expectedWeights[1]");
        assertThatThrownBy(() -> SampleRatioMismatch.test(new long[] {1, 2}, new double[] {Double.NaN, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expectedWeights[0]");
        assertThatThrownBy(() -> SampleRatioMismatch.test(null, new double[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
