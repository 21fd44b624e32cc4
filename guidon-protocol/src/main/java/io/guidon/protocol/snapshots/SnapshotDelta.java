package io.guidon.protocol.snapshots;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What changed in an environment's document after version {@code since}, bringing it to {@code version}:
 * {@code {"tenant","environment","version","full":false,"since":N,"changed":{"flags":{...},"segments":{...}}}}.
 * Each changed flag or segment maps to its whole new definition, or to a JSON {@code null}
 * ({@link com.fasterxml.jackson.databind.node.NullNode}) when it was deleted; one that did not change is not named.
 * A receiver that holds exactly {@code since} applies it; any other asks for the whole document. Immutable by
 * contract: the maps keep their order (the writer's, sorted by key) and are unmodifiable; their nodes are never
 * modified.
 */
public record SnapshotDelta(String tenant, String environment, long version, long since,
        Map<String, JsonNode> flags, Map<String, JsonNode> segments) implements SnapshotAnswer {

    public SnapshotDelta {
        flags = Collections.unmodifiableMap(new LinkedHashMap<>(flags));
        segments = Collections.unmodifiableMap(new LinkedHashMap<>(segments));
    }
}
