package io.guidon.controlplane.events;

import io.guidon.protocol.events.EventBatch;
import io.vertx.core.Future;

/**
 * Where event batches are kept, each once. {@link #store} writes a batch's row, its raw events and the per-day
 * totals they add in one transaction, keyed by (environment, batch id): a batch id the environment already has
 * writes nothing and reports a duplicate, and of concurrent stores of one id exactly one writes while the others
 * wait for it and then report a duplicate. A batch with an event whose month has no partition fails with
 * {@link MissingPartition} and writes nothing.
 */
public interface BatchStore {

    /** What became of a batch: stored now ({@code duplicate} false) or before; and its number of events. */
    record Outcome(boolean duplicate, int events) {
    }

    Future<Outcome> store(long tenantId, long environmentId, EventBatch batch);

    /** No partition holds the time of one of a batch's events (see {@link EventPartitions}). */
    final class MissingPartition extends RuntimeException {
        public MissingPartition(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
