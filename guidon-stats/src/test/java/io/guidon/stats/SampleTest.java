package io.guidon.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.hipparchus.stat.descriptive.moment.Mean;
import org.hipparchus.stat.descriptive.moment.Variance;
import org.junit.jupiter.api.Test;

class SampleTest {

    @Test
    void meanAndUnbiasedVarianceOfAKnownSet() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations sum to 32, so the unbiased variance is 32/7.
        Sample sample = Sample.of(2, 4, 4, 4, 5, 5, 7, 9);

        assertThat(sample.n()).isEqualTo(8);
        assertThat(sample.sum()).isEqualTo(40);
        assertThat(sample.sumOfSquares()).isEqualTo(232);
        assertThat(sample.mean()).isEqualTo(5);
        assertThat(sample.variance()).isCloseTo(32.0 / 7, within(1e-12));
    }

    @Test
    void meanAndVarianceAgreeWithHipparchusOnRandomData() {
        SplittableRandom random = new SplittableRandom(12);
        for (int round = 0; round < 50; round++) {
            double[] values = random.doubles(2 + random.nextInt(500), 0, 1000).toArray();
            Sample sample = Sample.of(values);
            assertThat(sample.mean()).isCloseTo(new Mean().evaluate(values), within(1e-9));
            assertThat(sample.variance()).isCloseTo(new Variance().evaluate(values), within(1e-6));
        }
    }

    @Test
    void meanNeedsOneUserAndVarianceTwo() {
        assertThat(Sample.EMPTY.mean()).isNaN();
        assertThat(Sample.EMPTY.variance()).isNaN();
        assertThat(Sample.of(3).mean()).isEqualTo(3);
        assertThat(Sample.of(3).variance()).isNaN();
    }

    @Test
    void equalValuesHaveAVarianceOfExactlyZeroDespiteRounding() {
        // 0.1 is not a binary fraction: Σx² − (Σx)²/n rounds to a tiny nonzero number, clamped to 0 if negative.
        assertThat(Sample.of(0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1).variance()).isCloseTo(0, within(1e-15))
                .isGreaterThanOrEqualTo(0);
    }

    @Test
    void plusASampleIsTheUnionOfTheirUsers() {
        assertThat(Sample.of(1, 2).plus(Sample.of(3, 4, 5))).isEqualTo(Sample.of(1, 2, 3, 4, 5));
        assertThat(Sample.of(1, 2).plus(3)).isEqualTo(Sample.of(1, 2, 3));
    }

    @Test
    void refusesImpossibleSums() {
        assertThatThrownBy(() -> new Sample(-1, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("n");
        assertThatThrownBy(() -> new Sample(2, Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Sample(2, 1, Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Sample(2, 1, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("squares");
    }
}
