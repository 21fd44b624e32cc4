package io.guidon.controlplane.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One change to an environment's flag document, as the admin API asks for it; {@link DocumentChanges#apply} turns a
 * document and a change into the new document or the violations that refuse it. Each kind says which flags and
 * segments it touches directly ({@link #flagKeys()}, {@link #segmentKeys()}: what the change log records and
 * {@code ?since=} returns).
 */
public sealed interface DocumentChange {

    /** The flags this change names (the change log's {@code flags}). */
    default List<String> flagKeys() {
        return List.of();
    }

    /** The segments this change names (the change log's {@code segments}). */
    default List<String> segmentKeys() {
        return List.of();
    }

    /** A new flag: its definition and the configuration it starts with in the environment. */
    record CreateFlag(FlagDefinition definition, ObjectNode config) implements DocumentChange {
        @Override
        public List<String> flagKeys() {
            return List.of(definition.key());
        }
    }

    /** A flag's definition replaced (variants, tags, ...); its configuration in the environment stays. */
    record UpdateFlagDefinition(FlagDefinition definition) implements DocumentChange {
        @Override
        public List<String> flagKeys() {
            return List.of(definition.key());
        }
    }

    /** A flag removed, with its configuration. */
    record DeleteFlag(String key) implements DocumentChange {
        @Override
        public List<String> flagKeys() {
            return List.of(key);
        }
    }

    /**
     * A flag's configuration in the environment replaced by {@code config}. {@code echoed} holds the definition
     * fields the request sent back as it read them (description, tags, variants, salt, metadata): each must equal
     * the flag's definition, since a configuration cannot change it.
     */
    record ConfigureFlag(String key, ObjectNode config, ObjectNode echoed) implements DocumentChange {
        @Override
        public List<String> flagKeys() {
            return List.of(key);
        }
    }

    /** A flag turned on or off in the environment; the rest of its configuration stays. */
    record Toggle(String key, boolean enabled) implements DocumentChange {
        @Override
        public List<String> flagKeys() {
            return List.of(key);
        }
    }

    /**
     * A flag's fallthrough set to a percentage rollout: either {@code percentage}, a boolean flag's share of
     * {@code true} (0 to 100, the number as written, already checked by the engine's rule), or {@code weights},
     * percentages by variant; {@code bucketBy} (or null) the attribute that buckets. Neither or both given: there is
     * nothing to apply, and the request's own violations say why.
     */
    record Rollout(String key, JsonNode percentage, ObjectNode weights, JsonNode bucketBy) implements DocumentChange {
        @Override
        public List<String> flagKeys() {
            return List.of(key);
        }
    }

    /** A segment created or replaced. */
    record PutSegment(Segment segment) implements DocumentChange {
        @Override
        public List<String> segmentKeys() {
            return List.of(segment.key());
        }
    }

    /** A segment removed. */
    record DeleteSegment(String key) implements DocumentChange {
        @Override
        public List<String> segmentKeys() {
            return List.of(key);
        }
    }
}
