package io.guidon.sidecar.connected;

import io.vertx.core.buffer.Buffer;

/**
 * One event batch waiting for delivery: its batch id (also its {@code Idempotency-Key}), its number of events, and
 * its body as sent, the gzip-compressed JSON of an {@link io.guidon.protocol.events.EventBatch}; {@code spoolEntry}
 * is set when it was read from disk.
 */
public record PendingBatch(String id, int events, Buffer body, Object spoolEntry) {
}
