package io.guidon.controlplane.ui.view;

import java.util.Map;

/**
 * A form's problems, one message per field name, for its template: the message shown next to the field, and the
 * attributes that tie it to the input ({@code aria-invalid}, {@code aria-describedby}) so that a screen reader
 * reads the message with the field.
 */
public interface FieldErrors {

    /** Field name to message, in the order found; empty when the form is valid. */
    Map<String, String> errors();

    /** Whether nothing is wrong. */
    default boolean valid() {
        return errors().isEmpty();
    }

    /** The message for {@code field}, or null. */
    default String error(String field) {
        return errors().get(field);
    }

    /** {@code "true"} for a field with a problem, else null (the template then leaves the attribute out). */
    default String invalid(String field) {
        return errors().containsKey(field) ? "true" : null;
    }

    /** The id of {@code field}'s message element: {@code <field>-error}. */
    default String errorId(String field) {
        return field + "-error";
    }

    /**
     * The {@code aria-describedby} of {@code field}'s input: its hint's id ({@code hintId}, null when it has none)
     * and its message's id when it has one; null when neither.
     */
    default String describedBy(String field, String hintId) {
        String error = errors().containsKey(field) ? errorId(field) : null;
        if (hintId == null) {
            return error;
        }
        return error == null ? hintId : hintId + " " + error;
    }
}
