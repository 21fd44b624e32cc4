package io.guidon.controlplane.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One change an editor can make, kept to be applied later exactly as it was asked for: by a schedule at its time, by
 * a change request once approved, by a rollout plan's step. {@link #toJson()} is its stored form and
 * {@link #fromJson} reads it back; {@link #sha256()} hashes that form, so two changes with the same hash are the
 * same change (the hash approvals are given to).
 *
 * <p>The stored form is order-preserving JSON ({@code {"kind": "flag.rollout", "environment": "production",
 * "flag": "checkout", "rollout": {"off": 90, "on": 10}}}): the order of a rollout's variants decides which users
 * get which variant, so it must be kept in a {@code json} or {@code text} column, never {@code jsonb}. Values are
 * checked when the change is proposed (the same checks as the admin API's direct routes, then the engine's); a
 * stored change that fails the engine's checks when applied (the flag changed meanwhile) is refused then, whole.
 */
public sealed interface ProposedChange {

    /** The kind, as stored and shown: {@code flag.toggle}, {@code flag.rollout}, ... */
    String kind();

    /** The environment it changes, or null for a change of the flag's definition in every environment. */
    String environment();

    /** {@code flag} or {@code segment}: the audit log's resource type. */
    String resourceType();

    /** The flag's or segment's key. */
    String resourceKey();

    /** The stored form (a new tree each call). */
    ObjectNode toJson();

    /** Lowercase hex SHA-256 of the stored form's compact text. */
    default String sha256() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(StoredJson.write(toJson()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** A flag turned on or off in an environment. */
    record Toggle(String environment, String flag, boolean enabled) implements ProposedChange {
        @Override
        public String kind() {
            return "flag.toggle";
        }

        @Override
        public String resourceType() {
            return "flag";
        }

        @Override
        public String resourceKey() {
            return flag;
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode o = head(this);
            o.put("enabled", enabled);
            return o;
        }
    }

    /**
     * A flag's fallthrough set to a percentage rollout in an environment: exactly one of {@code percentage} (a
     * boolean flag's share of {@code true}, the number as written) and {@code weights} (percentages by variant, in
     * order); {@code bucketBy} or null.
     */
    record Rollout(String environment, String flag, JsonNode percentage, ObjectNode weights, String bucketBy)
            implements ProposedChange {
        @Override
        public String kind() {
            return "flag.rollout";
        }

        @Override
        public String resourceType() {
            return "flag";
        }

        @Override
        public String resourceKey() {
            return flag;
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode o = head(this);
            if (percentage != null) {
                o.set("percentage", percentage.deepCopy());
            }
            if (weights != null) {
                o.set("rollout", weights.deepCopy());
            }
            if (bucketBy != null) {
                o.put("bucketBy", bucketBy);
            }
            return o;
        }
    }

    /** A flag's whole configuration in an environment replaced by {@code config}. */
    record Configure(String environment, String flag, ObjectNode config) implements ProposedChange {
        @Override
        public String kind() {
            return "flag.configure";
        }

        @Override
        public String resourceType() {
            return "flag";
        }

        @Override
        public String resourceKey() {
            return flag;
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode o = head(this);
            o.set("config", config.deepCopy());
            return o;
        }
    }

    /**
     * A flag's definition replaced in every environment (variants and their values, tags, ...): {@code name},
     * {@code description}, {@code salt} or null, {@code tags}, {@code variants}, {@code metadata} or null.
     */
    record UpdateFlag(String flag, String name, String description, List<String> tags, JsonNode variants,
            JsonNode metadata, String salt) implements ProposedChange {
        public UpdateFlag {
            tags = List.copyOf(tags);
        }

        @Override
        public String kind() {
            return "flag.update";
        }

        @Override
        public String environment() {
            return null;
        }

        @Override
        public String resourceType() {
            return "flag";
        }

        @Override
        public String resourceKey() {
            return flag;
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode o = head(this);
            putText(o, "name", name);
            putText(o, "description", description);
            ArrayNode t = o.putArray("tags");
            for (String tag : tags) {
                t.add(tag);
            }
            o.set("variants", variants == null ? null : variants.deepCopy());
            if (metadata != null) {
                o.set("metadata", metadata.deepCopy());
            }
            putText(o, "salt", salt);
            return o;
        }
    }

    /** A flag deleted, with its configuration in every environment. */
    record DeleteFlag(String flag) implements ProposedChange {
        @Override
        public String kind() {
            return "flag.delete";
        }

        @Override
        public String environment() {
            return null;
        }

        @Override
        public String resourceType() {
            return "flag";
        }

        @Override
        public String resourceKey() {
            return flag;
        }

        @Override
        public ObjectNode toJson() {
            return head(this);
        }
    }

    /** A segment of an environment created ({@code create}) or replaced: description and definition. */
    record PutSegment(String environment, String segment, boolean create, String description, ObjectNode definition)
            implements ProposedChange {
        @Override
        public String kind() {
            return "segment.put";
        }

        @Override
        public String resourceType() {
            return "segment";
        }

        @Override
        public String resourceKey() {
            return segment;
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode o = head(this);
            o.put("create", create);
            putText(o, "description", description);
            o.set("definition", definition.deepCopy());
            return o;
        }
    }

    /** A segment of an environment deleted. */
    record DeleteSegment(String environment, String segment) implements ProposedChange {
        @Override
        public String kind() {
            return "segment.delete";
        }

        @Override
        public String resourceType() {
            return "segment";
        }

        @Override
        public String resourceKey() {
            return segment;
        }

        @Override
        public ObjectNode toJson() {
            return head(this);
        }
    }

    /**
     * Reads a stored change back.
     *
     * @throws IllegalStateException when {@code json} is not a stored change (the server stores only valid ones)
     */
    static ProposedChange fromJson(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalStateException("a stored change is an object, not " + json);
        }
        String kind = json.path("kind").asText("");
        String env = text(json, "environment");
        return switch (kind) {
            case "flag.toggle" -> new Toggle(env, text(json, "flag"), json.path("enabled").asBoolean());
            case "flag.rollout" -> new Rollout(env, text(json, "flag"), json.get("percentage"),
                    json.get("rollout") instanceof ObjectNode w ? w : null, text(json, "bucketBy"));
            case "flag.configure" -> new Configure(env, text(json, "flag"), (ObjectNode) json.get("config"));
            case "flag.update" -> {
                List<String> tags = new ArrayList<>();
                for (JsonNode t : json.path("tags")) {
                    tags.add(t.asText());
                }
                yield new UpdateFlag(text(json, "flag"), text(json, "name"), text(json, "description"), tags,
                        json.get("variants"), json.get("metadata"), text(json, "salt"));
            }
            case "flag.delete" -> new DeleteFlag(text(json, "flag"));
            case "segment.put" -> new PutSegment(env, text(json, "segment"), json.path("create").asBoolean(),
                    text(json, "description"), (ObjectNode) json.get("definition"));
            case "segment.delete" -> new DeleteSegment(env, text(json, "segment"));
            default -> throw new IllegalStateException("not a stored change: kind '" + kind + "'");
        };
    }

    private static ObjectNode head(ProposedChange c) {
        ObjectNode o = StoredJson.object();
        o.put("kind", c.kind());
        if (c.environment() != null) {
            o.put("environment", c.environment());
        }
        o.put(c.resourceType(), c.resourceKey());
        return o;
    }

    private static void putText(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
