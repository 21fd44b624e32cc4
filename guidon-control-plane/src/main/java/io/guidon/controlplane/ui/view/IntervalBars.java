package io.guidon.controlplane.ui.view;

import java.util.List;

/**
 * The interval bars of one metric's results table: every arm's lift and its interval drawn on one horizontal scale,
 * so that bars of the same table compare by length and position (inline SVG; the coordinates are computed here and
 * the template only places them). The scale runs from the lowest to the highest finite end or estimate of the
 * table's intervals, always holding 0 (no effect: a dashed line on every bar), plus 5 % of its span at each side;
 * an open end (an infinite bound, a sequential interval with little data) reaches the edge and is marked open.
 *
 * <p>Values are on the scale the results give (relative lift: 0.05 is +5 %). Pure: numbers in, numbers out.
 */
public final class IntervalBars {

    /** Width and height of one bar's drawing, in SVG units (the CSS scales it). */
    public static final int WIDTH = 240;
    public static final int HEIGHT = 22;
    /** Room left at each side for the open-end marks. */
    static final int PAD = 8;

    private final double low;
    private final double high;

    private IntervalBars(double low, double high) {
        this.low = low;
        this.high = high;
    }

    /** An arm's interval: its low end, estimate and high end (an end may be infinite; the estimate is finite). */
    public record Interval(double low, double estimate, double high) {
    }

    /**
     * One bar: the x of its ends ({@code x1} ≤ {@code x2}) and of its estimate, whether each end is open (beyond
     * the scale), and its tone: {@code better} when the whole interval lies on the metric's good side of 0,
     * {@code worse} on the bad side, {@code unclear} when it holds 0.
     */
    public record Bar(double x1, double x2, double estimateX, double zeroX, boolean openLow, boolean openHigh,
            String tone) {
        public int width() {
            return WIDTH;
        }

        public int height() {
            return HEIGHT;
        }

        /** The y of the bar's middle line. */
        public double middle() {
            return HEIGHT / 2.0;
        }
    }

    /**
     * The scale of {@code intervals} (null entries, arms without an estimate, are skipped): from the lowest to the
     * highest of 0 and their finite ends and estimates, widened by 5 % of that span at each side; −1 to +1 (±100 %)
     * when there is nothing but 0.
     */
    public static IntervalBars scaleOf(List<Interval> intervals) {
        double lo = 0;
        double hi = 0;
        for (Interval i : intervals) {
            if (i == null) {
                continue;
            }
            for (double v : new double[] {i.low(), i.estimate(), i.high()}) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo == hi) {
            return new IntervalBars(-1, 1);
        }
        double pad = (hi - lo) * 0.05;
        return new IntervalBars(lo - pad, hi + pad);
    }

    /** The value at the scale's left edge. */
    public double low() {
        return low;
    }

    /** The value at the scale's right edge. */
    public double high() {
        return high;
    }

    /** The x of {@code v}, clamped to the drawing. */
    public double x(double v) {
        double clamped = Math.max(low, Math.min(high, v));
        return round(PAD + (clamped - low) / (high - low) * (WIDTH - 2 * PAD));
    }

    /** The x of the scale's left and right edges (where open ends stop). */
    public static double left() {
        return PAD;
    }

    public static double right() {
        return WIDTH - PAD;
    }

    /** The bar of {@code i} for a metric where {@code higherIsBetter} says which side of 0 is good. */
    public Bar bar(Interval i, boolean higherIsBetter) {
        boolean openLow = !(i.low() >= low);
        boolean openHigh = !(i.high() <= high);
        String tone;
        if (i.low() > 0) {
            tone = higherIsBetter ? "better" : "worse";
        } else if (i.high() < 0) {
            tone = higherIsBetter ? "worse" : "better";
        } else {
            tone = "unclear";
        }
        return new Bar(openLow ? x(low) : x(i.low()), openHigh ? x(high) : x(i.high()), x(i.estimate()), x(0),
                openLow, openHigh, tone);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
