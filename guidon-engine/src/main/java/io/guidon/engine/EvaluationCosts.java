package io.guidon.engine;

import io.guidon.json.Pointer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Refuses segments and flags whose worst-case evaluation exceeds {@link FlagDocumentCompiler#MAX_EVALUATION_STEPS}
 * (see {@link Cost}): a segment where it first does (none of the segments it references does alone), at its
 * costliest rule; a flag at its costliest rule or prerequisite, naming the segment or prerequisite that makes it so.
 * Records each flag's worst case ({@code Flag.evaluationSteps}). Skipped when a reference graph has a cycle
 * (reported already; a cost is then infinite).
 */
final class EvaluationCosts {

    private static final long MAX = FlagDocumentCompiler.MAX_EVALUATION_STEPS;

    private final Problems problems;
    private final DocumentParts parts;

    EvaluationCosts(Problems problems, DocumentParts parts) {
        this.problems = problems;
        this.parts = parts;
    }

    void check() {
        if (parts.segmentCycle || parts.prerequisiteCycle) {
            return;
        }
        Map<String, Long> segmentCosts = new HashMap<>(Math.max(16, parts.segmentOrder.size() * 2));
        Map<String, Long> none = Map.of();
        for (String key : parts.segmentOrder) {
            segmentCosts.put(key, Cost.of(parts.segmentParts.get(key), segmentCosts, none));
        }
        for (String key : parts.segmentOrder) {
            long cost = segmentCosts.get(key);
            if (cost <= MAX || overLimit(parts.segmentDeps.get(key), segmentCosts) != null) {
                continue;
            }
            Cost.Part worst = Cost.costliest(parts.segmentParts.get(key), segmentCosts, none);
            problems.error(worst == null ? Pointer.of("segments", key) : worst.path, "testing segment '" + key
                    + "' can take up to " + Cost.steps(cost) + " evaluation steps with the segments it references "
                    + "expanded; at most " + MAX + " (see \"Limits\" in the flag format): "
                    + "nest fewer segments or reference fewer in each");
        }
        Map<String, Long> flagCosts = new HashMap<>(Math.max(16, parts.flagOrder.size() * 2));
        for (String key : parts.flagOrder) {
            long cost = Cost.of(parts.flagParts.get(key), segmentCosts, flagCosts);
            flagCosts.put(key, cost);
            parts.flags.get(key).evaluationSteps = cost;
        }
        for (String key : parts.flagOrder) {
            long cost = flagCosts.get(key);
            if (cost <= MAX) {
                continue;
            }
            Cost.Part worst = Cost.costliest(parts.flagParts.get(key), segmentCosts, flagCosts);
            String cause = "";
            if (worst != null && worst.prerequisite != null) {
                cause = ": its prerequisite '" + worst.prerequisite + "' alone can take up to "
                        + Cost.steps(flagCosts.get(worst.prerequisite));
            } else if (worst != null) {
                String segment = costliest(worst.segments.keySet(), segmentCosts);
                // Down to the segment where the cost passes the limit, the one to change.
                for (String below = segment; below != null && segmentCosts.get(below) > MAX;
                        below = overLimit(parts.segmentDeps.get(below), segmentCosts)) {
                    segment = below;
                }
                if (segment != null) {
                    cause = ": segment '" + segment + "' alone can take up to " + Cost.steps(segmentCosts.get(segment));
                }
            }
            problems.error(worst == null ? Pointer.of("flags", key) : worst.path, "evaluating flag '" + key
                    + "' can take up to " + Cost.steps(cost) + " evaluation steps with its segments and "
                    + "prerequisites expanded; at most " + MAX + " (see \"Limits\" in the flag format)" + cause);
        }
    }

    /** The costliest of {@code keys} that exceeds the limit, or null. */
    private static String overLimit(Set<String> keys, Map<String, Long> costs) {
        String worst = costliest(keys, costs);
        return worst != null && costs.get(worst) > MAX ? worst : null;
    }

    /** The costliest of {@code keys} with a known cost, or null. */
    private static String costliest(Set<String> keys, Map<String, Long> costs) {
        String worst = null;
        long worstCost = -1;
        for (String k : keys) {
            Long c = costs.get(k);
            if (c != null && c > worstCost) {
                worst = k;
                worstCost = c;
            }
        }
        return worst;
    }
}
