package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PercentileTest {

    /** The values at ranks lo and hi found through the blocks, as the repository reads them. */
    private static double throughBlocks(Percentile q, double[] sorted, long rank) {
        long negatives = Arrays.stream(sorted).filter(v -> v < 0).count();
        long positives = Arrays.stream(sorted).filter(v -> v > 0).count();
        double[] positive = Arrays.stream(sorted).filter(v -> v > 0).toArray();
        return switch (q.region(rank, negatives, positives)) {
            case NEGATIVE -> sorted[(int) rank];
            case ZERO -> 0;
            case POSITIVE -> positive[(int) (positives - 1 - q.fromTop(rank))];
        };
    }

    @Test
    void theBlocksGiveTheSameOrderStatisticsAsASortOfAllValues() {
        Random random = new Random(7);
        for (int trial = 0; trial < 2_000; trial++) {
            int n = 1 + random.nextInt(40);
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                double u = random.nextDouble();
                values[i] = u < 0.5 ? 0 : u < 0.7 ? -(1 + random.nextInt(4)) : 1 + random.nextInt(4);
            }
            Arrays.sort(values);
            double p = random.nextInt(4) == 0 ? random.nextInt(2) : random.nextDouble();
            Percentile q = Percentile.of(p, n);
            assertThat(throughBlocks(q, values, q.lo())).as("rank lo of %s at %s", Arrays.toString(values), p)
                    .isEqualTo(values[(int) q.lo()]);
            assertThat(throughBlocks(q, values, q.hi())).as("rank hi").isEqualTo(values[(int) q.hi()]);
        }
    }

    @Test
    void ranksAndInterpolationAreThoseOfPercentileCont() {
        // percentile_cont(0.5) over {1, 2, 3, 10}: position 1.5, between 2 and 3.
        Percentile q = Percentile.of(0.5, 4);
        assertThat(q.lo()).isEqualTo(1);
        assertThat(q.hi()).isEqualTo(2);
        assertThat(q.value(2, 3)).isEqualTo(2.5);
        // On a rank exactly: no interpolation, the value itself (even when the next one differs).
        Percentile exact = Percentile.of(1.0 / 3, 4);
        assertThat(exact.lo()).isEqualTo(exact.hi()).isEqualTo(1);
        assertThat(exact.value(2, 99)).isEqualTo(2);
        assertThat(Percentile.of(0, 5).lo()).isZero();
        assertThat(Percentile.of(1, 5).hi()).isEqualTo(4);
        assertThat(Percentile.of(0.99, 1).value(7, 7)).isEqualTo(7);
    }

    @Test
    void aPercentileOfNothingOrOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> Percentile.of(0.5, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentile.of(1.5, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentile.of(Double.NaN, 3)).isInstanceOf(IllegalArgumentException.class);
    }
}
