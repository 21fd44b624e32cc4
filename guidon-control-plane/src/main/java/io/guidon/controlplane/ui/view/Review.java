package io.guidon.controlplane.ui.view;

import java.util.List;

/**
 * The review step before a flag's configuration in an environment is saved: what will change (each change with its
 * place and the values before and after, as JSON text the template escapes), how many users of the last 24
 * hours would change variant (an estimate), and the token that ties the Save button to
 * exactly this reviewed content.
 *
 * @param changes what changes, in document order
 * @param impact what the change does to the users of the last 24 hours; null when it was not estimated
 * @param reviewed the hash of the reviewed configuration and revision (the Save only saves that)
 * @param confirmKey the environment key to type before saving, for a protected environment; null otherwise
 */
public record Review(List<Change> changes, ImpactView impact, String reviewed, String confirmKey) {

    /** One change: added, removed or changed; the place in words; the values as JSON text (null when absent). */
    public record Change(String kind, String where, String before, String after) {
    }
}
