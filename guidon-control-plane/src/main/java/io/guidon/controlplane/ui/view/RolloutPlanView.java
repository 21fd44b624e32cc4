package io.guidon.controlplane.ui.view;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.domain.RolloutPlan;
import io.guidon.controlplane.domain.RolloutPlanSpec;
import io.guidon.stats.Direction;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A rollout plan's page ({@code /ui/rollouts/{id}}): its status and what it serves, its stages with the current one's
 * progress, the buttons of the actions its state allows, the reason it rolled back or paused in words with its
 * numbers, and a chart per guardrail of the estimate and its always-valid interval over the latest checks (inline
 * SVG, coordinates computed here so that the template only places them).
 */
public record RolloutPlanView(Shell shell, RolloutPlan plan, RolloutRow row, List<StageRow> stages,
        List<String> actions, List<Chart> charts, List<Fact> facts, String error, String notice) {

    /** Width and height of a chart's drawing area, in SVG units. */
    public static final int WIDTH = 640;
    public static final int HEIGHT = 180;
    private static final int PAD = 24;

    /** A stage: its number, percentage, minimums, state ({@code done}, {@code current}, {@code next}), progress. */
    public record StageRow(int number, String percentage, String minDuration, long minExposures, String state,
            String progress) {
    }

    /** A number behind the plan's reason (a rollback's guardrail, a pause's split). */
    public record Fact(String label, String value) {
    }

    /** One check on a chart: x, the estimate's y and the interval's ends' y (the chart's edge when open). */
    public record Point(double x, double y, double low, double high, String title, boolean degraded) {
    }

    /**
     * A guardrail's chart: the points, the y of 0 and of the allowed degradation, the labels of the top and bottom
     * of the scale, and what the guardrail is.
     */
    public record Chart(String id, String title, List<Point> points, double zeroY, double allowanceY, String top,
            String bottom, String allowance) {
        public int width() {
            return WIDTH;
        }

        public int height() {
            return HEIGHT;
        }

        public int left() {
            return PAD;
        }

        public int right() {
            return WIDTH - PAD;
        }
    }

    /** The actions a plan's state allows, in the order of the buttons. */
    public static List<String> actions(RolloutPlan.Status status) {
        return switch (status) {
            case PENDING -> List.of("start", "abort");
            case RUNNING -> List.of("pause", "complete", "abort");
            case PAUSED -> List.of("resume", "complete", "abort");
            default -> List.of();
        };
    }

    /** The page of {@code p}, with its latest {@code checks} (oldest first). */
    public static RolloutPlanView of(Shell shell, RolloutPlan p, List<RolloutPlan.Check> checks, Instant now,
            String error, String notice) {
        List<StageRow> stages = new ArrayList<>();
        RolloutPlan.Check last = checks.isEmpty() ? null : checks.get(checks.size() - 1);
        for (int i = 0; i < p.spec().stages().size(); i++) {
            RolloutPlanSpec.Stage s = p.spec().stages().get(i);
            String state = p.stageIndex() == null || i > p.stageIndex() ? "next"
                    : i < p.stageIndex() || p.status() == RolloutPlan.Status.COMPLETED ? "done"
                    : p.status().ended() ? "stopped here" : "current";
            String progress = "";
            if (state.equals("current") && p.stageStartedAt() != null && p.status().active()) {
                long users = last != null && last.stageIndex() == i ? last.controlUsers() + last.treatmentUsers() : 0;
                progress = users + " of " + s.minExposures() + " users; running since "
                        + Moments.ago(p.stageStartedAt(), now) + " (at least " + s.minDuration() + ")";
            }
            stages.add(new StageRow(i + 1, s.percentage().toPlainString(), s.minDuration().toString(),
                    s.minExposures(), state, progress));
        }
        List<Chart> charts = new ArrayList<>();
        for (int g = 0; g < p.spec().guardrails().size(); g++) {
            charts.add(chart(g, p.spec().guardrails().get(g), checks));
        }
        return new RolloutPlanView(shell, p, RolloutRow.of(p, now), stages, actions(p.status()), charts, facts(p),
                error, notice);
    }

    private static List<Fact> facts(RolloutPlan p) {
        List<Fact> facts = new ArrayList<>();
        JsonNode d = p.reasonDetails();
        if (d == null) {
            return facts;
        }
        if (d.has("stageIndex")) {
            facts.add(new Fact("Stage", (d.get("stageIndex").asInt() + 1) + " (" + d.path("percentage").asText()
                    + " % treatment)"));
        }
        JsonNode g = d.get("guardrail");
        if (g != null) {
            boolean relative = p.spec().guardrails().stream().anyMatch(x -> x.event().equals(g.path("event").asText())
                    && x.relative());
            facts.add(new Fact("Guardrail", g.path("event").asText() + " (" + g.path("kind").asText() + ")"));
            facts.add(new Fact("Control", g.at("/control/users").asLong() + " users, " + g.at("/control/events")
                    .asLong() + " events, mean " + plain(g.at("/control/mean"))));
            facts.add(new Fact("Treatment", g.at("/treatment/users").asLong() + " users, "
                    + g.at("/treatment/events").asLong() + " events, mean " + plain(g.at("/treatment/mean"))));
            facts.add(new Fact("Estimate", value(g.get("estimate"), relative)));
            facts.add(new Fact("Interval", value(g.get("lower"), relative) + " to " + value(g.get("upper"), relative)));
        }
        if (d.has("srmP")) {
            facts.add(new Fact("Users", d.path("controlUsers").asLong() + " control, " + d.path("treatmentUsers")
                    .asLong() + " treatment"));
            facts.add(new Fact("χ²", plain(d.get("srmChi2"))));
            facts.add(new Fact("p-value", plain(d.get("srmP"))));
        }
        return facts;
    }

    private static String plain(JsonNode n) {
        return n == null || !n.isNumber() ? "n/a" : RolloutPlanSpec.Numbers.plain(n.asDouble());
    }

    private static String value(JsonNode n, boolean relative) {
        if (n == null || !n.isNumber()) {
            return "open";
        }
        double x = n.asDouble();
        return (x >= 0 ? "+" : "") + (relative ? RolloutPlanSpec.Numbers.percent(x)
                : RolloutPlanSpec.Numbers.plain(x));
    }

    private static Chart chart(int index, RolloutPlanSpec.Guardrail g, List<RolloutPlan.Check> checks) {
        double allowance = g.direction() == Direction.LOWER_IS_BETTER ? g.maxDegradation() : -g.maxDegradation();
        List<double[]> values = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        List<Boolean> degraded = new ArrayList<>();
        double min = Math.min(0, allowance);
        double max = Math.max(0, allowance);
        for (RolloutPlan.Check c : checks) {
            JsonNode v = c.guardrails().path(index);
            if (!v.path("estimate").isNumber() || !v.path("enoughData").asBoolean()) {
                continue;
            }
            double est = v.get("estimate").asDouble();
            double lo = v.path("lower").isNumber() ? v.get("lower").asDouble() : Double.NEGATIVE_INFINITY;
            double hi = v.path("upper").isNumber() ? v.get("upper").asDouble() : Double.POSITIVE_INFINITY;
            values.add(new double[] {est, lo, hi});
            titles.add(Moments.exact(c.checkedAt()) + ": " + show(est, g.relative()) + " (" + show(lo, g.relative())
                    + " to " + show(hi, g.relative()) + ")");
            degraded.add(v.path("degraded").asBoolean());
            min = Math.min(min, Double.isFinite(lo) ? lo : est);
            max = Math.max(max, Double.isFinite(hi) ? hi : est);
        }
        double span = max - min == 0 ? 1 : max - min;
        min -= span * 0.05;
        max += span * 0.05;
        double top = PAD / 2.0;
        double bottom = HEIGHT - PAD / 2.0;
        double fMin = min;
        double fMax = max;
        java.util.function.DoubleUnaryOperator y = v -> bottom - (Math.max(fMin, Math.min(fMax, v)) - fMin)
                / (fMax - fMin) * (bottom - top);
        List<Point> points = new ArrayList<>();
        int n = values.size();
        for (int i = 0; i < n; i++) {
            double x = PAD + (n == 1 ? (WIDTH - 2 * PAD) / 2.0 : i * (WIDTH - 2.0 * PAD) / (n - 1));
            double[] v = values.get(i);
            points.add(new Point(round(x), round(y.applyAsDouble(v[0])), round(y.applyAsDouble(v[1])),
                    round(y.applyAsDouble(v[2])), titles.get(i), degraded.get(i)));
        }
        String what = g.describe();
        return new Chart("chart-" + index, what, points, round(y.applyAsDouble(0)), round(y.applyAsDouble(allowance)),
                show(max, g.relative()), show(min, g.relative()), "allowed: " + show(allowance, g.relative()));
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static String show(double x, boolean relative) {
        if (!Double.isFinite(x)) {
            return x > 0 ? "+∞" : "-∞";
        }
        return (x >= 0 ? "+" : "") + (relative ? RolloutPlanSpec.Numbers.percent(x)
                : RolloutPlanSpec.Numbers.plain(x));
    }

    /** "start" → "Start". */
    public static String label(String action) {
        return action.substring(0, 1).toUpperCase(Locale.ROOT) + action.substring(1);
    }

    /** The words asking to confirm an action. */
    public String confirm(String action) {
        return switch (action) {
            case "start" -> "Start serving " + plan.spec().stages().get(0).percentage().toPlainString() + " % "
                    + plan.spec().treatment() + " in " + plan.environment() + " now?";
            case "abort" -> "Abort the plan and serve 100 % " + plan.spec().control() + " in " + plan.environment()
                    + "?";
            case "complete" -> "Complete the plan and serve 100 % " + plan.spec().treatment() + " in "
                    + plan.environment() + " now?";
            default -> null;
        };
    }

    /** The percentage of treatment served, for the progress bar (0 to 100). */
    public int served() {
        return plan.currentPercentage().setScale(0, java.math.RoundingMode.HALF_UP).min(BigDecimal.valueOf(100))
                .intValue();
    }
}
