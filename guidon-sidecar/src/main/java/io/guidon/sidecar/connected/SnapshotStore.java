package io.guidon.sidecar.connected;

import io.vertx.core.Future;
import java.time.Instant;

/**
 * Keeps the last applied flag document across restarts, so that a sidecar started while the control plane is
 * down still serves flags. Contract: {@link #save} replaces the stored document atomically (a crash leaves the
 * old one or the new one, never a torn file) and saves complete in the order they were asked for;
 * {@link #load} yields {@code null} when nothing (valid) is stored. Both are asynchronous and never block an
 * event loop.
 */
public interface SnapshotStore {

    record Cached(String tenant, String environment, long version, String documentJson, Instant savedAt) {
    }

    Future<Cached> load();

    Future<Void> save(Cached cached);
}
