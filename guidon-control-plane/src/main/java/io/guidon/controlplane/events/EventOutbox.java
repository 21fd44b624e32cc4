package io.guidon.controlplane.events;

import io.guidon.protocol.events.EventBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The batches stored while the Kafka sink is on and not yet confirmed by Kafka (ADR 0122). A batch enters it in the
 * transaction that stores it ({@link BatchStore#store} with its {@link OutboxPayload}); {@link #forwardOldest} hands the
 * oldest ones, in the order they were stored, to a publisher and removes them once it returned, all under a lock
 * that one replica holds at a time, so that what Kafka receives per key is in stored order. A publisher that fails
 * leaves them in place: they are handed over again later (at least once).
 */
public interface EventOutbox {

    /** A batch waiting for Kafka: its place in the outbox, whose it is, when it was stored, its events. */
    record Pending(long seq, EventSource source, Instant storedAt, EventBatch batch) {
    }

    /** What waits: batches, their events, and the age of the oldest ({@link Duration#ZERO} when none). */
    record Lag(long batches, long events, Duration oldest) {
    }

    /** Publishes batches; returns once every event of them is confirmed, or throws (nothing is then removed). */
    @FunctionalInterface
    interface Publish {
        void publish(List<Pending> batches);
    }

    /**
     * Hands up to {@code maxBatches} of the oldest batches to {@code publish} and removes them once it returned.
     * Must run on a Vert.x virtual thread (it awaits each statement).
     *
     * @return the batches forwarded; 0 when none waits, -1 when another replica is forwarding now
     * @throws RuntimeException what {@code publish} or PostgreSQL threw; the batches stay
     */
    int forwardOldest(int maxBatches, Publish publish);

    /** What waits now. Must run on a Vert.x virtual thread. */
    Lag lag();
}
