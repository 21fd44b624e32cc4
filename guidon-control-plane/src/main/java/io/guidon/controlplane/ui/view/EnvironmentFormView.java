package io.guidon.controlplane.ui.view;

/**
 * The page of the environment form, creating or editing. {@code stale} is set when the environment changed since
 * the form was read (412): it says so, and the page offers to reload rather than overwrite; null otherwise.
 */
public record EnvironmentFormView(Shell shell, EnvironmentForm form, String stale) {

    /** The form's action: {@code /ui/environments} to create, {@code /ui/environments/<key>} to change. */
    public String action() {
        return form.editing() ? "/ui/environments/" + form.key() : "/ui/environments";
    }
}
