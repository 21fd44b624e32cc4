package io.guidon.engine;

import static io.guidon.engine.Problems.kind;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code in} and {@code notIn}: the attribute equals one of the values (strings, numbers, booleans; a number equals
 * another of the same value, {@code 1} and {@code 1.0} alike). Prepared as a hash set of strings, a sorted array of
 * numbers and two bits for booleans. {@code notIn} holds for a list attribute when no element is in the values.
 */
final class InOperator extends Clause {

    private final Set<String> strings;
    private final double[] numbers;
    private final boolean hasTrue;
    private final boolean hasFalse;
    private final boolean negated;

    private InOperator(String attribute, Operator op, List<Object> source, Set<String> strings,
            double[] sortedNumbers, boolean hasTrue, boolean hasFalse) {
        super(attribute, op, source);
        this.strings = strings;
        this.numbers = sortedNumbers;
        this.hasTrue = hasTrue;
        this.hasFalse = hasFalse;
        this.negated = op == Operator.NOT_IN;
    }

    /** The {@link OperatorSpec} of {@code in} and {@code notIn}. */
    static Clause compile(OperatorSpec.Input in, Problems problems) {
        JsonNode values = OperatorValues.required(in, problems);
        if (values == null) {
            return null;
        }
        List<Object> source = OperatorValues.source(values);
        Set<String> strings = new HashSet<>();
        double[] numbers = new double[values.size()];
        int numberCount = 0;
        boolean hasTrue = false;
        boolean hasFalse = false;
        for (int i = 0; i < values.size(); i++) {
            JsonNode v = values.get(i);
            if (v.isTextual()) {
                if (!problems.tooLong(v.textValue(), in.valuesAt().index(i))) {
                    strings.add(v.textValue());
                }
            } else if (v.isNumber()) {
                if (problems.representable(v, in.valuesAt().index(i))) {
                    numbers[numberCount++] = v.doubleValue() + 0.0;
                }
            } else if (v.isBoolean()) {
                hasTrue |= v.booleanValue();
                hasFalse |= !v.booleanValue();
            } else {
                problems.error(in.valuesAt().index(i), "'" + in.op().jsonName()
                        + "' takes strings, numbers or booleans, not " + kind(v));
            }
        }
        double[] sorted = Arrays.copyOf(numbers, numberCount);
        Arrays.sort(sorted);
        return new InOperator(in.attribute(), in.op(), source, Collections.unmodifiableSet(strings), sorted, hasTrue,
                hasFalse);
    }

    @Override
    boolean everyElement() {
        return negated;
    }

    @Override
    boolean testValue(Object value, InstantSource clock) {
        boolean in;
        if (value instanceof String s) {
            in = strings.contains(s);
        } else if (value instanceof Number n) {
            // + 0.0 turns -0.0 into 0.0, as the compiler did for the values.
            in = numbers.length != 0 && Arrays.binarySearch(numbers, n.doubleValue() + 0.0) >= 0;
        } else if (value instanceof Boolean b) {
            in = b ? hasTrue : hasFalse;
        } else {
            return false;
        }
        return in != negated;
    }
}
