package io.guidon.protocol.snapshots;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * An environment's whole flag document at {@code version}:
 * {@code {"tenant","environment","version","full":true,"document":{...}}}. The document is in the flag file format
 * (docs/flag-format.md), every number as stored (a decimal keeps its form: {@code 2.0} stays {@code 2.0}).
 * Immutable by contract: the document is shared, never modified after the snapshot is made (a receiver that merges
 * deltas into it works on a copy).
 */
public record FullSnapshot(String tenant, String environment, long version, ObjectNode document)
        implements SnapshotAnswer {

    public FullSnapshot {
        Objects.requireNonNull(document, "document");
    }
}
