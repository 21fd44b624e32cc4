package io.guidon.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.json.Pointer;

/**
 * How one clause operator (or a family of operators that prepare their values alike, such as {@code in} and
 * {@code notIn}) compiles a clause's values: it checks them, reporting each problem at its place, and prepares them
 * once into the {@link Clause} subclass that evaluates them (a hash set, a sorted array, compiled patterns, parsed
 * versions...). Each {@link Operator} constant names its spec; see the package documentation, "How to add an
 * operator".
 */
@FunctionalInterface
interface OperatorSpec {

    /**
     * The clause {@code in} describes, or null when its values cannot be used at all. A clause may be returned even
     * though problems were reported (its cost is still counted); the compiler keeps it only when none was. Never
     * throws for any input: every problem goes to {@code problems}.
     */
    Clause compile(Input in, Problems problems);

    /**
     * One clause to compile: its operator, its attribute (null when missing or invalid, reported already), its
     * {@code values} node as written (null when absent) and the place of that node, and the document's regular
     * expression budget.
     */
    record Input(Operator op, String attribute, JsonNode values, Pointer valuesAt, RegexBudget regexes) {
    }
}
