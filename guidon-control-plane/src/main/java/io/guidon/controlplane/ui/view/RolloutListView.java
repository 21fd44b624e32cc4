package io.guidon.controlplane.ui.view;

import java.util.List;

/**
 * The tenant's rollout plans ({@code /ui/rollouts}), newest first, filtered by status and environment; or a flag's
 * plans on its page ({@code shell} null there), with the link to make one in the environment shown.
 */
public record RolloutListView(Shell shell, String status, String environment, List<String> environments,
        List<RolloutRow> rows, long total, String laterUrl, String problem, String flag, String newUrl) {

    /** The statuses the filter offers; "all" for any. */
    public static final List<String> STATUSES = List.of("all", "running", "paused", "pending", "rolled_back",
            "aborted", "completed");

    public boolean filtered() {
        return !"all".equals(status) || environment != null && !environment.isEmpty();
    }
}
