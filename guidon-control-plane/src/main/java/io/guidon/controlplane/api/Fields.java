package io.guidon.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.json.Pointer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the fields of a JSON object from a request, collecting every problem with its path instead of stopping
 * at the first; {@link #done()} throws one 422 listing them all. An object inside the body is read with Fields of
 * its own ({@link #object}) whose problems are the body's, placed under it ({@code change.enabled}).
 */
public final class Fields {

    public static final int MAX_NAME = 200;
    public static final int MAX_DESCRIPTION = 2000;

    private final ObjectNode node;
    /** Where {@link #node} is in the request body ({@link Pointer#ROOT}: it is the body). */
    private final Pointer at;
    /** The body's problems, shared by the Fields of its objects. */
    private final List<FieldError> errors;
    /** What the OpenAPI document found wrong with the body (see {@link ContractValidation}); replaced by our words. */
    private final List<FieldError> contract;

    public Fields(ObjectNode node) {
        this(node, List.of());
    }

    /**
     * The fields of a request body that the contract found {@code violations} in: they are problems of this
     * request from the start (so that a handler never acts on a body the contract refuses), each replaced by the
     * handler's own report of the same place when it makes one.
     */
    Fields(ObjectNode node, List<FieldError> violations) {
        this(node, Pointer.ROOT, new ArrayList<>(violations), List.copyOf(violations));
    }

    private Fields(ObjectNode node, Pointer at, List<FieldError> errors, List<FieldError> contract) {
        this.node = node;
        this.at = at;
        this.errors = errors;
        this.contract = contract;
    }

    public ObjectNode node() {
        return node;
    }

    /**
     * Member {@code field}, an object, read by Fields of its own whose problems are this body's, placed under it;
     * null when it is missing or not an object (a problem of {@code field}, "required" or "must be an object").
     */
    public Fields object(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            error(field, "required: an object");
            return null;
        }
        if (!v.isObject()) {
            error(field, "must be an object, not " + kind(v));
            return null;
        }
        return new Fields((ObjectNode) v, at.field(field), errors, contract);
    }

    /** The text that names member {@code field} of this object in an error. */
    public String path(String field) {
        return at.size() == 0 ? field : at.field(field).text();
    }

    /** A problem with member {@code field} of this object (a name, even one that is not plain: it is one member). */
    public void error(String field, String message) {
        add(at.size() == 0 ? FieldError.named(field, message) : FieldError.at(at.field(field), message));
    }

    /** A problem at {@code where} in this object, a place below a member ({@code rules[0].description}). */
    public void error(Pointer where, String message) {
        add(FieldError.at(where.under(at), message));
    }

    /** A problem with element {@code index} of the array in member {@code field}. */
    private void error(String field, int index, String message) {
        Pointer where = at.field(field).index(index);
        add(new FieldError(path(field) + "[" + index + "]", message, where));
    }

    /** Adds {@code e}, in place of the contract's report of the same place if it made one. */
    private void add(FieldError e) {
        if (!contract.isEmpty()) {
            errors.removeIf(c -> c.path().equals(e.path()) && contract.contains(c));
        }
        errors.add(e);
    }

    /** Every problem of the body found so far (those of its other objects too). */
    public List<FieldError> errors() {
        return errors;
    }

    /** {@link #errors()} as the services take them: each at its place in the request body. */
    public List<io.guidon.controlplane.domain.Violation> violations() {
        List<io.guidon.controlplane.domain.Violation> out = new ArrayList<>();
        for (FieldError e : errors) {
            out.add(new io.guidon.controlplane.domain.Violation(e.pointer() != null ? e.pointer()
                    : Pointer.of(e.path()), e.message()));
        }
        return out;
    }

    /** Reports every field not in {@code allowed}. */
    public Fields allow(String... allowed) {
        Set<String> set = Set.of(allowed);
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!set.contains(name)) {
                // A route that takes no members says so, rather than listing nothing ("allowed: ").
                error(name, set.isEmpty() ? "unknown field: this request takes none (send no body, or {})"
                        : "unknown field (allowed: " + String.join(", ", new TreeSet<>(set)) + ")");
            }
        }
        return this;
    }

    public boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    /** A flag, segment or environment key: {@code [a-z0-9][a-z0-9._-]{0,127}}. */
    public String key(String field) {
        String v = requiredString(field);
        if (v != null && !FlagDocumentCompiler.KEY.matcher(v).matches()) {
            error(field, "must be 1 to 128 of a-z, 0-9, '.', '_', '-', starting with a letter or digit, not '"
                    + abbreviate(v) + "'");
            return null;
        }
        return v;
    }

    public String requiredString(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            error(field, "required");
            return null;
        }
        if (!v.isTextual()) {
            error(field, "must be a string, not " + kind(v));
            return null;
        }
        return v.textValue();
    }

    /** Plain text (see {@link Text}); null when absent. */
    public String text(String field, int maxLength, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                error(field, "required");
            }
            return null;
        }
        if (!v.isTextual()) {
            error(field, "must be a string, not " + kind(v));
            return null;
        }
        String problem = Text.problem(v.textValue(), maxLength);
        if (problem != null) {
            error(field, problem);
            return null;
        }
        if (required && v.textValue().isBlank()) {
            error(field, "must not be empty");
            return null;
        }
        return v.textValue();
    }

    public Boolean bool(String field, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                error(field, "required: true or false");
            }
            return null;
        }
        if (!v.isBoolean()) {
            error(field, "must be true or false, not " + kind(v));
            return null;
        }
        return v.booleanValue();
    }

    /** An array of non-empty plain-text strings. */
    public List<String> strings(String field, int maxItems, int maxLength) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            error(field, "must be an array of strings, not " + kind(v));
            return List.of();
        }
        if (v.size() > maxItems) {
            error(field, "at most " + maxItems + " entries, not " + v.size());
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isTextual() || e.textValue().isEmpty()) {
                error(field, i, "must be a non-empty string, not " + kind(e));
                continue;
            }
            String problem = Text.problem(e.textValue(), maxLength);
            if (problem != null) {
                error(field, i, problem);
                continue;
            }
            if (!out.contains(e.textValue())) {
                out.add(e.textValue());
            }
        }
        return out;
    }

    public JsonNode raw(String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    /** Throws a 422 with every problem found so far. */
    public void done() {
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
    }

    public static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
