package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.ui.form.FlagDefinitionForm;

/**
 * A flag's definition form (create a flag, or edit description, tags and variants), as a page part htmx can swap.
 *
 * @param action where the form posts (its structural actions and its save)
 * @param form the values shown (as stored, or as submitted)
 * @param ctx ids, errors, focus
 * @param revision the definition's revision the form is based on (0 when creating)
 * @param creating whether this is the create form (key and off variant inputs)
 * @param open whether the edit form is shown unfolded (after an action, with errors)
 * @param stale the 412 explanation, or null
 * @param csrf the session's CSRF token, for the form's hidden field
 */
public record DefinitionSection(String action, FlagDefinitionForm form, EditorContext ctx, int revision,
        boolean creating, boolean open, Stale stale, String csrf) {

    /** The value types a flag can have. */
    public java.util.List<String> types() {
        return FlagDefinitionForm.TYPES;
    }
}
