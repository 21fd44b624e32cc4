package io.guidon.controlplane.ui.form;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.guidon.controlplane.api.Json;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.json.BoundedJson;
import io.guidon.json.ValueChecks;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Form text to JSON values and back, exactly: a number keeps the kind it is written in (an integer stays an
 * integer, {@code 2.0} stays a decimal, as through the admin API), a string every character. Text the control plane
 * cannot store (U+0000, a lone surrogate) and numbers beyond the double range are refused with the API's words.
 */
public final class FormValues {

    /** The admin API's reader of request bodies, with its limits: JSON typed into a form is read the same way. */
    private static final BoundedJson JSON = new BoundedJson(64, 10_000, 100_000, 500, true);
    private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");
    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,400}");
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    /** The values of one clause as a form shows them: their type and one value per line. */
    public record Lines(ValueMode mode, String text) {
    }

    private FormValues() {
    }

    /** The non-blank lines of {@code text} (a textarea's value: any line break; blank lines are no values). */
    public static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String line : LINE_BREAK.split(text, -1)) {
            if (!line.isBlank()) {
                out.add(line);
            }
        }
        return out;
    }

    /** Whether {@code s} is a line that reads back as itself: not blank, no line break. */
    public static boolean isLine(String s) {
        return !s.isBlank() && s.indexOf('\n') < 0 && s.indexOf('\r') < 0;
    }

    /** {@code values} one per line. */
    public static String join(List<String> values) {
        return String.join("\n", values);
    }

    // ---------------------------------------------------------------- numbers

    /**
     * The number {@code text} is (surrounding spaces ignored): an integer when written without a fraction or an
     * exponent, else the exact decimal written; null when it is no number.
     */
    public static JsonNode number(String text) {
        String t = text.strip();
        if (t.isEmpty() || t.length() > 500 || !t.chars().allMatch(c -> c >= '0' && c <= '9' || c == '-' || c == '+'
                || c == '.' || c == 'e' || c == 'E')) {
            return null;
        }
        try {
            BigDecimal d = new BigDecimal(t);
            if (t.indexOf('.') < 0 && t.indexOf('e') < 0 && t.indexOf('E') < 0) {
                BigInteger i = d.toBigIntegerExact();
                return i.compareTo(LONG_MIN) >= 0 && i.compareTo(LONG_MAX) <= 0
                        ? StoredJson.NODES.numberNode(i.longValue()) : StoredJson.NODES.numberNode(i);
            }
            return StoredJson.decimal(d);
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /** Why {@code text} is not a number the control plane keeps, or null. */
    public static String numberProblem(String text) {
        JsonNode n = number(text);
        if (n == null) {
            return "'" + ValueChecks.printable(text.strip(), 40) + "' is not a number (such as 10, -3 or 25.5)";
        }
        String problem = ValueChecks.numberProblem(n.decimalValue());
        return problem == null ? null : "'" + ValueChecks.printable(text.strip(), 40) + "' " + problem;
    }

    /** A number as a form shows it: as written (a stored decimal plain, with its fraction). */
    public static String numberText(JsonNode n) {
        if (n.isBigDecimal() || n.isDouble() || n.isFloat()) {
            return n.decimalValue().toPlainString();
        }
        return n.asText();
    }

    // ---------------------------------------------------------------- text and JSON

    /** Why {@code s} cannot be stored (the admin API's edge check), or null. */
    public static String textProblem(String s) {
        return ValueChecks.textProblem(s);
    }

    /**
     * {@code text} read as one JSON value the way the admin API reads a body; the problem (with its place inside the
     * value, if any) is added to {@code errors} at {@code field} and null returned when it does not read.
     */
    public static JsonNode json(String text, String field, String what, FormErrors errors) {
        try {
            if (text.isBlank()) {
                errors.add(field, what + " is empty: write a JSON value");
                return null;
            }
            // A JSON null reads as Java null: Json.tree makes it the null node.
            return Json.tree(JSON.parse(text.strip().getBytes(StandardCharsets.UTF_8)));
        } catch (BoundedJson.Rejected e) {
            if (e.problems().isEmpty()) {
                errors.add(field, what + " is " + e.getMessage());
            }
            for (BoundedJson.Problem p : e.problems()) {
                errors.add(field, what + (p.path().isEmpty() ? "" : " at " + p.path()) + ": " + p.message());
            }
            return null;
        }
    }

    /** {@code node} as compact JSON text, on one line (strings' line breaks escaped). */
    public static String jsonText(JsonNode node) {
        return StoredJson.write(node);
    }

    // ---------------------------------------------------------------- clause values

    /**
     * The values of a clause of operator {@code op} as a form shows them: in the operator's own type when every value
     * reads back exactly in it (for {@code in}/{@code notIn}: text, then numbers, then booleans), else as JSON literals,
     * which hold any values exactly.
     */
    public static Lines fromJson(Operators.Op op, JsonNode values) {
        if (values == null || values.isNull()) {
            return new Lines(op.mode(), "");
        }
        List<JsonNode> items = new ArrayList<>();
        if (values.isArray()) {
            values.forEach(items::add);
        } else {
            items.add(values);
        }
        List<ValueMode> candidates = op.typed() ? List.of(ValueMode.TEXT, ValueMode.NUMBER, ValueMode.BOOLEAN)
                : List.of(op.mode());
        if (values.isArray()) {
            for (ValueMode mode : candidates) {
                if (items.stream().allMatch(n -> fits(mode, n))) {
                    return new Lines(mode, join(items.stream().map(n -> line(mode, n)).toList()));
                }
            }
        }
        // Not an array at all: the JSON mode cannot say so either; keep the value as one line the engine will judge.
        return new Lines(ValueMode.JSON, join(items.stream().map(FormValues::jsonText).toList()));
    }

    private static boolean fits(ValueMode mode, JsonNode n) {
        return switch (mode) {
            case TEXT -> n.isTextual() && isLine(n.textValue());
            case NUMBER -> n.isNumber();
            case BOOLEAN -> n.isBoolean();
            case INSTANT -> n.isIntegralNumber() || n.isTextual() && isLine(n.textValue())
                    && n.textValue().equals(n.textValue().strip()) && !INTEGER.matcher(n.textValue()).matches();
            case JSON -> true;
        };
    }

    private static String line(ValueMode mode, JsonNode n) {
        return switch (mode) {
            case TEXT -> n.textValue();
            case NUMBER -> numberText(n);
            case BOOLEAN -> Boolean.toString(n.booleanValue());
            case INSTANT -> n.isNumber() ? n.asText() : n.textValue();
            case JSON -> jsonText(n);
        };
    }

    /**
     * The values {@code text} holds, one per line, typed by {@code mode}; each line that does not read is reported
     * at {@code field} with its line number.
     */
    public static ArrayNode toJson(ValueMode mode, String text, String field, FormErrors errors) {
        ArrayNode out = StoredJson.array();
        List<String> lines = lines(text);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String where = lines.size() == 1 ? "" : "line " + (i + 1) + ": ";
            switch (mode) {
                case TEXT -> {
                    String problem = textProblem(line);
                    if (problem != null) {
                        errors.add(field, where + "the value " + problem);
                    } else {
                        out.add(line);
                    }
                }
                case NUMBER -> {
                    String problem = numberProblem(line);
                    if (problem != null) {
                        errors.add(field, where + problem);
                    } else {
                        out.add(number(line));
                    }
                }
                case BOOLEAN -> {
                    String b = line.strip();
                    if (b.equals("true") || b.equals("false")) {
                        out.add(Boolean.parseBoolean(b));
                    } else {
                        errors.add(field, where + "'" + ValueChecks.printable(b, 40) + "' is not true or false");
                    }
                }
                case INSTANT -> {
                    String t = line.strip();
                    String problem = textProblem(t);
                    if (problem != null) {
                        errors.add(field, where + "the value " + problem);
                    } else if (INTEGER.matcher(t).matches()) {
                        out.add(number(t));
                    } else {
                        out.add(t);
                    }
                }
                case JSON -> {
                    JsonNode n = json(line, field, where.isEmpty() ? "the value" : where + "the value", errors);
                    if (n != null) {
                        out.add(n);
                    }
                }
            }
        }
        return out;
    }
}
