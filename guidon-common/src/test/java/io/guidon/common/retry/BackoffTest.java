package io.guidon.common.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(30));

    @Test
    void doublesFromMinUpToMax() {
        assertThat(backoff.delayMillis(0)).isEqualTo(250);
        assertThat(backoff.delayMillis(1)).isEqualTo(500);
        assertThat(backoff.delayMillis(6)).isEqualTo(16_000);
        assertThat(backoff.delayMillis(7)).isEqualTo(30_000);
        assertThat(backoff.delayMillis(1_000)).isEqualTo(30_000);
    }

    @Test
    void aZeroMinimumStillWaitsOneMillisecond() {
        assertThat(new Backoff(Duration.ZERO, Duration.ZERO).delayMillis(3)).isEqualTo(1);
        assertThat(new Backoff(Duration.ZERO, Duration.ZERO).jittered(3)).isEqualTo(1);
    }

    @Test
    void jitterSpansTheUpperHalfOfTheStep() {
        assertThat(backoff.jittered(2, n -> 0)).isEqualTo(500);
        assertThat(backoff.jittered(2, n -> n - 1)).isEqualTo(1_000);
    }

    @Test
    void refusesAMaximumBelowTheMinimum() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min <= max");
    }

    @Property
    void everyWaitIsWithinItsBounds(@ForAll @IntRange(min = 0, max = 10_000) int attempt,
            @ForAll @LongRange(min = 0, max = 60_000) long minMs, @ForAll @LongRange(min = 0, max = 600_000) long extra) {
        Backoff b = new Backoff(Duration.ofMillis(minMs), Duration.ofMillis(minMs + extra));
        long delay = b.delayMillis(attempt);
        assertThat(delay).isBetween(Math.max(1, Math.min(minMs, minMs + extra)), Math.max(1, minMs + extra));
        assertThat(b.jittered(attempt)).isBetween(Math.max(1, delay / 2), delay);
        assertThat(b.delayMillis(attempt + 1)).isGreaterThanOrEqualTo(delay);
    }
}
