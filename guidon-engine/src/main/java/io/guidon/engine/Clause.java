package io.guidon.engine;

import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled clause {@code {"attribute", "op", "values"}}. The attribute is read once; a missing attribute or
 * one of a type the operator does not take makes the clause false (even for {@code notIn}). An attribute that
 * is a list holds when any element satisfies the operator; for {@code notIn}, when no element is in the values.
 *
 * <p>Each operator is one subclass ({@link InOperator}, {@link TextOperator}, {@link MatchesOperator}...) that
 * compiles its own values (its static {@code compile}, the {@link OperatorSpec} its {@link Operator} constant names)
 * and tests one scalar value against them ({@link #testValue}); this class reads the attribute, walks a list and
 * writes the explain trace, the same for all. {@code testValue} is the one virtual call of a clause, as it was when
 * the operators were nested here: evaluation loops by index and allocates nothing.
 */
abstract class Clause extends Condition {

    final String attribute;
    final Operator op;
    /** The clause's values as written, shown by explain. */
    private final List<Object> sourceValues;

    Clause(String attribute, Operator op, List<Object> sourceValues) {
        this.attribute = attribute;
        this.op = op;
        this.sourceValues = sourceValues;
    }

    /** Whether one scalar attribute value satisfies the operator; false for a type the operator does not take. */
    abstract boolean testValue(Object value, InstantSource clock);

    /**
     * The worst-case work of testing one scalar value, in evaluation steps of about 10 ns (see
     * {@link FlagDocumentCompiler#MAX_EVALUATION_STEPS}); measured on the operators' worst inputs. One for a hash or
     * bit lookup; the scanning operators weigh each value by its length and the longest string they scan.
     */
    long steps() {
        return 1;
    }

    /** Steps of {@code contains} with a value of {@code length}: a naive search, up to scanned x length compares. */
    static long containsSteps(int length) {
        return 1 + (long) FlagDocumentCompiler.MAX_SCANNED_LENGTH * length / 64;
    }

    /** Steps of {@code startsWith}, {@code endsWith} or {@code equals} with a value of {@code length}. */
    static long prefixSteps(int length) {
        return 1 + length / 128;
    }

    /** {@code notIn} holds for a list when every element passes; every other operator when one does. */
    boolean everyElement() {
        return false;
    }

    @Override
    final boolean test(EvaluationContext ctx, InstantSource clock, List<Object> trace) {
        Object value = ctx.get(attribute);
        boolean result;
        if (value == null) {
            result = false;
        } else if (op == Operator.EXISTS) {
            result = true;
        } else if (value instanceof List<?> list) {
            result = testList(list, clock);
        } else {
            result = testValue(value, clock);
        }
        if (trace != null) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("attribute", attribute);
            node.put("op", op.jsonName());
            if (op != Operator.EXISTS) {
                node.put("values", sourceValues);
            }
            node.put("actual", value);
            node.put("result", result);
            trace.add(node);
        }
        return result;
    }

    private boolean testList(List<?> list, InstantSource clock) {
        // A clause that scans text reads at most MAX_SCANNED_LENGTH characters of a list in all, as of one string:
        // the cost model counts one scan, so a long list of long strings must not multiply it. Elements past the
        // budget are not examined: through them the clause does not hold.
        int budget = scansText() ? FlagDocumentCompiler.MAX_SCANNED_LENGTH : Integer.MAX_VALUE;
        boolean every = everyElement();
        for (int i = 0, n = list.size(); i < n; i++) {
            Object element = list.get(i);
            if (budget != Integer.MAX_VALUE) {
                budget -= element instanceof String s ? Math.max(1, s.length()) : 1;
                if (budget < 0) {
                    return false;
                }
            }
            boolean holds = testValue(element, clock);
            if (every != holds) {
                return holds;
            }
        }
        return every;
    }

    /** Whether this clause scans a string whole (so its cost grows with the string's length). */
    boolean scansText() {
        return false;
    }
}
