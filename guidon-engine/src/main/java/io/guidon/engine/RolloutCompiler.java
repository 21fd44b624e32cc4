package io.guidon.engine;

import static io.guidon.engine.Problems.kind;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.json.Pointer;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compiles a percentage rollout {@code {"on": 10, "off": 90}}: percentages by declared variant, each with at most
 * three decimals, summing to exactly 100; kept as cumulative upper bounds in thousandths of a percent
 * ({@link Bucketing#BUCKETS}) with the precomputed result of each variant.
 */
final class RolloutCompiler {

    private final Problems problems;

    RolloutCompiler(Problems problems) {
        this.problems = problems;
    }

    /** The rollout, or null after reporting its problems; {@code bucketBy} null buckets by the targeting key. */
    Serve.Rollout compile(Flag flag, JsonNode node, Pointer where, Map<String, Variant> variants, String ruleId,
            String bucketBy) {
        if (!node.isObject() || node.isEmpty()) {
            problems.error(where, "must be a non-empty object of percentages by variant, such as {\"on\": 10, "
                    + "\"off\": 90}");
            return null;
        }
        int n = node.size();
        int[] upper = new int[n];
        EvaluationResult[] results = new EvaluationResult[n];
        Map<String, Object> weights = new LinkedHashMap<>();
        int sum = 0;
        int i = 0;
        boolean valid = true;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); i++) {
            Map.Entry<String, JsonNode> e = it.next();
            Pointer at = where.field(e.getKey());
            Variant v = variants.get(e.getKey());
            if (v == null) {
                if (!variants.isEmpty()) {
                    problems.error(at, "variant '" + e.getKey() + "' is not declared (declared: "
                            + String.join(", ", variants.keySet()) + ")");
                }
                valid = false;
            }
            int thousandths = weight(e.getValue(), at);
            if (thousandths < 0) {
                valid = false;
                continue;
            }
            sum += thousandths;
            upper[i] = sum;
            weights.put(e.getKey(), e.getValue().numberValue());
            if (v != null) {
                results[i] = new EvaluationResult(flag, v, Reason.SPLIT, ruleId);
            }
        }
        if (valid && sum != Bucketing.BUCKETS) {
            problems.error(where, "percentages sum to " + BigDecimal.valueOf(sum, 3).stripTrailingZeros()
                    .toPlainString() + ", not 100");
            valid = false;
        }
        if (!valid) {
            return null;
        }
        String missing = bucketBy == null
                ? "flag '" + flag.key() + "' serves a percentage rollout and needs a targetingKey in the context"
                : "flag '" + flag.key() + "' serves a percentage rollout by '" + bucketBy
                        + "' and needs that attribute (a string or an integer) in the context";
        EvaluationResult keyMissing = EvaluationResult.error(flag.key(), flag, ErrorCode.TARGETING_KEY_MISSING,
                missing);
        return new Serve.Rollout(bucketBy, upper, results, keyMissing, Collections.unmodifiableMap(weights));
    }

    /** A percentage in thousandths of a percent, or -1 after reporting why it is not one. */
    private int weight(JsonNode node, Pointer where) {
        String problem = percentageProblem(node);
        if (problem != null) {
            problems.error(where, problem);
            return -1;
        }
        return node.decimalValue().stripTrailingZeros().movePointRight(3).intValueExact();
    }

    /** See {@link FlagDocumentCompiler#percentageProblem}. */
    static String percentageProblem(JsonNode node) {
        if (!node.isNumber()) {
            return "a percentage must be a number from 0 to 100, not " + kind(node);
        }
        BigDecimal d = node.decimalValue().stripTrailingZeros();
        if (d.signum() < 0 || d.compareTo(BigDecimal.valueOf(100)) > 0) {
            return "a percentage must be from 0 to 100, not " + readable(d);
        }
        if (d.scale() > 3) {
            return "a percentage has at most three decimals, not " + readable(d);
        }
        return null;
    }

    /** A decimal for a message: plain when short, else scientific ({@code 1E+999999999} has no plain form to print). */
    static String readable(BigDecimal d) {
        return Math.abs((long) d.scale()) <= 30 ? d.toPlainString() : d.toString();
    }
}
