package io.guidon.engine;

import java.time.InstantSource;
import java.util.List;

/**
 * {@code exists}: the attribute is present and not null (an empty list is present). It takes no values: none, or an
 * empty array. {@link Clause#test} answers it without calling {@link #testValue}.
 */
final class ExistsOperator extends Clause {

    private ExistsOperator(String attribute) {
        super(attribute, Operator.EXISTS, List.of());
    }

    /** The {@link OperatorSpec} of {@code exists}. */
    static Clause compile(OperatorSpec.Input in, Problems problems) {
        if (in.values() != null && !(in.values().isArray() && in.values().isEmpty())) {
            problems.error(in.valuesAt(), "exists takes no values");
            return null;
        }
        return in.attribute() == null ? null : new ExistsOperator(in.attribute());
    }

    @Override
    boolean testValue(Object value, InstantSource clock) {
        return value != null;
    }
}
