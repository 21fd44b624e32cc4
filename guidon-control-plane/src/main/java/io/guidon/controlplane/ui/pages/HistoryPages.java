package io.guidon.controlplane.ui.pages;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.service.Services;
import io.guidon.controlplane.ui.UiRequest;
import io.guidon.controlplane.ui.UiResult;
import io.guidon.controlplane.ui.UiRouter;
import io.guidon.controlplane.ui.view.HistoryEntry;
import io.guidon.controlplane.ui.view.HistoryFilters;
import io.guidon.controlplane.ui.view.HistoryScope;
import io.guidon.controlplane.ui.view.HistoryView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The history pages: the audit entries of the tenant ({@code /ui/history}), of a flag
 * ({@code /ui/flags/{key}/history}) or of a segment ({@code /ui/segments/{env}/{key}/history}), newest first,
 * filtered by the query string and paged by the audit log's cursor, each with its before and after.
 */
public final class HistoryPages {

    /** Entries per page. */
    static final int PAGE_SIZE = 25;
    /** The most environments the filter lists (a tenant has a handful). */
    static final int MAX_ENVIRONMENTS = 200;

    /** The keys of the tenant's environments (at most {@link #MAX_ENVIRONMENTS}), by key: a page's filter. */
    static List<String> environmentKeys(Services services, long tenantId) {
        List<String> keys = new ArrayList<>();
        for (Environment env : services.environments().list(tenantId, null, null, MAX_ENVIRONMENTS).items()) {
            keys.add(env.key());
        }
        return keys;
    }

    private final Services services;
    private final UiRouter ui;

    public HistoryPages(Services services, UiRouter ui) {
        this.services = services;
        this.ui = ui;
    }

    /** Adds the pages' routes. */
    public void register() {
        ui.get("/ui/history", Role.VIEWER, r -> page(r, HistoryScope.tenant()));
        ui.get("/ui/flags/:key/history", Role.VIEWER, r -> page(r, HistoryScope.flag(r.param("key"))));
        ui.get("/ui/segments/:env/:key/history", Role.VIEWER,
                r -> page(r, HistoryScope.segment(r.param("env"), r.param("key"))));
    }

    private UiResult page(UiRequest r, HistoryScope scope) {
        HistoryFilters filters = HistoryFilters.parse(r::query);
        Map<String, String> problems = new LinkedHashMap<>(filters.problems());
        List<HistoryEntry> entries = new ArrayList<>();
        long total = 0;
        String older = null;
        if (problems.isEmpty()) {
            try {
                Page<JsonNode> page = services.audit().list(r.tenantId(), filters.query(scope), PAGE_SIZE);
                page.items().forEach(e -> entries.add(HistoryEntry.of(e)));
                total = page.total();
                older = page.nextAfter() == null ? null : filters.url(scope, page.nextAfter());
            } catch (DomainException e) {
                if (e.kind() != DomainException.Kind.INVALID_PARAMETER) {
                    throw e;
                }
                // The service checks what the page could not (an instant out of range): shown at the top.
                e.violations().forEach(v -> problems.put("query", v.where().text() + ": " + v.message()));
            }
        }
        List<String> environments = scope.filtersEnvironment() ? environmentKeys(services, r.tenantId()) : List.of();
        String newest = filters.after() == null ? null : filters.url(scope, null);
        HistoryView view = new HistoryView(ui.shell(r, scope.title(), "history"), scope, filters, problems,
                environments, entries, total, older, newest,
                r.query("reverted") != null && r.query("reverted").matches("[0-9]{1,18}") ? r.query("reverted") : null);
        return ui.render(problems.isEmpty() ? 200 : 422, "history/page.jte", view);
    }
}
