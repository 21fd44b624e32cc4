package io.guidon.controlplane.ui.view;

import java.util.function.Function;

/** The reading of a posted form's fields shared by the form classes: absent fields are empty, never null. */
final class FormFields {

    private FormFields() {
    }

    /** Field {@code name} without surrounding whitespace; "" when absent. */
    static String text(Function<String, String> field, String name) {
        String v = field.apply(name);
        return v == null ? "" : v.strip();
    }

    /** Field {@code name} as typed, with a textarea's CR LF read as LF; "" when absent. */
    static String raw(Function<String, String> field, String name) {
        String v = field.apply(name);
        return v == null ? "" : v.replace("\r\n", "\n");
    }

    /** {@code v}, or {@code fallback} when it is empty. */
    static String or(String v, String fallback) {
        return v.isEmpty() ? fallback : v;
    }
}
