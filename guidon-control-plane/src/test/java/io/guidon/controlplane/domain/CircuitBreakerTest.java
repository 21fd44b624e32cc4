package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(30), Duration.ofMinutes(10));
    private final Instant now = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void itStaysClosedBelowTheThreshold() {
        CircuitBreaker.State s = breaker.onFailure(breaker.onFailure(CircuitBreaker.State.CLOSED, now), now);

        assertThat(s).isEqualTo(new CircuitBreaker.State(2, null));
        assertThat(breaker.allows(s, now)).isTrue();
        assertThat(breaker.halfOpen(s, now)).isFalse();
    }

    @Test
    void theThresholdsFailureOpensItAndNoAttemptIsMadeUntilItsTimePasses() {
        CircuitBreaker.State s = breaker.onFailure(new CircuitBreaker.State(2, null), now);

        assertThat(s).isEqualTo(new CircuitBreaker.State(3, now.plusSeconds(30)));
        assertThat(breaker.allows(s, now.plusSeconds(29))).isFalse();
        assertThat(breaker.allows(s, now.plusSeconds(30))).isTrue();
        assertThat(breaker.halfOpen(s, now.plusSeconds(30))).isTrue();
    }

    @Test
    void eachFailedTrialOpensItTwiceAsLongUpToTheMaximum() {
        CircuitBreaker.State s = new CircuitBreaker.State(3, now);

        assertThat(breaker.onFailure(s, now).openUntil()).isEqualTo(now.plusSeconds(60));
        assertThat(breaker.onFailure(new CircuitBreaker.State(4, now), now).openUntil()).isEqualTo(now.plusSeconds(120));
        assertThat(breaker.onFailure(new CircuitBreaker.State(50, now), now).openUntil())
                .isEqualTo(now.plus(Duration.ofMinutes(10)));
    }

    @Test
    void aSuccessClosesIt() {
        assertThat(breaker.onSuccess()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.allows(breaker.onSuccess(), now)).isTrue();
    }
}
