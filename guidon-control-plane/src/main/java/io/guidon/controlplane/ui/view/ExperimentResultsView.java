package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.domain.AnalysisPlan;
import io.guidon.controlplane.service.ExperimentAnalysis;
import io.guidon.stats.Bayesian;
import io.guidon.stats.Inference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The results half of an experiment's page, from the results the API answers ({@code ExperimentAnalysis.Results}
 * of {@code GET /api/v1/experiments/{id}/results} and, for the charts, of {@code .../results/daily}): the verdict
 * banner, the sample-ratio check (a warning when it mismatches), the sample-size progress, and per metric a table
 * with a row per variant (users, conversions or mean, lift with its interval drawn to scale, p-value or chance to
 * beat the control) and a chart of the lift over the days. No number is computed here: each is one of the results',
 * written by {@link Figures}.
 *
 * @param asOf when the numbers were counted up to (UTC)
 * @param method the analysis in words (the results' own statement)
 * @param correction the correction across arms and metrics, stated by the results
 */
public record ExperimentResultsView(Banner verdict, SrmView srm, ProgressView progress, List<MetricTable> tables,
        String asOf, String method, String correction, boolean bayesian) {

    /**
     * The verdict: {@code decision} ({@code ship}, {@code keep_control}, {@code inconclusive}, {@code blocked_by_srm}, {@code keep_running})
     * for the banner's style, its headline, and the results' reason.
     */
    public record Banner(String decision, String headline, String reason) {
    }

    /**
     * The sample-ratio check: per variant its users and its share against the planned one, χ² and p, and whether
     * it mismatches (then the page warns, and no variant is shipped).
     */
    public record SrmView(List<SplitRow> rows, String chi2, String pValue, String threshold, boolean mismatch) {
        /** The p-value as a statement: "p = 0.412", "p < 0.001". */
        public String p() {
            return pValue.startsWith("<") ? "p " + pValue : "p = " + pValue;
        }
    }

    /** A variant's users, observed share and planned share. */
    public record SplitRow(String variant, String users, String observed, String planned) {
    }

    /**
     * Progress towards the sample size: the smallest arm's users, the users per arm needed to detect the minimum
     * detectable effect (null when unknown: no MDE, or no baseline yet), and the percentage done (0 to 100).
     */
    public record ProgressView(String smallestArm, String needed, int percent) {
        public boolean known() {
            return needed != null;
        }
    }

    /**
     * One metric's table: its key and name, role, what it reads, which way is better, the axis of its interval bars,
     * its rows (the control first) and its chart over the days (null when there is no completed day).
     */
    public record MetricTable(String id, String key, String name, String role, String kind, String direction,
            Axis axis, List<ArmRow> rows, CumulativeChart chart) {
    }

    /**
     * The axis above a table's interval bars, in the bars' coordinates: the labels of its ends and the x of 0; an
     * end's label is left out ({@code null}) when it would overlap the 0.
     */
    public record Axis(String low, String high, double zeroX) {
        /** Labels closer than this to the 0's, in SVG units, are left out. */
        static final double ROOM = 44;

        static Axis of(IntervalBars scale) {
            double zero = scale.x(0);
            return new Axis(zero - IntervalBars.left() < ROOM ? null : Figures.lift(scale.low()),
                    IntervalBars.right() - zero < ROOM ? null : Figures.lift(scale.high()), zero);
        }

        public int width() {
            return IntervalBars.WIDTH;
        }

        public double left() {
            return IntervalBars.left();
        }

        public double right() {
            return IntervalBars.right();
        }
    }

    /**
     * A variant's row: users; {@code value} (a proportion's conversions and rate, a mean, a ratio); and, for a
     * treatment, the relative lift, its interval, the bar, the p-value (adjusted when corrected) or the chance to
     * beat control, and the outcome ({@code better}, {@code worse}, {@code none}).
     */
    public record ArmRow(String variant, boolean control, String users, String value, String lift, String interval,
            IntervalBars.Bar bar, String evidence, String outcome) {
    }

    /**
     * The view of {@code r}, with the charts of {@code daily} (the cumulative results per completed day, oldest
     * first).
     */
    public static ExperimentResultsView of(ExperimentAnalysis.Results r, List<ExperimentAnalysis.Results> daily) {
        List<MetricTable> tables = new ArrayList<>();
        for (int i = 0; i < r.metrics().size(); i++) {
            tables.add(table(i, r, r.metrics().get(i), daily));
        }
        return new ExperimentResultsView(banner(r), srm(r.srm()), progress(r.progress()), tables,
                Moments.exact(r.snapshot().asOf()), r.method(), r.correction(), r.plan().bayesian());
    }

    static Banner banner(ExperimentAnalysis.Results r) {
        ExperimentAnalysis.Verdict v = r.verdict();
        String headline = switch (v.decision()) {
            case "ship" -> "Ship " + v.variant();
            case "keep_control" -> "Keep " + r.plan().controlVariant();
            case "blocked_by_srm" -> "Blocked: the users' split is not the planned one";
            case "keep_running" -> "Keep running until the planned sample size";
            default -> "Inconclusive so far";
        };
        // The reason as the results word it (it may start with a variant's key: never capitalized).
        return new Banner(v.decision(), headline, v.reason().endsWith(".") ? v.reason() : v.reason() + ".");
    }

    static SrmView srm(ExperimentAnalysis.Srm s) {
        long total = s.users().values().stream().mapToLong(Long::longValue).sum();
        List<SplitRow> rows = new ArrayList<>();
        for (Map.Entry<String, Long> e : s.users().entrySet()) {
            double planned = s.expectedShare().getOrDefault(e.getKey(), Double.NaN);
            rows.add(new SplitRow(e.getKey(), Figures.count(e.getValue()),
                    total == 0 ? "n/a" : Figures.percent((double) e.getValue() / total), Figures.percent(planned)));
        }
        return new SrmView(rows, Figures.number(s.chi2()), Figures.pValue(s.pValue()), Figures.number(s.threshold()),
                s.mismatch());
    }

    static ProgressView progress(ExperimentAnalysis.Progress p) {
        if (p == null || p.neededPerArm() == null) {
            return new ProgressView(Figures.count(p == null ? 0 : p.smallestArm()), null, 0);
        }
        int percent = p.fraction() == null ? 0 : (int) Math.min(100, Math.floor(p.fraction() * 100));
        return new ProgressView(Figures.count(p.smallestArm()), Figures.count((long) Math.ceil(p.neededPerArm())),
                percent);
    }

    private static MetricTable table(int index, ExperimentAnalysis.Results r, ExperimentAnalysis.MetricResult m,
            List<ExperimentAnalysis.Results> daily) {
        AnalysisPlan.Metric metric = m.metric();
        List<IntervalBars.Interval> intervals = new ArrayList<>();
        for (ExperimentAnalysis.ArmResult a : m.arms()) {
            intervals.add(interval(a.comparison()));
        }
        IntervalBars scale = IntervalBars.scaleOf(intervals);
        List<ArmRow> rows = new ArrayList<>();
        for (int i = 0; i < m.arms().size(); i++) {
            ExperimentAnalysis.ArmResult a = m.arms().get(i);
            ExperimentAnalysis.Comparison c = a.comparison();
            String value = value(metric, a);
            if (c == null) {
                rows.add(new ArmRow(a.variant(), true, Figures.count(a.users()), value, "", "", null, "", "control"));
                continue;
            }
            IntervalBars.Interval iv = intervals.get(i);
            Inference rel = c.relative();
            rows.add(new ArmRow(a.variant(), false, Figures.count(a.users()), value,
                    Figures.lift(rel.estimate().value()), interval(rel),
                    iv == null ? null : scale.bar(iv, metric.higherIsBetter()), evidence(r, c), c.outcome()));
        }
        return new MetricTable("metric-" + index, metric.key(), metric.name(), metric.role().jsonName(),
                metric.kind().jsonName(), metric.higherIsBetter() ? "higher is better" : "lower is better",
                Axis.of(scale), rows, chart(index, r, metric, daily));
    }

    /** The interval of a comparison's relative lift, or null when it has no estimate (too few users). */
    private static IntervalBars.Interval interval(ExperimentAnalysis.Comparison c) {
        if (c == null || !Double.isFinite(c.relative().estimate().value())) {
            return null;
        }
        Inference rel = c.relative();
        return new IntervalBars.Interval(rel.interval().lower(), rel.estimate().value(), rel.interval().upper());
    }

    /** "−1.02 % to +7.40 %". */
    static String interval(Inference rel) {
        if (!Double.isFinite(rel.estimate().value())) {
            return "n/a";
        }
        return Figures.lift(rel.interval().lower()) + " to " + Figures.lift(rel.interval().upper());
    }

    /** A proportion's "123 (10.25 %)", a mean's "12.35", a ratio's "0.5234". */
    static String value(AnalysisPlan.Metric m, ExperimentAnalysis.ArmResult a) {
        return switch (m.kind()) {
            case PROPORTION -> Figures.count(a.conversions() == null ? 0 : a.conversions()) + " ("
                    + Figures.percent(a.value()) + ")";
            case MEAN, RATIO -> Figures.number(a.value());
        };
    }

    /** The p-value ("p = 0.012", with the adjusted one when a correction changed it) or the chance to beat control. */
    static String evidence(ExperimentAnalysis.Results r, ExperimentAnalysis.Comparison c) {
        if (r.plan().bayesian()) {
            Bayesian.Posterior p = c.posterior();
            return p == null || Double.isNaN(p.chanceToBeatControl()) ? "n/a"
                    : Figures.percent(p.chanceToBeatControl()) + " chance to beat control";
        }
        String p = Figures.p(c.pValue());
        String adjusted = Figures.pValue(c.adjustedPValue());
        if (!Double.isNaN(c.adjustedPValue()) && !adjusted.equals(Figures.pValue(c.pValue()))) {
            p += " (adjusted " + adjusted + ")";
        }
        return p;
    }

    private static CumulativeChart chart(int index, ExperimentAnalysis.Results r, AnalysisPlan.Metric metric,
            List<ExperimentAnalysis.Results> daily) {
        if (daily.isEmpty()) {
            return null;
        }
        List<String> days = new ArrayList<>();
        for (ExperimentAnalysis.Results d : daily) {
            days.add(d.snapshot().day() == null ? Moments.exact(d.snapshot().asOf()) : d.snapshot().day().toString());
        }
        List<CumulativeChart.Series> series = new ArrayList<>();
        for (String variant : r.plan().variantKeys()) {
            if (variant.equals(r.plan().controlVariant())) {
                continue;
            }
            List<CumulativeChart.Point> points = new ArrayList<>();
            for (ExperimentAnalysis.Results d : daily) {
                points.add(point(d, metric.key(), variant));
            }
            series.add(new CumulativeChart.Series(variant, points));
        }
        return CumulativeChart.of("chart-" + index, metric.name(), days, series, Figures::lift);
    }

    private static CumulativeChart.Point point(ExperimentAnalysis.Results d, String metric, String variant) {
        for (ExperimentAnalysis.MetricResult m : d.metrics()) {
            if (!m.metric().key().equals(metric)) {
                continue;
            }
            for (ExperimentAnalysis.ArmResult a : m.arms()) {
                if (a.variant().equals(variant) && a.comparison() != null
                        && Double.isFinite(a.comparison().relative().estimate().value())) {
                    Inference rel = a.comparison().relative();
                    return new CumulativeChart.Point(rel.estimate().value(), rel.interval().lower(),
                            rel.interval().upper());
                }
            }
        }
        return null;
    }
}
