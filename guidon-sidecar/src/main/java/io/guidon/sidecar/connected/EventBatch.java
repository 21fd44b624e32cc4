package io.guidon.sidecar.connected;

import io.vertx.core.buffer.Buffer;

/** One gzipped JSON batch of events with its unique id; {@code spoolEntry} is set when it was read from disk. */
public record EventBatch(String id, int events, Buffer body, Object spoolEntry) {
}
