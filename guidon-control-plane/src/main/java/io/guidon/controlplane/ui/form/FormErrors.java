package io.guidon.controlplane.ui.form;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The problems of a submitted form, each next to the field it names (by the field's name, such as
 * {@code rules.0.when.all.1.values}) or, when it names no field of the form, for the top of the form. The order of
 * {@link #entries()} is the order found (the request's own checks first, then the engine's).
 */
public final class FormErrors {

    /** One problem: the field it belongs to (null: the form as a whole) and what is wrong, in plain words. */
    public record Entry(String field, String message) {
    }

    private final Map<String, List<String>> byField = new LinkedHashMap<>();
    private final List<Entry> entries = new ArrayList<>();

    /** A problem of field {@code field} (null: of the whole form). Each message is kept once per field. */
    public FormErrors add(String field, String message) {
        if (field == null) {
            return general(message);
        }
        List<String> list = byField.computeIfAbsent(field, f -> new ArrayList<>());
        if (!list.contains(message)) {
            list.add(message);
            entries.add(new Entry(field, message));
        }
        return this;
    }

    /** A problem of the form as a whole (shown at its top). */
    public FormErrors general(String message) {
        Entry e = new Entry(null, message);
        if (!entries.contains(e)) {
            entries.add(e);
        }
        return this;
    }

    /** Every problem of {@code other}, after these. */
    public FormErrors addAll(FormErrors other) {
        for (Entry e : other.entries) {
            add(e.field(), e.message());
        }
        return this;
    }

    /** The messages of field {@code field} (none: empty). */
    public List<String> of(String field) {
        return byField.getOrDefault(field, List.of());
    }

    public boolean has(String field) {
        return byField.containsKey(field);
    }

    /** The problems that name no field: shown at the top of the form. */
    public List<String> general() {
        return entries.stream().filter(e -> e.field() == null).map(Entry::message).toList();
    }

    /** Every problem, in order: the summary at the top of a form lists them all, linking to their fields. */
    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int size() {
        return entries.size();
    }
}
