package io.guidon.controlplane.ui.pages;

import io.guidon.controlplane.api.ChangeBodies;
import io.guidon.controlplane.api.Fields;
import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.EnvironmentFlag;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.Schedule;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.service.ScheduleService;
import io.guidon.controlplane.service.Services;
import io.guidon.controlplane.ui.UiRequest;
import io.guidon.controlplane.ui.UiResult;
import io.guidon.controlplane.ui.UiRouter;
import io.guidon.controlplane.ui.view.CalendarView;
import io.guidon.controlplane.ui.view.EnvironmentView;
import io.guidon.controlplane.ui.view.Links;
import io.guidon.controlplane.ui.view.ScheduleForm;
import io.guidon.controlplane.ui.view.ScheduleRow;
import io.guidon.controlplane.ui.view.ScheduleSection;
import io.guidon.controlplane.ui.view.SchedulePageView;
import io.guidon.json.Pointer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Scheduled changes in the UI (docs/adr/0114-scheduled-changes.md): on a flag's page, per environment, the pending
 * schedules with a cancel button and a form that schedules a toggle or a percentage at a date and time read in an
 * explicit timezone ({@link ScheduleSection}; the same page alone at {@code /ui/flags/{flag}/schedules?env=} for a
 * browser without JavaScript); and the tenant's calendar ({@code /ui/schedules}), grouped by day, filtered by
 * environment and status. The same service as the API ({@code ScheduleService}), the change read by the API's own
 * {@link ChangeBodies}, so the same checks and words apply.
 */
public final class SchedulePages {

    /** Schedules per page of the calendar. */
    static final int PAGE_SIZE = 50;
    /** Pending schedules a flag's section lists (the calendar lists them all). */
    static final int PENDING = 50;
    /** Schedules no longer pending that a flag's section lists, the latest first. */
    static final int RECENT = 5;
    /** The form's fields a service's violation can name (the others are shown at the top of the form). */
    private static final Set<String> FIELDS = Set.of("at", "zone", "percentage", "ifChanged", "confirm", "what");

    private final Services services;
    private final UiRouter ui;
    private final Clock clock;

    public SchedulePages(Services services, UiRouter ui, Clock clock) {
        this.services = services;
        this.ui = ui;
        this.clock = clock;
    }

    /** Adds the pages' routes. */
    public void register() {
        ui.get("/ui/schedules", Role.VIEWER, this::calendar);
        ui.get("/ui/flags/:flag/schedules", Role.VIEWER, this::flagPage);
        ui.post("/ui/flags/:flag/env/:env/schedules", Role.EDITOR, this::create);
        ui.post("/ui/flags/:flag/env/:env/schedules/:id/cancel", Role.EDITOR, this::cancel);
    }

    // ---------------------------------------------------------------- a flag's schedules in an environment

    /**
     * The schedules section of flag {@code flag} in {@code env} for the flag page: a fresh form based on
     * {@code revision}, and the notice the query names after a change made without JavaScript ({@code scheduled},
     * {@code cancelled}).
     */
    public static ScheduleSection section(Services services, Clock clock, UiRequest r, String flag, Environment env,
            int revision) {
        String notice = r.query("scheduled") != null ? "Scheduled: the change is listed below with its time."
                : r.query("cancelled") != null ? "Cancelled the schedule." : null;
        return section(services, clock, r, flag, env, ScheduleForm.fresh(revision), List.of(), notice);
    }

    private static ScheduleSection section(Services services, Clock clock, UiRequest r, String flag,
            Environment env, ScheduleForm form, List<String> errors, String notice) {
        Instant now = clock.instant();
        List<ScheduleRow> pending = new ArrayList<>();
        services.schedules().list(r.tenantId(), new ScheduleService.Query(env.key(), flag, "pending", null, null,
                null), PENDING).items().forEach(s -> pending.add(ScheduleRow.of(s, now)));
        List<ScheduleRow> recent = new ArrayList<>();
        services.schedules().latestDone(r.tenantId(), env.key(), flag, RECENT)
                .forEach(s -> recent.add(ScheduleRow.of(s, now)));
        return new ScheduleSection(flag, env.key(), env.name(), EnvironmentView.isProtected(env), pending, recent,
                form, errors, notice, r.canEdit(), r.session().csrfToken());
    }

    private UiResult flagPage(UiRequest r) {
        String flag = r.param("flag");
        services.flags().get(r.tenantId(), flag);
        String envKey = r.query("env");
        if (envKey == null) {
            throw DomainException.notFound("name the environment: /ui/flags/" + flag + "/schedules?env=...");
        }
        Environment env = services.environments().get(r.tenantId(), envKey);
        EnvironmentFlag current = services.flags().getIn(r.tenantId(), env.key(), flag);
        return answer(r, 200, section(services, clock, r, flag, env, current.revision()));
    }

    /** The section as an htmx fragment, or alone on a page of its own for a browser without JavaScript. */
    private UiResult answer(UiRequest r, int status, ScheduleSection s) {
        if (r.htmx()) {
            return ui.render(status, "schedules/section.jte", s);
        }
        return ui.render(status, "schedules/flag.jte", new SchedulePageView(ui.shell(r, "Schedules of "
                + s.flagKey(), "schedules"), s));
    }

