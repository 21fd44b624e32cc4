package io.guidon.controlplane.ui.pages;

import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.SidecarSighting;
import io.guidon.controlplane.service.Services;
import io.guidon.controlplane.ui.UiRequest;
import io.guidon.controlplane.ui.UiResult;
import io.guidon.controlplane.ui.UiRouter;
import io.guidon.controlplane.ui.view.SidecarsView;
import java.time.Clock;

/**
 * The sidecars page ({@code /ui/sidecars}): per environment, which sidecars fetched its flags recently, the version
 * each holds against the environment's current one, and when each was last seen ({@code SidecarService}, what the
 * control plane noted of their fetches). Refreshed in place with htmx.
 */
public final class SidecarPages {

    /** The most sightings listed (the most recently seen). */
    static final int MAX_SIGHTINGS = 500;
    /** The most environments listed. */
    static final int MAX_ENVIRONMENTS = 200;

    private final Services services;
    private final Clock clock;
    private final UiRouter ui;

    /** @param clock tells the time the "last seen" durations end at */
    public SidecarPages(Services services, Clock clock, UiRouter ui) {
        this.services = services;
        this.clock = clock;
        this.ui = ui;
    }

    /** Adds the page's route. */
    public void register() {
        ui.get("/ui/sidecars", Role.VIEWER, this::page);
    }

    private UiResult page(UiRequest r) {
        Page<Environment> environments = services.environments().list(r.tenantId(), null, null, MAX_ENVIRONMENTS);
        Page<SidecarSighting> sightings = services.sidecars().list(r.tenantId(), null, MAX_SIGHTINGS);
        SidecarsView view = SidecarsView.of(ui.shell(r, "Sidecars", "sidecars"), clock.instant(),
                environments.items(), sightings.items(), sightings.total());
        return ui.render(r.htmx() ? "sidecars/fleet.jte" : "sidecars/page.jte", view);
    }
}
