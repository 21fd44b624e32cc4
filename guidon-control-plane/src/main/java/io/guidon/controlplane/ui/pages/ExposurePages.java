package io.guidon.controlplane.ui.pages;

import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.events.ExposureReports;
import io.guidon.controlplane.service.Services;
import io.guidon.controlplane.ui.UiRequest;
import io.guidon.controlplane.ui.UiResult;
import io.guidon.controlplane.ui.UiRouter;
import io.guidon.controlplane.ui.view.ExposuresView;
import io.guidon.controlplane.ui.view.Shell;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The exposures page of a flag ({@code /ui/flags/{key}/exposures?env=&days=}): evaluations and exposures per
 * variant on each UTC day of the last {@code days} days in one environment, from the same daily totals as the
 * admin API's exposure report, drawn with Chart.js and listed in a table.
 */
public final class ExposurePages {


    private final Services services;
    private final ExposureReports reports;
    private final Clock clock;
    private final UiRouter ui;

    /** @param clock tells which UTC day is today (the range ends with it) */
    public ExposurePages(Services services, ExposureReports reports, Clock clock, UiRouter ui) {
        this.services = services;
        this.reports = reports;
        this.clock = clock;
        this.ui = ui;
    }

    /** Adds the page's route. */
    public void register() {
        ui.get("/ui/flags/:key/exposures", Role.VIEWER, this::page);
    }

    private UiResult page(UiRequest r) {
        String flag = r.param("key");
        // The flag first: an unknown flag is a 404 page whatever the query.
        services.flags().get(r.tenantId(), flag);
        List<String> environments = HistoryPages.environmentKeys(services, r.tenantId());
        List<Integer> choices = ExposuresView.DAY_CHOICES.stream().filter(d -> d <= reports.maxDays()).toList();
        if (choices.isEmpty()) {
            choices = List.of(reports.maxDays());
        }
        Shell shell = ui.shell(r, "Exposures of " + flag, "flags");
        String env = r.query("env") != null ? r.query("env") : defaultEnvironment(environments);
        if (env == null) {
            return ui.render("exposures/page.jte", ExposuresView.refused(shell, flag, environments, null, choices,
                    null));
        }
        int days = choices.contains(ExposuresView.DEFAULT_DAYS) ? ExposuresView.DEFAULT_DAYS : choices.get(0);
        String daysText = r.query("days");
        if (daysText != null) {
            Integer parsed = daysText.matches("\\d{1,4}") ? Integer.valueOf(daysText) : null;
            if (parsed == null || !choices.contains(parsed)) {
                return ui.render(422, "exposures/page.jte", ExposuresView.refused(shell, flag, environments, env,
                        choices, "Choose a range of " + words(choices) + " days, not '" + printable(daysText)
                                + "'."));
            }
            days = parsed;
        }
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        ExposureReports.Report report = reports.report(r.tenantId(), env, flag, today.minusDays(days - 1), today);
        return ui.render("exposures/page.jte", ExposuresView.of(shell, report, environments, days, choices));
    }

    /** Production when there is one (what people look at first), else the first environment by key. */
    static String defaultEnvironment(List<String> environments) {
        if (environments.contains("production")) {
            return "production";
        }
        return environments.isEmpty() ? null : environments.get(0);
    }

    private static String words(List<Integer> choices) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < choices.size(); i++) {
            sb.append(i == 0 ? "" : i == choices.size() - 1 ? " or " : ", ").append(choices.get(i));
        }
        return sb.toString();
    }

    private static String printable(String v) {
        return v.length() > 40 ? v.substring(0, 40) + "…" : v;
    }
}
