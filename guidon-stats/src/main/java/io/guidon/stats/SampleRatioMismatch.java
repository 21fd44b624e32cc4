package io.guidon.stats;

import org.hipparchus.stat.inference.ChiSquareTest;

/**
 * The sample-ratio-mismatch check: Pearson's chi-squared goodness-of-fit of the users observed in each group to the
 * split that was planned (Hipparchus's {@link ChiSquareTest}). A small p-value means the split itself is broken
 * (assignment, logging or filtering differ between groups), which makes every comparison between the groups
 * meaningless (A. Fabijan et al., "Diagnosing Sample Ratio Mismatch in Online Controlled Experiments", KDD 2019).
 *
 * <p>{@code χ² = Σ (O_i − E_i)²/E_i} with {@code E_i = N · w_i / Σw}, {@code k − 1} degrees of freedom. This is a
 * fixed-sample test: checked again and again it will eventually fire by chance, so a caller that checks it
 * continuously uses a strict threshold ({@link #RECOMMENDED_THRESHOLD}) and only pauses on it.
 */
public final class SampleRatioMismatch {

    /**
     * A p-value below which a split is called broken: 0.001, the strict threshold of Fabijan et al. (KDD 2019) for a
     * check that is looked at repeatedly (they use 0.0005; both keep repeated looks from pausing healthy plans).
     */
    public static final double RECOMMENDED_THRESHOLD = 0.001;

    private static final ChiSquareTest CHI_SQUARE = new ChiSquareTest();

    private SampleRatioMismatch() {
    }

    /**
     * The result of the test.
     *
     * @param statistic Pearson's {@code χ²}, at least 0
     * @param degreesOfFreedom the number of groups − 1
     * @param pValue {@code P(χ²_df ≥ statistic)}, in [0, 1]
     */
    public record Result(double statistic, int degreesOfFreedom, double pValue) {

        /**
         * Whether the split is called broken at this threshold: {@code pValue < threshold}. An experiment's results
         * page uses {@link #RECOMMENDED_THRESHOLD} and, on a mismatch, shows a warning and recommends no "ship".
         */
        public boolean mismatch(double threshold) {
            return pValue < threshold;
        }
    }

    /**
     * The planned share of each group, {@code w_i / Σw}, summing to 1. When the sum overflows a double (two weights of
     * 1e308 sum to infinity, which would make every share 0) the weights are first divided by the largest, so that
     * weights of any finite scale give their shares; otherwise they are divided by their sum as they are, exactly
     * as before (90 and 10 give 0.9 and 0.1, not a rounding of them).
     *
     * @param weights each finite and above 0
     * @throws IllegalArgumentException when a weight is not finite and above 0
     */
    public static double[] shares(double[] weights) {
        double largest = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] > 0) || !Double.isFinite(weights[i])) {
                throw new IllegalArgumentException(
                        "expectedWeights[" + i + "] must be finite and above 0, was " + weights[i]);
            }
            largest = Math.max(largest, weights[i]);
        }
        double scale = 1;
        double sum = 0;
        for (double w : weights) {
            sum += w;
        }
        if (Double.isInfinite(sum)) {
            scale = largest;
            sum = 0;
            for (double w : weights) {
                sum += w / scale;
            }
        }
        double[] shares = new double[weights.length];
        for (int i = 0; i < weights.length; i++) {
            shares[i] = weights[i] / scale / sum;
        }
        return shares;
    }

    /**
     * Tests observed counts against a planned split.
     *
     * @param observed users seen in each group, each at least 0; with no users at all the result is
     *     {@code (0, k − 1, 1)}: no evidence of anything
     * @param expectedWeights the planned share of each group, each finite and above 0; they need not sum to 1
     *     (weights 1, 1 or 50, 50 mean an even split)
     * @throws IllegalArgumentException when the arrays are null, of different lengths or shorter than 2, or hold a
     *     negative count or a weight that is not finite and above 0
     */
    public static Result test(long[] observed, double[] expectedWeights) {
        if (observed == null || expectedWeights == null) {
            throw new IllegalArgumentException("observed counts and expected weights are required");
        }
        if (observed.length != expectedWeights.length) {
            throw new IllegalArgumentException("observed counts (" + observed.length + ") and expected weights ("
                    + expectedWeights.length + ") differ in length");
        }
        if (observed.length < 2) {
            throw new IllegalArgumentException("a split has at least 2 groups, got " + observed.length);
        }
        long total = 0;
        for (int i = 0; i < observed.length; i++) {
            if (observed[i] < 0) {
                throw new IllegalArgumentException("observed[" + i + "] is negative: " + observed[i]);
            }
            total = Math.addExact(total, observed[i]);
        }
        double[] shares = shares(expectedWeights);
        int degreesOfFreedom = observed.length - 1;
        if (total == 0) {
            return new Result(0, degreesOfFreedom, 1);
        }
        double[] expected = new double[observed.length];
        for (int i = 0; i < observed.length; i++) {
            expected[i] = total * shares[i];
        }
        return new Result(CHI_SQUARE.chiSquare(expected, observed), degreesOfFreedom,
                CHI_SQUARE.chiSquareTest(expected, observed));
    }
}
