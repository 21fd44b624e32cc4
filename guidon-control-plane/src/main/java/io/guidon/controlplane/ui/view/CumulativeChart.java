package io.guidon.controlplane.ui.view;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;

/**
 * A metric's results over time (the cumulative results as of the end of each completed day): per treatment arm, a
 * line of its lift against the control and a band of its interval, over the days (inline SVG; the coordinates are
 * computed here and the template only places them). The days are evenly spaced in their order; the y scale holds 0
 * and every finite value, plus 5 % at each side; an infinite interval end is drawn at the chart's edge.
 *
 * <p>Pure: numbers in, coordinates and labels out.
 */
public record CumulativeChart(String id, String title, List<Line> lines, double zeroY, String top, String bottom,
        String firstDay, String lastDay, int days) {

    /** Size of the drawing area, in SVG units (the CSS scales it). */
    public static final int WIDTH = 640;
    public static final int HEIGHT = 200;
    static final int LEFT = 56;
    static final int RIGHT = 12;
    static final int TOP = 10;
    static final int BOTTOM = 24;

    /** One day's value of an arm: its lift and interval ends (null for a day without an estimate). */
    public record Point(double estimate, double low, double high) {
    }

    /** An arm's values, one per day of the chart (null where it had no estimate that day). */
    public record Series(String name, List<Point> points) {
    }

    /**
     * An arm on the chart: its name, the position of its colour ({@code series-<index>} in the CSS), the SVG
     * {@code points} of its line and of its band (empty when fewer than one day has an estimate), and the
     * coordinates of its last point (where its label goes).
     */
    public record Line(String name, int index, String line, String band, double lastX, double lastY, String last) {
    }

    public int width() {
        return WIDTH;
    }

    public int height() {
        return HEIGHT;
    }

    public int left() {
        return LEFT;
    }

    public int right() {
        return WIDTH - RIGHT;
    }

    /** The y of the bottom axis, where the day labels stand. */
    public int axisY() {
        return HEIGHT - BOTTOM;
    }

    /** The y of the top label's baseline, and of the bottom one's (the axis). */
    static final int TOP_LABEL_Y = 14;

    /** Whether the top end's label has room (it would overlap the 0's otherwise). */
    public boolean topShown() {
        return Math.abs(zeroY - TOP_LABEL_Y) > 14;
    }

    /** Whether the bottom end's label has room (it would overlap the 0's otherwise). */
    public boolean bottomShown() {
        return Math.abs(zeroY - axisY()) > 14;
    }

    /** The y of the top end's label. */
    public int topY() {
        return TOP_LABEL_Y;
    }

    /** Whether any arm has an estimate on any day. */
    public boolean empty() {
        return lines.stream().allMatch(l -> l.line().isEmpty());
    }

    /**
     * The chart of {@code series} over {@code days} (labels, oldest first; each series has one point per day),
     * with the values written by {@code format} (the labels of the scale's ends and of each line's last value).
     */
    public static CumulativeChart of(String id, String title, List<String> days, List<Series> series,
            DoubleFunction<String> format) {
        double min = 0;
        double max = 0;
        for (Series s : series) {
            for (Point p : s.points()) {
                if (p == null) {
                    continue;
                }
                for (double v : new double[] {p.estimate(), p.low(), p.high()}) {
                    if (Double.isFinite(v)) {
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                }
            }
        }
        double span = max - min == 0 ? 1 : max - min;
        double lo = min - span * 0.05;
        double hi = max + span * 0.05;
        int n = days.size();
        double plotWidth = WIDTH - LEFT - RIGHT;
        double top = TOP;
        double bottom = HEIGHT - BOTTOM;
        DoubleFunction<Double> y = v -> round(bottom - (Math.max(lo, Math.min(hi, v)) - lo) / (hi - lo)
                * (bottom - top));
        List<Line> lines = new ArrayList<>();
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            StringBuilder line = new StringBuilder();
            List<String> upper = new ArrayList<>();
            List<String> lower = new ArrayList<>();
            double lastX = 0;
            double lastY = 0;
            String last = "";
            for (int i = 0; i < n && i < s.points().size(); i++) {
                Point p = s.points().get(i);
                if (p == null) {
                    continue;
                }
                double x = round(LEFT + (n == 1 ? plotWidth / 2 : i * plotWidth / (n - 1)));
                double py = y.apply(p.estimate());
                if (!line.isEmpty()) {
                    line.append(' ');
                }
                line.append(x).append(',').append(py);
                upper.add(x + "," + y.apply(p.high()));
                lower.add(0, x + "," + y.apply(p.low()));
                lastX = x;
                lastY = py;
                last = format.apply(p.estimate());
            }
            String band = "";
            if (upper.size() > 1) {
                List<String> all = new ArrayList<>(upper);
                all.addAll(lower);
                band = String.join(" ", all);
            }
            lines.add(new Line(s.name(), k, line.toString(), band, lastX, lastY, last));
        }
        return new CumulativeChart(id, title, lines, y.apply(0), format.apply(hi), format.apply(lo),
                n == 0 ? "" : days.get(0), n == 0 ? "" : days.get(n - 1), n);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
