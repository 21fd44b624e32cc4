package io.guidon.engine;

import static io.guidon.engine.Problems.kind;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.InstantSource;
import java.util.List;

/** {@code lt}, {@code lte}, {@code gt} and {@code gte}: the number attribute compares so with any of the values. */
final class NumberOperator extends Clause {

    private final double[] values;

    private NumberOperator(String attribute, Operator op, List<Object> source, double[] values) {
        super(attribute, op, source);
        this.values = values;
    }

    /** The {@link OperatorSpec} of {@code lt}, {@code lte}, {@code gt} and {@code gte}. */
    static Clause compile(OperatorSpec.Input in, Problems problems) {
        JsonNode values = OperatorValues.required(in, problems);
        if (values == null) {
            return null;
        }
        List<Object> source = OperatorValues.source(values);
        double[] numbers = new double[values.size()];
        for (int i = 0; i < values.size(); i++) {
            JsonNode v = values.get(i);
            if (!v.isNumber()) {
                problems.error(in.valuesAt().index(i), "'" + in.op().jsonName() + "' compares numbers; "
                        + "this value is " + kind(v));
            } else if (problems.representable(v, in.valuesAt().index(i))) {
                numbers[i] = v.doubleValue();
            }
        }
        return new NumberOperator(in.attribute(), in.op(), source, numbers);
    }

    @Override
    long steps() {
        return 1 + values.length / 8;
    }

    @Override
    boolean testValue(Object value, InstantSource clock) {
        if (!(value instanceof Number n)) {
            return false;
        }
        double x = n.doubleValue();
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            boolean hit = switch (op) {
                case LT -> x < v;
                case LTE -> x <= v;
                case GT -> x > v;
                default -> x >= v;
            };
            if (hit) {
                return true;
            }
        }
        return false;
    }
}
