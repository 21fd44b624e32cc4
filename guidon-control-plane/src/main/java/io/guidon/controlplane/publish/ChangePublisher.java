package io.guidon.controlplane.publish;

import io.guidon.protocol.changes.ChangeNotification;

/**
 * Tells sidecars that an environment changed, after the change was committed. Publishing never fails the
 * caller: an implementation retries on its own (bounded, with backoff), counts what it could not deliver, and
 * returns at once. Sidecars that miss a message still converge by polling with {@code ?since=}.
 */
public interface ChangePublisher {

    void publish(ChangeEvent event);

    /** The channel of one environment: {@link ChangeNotification#channel}. */
    static String channel(String prefix, String tenant, String environment) {
        return ChangeNotification.channel(prefix, tenant, environment);
    }
}
