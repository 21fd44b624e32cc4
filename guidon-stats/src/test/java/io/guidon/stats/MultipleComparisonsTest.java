package io.guidon.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.guidon.stats.MultipleComparisons.Correction;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultipleComparisonsTest {

    /** Seven comparisons, one without enough data (NA in R, NaN here). */
    private static final double[] P = {0.01, 0.04, 0.03, 0.005, 0.20, Double.NaN, 0.045};

    @Test
    void holmAndBenjaminiHochbergReproduceRsPAdjust() {
        // R 4.2.2: pv <- c(0.01, 0.04, 0.03, 0.005, 0.20, NA, 0.045)
        //    p.adjust(pv, "holm") -> 0.05 0.12 0.12 0.03 0.2 NA 0.12
        //    p.adjust(pv, "BH")   -> 0.03 0.054 0.054 0.03 0.2 NA 0.054
        assertThat(MultipleComparisons.holm(P)).usingComparatorWithPrecision(1e-15)
                .containsExactly(0.05, 0.12, 0.12, 0.03, 0.2, Double.NaN, 0.12);
        assertThat(MultipleComparisons.benjaminiHochberg(P)).usingComparatorWithPrecision(1e-15)
                .containsExactly(0.03, 0.054, 0.054, 0.03, 0.2, Double.NaN, 0.054);
    }

    @Test
    void anAdjustmentSaysWhatItDidAndAtWhichLevelTheIntervalsAre() {
        MultipleComparisons.Adjustment holm = MultipleComparisons.adjust(Correction.HOLM, 0.05, P);
        assertThat(holm.comparisons()).isEqualTo(6);
        assertThat(holm.significant()).containsExactly(false, false, false, true, false, false, false);
        assertThat(holm.intervalAlpha()).isCloseTo(0.05 / 6, within(1e-15));
        assertThat(holm.statement()).isEqualTo("Holm (family-wise error rate \u2264 5 %) over 6 comparisons;"
                + " intervals at 99.17 % (Bonferroni)");

        MultipleComparisons.Adjustment bh = MultipleComparisons.adjust(Correction.BENJAMINI_HOCHBERG, 0.05, P);
        assertThat(bh.significant()).containsExactly(true, false, false, true, false, false, false);
        assertThat(bh.intervalAlpha()).as("R = 2 of m = 6").isCloseTo(2 * 0.05 / 6, within(1e-15));
        assertThat(bh.statement()).contains("false discovery rate \u2264 5 %", "98.33 %", "Benjamini\u2013Yekutieli");

        MultipleComparisons.Adjustment none = MultipleComparisons.adjust(Correction.NONE, 0.05, P);
        assertThat(none.adjustedPValues()).isEqualTo(P);
        assertThat(none.intervalAlpha()).isEqualTo(0.05);
    }

    @Test
    void correctedIntervalsAreWiderAndTheBenjaminiYekutieliOnesExcludeZeroExactlyForTheSignificant() {
        // Six normal estimates with standard error 1 and z = 3.2, 2.6, 2.2, 1.0, 0.3, −0.5.
        double[] z = {3.2, 2.6, 2.2, 1.0, 0.3, -0.5};
        List<Inference> family = new java.util.ArrayList<>();
        for (double value : z) {
            family.add(FixedHorizon.inference(new Estimate(value, 1), Double.POSITIVE_INFINITY, 0.05));
        }

        MultipleComparisons.Corrected holm = MultipleComparisons.correct(Correction.HOLM, 0.05, family);
        for (int i = 0; i < z.length; i++) {
            Interval bonferroni = holm.inferences().get(i).interval();
            // z_{1 − 0.05/12} = 2.638...: Bonferroni's half-width for 6 comparisons.
            assertThat(bonferroni.width() / 2).isCloseTo(2.6382, within(1e-4));
            assertThat(holm.inferences().get(i).alpha()).isCloseTo(0.05 / 6, within(1e-15));
        }

        MultipleComparisons.Corrected bh = MultipleComparisons.correct(Correction.BENJAMINI_HOCHBERG, 0.05, family);
        for (int i = 0; i < z.length; i++) {
            boolean significant = bh.adjustment().significant()[i];
            assertThat(bh.inferences().get(i).interval().contains(0)).as("comparison %d", i).isEqualTo(!significant);
            assertThat(bh.inferences().get(i).pValue()).isEqualTo(bh.adjustment().adjustedPValues()[i]);
        }
    }

    @Test
    void refusesWhatIsNotAPValue() {
        assertThatThrownBy(() -> MultipleComparisons.holm(0.1, 1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p-value 1");
        assertThatThrownBy(() -> MultipleComparisons.adjust(Correction.HOLM, 0.05))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
    }

    @Test
    void aFamilyOfOneIsSaidInTheSingular() {
        assertThat(MultipleComparisons.adjust(Correction.HOLM, 0.05, new double[] {0.01}).statement())
                .isEqualTo("Holm (family-wise error rate \u2264 5 %) over 1 comparison; intervals at 95 % (Bonferroni)");
    }
}
