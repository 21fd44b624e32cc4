package io.guidon.controlplane.ui.form;

import io.guidon.engine.Operator;
import java.util.ArrayList;
import java.util.List;

/**
 * The clause operators as the rules editor offers them: every operator of the engine ({@link Operator}, the one
 * list), each with a label people read, the input its values need, and how those values are typed.
 */
public final class Operators {

    /** What kind of input the values of an operator need. */
    public enum Input {
        /** A list, one value per line ({@code in}, {@code contains}...). */
        LIST,
        /** A number ({@code lt}, {@code gte}...). */
        NUMBER,
        /** A semantic version ({@code semverGt}...). */
        VERSION,
        /** An instant: a date, a date-time or epoch milliseconds ({@code before}, {@code after}). */
        INSTANT,
        /** An ISO-8601 duration ({@code olderThan}, {@code newerThan}). */
        DURATION,
        /** No values ({@code exists}). */
        NONE
    }

    /** One operator of the picker: its name in documents, its label, its input and its values' default type. */
    public record Op(String name, String label, Input input, ValueMode mode) {

        /** Whether the values' type is chosen by the user ({@code in}, {@code notIn}: strings, numbers, booleans). */
        public boolean typed() {
            return name.equals("in") || name.equals("notIn");
        }

        /** The value types the user may choose between for this operator. */
        public List<ValueMode> modes() {
            if (typed()) {
                return List.of(ValueMode.TEXT, ValueMode.NUMBER, ValueMode.BOOLEAN, ValueMode.JSON);
            }
            return input == Input.NONE ? List.of() : List.of(mode, ValueMode.JSON);
        }

        /** The placeholder of the value input: an example of a valid value. */
        public String placeholder() {
            return switch (input) {
                case LIST -> name.equals("matches") ? "^.*@example\\.com$" : "one value per line";
                case NUMBER -> "100";
                case VERSION -> "4.2.0";
                case INSTANT -> "2025-03-01T12:00:00Z";
                case DURATION -> "P30D";
                case NONE -> "";
            };
        }

        /** A short hint shown with the value input. */
        public String hint() {
            return switch (input) {
                case LIST -> typed() ? "One value per line; the clause holds when the attribute " + (name.equals("in")
                        ? "equals one of them." : "equals none of them.") : name.equals("matches")
                        ? "RE2 regular expressions, one per line, searched anywhere in the attribute."
                        : "One value per line.";
                case NUMBER -> "A number, such as 100 or 25.5.";
                case VERSION -> "A semantic version MAJOR.MINOR.PATCH, such as 4.2.0 or 2.0.0-beta.1.";
                case INSTANT -> "A date (2025-03-01), a date-time (2025-03-01T12:00:00Z) or epoch milliseconds.";
                case DURATION -> "An ISO-8601 duration: PT12H, P30D, P2W, P3M, P1Y.";
                case NONE -> "Holds when the attribute is present and not null.";
            };
        }
    }

    private static final List<Op> ALL = build();

    private Operators() {
    }

    private static List<Op> build() {
        List<Op> out = new ArrayList<>();
        for (Operator o : Operator.values()) {
            out.add(describe(o.jsonName()));
        }
        return List.copyOf(out);
    }

    private static Op describe(String name) {
        return switch (name) {
            case "in" -> new Op(name, "is one of", Input.LIST, ValueMode.TEXT);
            case "notIn" -> new Op(name, "is not one of", Input.LIST, ValueMode.TEXT);
            case "contains" -> new Op(name, "contains", Input.LIST, ValueMode.TEXT);
            case "startsWith" -> new Op(name, "starts with", Input.LIST, ValueMode.TEXT);
            case "endsWith" -> new Op(name, "ends with", Input.LIST, ValueMode.TEXT);
            case "matches" -> new Op(name, "matches (regex)", Input.LIST, ValueMode.TEXT);
            case "lt" -> new Op(name, "is less than", Input.NUMBER, ValueMode.NUMBER);
            case "lte" -> new Op(name, "is at most", Input.NUMBER, ValueMode.NUMBER);
            case "gt" -> new Op(name, "is greater than", Input.NUMBER, ValueMode.NUMBER);
            case "gte" -> new Op(name, "is at least", Input.NUMBER, ValueMode.NUMBER);
            case "semverEq" -> new Op(name, "version equals", Input.VERSION, ValueMode.TEXT);
            case "semverLt" -> new Op(name, "version is lower than", Input.VERSION, ValueMode.TEXT);
            case "semverGt" -> new Op(name, "version is higher than", Input.VERSION, ValueMode.TEXT);
            case "before" -> new Op(name, "is before", Input.INSTANT, ValueMode.INSTANT);
            case "after" -> new Op(name, "is after", Input.INSTANT, ValueMode.INSTANT);
            case "olderThan" -> new Op(name, "is older than", Input.DURATION, ValueMode.TEXT);
            case "newerThan" -> new Op(name, "is newer than", Input.DURATION, ValueMode.TEXT);
            case "exists" -> new Op(name, "exists", Input.NONE, ValueMode.TEXT);
            // An operator the engine gained and this list does not describe yet: still offered, as a list.
            default -> new Op(name, name, Input.LIST, ValueMode.TEXT);
        };
    }

    /** Every operator of the engine, in the engine's order. */
    public static List<Op> all() {
        return ALL;
    }

    /**
     * Operator {@code name}; one the engine does not know (a typo kept in a form) is described as a list of text,
     * so that the form can show it and the engine can say what is wrong.
     */
    public static Op of(String name) {
        for (Op op : ALL) {
            if (op.name().equals(name)) {
                return op;
            }
        }
        return new Op(name, name, Input.LIST, ValueMode.TEXT);
    }

    /** Whether the engine knows operator {@code name}. */
    public static boolean known(String name) {
        return Operator.byName(name) != null;
    }
}
