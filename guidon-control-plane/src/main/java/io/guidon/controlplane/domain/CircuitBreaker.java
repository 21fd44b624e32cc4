package io.guidon.controlplane.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * A webhook endpoint's circuit breaker, whose state (failures in a row, open until) is kept on the subscription's
 * row so that every replica shares it. Closed: attempts are made. After {@code threshold} failures in a row it opens
 * for {@code openFor}, doubled with each further failure up to {@code maxOpen}: no attempt is made to the endpoint
 * (its due deliveries wait; other endpoints' go on). When that time has passed it is half-open: one delivery is
 * tried; a success closes it, a failure opens it again for longer. Pure.
 */
public record CircuitBreaker(int threshold, Duration openFor, Duration maxOpen) {

    /** The breaker's state: failures in a row, and until when no attempt is made (null: not open). */
    public record State(int failures, Instant openUntil) {

        /** A closed breaker. */
        public static final State CLOSED = new State(0, null);
    }

    public CircuitBreaker {
        if (threshold < 1 || openFor.isNegative() || openFor.isZero() || maxOpen.compareTo(openFor) < 0) {
            throw new IllegalArgumentException("threshold >= 1, 0 < openFor <= maxOpen");
        }
    }

    /** Whether an attempt may be made at {@code now}. */
    public boolean allows(State s, Instant now) {
        return s.openUntil() == null || !now.isBefore(s.openUntil());
    }

    /** Whether it is half-open at {@code now}: open before, and its time passed (one trial at a time). */
    public boolean halfOpen(State s, Instant now) {
        return s.failures() >= threshold && allows(s, now);
    }

    /** The state after a successful attempt: closed. */
    public State onSuccess() {
        return State.CLOSED;
    }

    /** The state after a failed attempt at {@code now}. */
    public State onFailure(State s, Instant now) {
        int failures = s.failures() + 1;
        if (failures < threshold) {
            return new State(failures, null);
        }
        long millis = openFor.toMillis();
        for (int i = threshold; i < failures && millis < maxOpen.toMillis(); i++) {
            millis *= 2;
        }
        return new State(failures, now.plusMillis(Math.min(millis, maxOpen.toMillis())));
    }
}
