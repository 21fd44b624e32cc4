package io.guidon.controlplane.events;

import java.util.List;

/**
 * Where the Kafka sink's messages go. {@link #publish} sends them in the given order (per key, a later message is
 * never stored before an earlier one) and returns once every one is acknowledged by the destination, or throws
 * (some may then have arrived: the caller sends them all again, so delivery is at least once). Called on a Vert.x
 * virtual thread of the sink's own, one call at a time; may block it while the destination is unreachable.
 */
public interface EventPublisher extends AutoCloseable {

    void publish(List<EventMessages.Message> messages);

    /** Stops, waiting a little for what is in flight. */
    @Override
    void close();
}
