package io.guidon.controlplane.ui.view;

import java.util.List;
import java.util.Map;

/**
 * A history page: its scope and filters (with the problems of those that are not valid, by field), the
 * environments the filter offers, one page of entries newest first, how many match in all, and the links to the
 * older page (null: this is the last) and back to the newest (null: this is the first).
 */
public record HistoryView(Shell shell, HistoryScope scope, HistoryFilters filters, Map<String, String> problems,
        List<String> environments, List<HistoryEntry> entries, long total, String olderUrl, String newestUrl,
        String reverted) {

    /** A page shown without a revert just made. */
    public HistoryView(Shell shell, HistoryScope scope, HistoryFilters filters, Map<String, String> problems,
            List<String> environments, List<HistoryEntry> entries, long total, String olderUrl, String newestUrl) {
        this(shell, scope, filters, problems, environments, entries, total, olderUrl, newestUrl, null);
    }

    /** The problem of filter {@code field}, or null. */
    public String problem(String field) {
        return problems.get(field);
    }

    /** The id of filter {@code field}'s error message when it has one (its {@code aria-describedby}), else null. */
    public String describedBy(String field) {
        return problems.containsKey(field) ? field + "-error" : null;
    }

    /** {@code "true"} when filter {@code field} is not valid (its {@code aria-invalid}), else null. */
    public String invalid(String field) {
        return problems.containsKey(field) ? "true" : null;
    }
}
