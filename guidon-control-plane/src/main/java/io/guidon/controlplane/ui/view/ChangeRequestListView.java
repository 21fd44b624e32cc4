package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.domain.ChangeRequest;
import java.util.List;

/**
 * The tenant's change requests ({@code /ui/change-requests}), newest first, filtered by status (open by default) and
 * environment; {@code olderUrl} the next page's address, or null.
 */
public record ChangeRequestListView(Shell shell, List<ChangeRequest> items, String status, String environment,
        List<String> environments, long total, String olderUrl, String problem) {

    /** The statuses the filter offers ({@code all}: any). */
    public static final List<String> STATUSES = List.of("open", "applied", "withdrawn", "closed", "all");

    public String url(ChangeRequest r) {
        return "/ui/change-requests/" + r.id();
    }

    public String where(ChangeRequest r) {
        return r.environment() == null ? "every environment" : r.environment();
    }

    public String created(ChangeRequest r) {
        return Moments.exact(r.createdAt());
    }

    /** The page's address for these filters after cursor {@code after} (null: the first page). */
    public static String url(String status, String environment, String after) {
        StringBuilder b = new StringBuilder("/ui/change-requests?status=").append(Links.encode(status));
        if (environment != null) {
            b.append("&env=").append(Links.encode(environment));
        }
        if (after != null) {
            b.append("&after=").append(Links.encode(after));
        }
        return b.toString();
    }
}
