package io.guidon.engine;

import java.util.HashMap;
import java.util.Map;

/**
 * The clause operators of the flag format, by the names documents use, each with the {@link OperatorSpec} that
 * compiles its values into the {@link Clause} that evaluates them. A constant here is an operator's registration:
 * see the package documentation, "How to add an operator".
 */
public enum Operator {
    IN("in", InOperator::compile), NOT_IN("notIn", InOperator::compile),
    CONTAINS("contains", TextOperator::compile), STARTS_WITH("startsWith", TextOperator::compile),
    ENDS_WITH("endsWith", TextOperator::compile),
    MATCHES("matches", MatchesOperator::compile),
    LT("lt", NumberOperator::compile), LTE("lte", NumberOperator::compile), GT("gt", NumberOperator::compile),
    GTE("gte", NumberOperator::compile),
    SEMVER_EQ("semverEq", SemverOperator::compile), SEMVER_LT("semverLt", SemverOperator::compile),
    SEMVER_GT("semverGt", SemverOperator::compile),
    BEFORE("before", InstantOperator::compile), AFTER("after", InstantOperator::compile),
    OLDER_THAN("olderThan", AgeOperator::compile), NEWER_THAN("newerThan", AgeOperator::compile),
    EXISTS("exists", ExistsOperator::compile);

    private static final Map<String, Operator> BY_NAME = new HashMap<>();

    static {
        for (Operator op : values()) {
            BY_NAME.put(op.jsonName, op);
        }
    }

    private final String jsonName;
    private final OperatorSpec spec;

    Operator(String jsonName, OperatorSpec spec) {
        this.jsonName = jsonName;
        this.spec = spec;
    }

    /** The name documents use: {@code "notIn"}. */
    public String jsonName() {
        return jsonName;
    }

    /** How a clause of this operator is compiled. */
    OperatorSpec spec() {
        return spec;
    }

    /** The operator of that name, or {@code null}. */
    public static Operator byName(String name) {
        return BY_NAME.get(name);
    }
}
