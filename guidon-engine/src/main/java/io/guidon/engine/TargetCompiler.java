package io.guidon.engine;

import static io.guidon.engine.Problems.kind;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.json.Pointer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a flag's {@code targets} ({@code [{"variant", "values"}]}) into one map from targeting key to the
 * precomputed result; a key may be targeted once.
 */
final class TargetCompiler {

    private static final Set<String> TARGET_FIELDS = Set.of("variant", "values");

    private final Problems problems;
    private final VariantCompiler variants;

    TargetCompiler(Problems problems, VariantCompiler variants) {
        this.problems = problems;
        this.variants = variants;
    }

    /** The results by targeting key, or null when there are none. */
    Map<String, EvaluationResult> compile(Flag flag, JsonNode node, Pointer where, Map<String, Variant> declared) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            problems.error(where, "must be an array of {\"variant\", \"values\"}, not " + kind(node));
            return null;
        }
        Map<String, EvaluationResult> out = new HashMap<>();
        Map<String, Pointer> firstPlace = new HashMap<>();
        int keys = 0;
        for (int i = 0; i < node.size(); i++) {
            JsonNode t = node.get(i);
            Pointer at = where.index(i);
            if (!t.isObject()) {
                problems.error(at, "must be an object {\"variant\", \"values\"}, not " + kind(t));
                continue;
            }
            problems.unknownFields(t, at, TARGET_FIELDS);
            Variant v = variants.ref(t.get("variant"), at.field("variant"), declared, "the variant these keys get");
            JsonNode values = t.get("values");
            Pointer valuesAt = at.field("values");
            if (values == null || !values.isArray() || values.isEmpty()) {
                problems.error(valuesAt, "required: a non-empty array of targeting keys");
                continue;
            }
            keys += values.size();
            if (keys > FlagDocumentCompiler.MAX_VALUES) {
                problems.error(valuesAt, "a flag's targets list more than " + FlagDocumentCompiler.MAX_VALUES
                        + " keys");
                break;
            }
            EvaluationResult result = v == null ? null : new EvaluationResult(flag, v, Reason.TARGETING_MATCH, null);
            for (int j = 0; j < values.size(); j++) {
                JsonNode k = values.get(j);
                if (!k.isTextual()) {
                    problems.error(valuesAt.index(j), "a targeting key must be a string, not " + kind(k));
                    continue;
                }
                if (problems.tooLong(k.textValue(), valuesAt.index(j))) {
                    continue;
                }
                Pointer previous = firstPlace.putIfAbsent(k.textValue(), valuesAt.index(j));
                if (previous != null) {
                    problems.error(valuesAt.index(j), "'" + k.textValue() + "' is already targeted at ",
                            previous, "");
                } else if (result != null) {
                    out.put(k.textValue(), result);
                }
            }
        }
        return out.isEmpty() ? null : out;
    }
}
