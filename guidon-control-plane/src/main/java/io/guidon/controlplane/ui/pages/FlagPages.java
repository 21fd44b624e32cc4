package io.guidon.controlplane.ui.pages;

import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.service.FlagOverviewService;
import io.guidon.controlplane.service.Overview;
import io.guidon.controlplane.service.OverviewQuery;
import io.guidon.controlplane.ui.UiRequest;
import io.guidon.controlplane.ui.UiResult;
import io.guidon.controlplane.ui.UiRouter;
import io.guidon.controlplane.ui.view.FlagListCriteria;
import io.guidon.controlplane.ui.view.FlagListView;
import java.time.Clock;
import java.util.List;

/**
 * The flags list ({@link FlagOverviewService}): a column per environment, search as you type (htmx swaps the
 * results in and the answer's {@code HX-Push-Url} updates the address, so a reload or a bookmark shows the same
 * list), a tag filter, sorting by the column headers, paging with a choice of page size. The query parameters are
 * the read model's ({@code q}, {@code tag}, {@code sort}, {@code direction}, {@code pageSize}) but {@code page},
 * which counts from 1 as the page says "page N of M"; a bad one is a 400 naming it.
 */
public final class FlagPages {

    private final FlagOverviewService overview;
    private final UiRouter ui;
    private final Clock clock;

    public FlagPages(FlagOverviewService overview, UiRouter ui, Clock clock) {
        this.overview = overview;
        this.ui = ui;
        this.clock = clock;
    }

    /** Adds the pages' routes. */
    public void register() {
        ui.get("/ui/flags", Role.VIEWER, this::list);
    }

    private UiResult list(UiRequest r) {
        int page = FlagListCriteria.pageParam(r.query("page"));
        if (page < 0) {
            throw DomainException.invalidParameter(List.of(Violation.of("page", "must be a whole number from 1, not '"
                    + r.query("page") + "'")));
        }
        Overview o = overview.list(r.tenantId(), new OverviewQuery(r.query("q"), r.query("tag"), r.query("sort"),
                r.query("direction"), Integer.toString(page - 1), r.query("pageSize")));
        if (r.htmx()) {
            // Only the results: the filter form (and its tag list) stays as it is in the page.
            FlagListView view = FlagListView.of(ui.shell(r, "Flags", "flags"), o, List.of(), true, clock.instant());
            return ui.render("flags/rows.jte", view).header("HX-Push-Url", view.criteria().url());
        }
        return ui.render("flags/list.jte", FlagListView.of(ui.shell(r, "Flags", "flags"), o,
                overview.tags(r.tenantId()), false, clock.instant()));
    }
}
