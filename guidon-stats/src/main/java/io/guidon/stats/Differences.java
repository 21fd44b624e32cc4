package io.guidon.stats;

/**
 * Differences between a treatment group and a control group of different users, with their sampling variance, for
 * an asymptotically normal test ({@link MixtureSequentialTest}). The groups are independent, so their variances add.
 */
public final class Differences {

    private Differences() {
    }

    /**
     * The absolute difference {@code mean_T − mean_C}, with the unequal-variance (Welch) sampling variance
     * {@code s_T²/n_T + s_C²/n_C} (B. L. Welch, "The generalization of 'Student's' problem when several different
     * population variances are involved", Biometrika 34, 1947). Value NaN when a group is empty; variance NaN when a
     * group has fewer than 2 users.
     */
    public static Estimate absolute(Sample control, Sample treatment) {
        double variance = treatment.variance() / treatment.n() + control.variance() / control.n();
        return new Estimate(treatment.mean() - control.mean(), variance);
    }

    /**
     * The relative difference {@code mean_T / mean_C − 1} (0.1 = the treatment is 10 % above the control), with its
     * sampling variance by the delta method for a ratio of two independent means:
     * {@code Var(X̄_T/X̄_C) ≈ s_T²/(n_T·X̄_C²) + X̄_T²·s_C²/(n_C·X̄_C⁴)} (A. Deng, U. Knoblich, J. Lu, "Applying the
     * Delta Method in Metric Analytics: A Practical Guide with Novel Ideas", KDD 2018, arXiv 1803.06336, §3; the
     * first-order Taylor expansion of {@code f(a, b) = a/b} at the two means). Value and variance NaN when the control
     * mean is 0 or a group is empty; variance NaN when a group has fewer than 2 users.
     */
    public static Estimate relative(Sample control, Sample treatment) {
        double meanC = control.mean();
        double meanT = treatment.mean();
        if (meanC == 0 || Double.isNaN(meanC) || Double.isNaN(meanT)) {
            return new Estimate(Double.NaN, Double.NaN);
        }
        double meanC2 = meanC * meanC;
        double variance = treatment.variance() / (treatment.n() * meanC2)
                + meanT * meanT * control.variance() / (control.n() * meanC2 * meanC2);
        return new Estimate(meanT / meanC - 1, variance);
    }
}
