package io.guidon.controlplane.ui;

import io.guidon.controlplane.service.Services;
import io.guidon.controlplane.ui.pages.FlagEditorPages;
import io.guidon.controlplane.ui.pages.FlagPages;
import io.guidon.controlplane.ui.pages.SegmentPages;

/**
 * The UI's pages, one class per area, each adding its routes to the {@link UiRouter}. The one list of them: a new
 * area is a class in {@code ui.pages}, its templates in {@code src/main/jte/<area>/}, and a line here.
 */
public final class UiRoutes {

    private final Services services;

    public UiRoutes(Services services) {
        this.services = services;
    }

    /** Adds every page's routes to {@code ui}. */
    public void register(UiRouter ui) {
        new FlagEditorPages(services, ui).register();
        new FlagPages(services, ui).register();
        new SegmentPages(services, ui).register();
    }
}
