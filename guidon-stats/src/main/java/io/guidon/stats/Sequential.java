package io.guidon.stats;

import org.hipparchus.distribution.continuous.NormalDistribution;

/**
 * Always-valid (sequential) inference for experiments whose results are read while they run: the mixture SPRT of
 * {@link MixtureSequentialTest} (Johari, Koomen, Pekelis, Walsh, Operations Research 70(3), 2022) applied to the
 * same estimates as {@link FixedHorizon} (absolute or relative, any metric kind, CUPED-adjusted or not). Its
 * interval and p-value may be looked at after every new user, or every day, and the chance that the interval ever
 * misses the true value, or the p-value ever falls below α under no effect, stays at most α.
 *
 * <p><b>Tuning for experiments.</b> The test is {@link MixtureSequentialTest#tunedFor}{@code (α, δ)}: its interval is
 * narrowest when its half-width equals {@code δ}. For an experiment {@code δ} is the minimum detectable effect it
 * was planned for (the effect it should resolve by its planned end), or, without one, {@link #DEFAULT_RELATIVE_EFFECT}
 * for a relative lift. Like the guardrails' tuning (ADR 0113), the choice errs large: a mixing standard deviation
 * too small by a factor k needs about k times the data before the interval narrows, one too large costs only a
 * logarithm. The price of looking at every point: at the tuned point the half-width is {@code sqrt((1 + x)/m)}
 * against the fixed-horizon {@code z_{1−α/2}/sqrt(m)} (x from {@code tunedFor}), 1.57 times wider at α = 0.05, so a
 * sequential experiment needs about 2.5 times the users of a fixed-horizon one to resolve the same effect
 * ({@link #widthRatioAtTunedPoint}).
 */
public final class Sequential {

    /**
     * The relative lift a sequential experiment's test is tuned for when it was given no minimum detectable effect:
     * 0.05 (5 %). Online experiments' real effects are mostly of 0.5 % to 5 % (R. Kohavi, D. Tang, Y. Xu,
     * "Trustworthy Online Controlled Experiments", 2020, ch. 2 and 17); the top of that range is taken because
     * too-small tuning is the costly mistake (see the class comment).
     */
    public static final double DEFAULT_RELATIVE_EFFECT = 0.05;

    private Sequential() {
    }

    /**
     * The always-valid test for a relative lift: tuned for the minimum detectable effect when it is given (finite and
     * above 0), else for {@link #DEFAULT_RELATIVE_EFFECT}.
     *
     * @param alpha in (0, 1)
     * @param minimumDetectableEffect the planned relative MDE (0.02 = 2 %), or NaN for none
     */
    public static MixtureSequentialTest relativeTest(double alpha, double minimumDetectableEffect) {
        boolean given = minimumDetectableEffect > 0 && Double.isFinite(minimumDetectableEffect);
        return MixtureSequentialTest.tunedFor(alpha, given ? minimumDetectableEffect : DEFAULT_RELATIVE_EFFECT);
    }

    /**
     * The always-valid interval and p-value (for a true value of 0) of an estimate, as an {@link Inference} with
     * infinite degrees of freedom and the test's alpha.
     */
    public static Inference inference(Estimate estimate, MixtureSequentialTest test) {
        return new Inference(estimate, Double.POSITIVE_INFINITY, test.alpha(), test.interval(estimate),
                test.pValue(estimate, 0));
    }

    /**
     * The running answer of Johari et al. (§3): the intersection of the intervals so far and the smallest p-value so
     * far, both still always valid (the guarantee is over all looks at once). Pass the running answer of the
     * previous look and this look's {@link #inference}; the estimate is this look's. When the intersection is empty
     * (possible only in the event of probability at most α that some interval missed), this look's interval is kept.
     *
     * @param previous the running answer so far, or null at the first look
     * @param current this look's answer
     */
    public static Inference running(Inference previous, Inference current) {
        if (previous == null) {
            return current;
        }
        double lower = Math.max(previous.interval().lower(), current.interval().lower());
        double upper = Math.min(previous.interval().upper(), current.interval().upper());
        Interval interval = lower <= upper ? new Interval(lower, upper) : current.interval();
        double pValue = Double.isNaN(previous.pValue()) ? current.pValue()
                : Double.isNaN(current.pValue()) ? previous.pValue() : Math.min(previous.pValue(), current.pValue());
        return new Inference(current.estimate(), current.degreesOfFreedom(), current.alpha(), interval, pValue);
    }

    /**
     * At the information where a test tuned by {@link MixtureSequentialTest#tunedFor} is narrowest, its half-width
     * divided by the fixed-horizon normal interval's at the same alpha: {@code sqrt(1 + x)/z_{1−α/2}} (1.57 at α =
     * 0.05). Its square is the factor of users a sequential experiment needs over a fixed-horizon one for the same
     * precision at that point.
     */
    public static double widthRatioAtTunedPoint(double alpha) {
        FixedHorizon.requireAlpha(alpha);
        double x = MixtureSequentialTest.optimalInformationRatio(alpha);
        return Math.sqrt(1 + x) / new NormalDistribution()
                .inverseCumulativeProbability(1 - alpha / 2);
    }
}
