package io.guidon.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.InstantSource;
import java.util.List;

/**
 * {@code before} and {@code after}: the attribute, an instant (ISO-8601 string or epoch milliseconds), is before or
 * after any of the values (instants written the same ways).
 */
final class InstantOperator extends Clause {

    private final long[] millis;

    private InstantOperator(String attribute, Operator op, List<Object> source, long[] millis) {
        super(attribute, op, source);
        this.millis = millis;
    }

    /** The {@link OperatorSpec} of {@code before} and {@code after}. */
    static Clause compile(OperatorSpec.Input in, Problems problems) {
        JsonNode values = OperatorValues.required(in, problems);
        if (values == null) {
            return null;
        }
        List<Object> source = OperatorValues.source(values);
        long[] millis = new long[values.size()];
        for (int i = 0; i < values.size(); i++) {
            JsonNode v = values.get(i);
            long t = v.isTextual() ? Instants.parse(v.textValue())
                    : v.isIntegralNumber() && v.canConvertToLong() ? v.longValue() : Instants.INVALID;
            if (t == Instants.INVALID) {
                problems.error(in.valuesAt().index(i), "invalid instant " + v
                        + " (expected ISO-8601 such as 2025-03-01T00:00:00Z, or epoch milliseconds)");
            }
            millis[i] = t;
        }
        return new InstantOperator(in.attribute(), in.op(), source, millis);
    }

    /** Parsing the instant, then a comparison per value. */
    @Override
    long steps() {
        return 10 + millis.length / 8;
    }

    @Override
    boolean testValue(Object value, InstantSource clock) {
        long t = Instants.toEpochMillis(value);
        if (t == Instants.INVALID) {
            return false;
        }
        for (int i = 0; i < millis.length; i++) {
            if (op == Operator.BEFORE ? t < millis[i] : t > millis[i]) {
                return true;
            }
        }
        return false;
    }
}
