package io.guidon.engine;

import static io.guidon.engine.Problems.kind;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.json.Pointer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;

/**
 * Compiles conditions: {@code all}, {@code any}, {@code not}, segment references (resolved later, by
 * {@link References}) and clauses ({@link ClauseCompiler}), at most {@link FlagDocumentCompiler#MAX_CONDITION_DEPTH}
 * deep. Counts each condition into the cost of the rule it belongs to.
 */
final class ConditionCompiler {

    private static final List<String> CONDITION_KINDS = List.of("all", "any", "not", "segment");

    /**
     * What a condition belongs to: the rule whose cost it adds to, the set collecting the segments it references, and
     * the segment whose rule it is (null for a flag's rule).
     */
    record Scope(Cost.Part part, Set<String> deps, String segmentKey) {
    }

    private final Problems problems;
    private final DocumentParts parts;
    private final ClauseCompiler clauses;

    ConditionCompiler(Problems problems, DocumentParts parts, ClauseCompiler clauses) {
        this.problems = problems;
        this.parts = parts;
        this.clauses = clauses;
    }

    /** The condition at {@code where} (a rule's, depth 1), or null after reporting its problems. */
    Condition compile(JsonNode node, Pointer where, int depth, Scope scope) {
        if (depth > FlagDocumentCompiler.MAX_CONDITION_DEPTH) {
            problems.error(where, "conditions nest deeper than " + FlagDocumentCompiler.MAX_CONDITION_DEPTH
                    + " levels");
            return null;
        }
        if (scope.part() != null) {
            scope.part().conditions++;
        }
        if (!node.isObject()) {
            problems.error(where, "a condition must be an object ({\"all\": [...]}, {\"any\": [...]}, {\"not\": ...}, "
                    + "{\"segment\": ...} or a clause {\"attribute\", \"op\", \"values\"}), not " + kind(node));
            return null;
        }
        if (node.has("attribute") || node.has("op") || node.has("values")) {
            return clauses.compile(node, where, scope.part());
        }
        String kind = null;
        for (String k : CONDITION_KINDS) {
            if (node.has(k)) {
                if (kind != null) {
                    problems.error(where, "a condition has exactly one of all, any, not, segment or a clause; found "
                            + "both '" + kind + "' and '" + k + "'");
                    return null;
                }
                kind = k;
            }
        }
        if (kind == null) {
            problems.error(where, "a condition needs one of all, any, not, segment or a clause {\"attribute\", "
                    + "\"op\", \"values\"}; found " + fieldNames(node));
            return null;
        }
        problems.unknownFields(node, where, Set.of(kind));
        JsonNode inner = node.get(kind);
        Pointer innerAt = where.field(kind);
        return switch (kind) {
            case "all", "any" -> parts(kind, inner, innerAt, depth, scope);
            case "not" -> {
                Condition c = compile(inner, innerAt, depth + 1, scope);
                yield c == null ? null : new Condition.Not(c);
            }
            default -> segmentRef(inner, innerAt, scope);
        };
    }

    private Condition parts(String kind, JsonNode inner, Pointer innerAt, int depth, Scope scope) {
        if (!inner.isArray() || inner.isEmpty()) {
            problems.error(innerAt, "must be a non-empty array of conditions, not " + kind(inner));
            return null;
        }
        if (problems.tooMany(inner, FlagDocumentCompiler.MAX_PARTS, innerAt, "conditions")) {
            return null;
        }
        Condition[] conditions = new Condition[inner.size()];
        boolean ok = true;
        for (int i = 0; i < inner.size(); i++) {
            conditions[i] = compile(inner.get(i), innerAt.index(i), depth + 1, scope);
            ok &= conditions[i] != null;
        }
        if (!ok) {
            return null;
        }
        return kind.equals("all") ? new Condition.All(conditions) : new Condition.Any(conditions);
    }

    private Condition segmentRef(JsonNode inner, Pointer innerAt, Scope scope) {
        if (!inner.isTextual()) {
            problems.error(innerAt, "must be a segment key, not " + kind(inner));
            return null;
        }
        String key = inner.textValue();
        Condition.SegmentRef ref = new Condition.SegmentRef(key);
        parts.segmentRefs.add(new DocumentParts.SegmentReference(ref, innerAt));
        scope.deps().add(key);
        if (scope.part() != null) {
            scope.part().segments.merge(key, 1L, Long::sum);
        }
        if (scope.segmentKey() != null) {
            parts.segmentRefPlaces.computeIfAbsent(scope.segmentKey(), k -> new HashMap<>()).putIfAbsent(key, innerAt);
        }
        return ref;
    }

    private static String fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names.isEmpty() ? "an empty object" : "fields " + names;
    }
}
