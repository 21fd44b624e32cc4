package io.guidon.sidecar;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.function.Supplier;

/**
 * Gives the sidecar's background work (the flag source, the event uploader) one event-loop context of its own:
 * their timers, connections and state live on it, so they need no locks, and undeploying stops them in order.
 */
final class BackgroundVerticle extends VerticleBase {

    private final Supplier<Future<Void>> onStart;
    private final Supplier<Future<Void>> onStop;

    BackgroundVerticle(Supplier<Future<Void>> onStart, Supplier<Future<Void>> onStop) {
        this.onStart = onStart;
        this.onStop = onStop;
    }

    @Override
    public Future<?> start() {
        return onStart.get();
    }

    @Override
    public Future<?> stop() {
        return onStop.get();
    }
}
