package io.guidon.controlplane.ui.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The experiment results page's drawings, pure functions of numbers: the interval bars of a metric's table share
 * one scale that holds 0 and every finite end (so they compare by length), an open end reaches the edge marked open,
 * the tone follows the metric's direction; the cumulative chart places each day's lift and interval within its
 * drawing, with 0 where it belongs and a band only when there are two days or more.
 */
class ExperimentChartsTest {

    private static final int LEFT_EDGE = IntervalBars.PAD;
    private static final int RIGHT_EDGE = IntervalBars.WIDTH - IntervalBars.PAD;

    @Test
    void theBarsOfATableShareAScaleThatHoldsZeroAndEveryEnd() {
        IntervalBars scale = IntervalBars.scaleOf(Arrays.asList(new IntervalBars.Interval(-0.02, 0.03, 0.08),
                null, new IntervalBars.Interval(-0.10, -0.05, 0.0)));

        assertThat(scale.low()).as("the lowest end (-0.10) less 5 % of the span (0.18)").isEqualTo(-0.109, within());
        assertThat(scale.high()).as("the highest end (0.08) plus 5 % of the span").isEqualTo(0.089, within());
        IntervalBars.Bar a = scale.bar(new IntervalBars.Interval(-0.02, 0.03, 0.08), true);
        IntervalBars.Bar b = scale.bar(new IntervalBars.Interval(-0.10, -0.05, 0.0), true);
        // x = 8 + (v + 0.109) / 0.198 * 224
        assertThat(a.zeroX()).isEqualTo(131.3, within()).isEqualTo(b.zeroX());
        assertThat(a.x1()).isEqualTo(108.7, within());
        assertThat(a.estimateX()).isEqualTo(165.3, within());
        assertThat(a.x2()).isEqualTo(221.8, within());
        assertThat(b.x1()).isEqualTo(18.2, within());
        assertThat(b.x2()).isEqualTo(a.zeroX());
        assertThat(a.x2() - a.x1()).as("a bar's length is its interval's width on the shared scale")
                .isCloseTo(0.10 / 0.198 * 224, org.assertj.core.data.Offset.offset(0.2));
        assertThat(a.openLow() || a.openHigh() || b.openLow() || b.openHigh()).isFalse();
    }

    @Test
    void theToneSaysWhichSideOfZeroTheWholeIntervalIsOnForTheMetricsDirection() {
        IntervalBars scale = IntervalBars.scaleOf(List.of(new IntervalBars.Interval(0.01, 0.02, 0.03)));

        assertThat(scale.bar(new IntervalBars.Interval(0.01, 0.02, 0.03), true).tone()).isEqualTo("better");
        assertThat(scale.bar(new IntervalBars.Interval(0.01, 0.02, 0.03), false).tone()).isEqualTo("worse");
        assertThat(scale.bar(new IntervalBars.Interval(-0.03, -0.02, -0.01), false).tone()).isEqualTo("better");
        assertThat(scale.bar(new IntervalBars.Interval(-0.01, 0.01, 0.03), true).tone()).isEqualTo("unclear");
    }

    @Test
    void anInfiniteEndReachesTheEdgeMarkedOpenAndTheScaleIgnoresIt() {
        IntervalBars scale = IntervalBars.scaleOf(List.of(new IntervalBars.Interval(Double.NEGATIVE_INFINITY, 0.2,
                Double.POSITIVE_INFINITY)));

        assertThat(scale.low()).as("0 and the estimate 0.2, widened by 5 %").isEqualTo(-0.01, within());
        assertThat(scale.high()).isEqualTo(0.21, within());
        IntervalBars.Bar bar = scale.bar(new IntervalBars.Interval(Double.NEGATIVE_INFINITY, 0.2,
                Double.POSITIVE_INFINITY), true);
        assertThat(bar.openLow()).isTrue();
        assertThat(bar.openHigh()).isTrue();
        assertThat(bar.x1()).isEqualTo(LEFT_EDGE);
        assertThat(bar.x2()).isEqualTo(RIGHT_EDGE);
        assertThat(bar.tone()).isEqualTo("unclear");
        assertThat(IntervalBars.scaleOf(List.of()).high()).as("nothing to show: ±100 %").isEqualTo(1.0);
        assertThat(IntervalBars.scaleOf(List.of()).low()).isEqualTo(-1.0);
    }

    @Test
    void theCumulativeChartPlacesEachDaysLiftAndIntervalWithZeroWhereItBelongs() {
        List<CumulativeChart.Point> on = Arrays.asList(null, new CumulativeChart.Point(0.10, -0.10, 0.30),
                new CumulativeChart.Point(0.05, 0.0, 0.10));
        CumulativeChart c = CumulativeChart.of("cum-0", "Conversion", List.of("2026-11-28", "2026-11-29",
                "2026-11-30"), List.of(new CumulativeChart.Series("on", on)), v -> String.format("%+.0f %%", v * 100));

        // y from -0.12 (bottom, 176) to 0.32 (top, 10): y = 176 - (v + 0.12) / 0.44 * 166
        assertThat(c.zeroY()).isEqualTo(130.7, within());
        CumulativeChart.Line line = c.lines().get(0);
        assertThat(line.line()).as("the day without an estimate is left out").isEqualTo("342.0,93.0 628.0,111.9");
        assertThat(line.band()).isEqualTo("342.0,17.5 628.0,93.0 628.0,130.7 342.0,168.5");
        assertThat(line.lastX()).isEqualTo(628.0);
        assertThat(line.last()).isEqualTo("+5 %");
        assertThat(c.top()).isEqualTo("+32 %");
        assertThat(c.bottom()).isEqualTo("-12 %");
        assertThat(c.firstDay()).isEqualTo("2026-11-28");
        assertThat(c.lastDay()).isEqualTo("2026-11-30");
        assertThat(c.empty()).isFalse();
        assertThat(c.topShown()).isTrue();
        assertThat(c.bottomShown()).as("0 (at 130.7) is far from the bottom (176)").isTrue();
    }

    @Test
    void oneDayIsAPointWithoutABandAndNoEstimateAtAllIsAnEmptyChart() {
        CumulativeChart one = CumulativeChart.of("c", "t", List.of("2026-11-30"), List.of(new CumulativeChart.Series(
                "on", List.of(new CumulativeChart.Point(0.1, 0.0, 0.2)))), Double::toString);
        assertThat(one.lines().get(0).band()).isEmpty();
        assertThat(one.bottomShown()).as("0 is the lowest value: its label takes the bottom's place").isFalse();
        assertThat(one.lines().get(0).lastX()).as("the one day in the middle").isEqualTo(342.0);

        CumulativeChart none = CumulativeChart.of("c", "t", List.of("2026-11-30"), List.of(new CumulativeChart.Series(
                "on", Arrays.asList((CumulativeChart.Point) null))), Double::toString);
        assertThat(none.empty()).isTrue();
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(0.051);
    }
}
