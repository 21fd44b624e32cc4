package io.guidon.controlplane.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * "The last 24 hours" in terms of the exposure totals, which count evaluations per UTC day: all of {@code today}
 * (the part of the window since midnight UTC, exact) and the share of {@code yesterday} that still lies in the
 * window, {@code yesterdayShare} = (24 h − time since midnight) / 24 h.
 *
 * <p>Weighting yesterday's total by that share assumes its evaluations were spread evenly over the day: the figure
 * is exact for today's part and an estimate for yesterday's. The per-minute counts would give the exact window, but
 * they hold one row per sidecar, flag, variant and drain (every 5 s by default), so a busy page would sum millions
 * of rows; the totals hold at most a few rows per flag, variant and day whatever the fleet (benchmarks/RESULTS.md).
 *
 * @param today the UTC date of the instant the window ends at
 * @param yesterday the day before
 * @param yesterdayShare the share of yesterday inside the window: 1 at midnight UTC (the window is all of yesterday),
 *     falling to nearly 0 just before the next midnight
 */
public record EvaluationWindow(LocalDate today, LocalDate yesterday, double yesterdayShare) {

    private static final long DAY_MILLIS = 86_400_000L;

    /** The 24 hours that end at {@code now}. */
    public static EvaluationWindow endingAt(Instant now) {
        long millis = now.toEpochMilli();
        long sinceMidnight = Math.floorMod(millis, DAY_MILLIS);
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return new EvaluationWindow(today, today.minusDays(1),
                (double) (DAY_MILLIS - sinceMidnight) / DAY_MILLIS);
    }
}
