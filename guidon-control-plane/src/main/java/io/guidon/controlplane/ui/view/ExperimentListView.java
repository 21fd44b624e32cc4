package io.guidon.controlplane.ui.view;

import java.util.List;

/**
 * The experiments page ({@code /ui/experiments}): the tenant's experiments, running ones first then the newest,
 * filtered by status, environment and flag (a flag page's link sets the flag), with the link to the next page and
 * the problem of a filter that is not valid and what was just done (each null when none).
 */
public record ExperimentListView(Shell shell, String status, String environment, String flag,
        List<String> environments, List<ExperimentRow> rows, String laterUrl, String problem, String notice) {

    /** The statuses the filter offers; "all" for any. */
    public static final List<String> STATUSES = List.of("all", "running", "draft", "stopped");

    public ExperimentListView {
        environments = List.copyOf(environments);
        rows = List.copyOf(rows);
    }

    public boolean filtered() {
        return !"all".equals(status) || environment != null || flag != null;
    }

    /** The editor's address, for the flag and environment filtered on when there are. */
    public String newUrl() {
        return Links.withQuery("/ui/experiments/new", java.util.Map.of("env", environment == null ? "" : environment,
                "flag", flag == null ? "" : flag));
    }
}