    private UiResult create(UiRequest r) {
        String flag = r.param("flag");
        Environment env = services.environments().get(r.tenantId(), r.param("env"));
        ScheduleForm form = ScheduleForm.parse(r.form());
        ScheduleForm.Read read = form.read();
        List<Violation> request = new ArrayList<>();
        read.problems().forEach((field, message) -> request.add(Violation.of(field, message)));
        ChangeBodies.Read change = read.change() == null ? null
                : ChangeBodies.change(new Fields(read.change()), env.key(), flag);
        if (change != null) {
            request.addAll(change.violations());
        }
        if (EnvironmentView.isProtected(env) && !env.key().equals(form.confirm())) {
            request.add(Violation.of("confirm", "Type " + env.key() + " to confirm a change of this protected"
                    + " environment."));
        }
        ScheduleService.Request scheduled = new ScheduleService.Request(env.key(), flag, read.due(),
                change == null ? null : change.change(), read.ifChanged(), read.revision(), Pointer.ROOT);
        try {
            Schedule s = services.schedules().create(r.actor(), scheduled, request);
            if (!r.htmx()) {
                return UiResult.redirect(Links.flag(flag) + "?env=" + Links.encode(env.key()) + "&scheduled="
                        + s.id());
            }
            String notice = "Scheduled: " + ScheduleRow.of(s, clock.instant()).summary() + " in " + env.key()
                    + " at " + io.guidon.controlplane.ui.view.Moments.exact(s.due()) + " ("
                    + ScheduleForm.inZone(s.due(), form.zone()) + ").";
            return answer(r, 200, section(services, clock, r, flag, env, form.again(s.baseRevision()), List.of(),
                    notice));
        } catch (DomainException e) {
            if (e.kind() == DomainException.Kind.APPROVAL_REQUIRED) {
                // The environment requires approvals: the schedule is made once a change request is approved.
                return UiResult.redirect("/ui/change-requests/" + services.changeRequests().proposeSchedule(
                        r.actor(), scheduled).id() + "?proposed=1");
            }
            return refused(r, flag, env, form, e);
        }
    }

    /** The form again with what the service refused, each problem at its field when it names one. */
    private UiResult refused(UiRequest r, String flag, Environment env, ScheduleForm form, DomainException e) {
        List<String> general = new ArrayList<>();
        ScheduleForm shown = form;
        int status;
        switch (e.kind()) {
            case INVALID -> {
                status = 422;
                for (Violation v : e.violations()) {
                    String field = v.where().size() == 1 && FIELDS.contains(v.where().token(0))
                            ? v.where().token(0) : null;
                    if (field == null) {
                        general.add(v.where().size() == 0 ? v.message() : v.where().text() + ": " + v.message());
                    } else {
                        shown = shown.withError(field.equals("enabled") ? "what" : field, v.message());
                    }
                }
            }
            case STALE -> {
                status = 412;
                EnvironmentFlag current = services.flags().getIn(r.tenantId(), env.key(), flag);
                general.add("The flag changed in " + env.key() + " since this page was shown (it is at revision "
                        + current.revision() + " now): look at it again, then schedule the change again.");
                shown = form.again(current.revision());
            }
            default -> throw e;
        }
        return answer(r, status, section(services, clock, r, flag, env, shown, general, null));
    }

    private UiResult cancel(UiRequest r) {
        String flag = r.param("flag");
        Environment env = services.environments().get(r.tenantId(), r.param("env"));
        long id;
        try {
            id = Long.parseLong(r.param("id"));
        } catch (NumberFormatException e) {
            throw DomainException.notFound("no schedule '" + r.param("id") + "'");
        }
        EnvironmentFlag current = services.flags().getIn(r.tenantId(), env.key(), flag);
        try {
            Schedule s = services.schedules().cancel(r.actor(), env.key(), flag, id);
            if (!r.htmx()) {
                return UiResult.redirect(Links.flag(flag) + "?env=" + Links.encode(env.key()) + "&cancelled=" + id);
            }
            return answer(r, 200, section(services, clock, r, flag, env, ScheduleForm.fresh(current.revision()),
                    List.of(), "Cancelled: " + ScheduleRow.of(s, clock.instant()).summary() + " at "
                            + io.guidon.controlplane.ui.view.Moments.exact(s.due()) + "."));
        } catch (DomainException e) {
            if (e.kind() != DomainException.Kind.CONFLICT) {
                throw e;
            }
            return answer(r, 409, section(services, clock, r, flag, env, ScheduleForm.fresh(current.revision()),
                    List.of(capitalized(e.detail()) + "."), null));
        }
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    // ---------------------------------------------------------------- the calendar

    private UiResult calendar(UiRequest r) {
        String env = r.query("env");
        String status = r.query("status") == null ? "pending" : r.query("status");
        String after = r.query("after");
        String problem = null;
        List<ScheduleRow> rows = new ArrayList<>();
        long total = 0;
        String later = null;
        if (!CalendarView.STATUSES.contains(status)) {
            problem = "Choose a status among " + String.join(", ", CalendarView.STATUSES) + ".";
        } else {
            try {
                Page<Schedule> page = services.schedules().list(r.tenantId(), new ScheduleService.Query(env,
                        r.query("flag"), "all".equals(status) ? null : status, null, null, after), PAGE_SIZE);
                Instant now = clock.instant();
                page.items().forEach(s -> rows.add(ScheduleRow.of(s, now)));
                total = page.total();
                later = page.nextAfter() == null ? null : CalendarView.url(env, r.query("flag"), status,
                        page.nextAfter());
            } catch (DomainException e) {
                if (e.kind() != DomainException.Kind.INVALID_PARAMETER) {
                    throw e;
                }
                problem = "This page's address is not one of this list (its cursor is from elsewhere): start from"
                        + " the first page.";
            }
        }
        List<String> environments = HistoryPages.environmentKeys(services, r.tenantId());
        String first = after == null ? null : CalendarView.url(env, r.query("flag"), status, null);
        CalendarView view = new CalendarView(ui.shell(r, "Schedules", "schedules"), env, r.query("flag"), status,
                environments, CalendarView.byDay(rows), total, later, first, problem);
        return ui.render(problem == null ? 200 : 400, "schedules/calendar.jte", view);
    }
}
