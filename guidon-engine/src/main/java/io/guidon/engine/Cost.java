package io.guidon.engine;

import io.guidon.json.Pointer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The worst-case cost of evaluating a flag or testing a segment, in steps (see
 * {@link FlagDocumentCompiler#MAX_EVALUATION_STEPS}), computed at validation by dynamic programming over the
 * reference graphs in post-order: a segment's or flag's cost is its own steps plus, for each reference, the cost of
 * what it references (already computed), as often as it is referenced. The arithmetic saturates at {@link #CAP}, so
 * that costs growing exponentially with nesting (20 segments each {@code any} of the next 20, 8 levels deep) cannot
 * overflow into small or negative numbers.
 */
final class Cost {

    /** Where costs stop growing; two capped costs still add without overflowing. */
    static final long CAP = Long.MAX_VALUE / 4;

    private Cost() {
    }

    /** One rule of a segment or flag, or one prerequisite of a flag: what evaluating it costs. */
    static final class Part {
        /** Where it is in the document (a rule's condition, a prerequisite). */
        final Pointer path;
        /** The flag this part requires, or null for a rule. */
        final String prerequisite;
        /** Conditions in the rule's tree (clauses, all, any, not, segment references). */
        long conditions;
        /** Segments the rule references, with how often. */
        final Map<String, Long> segments = new LinkedHashMap<>();

        Part(Pointer path, String prerequisite) {
            this.path = path;
            this.prerequisite = prerequisite;
        }
    }

    static long add(long a, long b) {
        long sum = a + b;
        return sum > CAP || sum < 0 ? CAP : sum;
    }

    static long times(long a, long b) {
        if (a == 0 || b == 0) {
            return 0;
        }
        return a > CAP / b ? CAP : Math.min(CAP, a * b);
    }

    /**
     * The worst case of one part, from the costs of the segments and flags it references (an unknown reference, an
     * error reported elsewhere, costs nothing).
     */
    static long of(Part part, Map<String, Long> segmentCosts, Map<String, Long> flagCosts) {
        long cost = part.conditions;
        for (Map.Entry<String, Long> e : part.segments.entrySet()) {
            Long segment = segmentCosts.get(e.getKey());
            if (segment != null) {
                cost = add(cost, times(e.getValue(), segment));
            }
        }
        if (part.prerequisite != null) {
            Long flag = flagCosts.get(part.prerequisite);
            if (flag != null) {
                cost = add(cost, flag);
            }
        }
        return cost;
    }

    /** A segment's or flag's worst case: one step for itself and the worst case of every part. */
    static long of(List<Part> parts, Map<String, Long> segmentCosts, Map<String, Long> flagCosts) {
        long cost = 1;
        for (Part p : parts) {
            cost = add(cost, of(p, segmentCosts, flagCosts));
        }
        return cost;
    }

    /** The part that costs most, or null when there are none. */
    static Part costliest(List<Part> parts, Map<String, Long> segmentCosts, Map<String, Long> flagCosts) {
        Part worst = null;
        long worstCost = -1;
        for (Part p : parts) {
            long c = of(p, segmentCosts, flagCosts);
            if (c > worstCost) {
                worst = p;
                worstCost = c;
            }
        }
        return worst;
    }

    /** A cost for a message: the number, or "more than" the cap when it saturated. */
    static String steps(long cost) {
        return cost >= CAP ? "more than " + CAP : Long.toString(cost);
    }
}
