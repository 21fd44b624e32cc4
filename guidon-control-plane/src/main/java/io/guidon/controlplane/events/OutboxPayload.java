package io.guidon.controlplane.events;

import io.guidon.protocol.events.EventBatch;
import io.guidon.protocol.events.EventBatchDecoder;
import io.guidon.protocol.events.EventBatchEncoder;
import java.time.Instant;

/**
 * A stored batch as the Kafka sink's outbox keeps it ({@code event_outbox.payload}): the protocol's JSON of the
 * events that were stored (those left out as invalid are not in it), written with {@link EventBatchEncoder} and read
 * back with the {@link EventBatchDecoder}, the one definition of the wire (PostgreSQL compresses it as any large
 * value).
 */
public final class OutboxPayload {

    /** No limit of size, count or time: a payload is what a batch within the limits of its time became. */
    private static final EventBatchDecoder DECODER = new EventBatchDecoder(new EventBatchDecoder.Limits(
            Long.MAX_VALUE, Integer.MAX_VALUE));
    private static final Instant END_OF_TIME = Instant.parse("9999-12-31T23:59:59Z");

    private OutboxPayload() {
    }

    public static byte[] of(EventBatch batch) {
        return EventBatchEncoder.encode(batch);
    }

    /** The batch of a payload; throws {@link IllegalStateException} should it no longer read whole. */
    public static EventBatch read(byte[] payload) {
        EventBatchDecoder.Result read = DECODER.decode(payload, false, null, Instant.EPOCH, END_OF_TIME);
        if (read.refused() || read.rejectedEvents() > 0) {
            throw new IllegalStateException("an outbox payload no longer reads as a batch: " + read.summary());
        }
        return read.batch();
    }
}
