package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.domain.DocumentReferences;
import io.guidon.controlplane.ui.form.SegmentForm;
import java.util.List;

/**
 * A segment's editor (or, for a viewer, its read-only view), the part htmx swaps.
 *
 * @param env the environment's key
 * @param environments the environments a new segment can be created in (creating only)
 * @param creating whether this is the create form (environment and key inputs)
 * @param form the values shown
 * @param ctx ids, errors, focus, segments to reference
 * @param revision the segment's revision the form is based on (0 when creating)
 * @param usedBy who uses the segment (flags directly, other segments, flags through them); null when creating
 * @param stale the 412 explanation, or null
 * @param notice a message after an action, or null
 * @param csrf the session's CSRF token
 */
public record SegmentSection(String env, List<String> environments, boolean creating, SegmentForm form,
        EditorContext ctx, int revision, DocumentReferences.SegmentUsage usedBy, Stale stale, String notice, String csrf) {

    /** Where the form posts. */
    public String action() {
        return creating ? "/ui/segments/new" : "/ui/segments/" + env + "/" + form.key;
    }
}
