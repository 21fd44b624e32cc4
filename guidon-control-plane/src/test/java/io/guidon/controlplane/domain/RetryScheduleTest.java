package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    private final RetrySchedule schedule = new RetrySchedule(Duration.ofSeconds(5), Duration.ofHours(1),
            Duration.ofHours(24));
    private final Instant start = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void theCapDoublesFromTheInitialDelayUpToTheMaximum() {
        assertThat(schedule.cap(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(schedule.cap(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(schedule.cap(5)).isEqualTo(Duration.ofSeconds(80));
        assertThat(schedule.cap(11)).isEqualTo(Duration.ofHours(1)); // 5 s x 1024 > 1 h
        assertThat(schedule.cap(1000)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void fullJitterDrawsTheDelayFromZeroToTheCap() {
        Instant now = start.plusSeconds(60);

        assertThat(schedule.next(3, start, now, 0.0, null)).isEqualTo(now);
        assertThat(schedule.next(3, start, now, 0.5, null)).isEqualTo(now.plusMillis(10_000));
        assertThat(schedule.next(3, start, now, 0.999_999_9, null)).isEqualTo(now.plusMillis(20_000));
    }

    @Test
    void drawnDelaysSpreadOverTheWholeRangeAndNeverExceedTheCap() {
        SplittableRandom random = new SplittableRandom(7);
        long below = 0;
        long above = 0;
        for (int i = 0; i < 10_000; i++) {
            long ms = Duration.between(start, schedule.next(4, start, start, random.nextDouble(), null)).toMillis();
            assertThat(ms).isBetween(0L, 40_000L);
            below += ms < 20_000 ? 1 : 0;
            above += ms >= 20_000 ? 1 : 0;
        }
        // Uniform: about half on each side of the middle.
        assertThat(below).isBetween(4_700L, 5_300L);
        assertThat(above).isBetween(4_700L, 5_300L);
    }

    @Test
    void aRetryAfterLongerThanTheDrawIsHonouredUpToTheMaximumDelay() {
        assertThat(schedule.next(1, start, start, 0.0, Duration.ofSeconds(120))).isEqualTo(start.plusSeconds(120));
        assertThat(schedule.next(1, start, start, 0.0, Duration.ofHours(5))).isEqualTo(start.plus(Duration.ofHours(1)));
    }

    @Test
    void theLastAttemptIsAtTheWindowsEndAndAFailureThenGivesUp() {
        Instant late = start.plus(Duration.ofHours(23)).plusSeconds(59 * 60 + 30);

        assertThat(schedule.next(20, start, late, 0.99, null)).isEqualTo(start.plus(Duration.ofHours(24)));
        assertThat(schedule.next(21, start, start.plus(Duration.ofHours(24)), 0.5, null)).isNull();
    }
}
