package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.domain.Environment;
import java.time.Instant;
import java.util.List;

/**
 * The environments page (admins only): every environment of the tenant by key, a notice of the change just made
 * (null when none) and the error of a refused deletion (null when none).
 *
 * @param now when the page is rendered, for the relative times
 */
public record EnvironmentListView(Shell shell, List<Environment> environments, String notice, String error,
        Instant now) {

    public EnvironmentListView {
        environments = List.copyOf(environments);
    }

    /** What the deletion button's confirmation asks. */
    public static String deleteQuestion(Environment e) {
        return "Delete the environment \u201c" + e.key() + "\u201d? Its flag configurations, segments and change log"
                + " are deleted with it, and sidecars of it can no longer fetch flags. This cannot be undone.";
    }

    /** The environment's last change, relative to now. */
    public String updated(Environment e) {
        return Moments.ago(e.updatedAt(), now);
    }
}
