package io.guidon.engine;

import static io.guidon.engine.Problems.kind;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.json.Pointer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Compiles one segment {@code {"description", "included", "excluded", "rules"}} into a {@link Segment}; the segments
 * its rules reference are resolved later ({@link References}).
 */
final class SegmentCompiler {

    private static final Set<String> SEGMENT_FIELDS = Set.of("description", "included", "excluded", "rules");

    private final Problems problems;
    private final DocumentParts parts;
    private final ConditionCompiler conditions;

    SegmentCompiler(Problems problems, DocumentParts parts, ConditionCompiler conditions) {
        this.problems = problems;
        this.parts = parts;
        this.conditions = conditions;
    }

    void compile(String key, JsonNode node, Pointer where) {
        if (!FlagDocumentCompiler.KEY.matcher(key).matches()) {
            problems.error(where, "invalid segment key '" + key + "': use 1 to 128 of a-z, 0-9, '.', '_', '-', "
                    + "starting with a letter or digit");
        }
        if (!node.isObject()) {
            problems.error(where, "a segment must be an object, not " + kind(node));
            return;
        }
        problems.unknownFields(node, where, SEGMENT_FIELDS);
        problems.optionalString(node, "description", where);
        Set<String> included = keys(node.get("included"), where.field("included"));
        Set<String> excluded = keys(node.get("excluded"), where.field("excluded"));
        Set<String> deps = new LinkedHashSet<>();
        List<Cost.Part> costParts = new ArrayList<>();
        parts.segmentParts.put(key, costParts);
        List<Condition> rules = new ArrayList<>();
        JsonNode rulesNode = node.get("rules");
        Pointer rulesAt = where.field("rules");
        if (rulesNode != null && !rulesNode.isNull()) {
            if (!rulesNode.isArray()) {
                problems.error(rulesAt, "must be an array of conditions, not " + kind(rulesNode));
            } else if (!problems.tooMany(rulesNode, FlagDocumentCompiler.MAX_RULES, rulesAt, "rules")) {
                for (int i = 0; i < rulesNode.size(); i++) {
                    Cost.Part part = new Cost.Part(rulesAt.index(i), null);
                    costParts.add(part);
                    Condition c = conditions.compile(rulesNode.get(i), rulesAt.index(i), 1,
                            new ConditionCompiler.Scope(part, deps, key));
                    if (c != null) {
                        rules.add(c);
                    }
                }
            }
        }
        parts.segmentDeps.put(key, deps);
        parts.segmentNodes.put(key, node);
        parts.segments.put(key, new Segment(key, included, excluded, rules.toArray(new Condition[0])));
    }

    /** An {@code included} or {@code excluded} list of targeting keys. */
    private Set<String> keys(JsonNode node, Pointer where) {
        if (node == null || node.isNull()) {
            return Set.of();
        }
        if (!node.isArray()) {
            problems.error(where, "must be an array of strings, not " + kind(node));
            return Set.of();
        }
        if (problems.tooMany(node, FlagDocumentCompiler.MAX_VALUES, where, "targeting keys")) {
            return Set.of();
        }
        Set<String> out = new HashSet<>(Math.max(4, node.size() * 2));
        for (int i = 0; i < node.size(); i++) {
            JsonNode v = node.get(i);
            if (!v.isTextual()) {
                problems.error(where.index(i), "must be a string, not " + kind(v));
            } else if (!problems.tooLong(v.textValue(), where.index(i))) {
                out.add(v.textValue());
            }
        }
        return Collections.unmodifiableSet(out);
    }
}
