package io.guidon.engine;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled condition: a tree of {@code all}, {@code any}, {@code not}, segment references and clauses,
 * built once at load. {@link #test} never throws and never allocates unless {@code trace} is given: when it
 * is, the condition appends one description of itself (with its result) to it, for {@code --explain}.
 */
abstract class Condition {

    abstract boolean test(EvaluationContext ctx, InstantSource clock, List<Object> trace);

    static final class All extends Condition {
        private final Condition[] parts;

        All(Condition[] parts) {
            this.parts = parts;
        }

        @Override
        boolean test(EvaluationContext ctx, InstantSource clock, List<Object> trace) {
            List<Object> inner = trace == null ? null : new ArrayList<>();
            boolean result = true;
            for (int i = 0; i < parts.length; i++) {
                if (!parts[i].test(ctx, clock, inner)) {
                    result = false;
                    break;
                }
            }
            if (trace != null) {
                trace.add(node("all", inner, result));
            }
            return result;
        }
    }

    static final class Any extends Condition {
        private final Condition[] parts;

        Any(Condition[] parts) {
            this.parts = parts;
        }

        @Override
        boolean test(EvaluationContext ctx, InstantSource clock, List<Object> trace) {
            List<Object> inner = trace == null ? null : new ArrayList<>();
            boolean result = false;
            for (int i = 0; i < parts.length; i++) {
                if (parts[i].test(ctx, clock, inner)) {
                    result = true;
                    break;
                }
            }
            if (trace != null) {
                trace.add(node("any", inner, result));
            }
            return result;
        }
    }

    static final class Not extends Condition {
        private final Condition inner;

        Not(Condition inner) {
            this.inner = inner;
        }

        @Override
        boolean test(EvaluationContext ctx, InstantSource clock, List<Object> trace) {
            List<Object> innerTrace = trace == null ? null : new ArrayList<>(1);
            boolean result = !inner.test(ctx, clock, innerTrace);
            if (trace != null) {
                trace.add(node("not", innerTrace.get(0), result));
            }
            return result;
        }
    }

    /** {@code {"segment": "name"}}; the segment is resolved after every segment of the document is compiled. */
    static final class SegmentRef extends Condition {
        final String segmentKey;
        Segment segment;

        SegmentRef(String segmentKey) {
            this.segmentKey = segmentKey;
        }

        @Override
        boolean test(EvaluationContext ctx, InstantSource clock, List<Object> trace) {
            if (trace == null) {
                return segment.contains(ctx, clock, null);
            }
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("segment", segmentKey);
            boolean result = segment.contains(ctx, clock, node);
            node.put("result", result);
            trace.add(node);
            return result;
        }
    }

    private static Map<String, Object> node(String kind, Object inner, boolean result) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put(kind, inner);
        node.put("result", result);
        return node;
    }
}
