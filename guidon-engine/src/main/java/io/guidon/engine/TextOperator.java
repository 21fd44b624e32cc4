package io.guidon.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.InstantSource;
import java.util.List;

/**
 * {@code contains}, {@code startsWith} and {@code endsWith}: the string attribute contains, starts or ends with any
 * of the values. {@code contains} scans the string, so it takes none longer than
 * {@link FlagDocumentCompiler#MAX_SCANNED_LENGTH}.
 */
final class TextOperator extends Clause {

    private final String[] values;

    private TextOperator(String attribute, Operator op, List<Object> source, String[] values) {
        super(attribute, op, source);
        this.values = values;
    }

    /** The {@link OperatorSpec} of {@code contains}, {@code startsWith} and {@code endsWith}. */
    static Clause compile(OperatorSpec.Input in, Problems problems) {
        JsonNode values = OperatorValues.required(in, problems);
        if (values == null) {
            return null;
        }
        List<Object> source = OperatorValues.source(values);
        return new TextOperator(in.attribute(), in.op(), source, OperatorValues.strings(in, values, problems));
    }

    @Override
    long steps() {
        long steps = 0;
        for (int i = 0; i < values.length; i++) {
            int length = values[i] == null ? 0 : values[i].length();
            steps = Cost.add(steps, op == Operator.CONTAINS ? containsSteps(length) : prefixSteps(length));
        }
        return Math.max(1, steps);
    }

    @Override
    boolean scansText() {
        return op == Operator.CONTAINS;
    }

    @Override
    boolean testValue(Object value, InstantSource clock) {
        if (!(value instanceof String s)) {
            return false;
        }
        if (op == Operator.CONTAINS && s.length() > FlagDocumentCompiler.MAX_SCANNED_LENGTH) {
            return false;
        }
        for (int i = 0; i < values.length; i++) {
            boolean hit = switch (op) {
                case CONTAINS -> s.contains(values[i]);
                case STARTS_WITH -> s.startsWith(values[i]);
                default -> s.endsWith(values[i]);
            };
            if (hit) {
                return true;
            }
        }
        return false;
    }
}
