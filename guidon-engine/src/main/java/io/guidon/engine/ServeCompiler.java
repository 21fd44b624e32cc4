package io.guidon.engine;

import static io.guidon.engine.Problems.kind;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.json.Pointer;
import java.util.Map;
import java.util.Set;

/**
 * Compiles what a rule or the fallthrough serves: {@code {"variant": name}}, one precomputed result, or
 * {@code {"rollout": {...}, "bucketBy": attribute}}, a percentage rollout ({@link RolloutCompiler}).
 */
final class ServeCompiler {

    private static final Set<String> SERVE_FIELDS = Set.of("variant", "rollout", "bucketBy");

    private final Problems problems;
    private final VariantCompiler variants;
    private final RolloutCompiler rollouts;

    ServeCompiler(Problems problems, VariantCompiler variants, RolloutCompiler rollouts) {
        this.problems = problems;
        this.variants = variants;
        this.rollouts = rollouts;
    }

    /**
     * The serve, or null after reporting its problems. {@code ruleId} is the rule's (null for the fallthrough);
     * {@code fixedReason} the reason a fixed variant is served with.
     */
    Serve compile(Flag flag, JsonNode node, Pointer where, Map<String, Variant> declared, String ruleId,
            Reason fixedReason) {
        if (!node.isObject()) {
            problems.error(where, "must be {\"variant\": ...} or {\"rollout\": {...}}, not " + kind(node));
            return null;
        }
        problems.unknownFields(node, where, SERVE_FIELDS);
        JsonNode variantNode = node.get("variant");
        JsonNode rolloutNode = node.get("rollout");
        JsonNode bucketByNode = node.get("bucketBy");
        if ((variantNode == null) == (rolloutNode == null)) {
            problems.error(where, "must have exactly one of \"variant\" and \"rollout\"");
            return null;
        }
        if (variantNode != null) {
            if (bucketByNode != null) {
                problems.error(where.field("bucketBy"), "only a rollout buckets; remove it or serve a rollout");
            }
            Variant v = variants.ref(variantNode, where.field("variant"), declared, "the variant to serve");
            return v == null ? null : new Serve.Fixed(new EvaluationResult(flag, v, fixedReason, ruleId));
        }
        String bucketBy = null;
        if (bucketByNode != null) {
            if (!bucketByNode.isTextual()) {
                problems.error(where.field("bucketBy"), "must be an attribute name, not " + kind(bucketByNode));
            } else if (bucketByNode.textValue().isEmpty()
                    || bucketByNode.textValue().length() > FlagDocumentCompiler.MAX_ATTRIBUTE_LENGTH) {
                problems.error(where.field("bucketBy"), "an attribute name has 1 to "
                        + FlagDocumentCompiler.MAX_ATTRIBUTE_LENGTH + " characters");
            } else if (!bucketByNode.textValue().equals(EvaluationContext.TARGETING_KEY)) {
                bucketBy = bucketByNode.textValue();
            }
        }
        return rollouts.compile(flag, rolloutNode, where.field("rollout"), declared, ruleId, bucketBy);
    }
}
