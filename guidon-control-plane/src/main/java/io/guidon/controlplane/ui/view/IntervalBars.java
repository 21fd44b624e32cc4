package io.guidon.controlplane.ui.view;

import java.util.List;

/**
 * The interval bars of one metric's results table: every arm's lift and its interval drawn on one horizontal scale,
 * so that bars of the same table compare by length and position (inline SVG; the coordinates are computed here and
 * the template only places them). The scale is symmetric around 0 (no effect: the middle of every bar's drawing),
 * wide enough for every finite end of every interval plus 10 %; an open end (an infinite bound, a sequential
 * interval with little data) reaches the edge and is marked open.
 *
 * <p>Values are on the scale the results give (relative lift: 0.05 is +5 %). Pure: numbers in, numbers out.
 */
public final class IntervalBars {

    /** Width and height of one bar's drawing, in SVG units (the CSS scales it). */
    public static final int WIDTH = 240;
    public static final int HEIGHT = 22;
    /** Room left at each side for the open-end marks. */
    static final int PAD = 8;

    private final double extent;

    private IntervalBars(double extent) {
        this.extent = extent;
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
     * The scale of {@code intervals} (null entries, arms without an estimate, are skipped): ±(largest finite
     * |end| or estimate) × 1.1; ±1 (±100 %) when nothing finite is there but 0.
     */
    public static IntervalBars scaleOf(List<Interval> intervals) {
        double m = 0;
        for (Interval i : intervals) {
            if (i == null) {
                continue;
            }
            m = Math.max(m, Math.abs(i.estimate()));
            if (Double.isFinite(i.low())) {
                m = Math.max(m, Math.abs(i.low()));
            }
            if (Double.isFinite(i.high())) {
                m = Math.max(m, Math.abs(i.high()));
            }
        }
        return new IntervalBars(m == 0 ? 1 : m * 1.1);
    }

    /** The largest magnitude the scale shows at each side (the labels of its ends). */
    public double extent() {
        return extent;
    }

    /** The x of {@code v}, clamped to the drawing. */
    public double x(double v) {
        double clamped = Math.max(-extent, Math.min(extent, v));
        return round(PAD + (clamped + extent) / (2 * extent) * (WIDTH - 2 * PAD));
    }

    /** The bar of {@code i} for a metric where {@code higherIsBetter} says which side of 0 is good. */
    public Bar bar(Interval i, boolean higherIsBetter) {
        boolean openLow = !(i.low() >= -extent);
        boolean openHigh = !(i.high() <= extent);
        String tone;
        if (i.low() > 0) {
            tone = higherIsBetter ? "better" : "worse";
        } else if (i.high() < 0) {
            tone = higherIsBetter ? "worse" : "better";
        } else {
            tone = "unclear";
        }
        return new Bar(openLow ? x(-extent) : x(i.low()), openHigh ? x(extent) : x(i.high()), x(i.estimate()), x(0),
                openLow, openHigh, tone);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
