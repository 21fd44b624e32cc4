package io.guidon.engine;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A compiled segment: a context belongs to it when its targeting key is included; otherwise not when the key
 * is excluded; otherwise when any of its rules holds.
 */
final class Segment {

    final String key;
    private final Set<String> included;
    private final Set<String> excluded;
    private final Condition[] rules;

    Segment(String key, Set<String> included, Set<String> excluded, Condition[] rules) {
        this.key = key;
        this.included = included;
        this.excluded = excluded;
        this.rules = rules;
    }

    boolean contains(EvaluationContext ctx, InstantSource clock, Map<String, Object> trace) {
        String targetingKey = ctx.targetingKey();
        if (targetingKey != null) {
            if (included.contains(targetingKey)) {
                if (trace != null) {
                    trace.put("by", "included");
                }
                return true;
            }
            if (excluded.contains(targetingKey)) {
                if (trace != null) {
                    trace.put("by", "excluded");
                }
                return false;
            }
        }
        List<Object> ruleTrace = trace == null ? null : new ArrayList<>();
        boolean result = false;
        for (int i = 0; i < rules.length; i++) {
            if (rules[i].test(ctx, clock, ruleTrace)) {
                result = true;
                break;
            }
        }
        if (trace != null) {
            trace.put("by", "rules");
            trace.put("rules", ruleTrace);
        }
        return result;
    }
}
