package io.guidon.controlplane.ui;

import io.guidon.controlplane.events.ExposureReports;
import io.guidon.controlplane.service.ExperimentResultsService;
import io.guidon.controlplane.service.Services;
import io.guidon.controlplane.ui.pages.EnvironmentPages;
import io.guidon.controlplane.ui.pages.ExperimentPages;
import io.guidon.controlplane.ui.pages.ExposurePages;
import io.guidon.controlplane.ui.pages.FlagEditorPages;
import io.guidon.controlplane.ui.pages.FlagPages;
import io.guidon.controlplane.ui.pages.HistoryPages;
import io.guidon.controlplane.ui.pages.KeyPages;
import io.guidon.controlplane.ui.pages.MetricPages;
import io.guidon.controlplane.ui.pages.RolloutPages;
import io.guidon.controlplane.ui.pages.SchedulePages;
import io.guidon.controlplane.ui.pages.SegmentPages;
import io.guidon.controlplane.ui.pages.SidecarPages;
import io.guidon.controlplane.ui.pages.TryPages;
import java.time.Clock;

/**
 * The UI's pages, one class per area, each adding its routes to the {@link UiRouter}. The one list of them: a new
 * area is a class in {@code ui.pages}, its templates in {@code src/main/jte/<area>/}, and a line here.
 */
public final class UiRoutes {

    private final Services services;
    private final ExperimentResultsService experimentResults;
    private final ExposureReports exposures;
    private final Clock clock;
    private final io.guidon.controlplane.service.WebhookService webhooks;
    private final java.time.Duration webhookTimeout;

    /**
     * @param experimentResults the experiments' results (the experiment pages), as the API answers them
     * @param exposures the flags' daily evaluation and exposure totals (the exposures page)
     * @param clock tells the time (today's UTC day ends the exposures page's range; "last seen" on the sidecars
     *     page; "in 2 h" on the schedules' pages)
     * @param webhooks the webhooks (the webhooks pages), and {@code webhookTimeout} their default timeout
     */
    public UiRoutes(Services services, ExperimentResultsService experimentResults, ExposureReports exposures,
            Clock clock, io.guidon.controlplane.service.WebhookService webhooks, java.time.Duration webhookTimeout) {
        this.webhooks = webhooks;
        this.webhookTimeout = webhookTimeout;
        this.services = services;
        this.experimentResults = experimentResults;
        this.exposures = exposures;
        this.clock = clock;
    }

    /** Adds every page's routes to {@code ui}. */
    public void register(UiRouter ui) {
        new FlagEditorPages(services, ui, clock).register();
        new FlagPages(services.overview(), ui, clock).register();
        new SegmentPages(services, ui).register();
        new HistoryPages(services, ui).register();
        new SchedulePages(services, ui, clock).register();
        new RolloutPages(services, ui, clock).register();
        new ExperimentPages(services, experimentResults, ui, clock).register();
        new MetricPages(services.metrics(), ui, clock).register();
        new io.guidon.controlplane.ui.pages.ChangeRequestPages(services, ui).register();
        new ExposurePages(services, exposures, clock, ui).register();
        new TryPages(services, ui).register();
        new SidecarPages(services, clock, ui).register();
        new EnvironmentPages(services.environments(), ui, clock).register();
        new KeyPages(services.keys(), services.environments(), ui, clock).register();
        new io.guidon.controlplane.ui.pages.WebhookPages(webhooks, ui, clock, webhookTimeout).register();
    }
}
