package io.guidon.controlplane.service;

import io.guidon.controlplane.domain.AnalysisPlan;
import io.guidon.controlplane.domain.AnalysisSums;
import io.guidon.controlplane.domain.ExperimentSnapshot;
import io.guidon.stats.ArmEstimate;
import io.guidon.stats.Bayesian;
import io.guidon.stats.Covariate;
import io.guidon.stats.Cuped;
import io.guidon.stats.Direction;
import io.guidon.stats.Estimate;
import io.guidon.stats.FixedHorizon;
import io.guidon.stats.Inference;
import io.guidon.stats.MixtureSequentialTest;
import io.guidon.stats.MultipleComparisons;
import io.guidon.stats.Proportion;
import io.guidon.stats.RatioSample;
import io.guidon.stats.Sample;
import io.guidon.stats.SampleRatioMismatch;
import io.guidon.stats.SampleSize;
import io.guidon.stats.Sequential;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * From an experiment's sums to its results, with {@code guidon-stats} (docs/experiments.md "Results" defines every
 * number and the verdict). Pure: no I/O, no clock.
 *
 * <p>Per metric and treatment arm, against the control: the absolute difference and the relative lift
 * ({@link FixedHorizon} or, for a sequential experiment, the always-valid {@link Sequential} answer running over the
 * looks so far: the daily snapshots and the current one), CUPED-adjusted ({@link Cuped}) when the experiment has a
 * pre-exposure window and the metric is not a ratio; for a Bayesian experiment the Gaussian posterior of the relative
 * lift under {@link Bayesian.NormalPrior#weakOnRelativeLift()}. The family corrected by the experiment's correction is
 * every treatment arm × the primary and secondary metrics; guardrails are judged on their own at α.
 */
public final class ExperimentAnalysis {

    /** The SRM check's threshold: a χ² p-value below it is a sample-ratio mismatch (Fabijan et al., KDD 2019). */
    public static final double SRM_THRESHOLD = SampleRatioMismatch.RECOMMENDED_THRESHOLD;

    private ExperimentAnalysis() {
    }

    /** The results of one snapshot. */
    public record Results(AnalysisPlan plan, ExperimentSnapshot snapshot, Srm srm, String method, String correction,
            List<MetricResult> metrics, Verdict verdict, Progress progress) {
    }

    /**
     * The sample-ratio-mismatch check: Pearson's χ² of the users per variant against the planned weights.
     *
     * @param pValue NaN when there are no users
     * @param mismatch whether {@code pValue < threshold}: the split is not what was planned, and no variant is shipped
     */
    public record Srm(Map<String, Long> users, Map<String, Double> expectedShare, double chi2, int degreesOfFreedom,
            double pValue, double threshold, boolean mismatch) {
    }

    /** One metric's results: one entry per variant, the control first. */
    public record MetricResult(AnalysisPlan.Metric metric, List<ArmResult> arms) {
    }

    /**
     * One variant's numbers on a metric.
     *
     * @param conversions a proportion's users who converted; null for other kinds
     * @param value the proportion's rate, the mean per user, or the ratio ΣX/ΣY; NaN without users
     * @param numerator ΣX (a ratio's numerator; the sum of the amounts of a mean)
     * @param denominator a ratio's ΣY; null for other kinds
     * @param cap the bound applied to each user's amount, or null
     * @param comparison against the control; null for the control itself
     */
    public record ArmResult(String variant, long users, Long conversions, double value, double numerator,
            Double denominator, Double cap, Comparison comparison) {
    }

    /**
     * A treatment arm against the control on one metric.
     *
     * @param absolute the difference of the values (CUPED-adjusted when {@code cuped}) and its interval
     * @param relative the relative lift (value/control − 1) and its interval: what p-values, corrections and the
     *     verdict are about
     * @param pValue the relative lift's two-sided p-value (frequentist; running minimum when sequential); NaN when
     *     Bayesian or unknown
     * @param adjustedPValue after the experiment's correction (primary and secondary metrics); the p-value itself for
     *     guardrails and without a correction
     * @param posterior the Bayesian answer (chance to beat control, expected losses, credible interval); null when
     *     frequentist
     * @param varianceReduction CUPED's share of the variance removed; null without CUPED
     * @param outcome {@code better}, {@code worse} (significant, in the metric's direction) or {@code none}
     */
    public record Comparison(Inference absolute, Inference relative, double pValue, double adjustedPValue,
            Bayesian.Posterior posterior, Double varianceReduction, String outcome) {
    }

    /**
     * The decision the numbers support.
     *
     * @param decision {@code ship}, {@code keep_control}, {@code inconclusive}, {@code blocked_by_srm} or
     *     {@code keep_running} (a running fixed-horizon experiment's "ship" before its planned sample size)
     * @param variant the variant to ship; null otherwise
     * @param reason in words
     */
    public record Verdict(String decision, String variant, String reason) {
    }

    /**
     * Progress towards the planned sample size.
     *
     * @param neededPerArm users per arm to detect the minimum detectable effect on the primary metric at α and power
     *     with the control's observed baseline (×{@link Sequential#widthRatioAtTunedPoint}² when sequential); null
     *     without an MDE or a baseline
     * @param smallestArm the users of the smallest arm so far
     * @param fraction {@code smallestArm / neededPerArm}; null when unknown
     */
    public record Progress(Double neededPerArm, long smallestArm, Double fraction) {
    }

    /**
     * The sequential answers carried from one look to the next ({@link Sequential#running}), per metric and
     * treatment: at α for the p-value, and at the family's interval α for the interval.
     */
    public static final class Looks {
        private final Map<String, Inference[]> running = new HashMap<>();

        Inference[] previous(String metric, String variant) {
            return running.get(metric + "\u0000" + variant);
        }

        void put(String metric, String variant, Inference atAlpha, Inference atIntervalAlpha) {
            running.put(metric + "\u0000" + variant, new Inference[] {atAlpha, atIntervalAlpha});
        }
    }

    /**
     * The results of a snapshot.
     *
     * @param looks the sequential answers of the earlier looks (the daily snapshots before this one, in order);
     *     updated with this look's. Unused by fixed-horizon and Bayesian experiments.
     */
    public static Results assemble(AnalysisPlan plan, ExperimentSnapshot snapshot, Looks looks) {
        AnalysisSums sums = snapshot.sums();
        Srm srm = srm(plan, sums);
        String control = plan.controlVariant();
        List<String> treatments = plan.variantKeys().stream().filter(v -> !v.equals(control)).toList();
        MultipleComparisons.Correction correction = correction(plan);
        int familySize = (int) plan.metrics().stream().filter(m -> m.role() != AnalysisPlan.Role.GUARDRAIL).count()
                * treatments.size();
        double intervalAlphaSequential = correction == MultipleComparisons.Correction.NONE || familySize == 0
                ? plan.alpha() : plan.alpha() / familySize;

        // First pass: each comparison's uncorrected answer.
        Map<String, Draft> drafts = new LinkedHashMap<>();
        List<String> family = new ArrayList<>();
        for (AnalysisPlan.Metric m : plan.metrics()) {
            for (String t : treatments) {
                Draft d = draft(plan, m, sums.of(m.key(), control), sums.of(m.key(), t), looks, t,
                        intervalAlphaSequential);
                drafts.put(m.key() + "\u0000" + t, d);
                if (m.role() != AnalysisPlan.Role.GUARDRAIL) {
                    family.add(m.key() + "\u0000" + t);
                }
            }
        }
        // The correction over the family (frequentist only).
        String correctionStatement;
        Map<String, double[]> adjusted = new HashMap<>();
        Map<String, Inference> correctedIntervals = new HashMap<>();
        if (plan.bayesian()) {
            correctionStatement = "none: Bayesian answers are posterior probabilities, which a correction for"
                    + " multiple tests does not apply to";
        } else if (family.isEmpty()) {
            correctionStatement = "none: no comparisons";
        } else if (plan.sequential()) {
            MultipleComparisons.Adjustment a = MultipleComparisons.adjust(correction, plan.alpha(),
                    family.stream().mapToDouble(k -> drafts.get(k).relative.pValue()).toArray());
            for (int i = 0; i < family.size(); i++) {
                adjusted.put(family.get(i), new double[] {a.adjustedPValues()[i]});
                correctedIntervals.put(family.get(i), drafts.get(family.get(i)).relativeAtIntervalAlpha);
            }
            correctionStatement = correction == MultipleComparisons.Correction.NONE ? a.statement()
                    : a.statement().replaceFirst("intervals at .*$", "always-valid intervals at "
                            + percent(1 - intervalAlphaSequential) + " (Bonferroni)");
        } else {
            MultipleComparisons.Corrected c = MultipleComparisons.correct(correction, plan.alpha(),
                    family.stream().map(k -> drafts.get(k).relative).toList());
            for (int i = 0; i < family.size(); i++) {
                adjusted.put(family.get(i), new double[] {c.adjustment().adjustedPValues()[i]});
                correctedIntervals.put(family.get(i), c.inferences().get(i));
            }
            correctionStatement = c.adjustment().statement();
        }

        List<MetricResult> metrics = new ArrayList<>();
        for (AnalysisPlan.Metric m : plan.metrics()) {
            List<ArmResult> arms = new ArrayList<>();
            arms.add(arm(m, control, sums.of(m.key(), control), null));
            for (String t : treatments) {
                String k = m.key() + "\u0000" + t;
                Draft d = drafts.get(k);
                Inference relative = correctedIntervals.getOrDefault(k, d.relative);
                double adjustedP = adjusted.containsKey(k) ? adjusted.get(k)[0] : d.relative.pValue();
                String outcome = outcome(plan, m, relative.estimate().value(), adjustedP, d.posterior);
                arms.add(arm(m, t, sums.of(m.key(), t), new Comparison(d.absolute, relative,
                        plan.bayesian() ? Double.NaN : d.relative.pValue(), plan.bayesian() ? Double.NaN : adjustedP,
                        d.posterior, d.varianceReduction, outcome)));
            }
            metrics.add(new MetricResult(m, arms));
        }
        Progress progress = progress(plan, sums);
        return new Results(plan, snapshot, srm, method(plan), correctionStatement, metrics,
                heldToItsHorizon(plan, progress, verdict(plan, srm, metrics)), progress);
    }

    /** One comparison before the correction. */
    private record Draft(Inference absolute, Inference relative, Inference relativeAtIntervalAlpha,
            Bayesian.Posterior posterior, Double varianceReduction) {
    }

    private static Draft draft(AnalysisPlan plan, AnalysisPlan.Metric m, AnalysisSums.Sums c, AnalysisSums.Sums t,
            Looks looks, String variant, double intervalAlpha) {
        Estimate absolute;
        Estimate relative;
        double df;
        Double reduction = null;
        if (c.n() < 2 || t.n() < 2) {
            absolute = new Estimate(Double.NaN, Double.NaN);
            relative = new Estimate(Double.NaN, Double.NaN);
            df = Double.POSITIVE_INFINITY;
        } else if (plan.cupedSeconds() != null && m.kind() != AnalysisPlan.Kind.RATIO) {
            Cuped.Adjustment a = Cuped.adjust(sample(c), covariate(c), sample(t), covariate(t));
            absolute = a.absolute();
            relative = a.relative();
            df = m.kind() == AnalysisPlan.Kind.PROPORTION ? Double.POSITIVE_INFINITY
                    : FixedHorizon.welchDegreesOfFreedom(a.control(), a.treatment());
            reduction = Double.isNaN(a.varianceReduction()) ? null : a.varianceReduction();
        } else {
            ArmEstimate ce = estimate(m, c);
            ArmEstimate te = estimate(m, t);
            absolute = new Estimate(te.mean() - ce.mean(), te.variance() + ce.variance());
            relative = io.guidon.stats.Differences.relative(ce, te);
            df = FixedHorizon.welchDegreesOfFreedom(ce, te);
        }
        if (Double.isNaN(df)) {
            df = Double.POSITIVE_INFINITY;
        }
        Inference abs;
        Inference rel;
        Inference relAtIntervalAlpha;
        Bayesian.Posterior posterior = null;
        if (plan.sequential() && !plan.bayesian()) {
            double mde = plan.minimumDetectableEffect() == null ? Double.NaN : plan.minimumDetectableEffect();
            MixtureSequentialTest test = Sequential.relativeTest(plan.alpha(), mde);
            MixtureSequentialTest wide = Sequential.relativeTest(intervalAlpha, mde);
            Inference[] previous = looks.previous(m.key(), variant);
            rel = Sequential.running(previous == null ? null : previous[0], Sequential.inference(relative, test));
            relAtIntervalAlpha = Sequential.running(previous == null ? null : previous[1],
                    Sequential.inference(relative, wide));
            looks.put(m.key(), variant, rel, relAtIntervalAlpha);
            // The decision is the relative lift's always-valid answer; the absolute difference is shown for scale
            // with its fixed-horizon interval (docs/experiments.md "Results").
            abs = FixedHorizon.inference(absolute, df, plan.alpha());
        } else {
            abs = FixedHorizon.inference(absolute, df, plan.alpha());
            rel = FixedHorizon.inference(relative, Double.POSITIVE_INFINITY, plan.alpha());
            relAtIntervalAlpha = rel;
        }
        if (plan.bayesian()) {
            posterior = Bayesian.gaussian(relative, Bayesian.NormalPrior.weakOnRelativeLift(),
                    m.higherIsBetter() ? Direction.HIGHER_IS_BETTER : Direction.LOWER_IS_BETTER, 1 - plan.alpha());
            // The lift answered is the posterior's mean and standard deviation: the credible interval is centred on
            // them, and the observed lift (the likelihood) can lie outside it when the prior shrinks a noisy one.
            double sd = posterior.standardDeviation();
            rel = new Inference(new Estimate(posterior.mean(), sd * sd),
                    Double.POSITIVE_INFINITY, plan.alpha(), posterior.credibleInterval(), Double.NaN);
            relAtIntervalAlpha = rel;
        }
        return new Draft(abs, rel, relAtIntervalAlpha, posterior, reduction);
    }

    private static Sample sample(AnalysisSums.Sums s) {
        return new Sample(s.n(), s.sumX(), Math.max(0, s.sumX2()));
    }

    private static Covariate covariate(AnalysisSums.Sums s) {
        return new Covariate(s.sumPre(), Math.max(0, s.sumPre2()), s.sumXPre());
    }

    private static ArmEstimate estimate(AnalysisPlan.Metric m, AnalysisSums.Sums s) {
        return switch (m.kind()) {
            case PROPORTION -> ArmEstimate.of(new Proportion(s.n(), Math.min(s.n(), s.converters())));
            case MEAN -> ArmEstimate.of(sample(s));
            case RATIO -> ArmEstimate.of(new RatioSample(s.n(), s.sumX(), s.sumY(), Math.max(0, s.sumX2()),
                    Math.max(0, s.sumY2()), s.sumXY()));
        };
    }

    private static ArmResult arm(AnalysisPlan.Metric m, String variant, AnalysisSums.Sums s, Comparison comparison) {
        double value = switch (m.kind()) {
            case PROPORTION, MEAN -> s.n() == 0 ? Double.NaN : s.sumX() / s.n();
            case RATIO -> s.sumY() == 0 ? Double.NaN : s.sumX() / s.sumY();
        };
        return new ArmResult(variant, s.n(), m.kind() == AnalysisPlan.Kind.PROPORTION ? s.converters() : null, value,
                s.sumX(), m.kind() == AnalysisPlan.Kind.RATIO ? s.sumY() : null, s.cap(), comparison);
    }

    /**
     * Better or worse in the metric's direction: frequentist, the adjusted p-value below α (the p-value itself for a
     * guardrail); Bayesian, a chance to beat control of at least {@code 1 − α} (better) or at most α (worse).
     */
    private static String outcome(AnalysisPlan plan, AnalysisPlan.Metric m, double lift, double adjustedP,
            Bayesian.Posterior posterior) {
        if (plan.bayesian()) {
            if (posterior == null || Double.isNaN(posterior.chanceToBeatControl())) {
                return "none";
            }
            return posterior.chanceToBeatControl() >= 1 - plan.alpha() ? "better"
                    : posterior.chanceToBeatControl() <= plan.alpha() ? "worse" : "none";
        }
        if (Double.isNaN(adjustedP) || !(adjustedP < plan.alpha()) || Double.isNaN(lift) || lift == 0) {
            return "none";
        }
        return (lift > 0) == m.higherIsBetter() ? "better" : "worse";
    }

    private static Srm srm(AnalysisPlan plan, AnalysisSums sums) {
        long[] observed = plan.variantKeys().stream().mapToLong(sums::usersOf).toArray();
        double[] weights = plan.weights();
        double[] shares = SampleRatioMismatch.shares(weights);
        Map<String, Long> users = new LinkedHashMap<>();
        Map<String, Double> share = new LinkedHashMap<>();
        for (int i = 0; i < observed.length; i++) {
            users.put(plan.variantKeys().get(i), observed[i]);
            share.put(plan.variantKeys().get(i), shares[i]);
        }
        long n = java.util.Arrays.stream(observed).sum();
        if (n == 0 || observed.length < 2) {
            return new Srm(users, share, Double.NaN, Math.max(0, observed.length - 1), Double.NaN, SRM_THRESHOLD,
                    false);
        }
        SampleRatioMismatch.Result r = SampleRatioMismatch.test(observed, weights);
        return new Srm(users, share, r.statistic(), r.degreesOfFreedom(), r.pValue(), SRM_THRESHOLD,
                r.mismatch(SRM_THRESHOLD));
    }

    /**
     * The verdict (docs/experiments.md "The verdict"): blocked by SRM when the split mismatches; else ship the
     * treatment with the largest relative lift among those better on the primary metric with no guardrail worse;
     * else keep the control when every treatment is worse on the primary metric or worse on a guardrail; else
     * inconclusive.
     */
    static Verdict verdict(AnalysisPlan plan, Srm srm, List<MetricResult> metrics) {
        if (srm.mismatch()) {
            return new Verdict("blocked_by_srm", null, String.format(java.util.Locale.ROOT, "the users' split across"
                    + " variants is not the planned one (sample-ratio mismatch, p = %.3g < %s): the assignment or"
                    + " the exposures are broken, and no variant can be shipped on these numbers", srm.pValue(),
                    srm.threshold()));
        }
        MetricResult primary = metrics.stream().filter(r -> r.metric().role() == AnalysisPlan.Role.PRIMARY)
                .findFirst().orElse(null);
        if (primary == null) {
            return new Verdict("inconclusive", null, "the experiment has no primary metric");
        }
        String best = null;
        double bestLift = 0;
        boolean allRejected = true;
        List<String> degraded = new ArrayList<>();
        for (ArmResult a : primary.arms()) {
            if (a.comparison() == null) {
                continue;
            }
            List<String> guardrails = new ArrayList<>();
            for (MetricResult r : metrics) {
                if (r.metric().role() != AnalysisPlan.Role.GUARDRAIL) {
                    continue;
                }
                for (ArmResult g : r.arms()) {
                    if (g.variant().equals(a.variant()) && g.comparison() != null
                            && "worse".equals(g.comparison().outcome())) {
                        guardrails.add(r.metric().key());
                    }
                }
            }
            if (!guardrails.isEmpty()) {
                degraded.add(a.variant() + " degrades " + String.join(", ", guardrails));
            }
            String outcome = a.comparison().outcome();
            double lift = a.comparison().relative().estimate().value();
            double gain = primary.metric().higherIsBetter() ? lift : -lift;
            if ("better".equals(outcome) && guardrails.isEmpty() && (best == null || gain > bestLift)) {
                best = a.variant();
                bestLift = gain;
            }
            allRejected &= "worse".equals(outcome) || !guardrails.isEmpty();
        }
        if (best != null) {
            return new Verdict("ship", best, best + " is better than " + plan.controlVariant() + " on the primary"
                    + " metric " + primary.metric().key() + " and degrades no guardrail"
                    + (degraded.isEmpty() ? "" : " (" + String.join("; ", degraded) + ")"));
        }
        if (allRejected && primary.arms().size() > 1) {
            return new Verdict("keep_control", null, "every treatment is worse than " + plan.controlVariant()
                    + " on the primary metric " + primary.metric().key() + " or degrades a guardrail"
                    + (degraded.isEmpty() ? "" : " (" + String.join("; ", degraded) + ")"));
        }
        return new Verdict("inconclusive", null, "no treatment is yet better than " + plan.controlVariant()
                + " on the primary metric " + primary.metric().key() + " without degrading a guardrail"
                + (degraded.isEmpty() ? "" : " (" + String.join("; ", degraded) + ")"));
    }

    /**
     * A running frequentist fixed-horizon experiment is read once, at its planned sample size: before it, a "ship"
     * is held back as {@code keep_running}. Acting on the first p below α while the data grow is peeking, which
     * inflates the false-positive rate well above α (Johari et al., Operations Research 70(3), 2022, §2; R. Kohavi,
     * D. Tang, Y. Xu, "Trustworthy Online Controlled Experiments", 2020, ch. 17). A "keep_control" is not held: stopping
     * a harmful treatment early is the cautious side. Sequential and Bayesian experiments, one without a planned
     * size (no minimum detectable effect or no baseline yet) and a stopped one keep their verdict.
     */
    static Verdict heldToItsHorizon(AnalysisPlan plan, Progress progress, Verdict verdict) {
        if (!"ship".equals(verdict.decision()) || plan.bayesian() || plan.sequential()
                || !"running".equals(plan.status()) || progress.fraction() == null || progress.fraction() >= 1) {
            return verdict;
        }
        return new Verdict("keep_running", null, String.format(java.util.Locale.ROOT, "%s looks better, but a"
                + " fixed-horizon experiment is read once, at its planned sample size: %,d of %,.0f users in the"
                + " smallest arm so far (%.0f %%); acting on a p-value before then inflates the false-positive rate"
                + " (choose sequential analysis to read the results at any time)", verdict.variant(),
                progress.smallestArm(), Math.ceil(progress.neededPerArm()), Math.floor(100 * progress.fraction())));
    }

    /** Users per arm needed for the MDE on the primary metric with the control's observed baseline. */
    static Progress progress(AnalysisPlan plan, AnalysisSums sums) {
        long smallest = plan.variantKeys().stream().mapToLong(sums::usersOf).min().orElse(0);
        AnalysisPlan.Metric primary = plan.metrics().stream().filter(m -> m.role() == AnalysisPlan.Role.PRIMARY)
                .findFirst().orElse(null);
        Double mde = plan.minimumDetectableEffect();
        if (primary == null || mde == null) {
            return new Progress(null, smallest, null);
        }
        AnalysisSums.Sums c = sums.of(primary.key(), plan.controlVariant());
        double needed = Double.NaN;
        try {
            if (c.n() >= 2) {
                needed = switch (primary.kind()) {
                    case PROPORTION -> {
                        double p = (double) c.converters() / c.n();
                        double q = p * (1 + mde);
                        yield p > 0 && q < 1 ? SampleSize.usersPerArmForProportion(p, q, plan.alpha(), plan.power())
                                : Double.NaN;
                    }
                    case MEAN -> {
                        Sample s = sample(c);
                        yield s.variance() > 0 && s.mean() != 0 ? SampleSize.usersPerArmForMean(
                                Math.sqrt(s.variance()), mde * Math.abs(s.mean()), plan.alpha(), plan.power())
                                : Double.NaN;
                    }
                    case RATIO -> {
                        // The ratio's per-user standard deviation from its delta-method variance: sd = sqrt(n·Var).
                        ArmEstimate e = estimate(primary, c);
                        yield e.variance() > 0 && e.mean() != 0 ? SampleSize.usersPerArmForMean(
                                Math.sqrt(e.variance() * c.n()), mde * Math.abs(e.mean()), plan.alpha(),
                                plan.power()) : Double.NaN;
                    }
                };
            }
        } catch (IllegalArgumentException e) {
            needed = Double.NaN;
        }
        if (Double.isNaN(needed)) {
            return new Progress(null, smallest, null);
        }
        if (plan.sequential() && !plan.bayesian()) {
            double w = Sequential.widthRatioAtTunedPoint(plan.alpha());
            needed *= w * w;
        }
        needed = Math.ceil(needed);
        return new Progress(needed, smallest, smallest / needed);
    }

    private static MultipleComparisons.Correction correction(AnalysisPlan plan) {
        return switch (plan.correction()) {
            case "holm" -> MultipleComparisons.Correction.HOLM;
            case "benjamini_hochberg" -> MultipleComparisons.Correction.BENJAMINI_HOCHBERG;
            default -> MultipleComparisons.Correction.NONE;
        };
    }

    private static String method(AnalysisPlan plan) {
        String cuped = plan.cupedSeconds() == null ? "" : "; CUPED with each user's amount in the "
                + plan.cupedSeconds() + " s before their first exposure (not for ratio metrics)";
        if (plan.bayesian()) {
            return "Bayesian: Gaussian posterior of the relative lift under the prior N(0, 0.3\u00b2) (95 % of its"
                    + " mass within \u00b159 %), credible intervals at " + percent(1 - plan.alpha()) + cuped;
        }
        if (plan.sequential()) {
            double mde = plan.minimumDetectableEffect() == null ? Sequential.DEFAULT_RELATIVE_EFFECT
                    : plan.minimumDetectableEffect();
            return "frequentist, sequential: always-valid mSPRT intervals and p-values of the relative lift tuned for"
                    + " a lift of " + percent(mde) + ", running over the daily looks; \u03b1 = " + plan.alpha() + cuped;
        }
        return "frequentist, fixed horizon: Welch's t for the difference, the delta method for the relative lift"
                + " and ratios; \u03b1 = " + plan.alpha() + cuped;
    }

    private static String percent(double x) {
        String s = String.format(java.util.Locale.ROOT, "%.2f", 100 * x);
        return s.replaceAll("\\.?0+$", "") + " %";
    }
}
