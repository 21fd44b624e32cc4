package io.guidon.controlplane.ui.view;

import java.util.List;

/**
 * The metrics page ({@code /ui/metrics}): a page of the tenant's metrics by key, with the link to the next one, a
 * notice of what was just done and the error of a refused deletion (each null when none).
 */
public record MetricListView(Shell shell, List<MetricRow> rows, String laterUrl, String notice, String error) {

    public MetricListView {
        rows = List.copyOf(rows);
    }

    /** What the deletion button's confirmation asks. */
    public static String deleteQuestion(MetricRow m) {
        return "Delete the metric \u201c" + m.key() + "\u201d? Experiments using it must drop it first.";
    }
}
