package io.guidon.sidecar;

import io.vertx.core.Future;

/**
 * Where the sidecar's flag documents come from: a watched file in standalone mode, the control plane in
 * connected mode. Contract: after {@link #start} the source publishes every valid document it obtains into the
 * {@link FlagStore} it was built with, and only valid ones (an invalid document is logged, counted and dropped, and
 * the last good set keeps serving). It never blocks an event loop; compiling large documents runs off the event
 * loop. {@link #start} completes once the source is running, not once a first document has arrived; readiness is
 * the store's business. {@link #stop} releases timers and connections and may be called once.
 */
public interface FlagSource {

    Future<Void> start();

    Future<Void> stop();

    /** A short description for logs and {@code /v1/flags}: a file path, a URL. */
    String describe();
}
