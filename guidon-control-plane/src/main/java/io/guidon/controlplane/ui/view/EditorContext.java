package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.ui.form.FormErrors;
import io.guidon.controlplane.ui.form.Operators;
import java.util.List;

/**
 * What every part of an editor form needs to render one field: its element id (unique on the page: the form's
 * {@code idPrefix} and the field name with dots as dashes), its errors (with the ids that {@code aria-describedby}
 * points at), whether the session may edit (a viewer gets text, never an input or a button), where the form's
 * structural actions post (htmx swaps {@code target} with the answer), and which element gets the focus after an
 * action.
 *
 * @param idPrefix prefix of every element id of this form ({@code "env-production-"}, {@code "seg-"})
 * @param canEdit whether inputs and buttons are rendered at all
 * @param errors the form's problems by field name
 * @param segments the segment keys a condition can reference (the environment's)
 * @param actionUrl where the form posts: structural actions, review and save
 * @param target the CSS selector of the element an htmx answer replaces
 * @param focus the field name or action ({@code verb@path}) whose element gets {@code autofocus}; null: none
 */
public record EditorContext(String idPrefix, boolean canEdit, FormErrors errors, List<String> segments,
        String actionUrl, String target, String focus) {

    /** The element id of field {@code field}. */
    public String id(String field) {
        return idPrefix + field.replace('.', '-');
    }

    /** The element id of the button of action {@code action} ({@code up@rules.1}). */
    public String buttonId(String action) {
        return idPrefix + "do-" + action.replace('@', '-').replace('.', '-');
    }

    /** The id of the element listing field {@code field}'s errors, for {@code aria-describedby}; null without errors. */
    public String describedBy(String field) {
        return errors.has(field) ? id(field) + "-error" : null;
    }

    /**
     * The ids for {@code aria-describedby} of field {@code field}: its hint ({@code hint}, null: none) and its errors
     * when it has any; null when neither.
     */
    public String describedBy(String field, String hint) {
        String errors = describedBy(field);
        if (hint == null) {
            return errors;
        }
        return errors == null ? hint : hint + " " + errors;
    }

    /** {@code "true"} for {@code aria-invalid} when the field has errors, else null (no attribute). */
    public String invalid(String field) {
        return errors.has(field) ? "true" : null;
    }

    public List<String> errorsOf(String field) {
        return errors.of(field);
    }

    public boolean hasErrors(String field) {
        return errors.has(field);
    }

    /** Whether the element of {@code key} (a field name or an action) gets the focus. */
    public boolean autofocus(String key) {
        return key.equals(focus);
    }

    /** The operators of the picker. */
    public List<Operators.Op> operators() {
        return Operators.all();
    }

    /** Whether the picker must also offer {@code op}: an operator the engine does not know (kept as typed). */
    public boolean unknownOperator(String op) {
        return !Operators.known(op);
    }

    /** The segments to offer, with {@code current} first if the environment does not have it (kept as typed). */
    public List<String> segmentChoices(String current) {
        if (current == null || current.isEmpty() || segments.contains(current)) {
            return segments;
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        out.add(current);
        out.addAll(segments);
        return out;
    }

    /**
     * Field {@code field} in words, for the error summary: {@code rules.0.when.all.1.values} is "Rule 1, condition
     * 2, values".
     */
    public static String label(String field) {
        if (field == null) {
            return null;
        }
        String[] t = field.split("\\.");
        java.util.List<String> words = new java.util.ArrayList<>();
        for (int i = 0; i < t.length; i++) {
            String token = t[i];
            String next = i + 1 < t.length ? t[i + 1] : null;
            boolean indexed = next != null && !next.isEmpty() && next.chars().allMatch(Character::isDigit);
            String n = indexed ? Integer.toString(Integer.parseInt(next) + 1) : null;
            switch (token) {
                case "rules" -> words.add(indexed ? "Rule " + n : "Rules");
                case "prerequisites" -> words.add(indexed ? "Prerequisite " + n : "Prerequisites");
                case "targets" -> words.add(indexed ? "Target " + n : "Targets");
                case "variants" -> words.add(indexed ? "Variant " + n : "Variants");
                case "all", "any" -> words.add(indexed ? "condition " + n : "conditions");
                case "rollout" -> words.add(indexed ? "percentage " + n : "rollout");
                case "when", "weight", "type" -> {
                    // the condition itself, or a row's only input: no word of their own
                }
                case "not" -> words.add("not");
                case "serve" -> words.add("serve");
                case "fallthrough" -> words.add("Fallthrough");
                case "offVariant" -> words.add("Off variant");
                case "bucketBy" -> words.add("bucket by");
                case "op" -> words.add("operator");
                case "keys" -> words.add("targeting keys");
                case "included" -> words.add("Included keys");
                case "excluded" -> words.add("Excluded keys");
                case "key" -> words.add("Key");
                case "description" -> words.add(words.isEmpty() ? "Description" : "description");
                case "tags" -> words.add("Tags");
                default -> {
                    if (!token.chars().allMatch(Character::isDigit)) {
                        words.add(token);
                    }
                }
            }
            if (indexed) {
                i++;
            }
        }
        return String.join(", ", words);
    }

    /** Rows for a textarea holding {@code text}: its lines and one more, from 2 to 10. */
    public static int rows(String text) {
        int lines = text == null ? 0 : (int) text.chars().filter(c -> c == '\n').count() + 1;
        return Math.max(2, Math.min(10, lines + 1));
    }

    /** The link of the error summary's entry for {@code field}: its element, or the form's top when none. */
    public String anchor(String field) {
        return "#" + (field == null ? idPrefix + "summary" : id(field));
    }
}
