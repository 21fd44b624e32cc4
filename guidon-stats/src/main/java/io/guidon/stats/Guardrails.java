package io.guidon.stats;

/**
 * Guardrail verdicts of a progressive rollout: is the treatment significantly worse than the guardrail allows?
 *
 * <p><b>Decision.</b> The estimate (absolute or relative per the spec) gets the always-valid {@code (1 − α)}
 * interval of a {@link MixtureSequentialTest}; the guardrail is degraded when the <em>whole</em> interval lies beyond
 * the allowed degradation in the bad direction ({@code lower > maxDegradation} when lower is better,
 * {@code upper < −maxDegradation} when higher is better). The interval is two-sided, and used one-sided: if the true
 * value is within the allowance, a degraded verdict means the interval missed the true value, which happens at any
 * look with probability at most α. So the one-sided false-alarm rate is at most α, and roughly half of that since
 * only a miss on the bad side counts (far below in the simulations), at the cost of a slightly wider interval
 * ({@code ln(1/α)} where a one-sided mixture would have about {@code ln(1/(2α))}); in exchange the interval shown is
 * the one decided on.
 *
 * <p><b>Minimum data.</b> No verdict ({@code enoughData = false}, never degraded, the interval {@link Interval#ALL})
 * until each group has at least {@link #MIN_USERS_PER_GROUP} users and a variance above 0 (for a rate metric: at
 * least one user with an event, and one without) and, for a relative guardrail, a control mean above 0. The normal
 * approximation and the plug-in variance need that much; with less, a single event would swing the estimate.
 */
public final class Guardrails {

    /** Users each group needs before a verdict. */
    public static final int MIN_USERS_PER_GROUP = 100;

    /**
     * The relative excess beyond the allowance a relative guardrail's default test is tuned for
     * ({@link #defaultTest}): 0.3, a treatment 30 % of the control's mean worse than allowed. Harmful changes worth
     * an automatic rollback are of 0.1 to 1 (a doubled error rate); the top of the plausible 0.1-0.3 is taken because
     * the mixture is lopsided: a mixing standard deviation too small by a factor k needs about k times the data
     * before the interval narrows, one too large costs only a logarithm. In the simulations
     * (docs/release-management.md) a doubled error rate rolls back within 10 % of the exposures the tuning for
     * exactly its excess needs; tuned for 0.2 it needs 20 % more, tuned for 0.1 it is not caught within the plan.
     */
    public static final double DEFAULT_RELATIVE_EFFECT = 0.3;

    private Guardrails() {
    }

    /**
     * A verdict.
     *
     * @param estimate the treatment's difference from the control (relative or absolute per the spec), with its
     *     sampling variance; NaN parts when the data cannot estimate it
     * @param interval the always-valid interval of the true difference; {@link Interval#ALL} without enough data
     * @param degraded whether the whole interval is beyond the allowed degradation in the bad direction
     * @param enoughData whether the data met the minimum for a verdict (see the class comment); never degraded
     *     when not
     */
    public record Verdict(Estimate estimate, Interval interval, boolean degraded, boolean enoughData) {
    }

    /**
     * Judges a treatment against its control on one guardrail.
     *
     * @param spec the guardrail
     * @param control the control group's per-user values
     * @param treatment the treatment group's per-user values
     * @param test the always-valid test, with the per-check alpha ({@link #perTestAlpha}) and a mixing variance in
     *     the estimate's units ({@link #defaultTest})
     */
    public static Verdict judge(GuardrailSpec spec, Sample control, Sample treatment, MixtureSequentialTest test) {
        Estimate estimate = spec.relative()
                ? Differences.relative(control, treatment) : Differences.absolute(control, treatment);
        if (!enoughData(control) || !enoughData(treatment) || !Double.isFinite(estimate.value())
                || !Double.isFinite(estimate.variance())) {
            return new Verdict(estimate, Interval.ALL, false, false);
        }
        if (spec.relative() && !(control.mean() > 0)) {
            return new Verdict(estimate, Interval.ALL, false, false);
        }
        Interval interval = test.interval(estimate);
        boolean degraded = switch (spec.direction()) {
            case LOWER_IS_BETTER -> interval.lower() > spec.maxDegradation();
            case HIGHER_IS_BETTER -> interval.upper() < -spec.maxDegradation();
        };
        return new Verdict(estimate, interval, degraded, true);
    }

    private static boolean enoughData(Sample group) {
        return group.n() >= MIN_USERS_PER_GROUP && group.variance() > 0;
    }

    /**
     * The always-valid test a guardrail uses by default, at the given per-check alpha: tuned
     * ({@link MixtureSequentialTest#tunedFor}) for an excess of {@link #DEFAULT_RELATIVE_EFFECT} beyond the allowance
     * for a relative guardrail, and of the allowance itself for an absolute one (its only scale in the metric's units).
     *
     * @throws IllegalArgumentException for an absolute guardrail that allows no degradation (it has no scale: build a
     *     {@link MixtureSequentialTest#tunedFor} with a plausible effect in the metric's units), or alpha out of (0, 1)
     */
    public static MixtureSequentialTest defaultTest(GuardrailSpec spec, double alpha) {
        if (spec.relative()) {
            return MixtureSequentialTest.tunedFor(alpha, DEFAULT_RELATIVE_EFFECT);
        }
        if (spec.maxDegradation() == 0) {
            throw new IllegalArgumentException("an absolute guardrail that allows no degradation has no scale to tune"
                    + " its test for: give MixtureSequentialTest.tunedFor a plausible effect in the metric's units");
        }
        return MixtureSequentialTest.tunedFor(alpha, spec.maxDegradation());
    }

    /**
     * The per-check alpha so that a plan of {@code stages} stages, each judging {@code guardrails} guardrails with a
     * fresh always-valid test on that stage's users, keeps its overall false-alarm rate at or below {@code planAlpha}:
     * {@code planAlpha / (stages · guardrails)} (Bonferroni).
     *
     * <p>Valid because each always-valid test bounds the probability that it <em>ever</em> fires, over any number of
     * looks at any times, by its alpha; the plan falsely rolls back only if at least one of its
     * {@code stages · guardrails} tests ever fires, and by the union bound that probability is at most the sum of
     * their alphas, whatever the dependence between guardrails (the same users) or stages. Fresh tests per stage
     * (rather than one pooled over the plan) because the split changes between stages: pooling users of stages with
     * different splits confounds the treatment with time (R. Kohavi, D. Tang, Y. Xu, "Trustworthy Online Controlled
     * Experiments", 2020, ch. 15 on ramping). A plan that tests its whole run at once passes {@code stages = 1}.
     *
     * @throws IllegalArgumentException when planAlpha is not in (0, 1) or a count is below 1
     */
    public static double perTestAlpha(double planAlpha, int stages, int guardrails) {
        if (!(planAlpha > 0 && planAlpha < 1)) {
            throw new IllegalArgumentException("the plan's alpha must be in (0, 1), was " + planAlpha);
        }
        if (stages < 1 || guardrails < 1) {
            throw new IllegalArgumentException(
                    "a plan has at least 1 stage and 1 guardrail, had " + stages + " and " + guardrails);
        }
        return planAlpha / ((double) stages * guardrails);
    }
}
