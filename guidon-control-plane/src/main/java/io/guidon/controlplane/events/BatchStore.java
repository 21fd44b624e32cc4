package io.guidon.controlplane.events;

import io.guidon.protocol.events.EventBatch;
import io.vertx.core.Future;

/**
 * Where event batches are kept, each once. {@link #store} writes a batch's row, its raw events and the per-day
 * totals they add in one transaction, keyed by (environment, batch id): a batch id the environment already has
 * writes nothing and reports a duplicate, and of concurrent stores of one id exactly one writes while the others
 * wait for it and then report a duplicate. A batch with an event whose month has no partition fails with
 * {@link MissingPartition} and writes nothing. With an outbox payload, a newly stored batch also gets its row in the
 * outbox of the Kafka sink in the same transaction (ADR 0122): stored means queued for Kafka too.
 */
public interface BatchStore {

    /** What became of a batch: stored now ({@code duplicate} false) or before; and its number of events. */
    record Outcome(boolean duplicate, int events) {
    }

    /**
     * Stores {@code batch} of {@code source} once.
     *
     * @param outbox the batch as the outbox keeps it ({@link EventOutbox#payload}), or null when the Kafka sink is off
     */
    Future<Outcome> store(EventSource source, EventBatch batch, byte[] outbox);

    /** No partition holds the time of one of a batch's events (see {@link EventPartitions}). */
    final class MissingPartition extends RuntimeException {
        public MissingPartition(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
