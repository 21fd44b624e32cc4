package io.guidon.engine;

import static io.guidon.engine.Problems.kind;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.json.Pointer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles one flag: its own fields (description, enabled, salt, tags, metadata), then its variants, off variant,
 * prerequisites, targets, rules and fallthrough, each by its compiler, into a {@link Flag} whose results are
 * precomputed. Prerequisites are resolved once every flag is compiled ({@link References}).
 */
final class FlagCompiler {

    private static final Set<String> FLAG_FIELDS = Set.of("description", "enabled", "variants", "offVariant",
            "prerequisites", "targets", "rules", "fallthrough", "salt", "tags", "metadata");

    private final Problems problems;
    private final DocumentParts parts;
    private final JsonValues json;
    private final VariantCompiler variants;
    private final PrerequisiteCompiler prerequisites;
    private final TargetCompiler targets;
    private final RuleCompiler rules;
    private final ServeCompiler serves;

    FlagCompiler(Problems problems, DocumentParts parts, JsonValues json, VariantCompiler variants,
            PrerequisiteCompiler prerequisites, TargetCompiler targets, RuleCompiler rules, ServeCompiler serves) {
        this.problems = problems;
        this.parts = parts;
        this.json = json;
        this.variants = variants;
        this.prerequisites = prerequisites;
        this.targets = targets;
        this.rules = rules;
        this.serves = serves;
    }

    void compile(String key, JsonNode node, Pointer where) {
        if (!FlagDocumentCompiler.KEY.matcher(key).matches()) {
            problems.error(where, "invalid flag key '" + key + "': use 1 to 128 of a-z, 0-9, '.', '_', '-', "
                    + "starting with a letter or digit");
        }
        if (!node.isObject()) {
            problems.error(where, "a flag must be an object, not " + kind(node));
            return;
        }
        problems.unknownFields(node, where, FLAG_FIELDS);
        String description = problems.optionalString(node, "description", where);
        JsonNode enabledNode = node.get("enabled");
        boolean enabled = false;
        if (enabledNode == null) {
            problems.error(where.field("enabled"), "required: true or false");
        } else if (!enabledNode.isBoolean()) {
            problems.error(where.field("enabled"), "must be true or false, not " + kind(enabledNode));
        } else {
            enabled = enabledNode.booleanValue();
        }
        String salt = problems.optionalString(node, "salt", where);
        List<String> tags = tags(node.get("tags"), where.field("tags"));
        Map<String, Object> metadata = metadata(node.get("metadata"), where.field("metadata"));

        Map<String, Variant> declared = new LinkedHashMap<>();
        FlagType type = variants.compile(node.get("variants"), where.field("variants"), declared);
        JsonNode metadataNode = node.get("metadata");
        String metadataJson = metadata.isEmpty() || metadataNode == null ? "{}"
                : json.json(JsonValues.wireNumbers(metadataNode, where.field("metadata"), false, problems));
        Flag flag = new Flag(key, description, type, Collections.unmodifiableMap(declared), tags, metadata,
                metadataJson, enabled, salt == null ? key : salt);
        parts.flagNodes.put(key, node);

        Variant off = variants.ref(node.get("offVariant"), where.field("offVariant"), declared,
                "the variant served when the flag is disabled or a prerequisite fails");
        if (off != null) {
            flag.offResult = new EvaluationResult(flag, off, Reason.DISABLED, null);
            // OpenFeature has no reason for a failed prerequisite: the flag is off for this context (as LaunchDarkly,
            // whose PREREQUISITE_FAILED serves the off variation like OFF, treats it), so DISABLED.
            flag.prerequisiteFailed = new EvaluationResult(flag, off, Reason.DISABLED, null);
        }
        parts.flagParts.put(key, new ArrayList<>());
        flag.prerequisites = prerequisites.compile(key, node.get("prerequisites"), where.field("prerequisites"));
        flag.targets = targets.compile(flag, node.get("targets"), where.field("targets"), declared);
        Set<String> deps = new LinkedHashSet<>();
        flag.rules = rules.compile(flag, node.get("rules"), where.field("rules"), declared, deps);
        parts.flagSegmentDeps.put(key, deps);
        boolean targeting = flag.prerequisites.length != 0 || flag.targets != null || flag.rules.length != 0;
        JsonNode fallthrough = node.get("fallthrough");
        if (fallthrough == null || fallthrough.isNull()) {
            problems.error(where.field("fallthrough"), "required: what to serve when no target or rule matches, "
                    + "{\"variant\": ...} or {\"rollout\": {...}}");
        } else {
            flag.fallthrough = serves.compile(flag, fallthrough, where.field("fallthrough"), declared, null,
                    targeting ? Reason.DEFAULT : Reason.STATIC);
        }
        parts.flags.put(key, flag);
    }

    private List<String> tags(JsonNode node, Pointer where) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            problems.error(where, "must be an array of strings, not " + kind(node));
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode t = node.get(i);
            if (!t.isTextual()) {
                problems.error(where.index(i), "a tag must be a string, not " + kind(t));
            } else if (t.textValue().isEmpty()) {
                problems.error(where.index(i), "a tag must not be empty");
            } else {
                out.add(t.textValue());
            }
        }
        return List.copyOf(out);
    }

    private Map<String, Object> metadata(JsonNode node, Pointer where) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            problems.error(where, "must be an object of strings, numbers and booleans, not " + kind(node));
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (!v.isTextual() && !v.isNumber() && !v.isBoolean()) {
                problems.error(where.field(e.getKey()), "metadata values are strings, numbers or booleans, not "
                        + kind(v));
            } else if (v.isNumber() && !problems.representable(v, where.field(e.getKey()))) {
                continue;
            } else {
                out.put(e.getKey(), JsonValues.javaValue(v));
            }
        }
        return Collections.unmodifiableMap(out);
    }
}
