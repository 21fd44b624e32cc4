package io.guidon.engine;

import java.util.HashMap;
import java.util.Map;

/** The clause operators of the flag format, by the names documents use. */
public enum Operator {
    IN("in"), NOT_IN("notIn"),
    CONTAINS("contains"), STARTS_WITH("startsWith"), ENDS_WITH("endsWith"), MATCHES("matches"),
    LT("lt"), LTE("lte"), GT("gt"), GTE("gte"),
    SEMVER_EQ("semverEq"), SEMVER_LT("semverLt"), SEMVER_GT("semverGt"),
    BEFORE("before"), AFTER("after"),
    OLDER_THAN("olderThan"), NEWER_THAN("newerThan"),
    EXISTS("exists");

    private static final Map<String, Operator> BY_NAME = new HashMap<>();

    static {
        for (Operator op : values()) {
            BY_NAME.put(op.jsonName, op);
        }
    }

    private final String jsonName;

    Operator(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    /** The operator of that name, or {@code null}. */
    public static Operator byName(String name) {
        return BY_NAME.get(name);
    }
}
