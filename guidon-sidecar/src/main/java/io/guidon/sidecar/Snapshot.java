package io.guidon.sidecar;

import io.guidon.engine.FlagSet;
import java.time.Instant;
import java.util.Set;

/**
 * One published flag set and what the sidecar knows about it: its version (raised by every change), when it
 * was loaded, where it came from, and which flags changed from the previous set. Immutable.
 */
public record Snapshot(FlagSet flags, long version, Instant loadedAt, String origin, Set<String> changed) {

    /**
     * The entity tag of everything derived from this snapshot alone: the document's content hash (so that it
     * changes with the content across restarts and processes, where versions start again at 1), the version and
     * the load time (which {@code GET /v1/flags} shows too).
     */
    public String etag() {
        return "\"" + flags.contentHash() + "." + version + "." + loadedAt.toEpochMilli() + "\"";
    }
}
