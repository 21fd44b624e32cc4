package io.guidon.controlplane.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One environment's flag document as rows: flag definitions with their configuration in this environment, and
 * the environment's segments. {@link #toJson()} is exactly the flag-document format that
 * {@link io.guidon.engine.FlagDocumentCompiler} reads and sidecars receive.
 */
public final class EnvironmentDocument {

    /** The configuration fields of a flag, set per environment. */
    public static final String[] CONFIG_FIELDS = {"enabled", "offVariant", "prerequisites", "targets", "rules",
            "fallthrough"};
    /** The definition fields of a segment besides its description. */
    public static final String[] SEGMENT_FIELDS = {"included", "excluded", "rules"};

    public final Map<String, FlagDefinition> flags = new LinkedHashMap<>();
    public final Map<String, ObjectNode> configs = new LinkedHashMap<>();
    public final Map<String, Segment> segments = new LinkedHashMap<>();

    /** A copy whose maps can be changed without touching this one (the values are shared, never changed). */
    public EnvironmentDocument copy() {
        EnvironmentDocument c = new EnvironmentDocument();
        c.flags.putAll(flags);
        c.configs.putAll(configs);
        c.segments.putAll(segments);
        return c;
    }

    /** The document in the flag-document format. */
    public ObjectNode toJson() {
        ObjectNode root = StoredJson.object();
        ObjectNode segs = root.putObject("segments");
        for (Segment s : segments.values()) {
            segs.set(s.key(), segmentObject(s));
        }
        ObjectNode fl = root.putObject("flags");
        for (FlagDefinition f : flags.values()) {
            fl.set(f.key(), flagObject(f, configs.get(f.key())));
        }
        return root;
    }

    /** A flag as the flag-document format has it: definition and this environment's configuration merged. */
    public static ObjectNode flagObject(FlagDefinition def, ObjectNode config) {
        ObjectNode o = StoredJson.object();
        if (def.description() != null && !def.description().isEmpty()) {
            o.put("description", def.description());
        }
        if (!def.tags().isEmpty()) {
            def.tags().forEach(o.putArray("tags")::add);
        }
        o.set("variants", def.variants());
        for (String field : CONFIG_FIELDS) {
            JsonNode v = config == null ? null : config.get(field);
            if (v != null && !v.isNull()) {
                o.set(field, v);
            }
        }
        if (def.salt() != null) {
            o.put("salt", def.salt());
        }
        if (def.metadata() != null && !def.metadata().isNull()) {
            o.set("metadata", def.metadata());
        }
        return o;
    }

    public static ObjectNode segmentObject(Segment s) {
        ObjectNode o = StoredJson.object();
        if (s.description() != null && !s.description().isEmpty()) {
            o.put("description", s.description());
        }
        for (String field : SEGMENT_FIELDS) {
            JsonNode v = s.definition().get(field);
            if (v != null && !v.isNull()) {
                o.set(field, v);
            }
        }
        return o;
    }

    /**
     * The configuration a flag gets in an environment where nobody configured it yet: disabled, serving its "off"
     * variant (the first variant whose value is {@code false}, else the first variant) to everyone.
     */
    public static ObjectNode defaultConfig(JsonNode variants, String offVariant) {
        String off = offVariant;
        if (off == null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = variants.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (off == null) {
                    off = e.getKey();
                }
                if (e.getValue().isBoolean() && !e.getValue().booleanValue()) {
                    off = e.getKey();
                    break;
                }
            }
        }
        ObjectNode c = StoredJson.object();
        c.put("enabled", false);
        c.put("offVariant", off);
        c.putObject("fallthrough").put("variant", off);
        return c;
    }
}
