package io.guidon.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Corrections for many comparisons at once: every treatment arm against the control, on every metric of an
 * experiment (a family of {@code m} comparisons). Without one, 20 comparisons with no true effect show on average
 * one "significant" result at α = 0.05.
 *
 * <ul>
 *   <li><b>Holm</b> (S. Holm, "A Simple Sequentially Rejective Multiple Test Procedure", Scandinavian Journal of
 *       Statistics 6(2), 1979): controls the family-wise error rate, the chance of any false positive, at α. With the
 *       p-values sorted {@code p(1) ≤ … ≤ p(m)}, the adjusted {@code p̃(i) = max_{j ≤ i} min(1, (m − j + 1) p(j))}
 *       (R's {@code p.adjust(p, "holm")}).</li>
 *   <li><b>Benjamini–Hochberg</b> (Y. Benjamini, Y. Hochberg, "Controlling the False Discovery Rate", JRSS B 57(1),
 *       1995): controls the false discovery rate, the expected share of false positives among the significant results,
 *       at α (for independent or positively dependent tests). {@code p̃(i) = min_{j ≥ i} min(1, m p(j)/j)} (R's
 *       {@code p.adjust(p, "BH")}).</li>
 * </ul>
 * A comparison is significant when its adjusted p-value is below α. A NaN p-value (a comparison without enough data)
 * stays NaN and is not counted in {@code m}, as R's {@code p.adjust} does with {@code NA}.
 *
 * <p><b>Intervals.</b> Neither procedure defines one interval per comparison by itself, so:
 * <ul>
 *   <li>with Holm, every interval is Bonferroni's, at {@code 1 − α/m}: simultaneous intervals that all cover their
 *       true values with probability at least {@code 1 − α}. Holm rejects at least what they exclude, so an interval
 *       can hold 0 while Holm calls the comparison significant (Holm's own compatible intervals, G. Strassburger, F.
 *       Bretz, Statistics in Medicine 27, 2008, are uninformative for the rejected ones);</li>
 *   <li>with Benjamini–Hochberg, every interval is at {@code 1 − R·α/m}, R the number of significant comparisons
 *       (1 when none): the false-coverage-rate intervals of Y. Benjamini, D. Yekutieli, "False Discovery Rate–Adjusted
 *       Multiple Confidence Intervals for Selected Parameters", JASA 100(469), 2005, which keep the expected share of
 *       non-covering intervals among the significant comparisons at most α, and exclude 0 for exactly those. Their
 *       guarantee is for the significant comparisons; the others are shown at the same level so the table reads
 *       alike.</li>
 * </ul>
 */
public final class MultipleComparisons {

    private MultipleComparisons() {
    }

    /** A correction. */
    public enum Correction {
        /** No correction: each comparison at α. */
        NONE,
        /** Holm's step-down procedure: the family-wise error rate; Bonferroni intervals. */
        HOLM,
        /** Benjamini–Hochberg's step-up procedure: the false discovery rate; Benjamini–Yekutieli intervals. */
        BENJAMINI_HOCHBERG
    }

    /**
     * A correction applied to a family of comparisons.
     *
     * @param correction which
     * @param alpha the family's α (the error rate controlled)
     * @param adjustedPValues one per comparison, in the order given
     * @param significant whether each adjusted p-value is below α (false for a NaN one)
     * @param intervalAlpha the per-comparison α every interval is computed at (see the class comment); m counts the
     *     p-values that are not NaN
     */
    public record Adjustment(Correction correction, double alpha, double[] adjustedPValues, boolean[] significant,
            double intervalAlpha) {

        /** The number of comparisons in the family: those with a p-value (not NaN). */
        public int comparisons() {
            return (int) Arrays.stream(adjustedPValues).filter(p -> !Double.isNaN(p)).count();
        }

        /**
         * What was done, in words for a results page: "Holm (family-wise error rate ≤ 5 %) over 6 comparisons;
         * intervals at 99.17 % (Bonferroni)".
         */
        public String statement() {
            int m = comparisons();
            return switch (correction) {
                case NONE -> String.format(Locale.ROOT, "no correction over %s; intervals at %s", count(m),
                        percent(1 - intervalAlpha));
                case HOLM -> String.format(Locale.ROOT, "Holm (family-wise error rate \u2264 %s) over %s;"
                        + " intervals at %s (Bonferroni)", percent(alpha), count(m), percent(1 - intervalAlpha));
                case BENJAMINI_HOCHBERG -> String.format(Locale.ROOT, "Benjamini\u2013Hochberg (false discovery rate"
                        + " \u2264 %s) over %s; intervals at %s (Benjamini\u2013Yekutieli)",
                        percent(alpha), count(m), percent(1 - intervalAlpha));
            };
        }

        private static String count(int m) {
            return m == 1 ? "1 comparison" : m + " comparisons";
        }

        private static String percent(double x) {
            String s = String.format(Locale.ROOT, "%.2f", 100 * x);
            return s.replaceAll("\\.?0+$", "") + " %";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Adjustment a && correction == a.correction && Double.compare(alpha, a.alpha) == 0
                    && Arrays.equals(adjustedPValues, a.adjustedPValues) && Arrays.equals(significant, a.significant)
                    && Double.compare(intervalAlpha, a.intervalAlpha) == 0;
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(adjustedPValues) + correction.hashCode();
        }

        @Override
        public String toString() {
            return "Adjustment[" + statement() + ", adjusted=" + Arrays.toString(adjustedPValues) + "]";
        }
    }

    /**
     * Holm's adjusted p-values, in the order given (see the class comment).
     *
     * @throws IllegalArgumentException when a p-value is neither in [0, 1] nor NaN
     */
    public static double[] holm(double... pValues) {
        Integer[] order = ascending(pValues);
        int m = order.length;
        double[] adjusted = nans(pValues.length);
        double running = 0;
        for (int rank = 0; rank < m; rank++) {
            int i = order[rank];
            running = Math.max(running, Math.min(1, (m - rank) * pValues[i]));
            adjusted[i] = running;
        }
        return adjusted;
    }

    /**
     * Benjamini–Hochberg's adjusted p-values, in the order given (see the class comment).
     *
     * @throws IllegalArgumentException when a p-value is neither in [0, 1] nor NaN
     */
    public static double[] benjaminiHochberg(double... pValues) {
        Integer[] order = ascending(pValues);
        int m = order.length;
        double[] adjusted = nans(pValues.length);
        double running = 1;
        for (int rank = m - 1; rank >= 0; rank--) {
            int i = order[rank];
            running = Math.min(running, Math.min(1, (double) m * pValues[i] / (rank + 1)));
            adjusted[i] = running;
        }
        return adjusted;
    }

    /**
     * Applies a correction to a family's p-values at the family's α.
     *
     * @throws IllegalArgumentException when a p-value is neither in [0, 1] nor NaN, there are none, or alpha is not
     *     in (0, 1)
     */
    public static Adjustment adjust(Correction correction, double alpha, double... pValues) {
        FixedHorizon.requireAlpha(alpha);
        if (pValues.length == 0) {
            throw new IllegalArgumentException("a family has at least one comparison");
        }
        int m = ascending(pValues).length;
        double[] adjusted = switch (correction) {
            case NONE -> pValues.clone();
            case HOLM -> holm(pValues);
            case BENJAMINI_HOCHBERG -> benjaminiHochberg(pValues);
        };
        boolean[] significant = new boolean[pValues.length];
        int rejected = 0;
        for (int i = 0; i < pValues.length; i++) {
            significant[i] = adjusted[i] < alpha;
            rejected += significant[i] ? 1 : 0;
        }
        double intervalAlpha = switch (correction) {
            case NONE -> alpha;
            case HOLM -> alpha / Math.max(1, m);
            case BENJAMINI_HOCHBERG -> Math.max(1, rejected) * alpha / Math.max(1, m);
        };
        return new Adjustment(correction, alpha, adjusted, significant, intervalAlpha);
    }

    /**
     * Applies a correction to a family of fixed-horizon answers ({@link FixedHorizon}): each gets its adjusted
     * p-value and its interval recomputed at {@link Adjustment#intervalAlpha()} from its estimate and degrees of
     * freedom (the answers' own alphas are ignored).
     *
     * @param family the comparisons' answers, at least one
     * @param alpha the family's α
     * @return the adjustment, and the corrected answers in the same order
     */
    public static Corrected correct(Correction correction, double alpha, List<Inference> family) {
        double[] pValues = family.stream().mapToDouble(Inference::pValue).toArray();
        Adjustment adjustment = adjust(correction, alpha, pValues);
        List<Inference> corrected = new ArrayList<>(family.size());
        for (int i = 0; i < family.size(); i++) {
            Inference original = family.get(i);
            Inference widened = FixedHorizon.inference(original.estimate(), original.degreesOfFreedom(),
                    adjustment.intervalAlpha());
            corrected.add(new Inference(original.estimate(), original.degreesOfFreedom(), adjustment.intervalAlpha(),
                    widened.interval(), adjustment.adjustedPValues()[i]));
        }
        return new Corrected(adjustment, List.copyOf(corrected));
    }

    /**
     * A corrected family.
     *
     * @param adjustment what was applied
     * @param inferences each comparison with its adjusted p-value and its interval at the adjustment's interval alpha;
     *     the verdicts are {@link Adjustment#significant()}
     */
    public record Corrected(Adjustment adjustment, List<Inference> inferences) {
    }

    /** The indices of the p-values that are not NaN, by ascending p-value. */
    private static Integer[] ascending(double[] pValues) {
        List<Integer> known = new ArrayList<>(pValues.length);
        for (int i = 0; i < pValues.length; i++) {
            if (Double.isNaN(pValues[i])) {
                continue;
            }
            if (!(pValues[i] >= 0 && pValues[i] <= 1)) {
                throw new IllegalArgumentException("p-value " + i + " must be in [0, 1] or NaN, was " + pValues[i]);
            }
            known.add(i);
        }
        Integer[] order = known.toArray(new Integer[0]);
        Arrays.sort(order, Comparator.comparingDouble(i -> pValues[i]));
        return order;
    }

    private static double[] nans(int length) {
        double[] values = new double[length];
        Arrays.fill(values, Double.NaN);
        return values;
    }
}
