package io.guidon.sidecar.http;

import io.guidon.sidecar.Snapshot;
import java.util.List;

/** The JSON of a change pushed to applications. */
public final class ChangeEvents {

    private ChangeEvents() {
    }

    public static String flagsChanged(Snapshot s) {
        return ChangeStreams.event(s.version(), List.copyOf(s.changed()), null);
    }
}
