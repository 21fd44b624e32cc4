package io.guidon.controlplane.ui.view;

import java.util.List;

/**
 * A form saved against a revision that is no longer current (412): what it was based on, who changed what since
 * (from the audit log, newest first), and where to load the current version. The form keeps the user's values.
 *
 * @param message the sentence at the top ("... changed since you loaded this form ...")
 * @param changes the changes since, newest first (may be empty when the audit log has none to show)
 * @param reloadUrl the page with the current version (the user's edits are then gone, so it is a plain link)
 */
public record Stale(String message, List<Change> changes, String reloadUrl) {

    /** One change since: who, when (UTC, to the second) and what, in words. */
    public record Change(String actor, String at, String what) {
    }
}
