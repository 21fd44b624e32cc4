package io.guidon.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.guidon.json.Pointer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The one collector of a compilation's problems, shared by every part of the compiler (document, flags, rules,
 * conditions, operators...): each problem is recorded with its place as a JSON Pointer, in the order found, and
 * compiling goes on so that one pass reports them all. Also the checks every part makes the same way (required
 * strings, unknown fields, the size limits), so that their messages read alike. Not thread-safe: one per compilation.
 */
final class Problems {

    private final List<ValidationError> errors = new ArrayList<>();

    /** Records a problem at {@code where}; the message is made printable (a lone surrogate or NUL it quotes). */
    void error(Pointer where, String message) {
        // A message quotes what it refers to: a lone surrogate or NUL in it would break the report's own text.
        errors.add(new ValidationError(where, Texts.printable(message)));
    }

    /**
     * A problem at {@code where} that names another place, {@code related} (the first of two duplicates): the
     * message is {@code message} followed by that place's text and {@code after}; the place stays structured.
     */
    void error(Pointer where, String message, Pointer related, String after) {
        errors.add(new ValidationError(where, Texts.printable(message) + ValidationError.text(related)
                + Texts.printable(after), related));
    }

    /** How many problems have been recorded: compare before and after a step to know whether it found any. */
    int count() {
        return errors.size();
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    /** The problems found so far, in order. */
    List<ValidationError> list() {
        return errors;
    }

    /** Reports each field of {@code node} not in {@code allowed}, listing the allowed ones. */
    void unknownFields(JsonNode node, Pointer where, Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!allowed.contains(name)) {
                List<String> sorted = new ArrayList<>(allowed);
                Collections.sort(sorted);
                error(where.field(name), "unknown field '" + name + "' (allowed: " + String.join(", ", sorted) + ")");
            }
        }
    }

    /** The string field {@code field} of {@code node}, or null when absent, null, or not a string (reported). */
    String optionalString(JsonNode node, String field, Pointer where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            error(where.field(field), "must be a string, not " + kind(v));
            return null;
        }
        return v.textValue();
    }

    /** The string field {@code field} of {@code node}, or null after reporting it missing or not a string. */
    String requiredString(JsonNode node, String field, Pointer where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            error(where.field(field), "required");
            return null;
        }
        if (!v.isTextual()) {
            error(where.field(field), "must be a string, not " + kind(v));
            return null;
        }
        return v.textValue();
    }

    /** Reports a container with more than {@code max} elements; its elements are then not read. */
    boolean tooMany(JsonNode node, int max, Pointer where, String what) {
        if (node.size() <= max) {
            return false;
        }
        error(where, "at most " + max + " " + what + ", not " + node.size() + " (see \"Limits\" in the flag format)");
        return true;
    }

    /** Reports a string longer than {@link FlagDocumentCompiler#MAX_STRING_LENGTH}. */
    boolean tooLong(String text, Pointer where) {
        if (text.length() <= FlagDocumentCompiler.MAX_STRING_LENGTH) {
            return false;
        }
        error(where, "at most " + FlagDocumentCompiler.MAX_STRING_LENGTH + " characters, not " + text.length()
                + " (see \"Limits\" in the flag format)");
        return true;
    }

    /**
     * Whether a number is one evaluation can compare: within the range of a 64-bit float and not so small that
     * it would become 0 (1e400 would be compared as infinity, 1e-400 as 0). Reports it when not.
     */
    boolean representable(JsonNode v, Pointer where) {
        double d = v.doubleValue();
        if (Double.isInfinite(d) || Double.isNaN(d)) {
            error(where, "the number is beyond the range of a 64-bit float (about ±1.8e308)");
            return false;
        }
        if (d == 0 && v.isFloatingPointNumber() && v.decimalValue().signum() != 0) {
            error(where, "the number is too close to 0 for a 64-bit float (it would be 0)");
            return false;
        }
        return true;
    }

    /** What a JSON value is, for messages: "an empty object", "a string", "null"... */
    static String kind(JsonNode node) {
        JsonNodeType t = node.getNodeType();
        return switch (t) {
            case OBJECT -> node.isEmpty() ? "an empty object" : "an object";
            case ARRAY -> node.isEmpty() ? "an empty array" : "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> t.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
