package io.guidon.controlplane.ui.pages;

import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.FlagDefinition;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.service.Services;
import io.guidon.controlplane.ui.UiRequest;
import io.guidon.controlplane.ui.UiResult;
import io.guidon.controlplane.ui.UiRouter;
import io.guidon.controlplane.ui.view.FlagListView;

/** The flags pages: the list (search as you type, tag filter, paging). */
public final class FlagPages {

    private final Services services;
    private final UiRouter ui;

    public FlagPages(Services services, UiRouter ui) {
        this.services = services;
        this.ui = ui;
    }

    /** Adds the pages' routes. */
    public void register() {
        ui.get("/ui/flags", Role.VIEWER, this::list);
    }

    private UiResult list(UiRequest r) {
        Page<FlagDefinition> page = services.flags().list(r.tenantId(), r.query("tag"), r.query("q"), r.query("after"),
                50);
        FlagListView view = new FlagListView(ui.shell(r, "Flags", "flags"), r.query("q"), r.query("tag"),
                page.items(), page.total(), page.nextAfter());
        return ui.render(r.htmx() ? "flags/rows.jte" : "flags/list.jte", view);
    }
}
