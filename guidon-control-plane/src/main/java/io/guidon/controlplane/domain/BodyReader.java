package io.guidon.controlplane.domain;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.json.Pointer;
import io.guidon.protocol.EventRules;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The field readers the bodies of metrics and experiments share ({@link MetricSpec}, {@link ExperimentSpec}): each
 * reads one member, adds what is wrong with it to the violations at its pointer, and answers null (or the default)
 * when it is absent or wrong. Pure.
 */
final class BodyReader {

    /** The longest name, as the other resources' ({@code api.Fields.MAX_NAME}). */
    static final int MAX_NAME = 200;
    /** The longest description or hypothesis, as the other resources' ({@code api.Fields.MAX_DESCRIPTION}). */
    static final int MAX_DESCRIPTION = 2000;

    private final List<Violation> v;

    BodyReader(List<Violation> violations) {
        this.v = violations;
    }

    void add(Pointer at, String message) {
        v.add(new Violation(at, message));
    }

    int size() {
        return v.size();
    }

    /** Each member of {@code o} not in {@code allowed} is a violation naming the allowed ones. */
    void unknown(JsonNode o, Set<String> allowed, Pointer under) {
        for (Iterator<String> it = o.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!allowed.contains(f)) {
                add(under.field(f), "unknown field (allowed: " + String.join(", ",
                        allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    /** A resource key, {@code [a-z0-9][a-z0-9._-]{0,127}}; {@code required} or null when absent. */
    String key(JsonNode o, String field, Pointer under, boolean required, String what) {
        JsonNode n = o.get(field);
        Pointer at = under.field(field);
        if (absent(n)) {
            if (required) {
                add(at, "required: " + what);
            }
            return null;
        }
        if (!n.isTextual() || !FlagDocumentCompiler.KEY.matcher(n.textValue()).matches()) {
            add(at, "must be " + what + ": 1 to 128 of a-z, 0-9, '.', '_', '-', starting with a letter or digit,"
                    + " not " + show(n));
            return null;
        }
        return n.textValue();
    }

    /** Plain text ({@link PlainText}) of at most {@code max} characters; not blank when {@code required}. */
    String text(JsonNode o, String field, Pointer under, int max, boolean required) {
        JsonNode n = o.get(field);
        Pointer at = under.field(field);
        if (absent(n)) {
            if (required) {
                add(at, "required: 1 to " + max + " characters of plain text");
            }
            return null;
        }
        if (!n.isTextual()) {
            add(at, "must be a string, not " + show(n));
            return null;
        }
        String problem = PlainText.problem(n.textValue(), max);
        if (problem != null) {
            add(at, problem);
            return null;
        }
        if (required && n.textValue().isBlank()) {
            add(at, "must not be empty");
            return null;
        }
        return n.textValue();
    }

    /**
     * An event name by the rules {@code POST /v1/track} applies ({@link EventRules#eventName}): an event the sidecar
     * would refuse could never be counted.
     */
    String event(JsonNode o, String field, Pointer under, boolean required, String what) {
        JsonNode n = o.get(field);
        Pointer at = under.field(field);
        if (absent(n)) {
            if (required) {
                add(at, "required: " + what);
            }
            return null;
        }
        if (!n.isTextual()) {
            add(at, "must be " + what + " (a string), not " + show(n));
            return null;
        }
        EventRules.Problem p = EventRules.eventName(n.textValue());
        if (p != null) {
            add(at, p.describe(n.textValue()) + " (the rule POST /v1/track applies: the sidecar refuses any other"
                    + " name, so no such event is ever counted), not " + show(n));
            return null;
        }
        return n.textValue();
    }

    /** A variant name by the rules of the engine and the events ({@link EventRules#variantName}). */
    String variant(JsonNode n, Pointer at, String what) {
        if (absent(n)) {
            add(at, "required: " + what);
            return null;
        }
        if (!n.isTextual() || EventRules.variantName(n.textValue()) != null) {
            add(at, "must be " + what + ": 1 to 128 of A-Z, a-z, 0-9, '.', '_', '-', starting with a letter or"
                    + " digit, not " + show(n));
            return null;
        }
        return n.textValue();
    }

    /** One of {@code values} (lower-case JSON names); {@code fallback} when absent. */
    <E extends Enum<E>> E choice(JsonNode o, String field, Pointer under, Class<E> type, E fallback, String why) {
        JsonNode n = o.get(field);
        Pointer at = under.field(field);
        E[] values = type.getEnumConstants();
        if (absent(n)) {
            if (fallback == null) {
                add(at, "required: one of " + names(values) + (why.isEmpty() ? "" : " (" + why + ")"));
            }
            return fallback;
        }
        if (n.isTextual()) {
            for (E e : values) {
                if (jsonName(e).equals(n.textValue())) {
                    return e;
                }
            }
        }
        add(at, "must be one of " + names(values) + (why.isEmpty() ? "" : " (" + why + ")") + ", not " + show(n));
        return null;
    }

    /**
     * An ISO-8601 duration of whole seconds, from 1 second to {@code max} (as a rollout stage's
     * {@code minDuration}); null when absent.
     */
    Duration duration(JsonNode o, String field, Pointer under, Duration max, String what) {
        JsonNode n = o.get(field);
        Pointer at = under.field(field);
        String example = "an ISO-8601 duration such as PT30M, PT12H or P7D";
        if (absent(n)) {
            return null;
        }
        if (!n.isTextual()) {
            add(at, "must be " + what + ", " + example + ", not " + show(n));
            return null;
        }
        Duration d;
        try {
            d = Duration.parse(n.textValue());
        } catch (DateTimeParseException e) {
            add(at, "must be " + what + ", " + example + ", not " + show(n));
            return null;
        }
        if (d.getNano() != 0 || d.getSeconds() < 1 || d.compareTo(max) > 0) {
            add(at, "must be whole seconds from 1 second (PT1S) to " + max.toDays() + " days (P" + max.toDays()
                    + "D), not " + n.textValue());
            return null;
        }
        return d;
    }

    /**
     * An ISO-8601 instant with its offset ({@code 2026-12-01T09:00:00+01:00}), years 1 to 9999, answered in UTC to the
     * microsecond (as PostgreSQL keeps it, so that a body that repeats a stored instant changes nothing); null when
     * absent.
     */
    OffsetDateTime instant(JsonNode o, String field, Pointer under, String what) {
        JsonNode n = o.get(field);
        Pointer at = under.field(field);
        if (absent(n)) {
            return null;
        }
        if (n.isTextual()) {
            try {
                OffsetDateTime t = OffsetDateTime.parse(n.textValue());
                if (t.getYear() >= 1 && t.getYear() <= 9999) {
                    return t.withOffsetSameInstant(java.time.ZoneOffset.UTC).truncatedTo(
                            java.time.temporal.ChronoUnit.MICROS);
                }
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        add(at, "must be " + what + ": an ISO-8601 instant with its offset such as 2026-12-01T09:00:00Z, not "
                + show(n));
        return null;
    }

    /** A boolean; {@code fallback} when absent. */
    Boolean bool(JsonNode o, String field, Pointer under, boolean fallback) {
        JsonNode n = o.get(field);
        if (absent(n)) {
            return fallback;
        }
        if (!n.isBoolean()) {
            add(under.field(field), "must be true or false, not " + show(n));
            return null;
        }
        return n.booleanValue();
    }

    /**
     * A finite number strictly between {@code low} and {@code high} (either bound null: none); {@code fallback}
     * when absent (null fallback: not required, answered as null).
     */
    Double number(JsonNode o, String field, Pointer under, Double low, Double high, Double fallback, String what) {
        JsonNode n = o.get(field);
        Pointer at = under.field(field);
        if (absent(n)) {
            return fallback;
        }
        double x = n.isNumber() ? n.doubleValue() : Double.NaN;
        if (!Double.isFinite(x) || (low != null && !(x > low)) || (high != null && !(x < high))) {
            add(at, "must be " + what + ", a number " + bounds(low, high) + ", not " + show(n));
            return null;
        }
        return x;
    }

    private static String bounds(Double low, Double high) {
        if (low != null && high != null) {
            return "above " + plain(low) + " and below " + plain(high);
        }
        return low != null ? "above " + plain(low) : "below " + plain(high);
    }

    private static String plain(double x) {
        return java.math.BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
    }

    static boolean absent(JsonNode n) {
        return n == null || n.isNull();
    }

    /** The JSON name of an enum constant: {@code HIGHER_IS_BETTER} is {@code higher_is_better}. */
    static String jsonName(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String names(Enum<?>[] values) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            b.append(i == 0 ? "" : i == values.length - 1 ? " or " : ", ").append(jsonName(values[i]));
        }
        return b.toString();
    }

    /** A list by its size ("a list of 0"), anything else by {@link #show}. */
    static String count(JsonNode n) {
        return n.isArray() ? "a list of " + n.size() : show(n);
    }

    /** A value as a message quotes it: text quoted and cut at 60 characters, containers by their kind. */
    static String show(JsonNode n) {
        if (n.isTextual()) {
            return "'" + printable(n.textValue()) + "'";
        }
        if (n.isNumber() || n.isBoolean()) {
            return n.toString();
        }
        return n.isArray() ? "a list" : n.isObject() ? "an object" : n.isNull() ? "null" : "a " + n.getNodeType();
    }

    private static String printable(String s) {
        String cut = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
