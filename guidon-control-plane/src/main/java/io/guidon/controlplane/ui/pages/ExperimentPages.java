package io.guidon.controlplane.ui.pages;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.api.ExperimentUsersCsv;
import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Experiment;
import io.guidon.controlplane.domain.ExperimentSpec;
import io.guidon.controlplane.domain.FlagDefinition;
import io.guidon.controlplane.domain.Metric;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.service.ExperimentAnalysis;
import io.guidon.controlplane.service.ExperimentResultsService;
import io.guidon.controlplane.service.ExperimentService;
import io.guidon.controlplane.service.Services;
import io.guidon.controlplane.ui.UiRequest;
import io.guidon.controlplane.ui.UiResult;
import io.guidon.controlplane.ui.UiRouter;
import io.guidon.controlplane.ui.view.ExperimentForm;
import io.guidon.controlplane.ui.view.ExperimentFormView;
import io.guidon.controlplane.ui.view.ExperimentListView;
import io.guidon.controlplane.ui.view.ExperimentPageView;
import io.guidon.controlplane.ui.view.ExperimentResultsView;
import io.guidon.controlplane.ui.view.ExperimentRow;
import io.guidon.controlplane.ui.view.Links;
import io.guidon.controlplane.ui.view.MetricRow;
import io.guidon.json.Pointer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Experiments in the UI (issue 13; docs/experiments.md): the tenant's experiments ({@code /ui/experiments}, running
 * ones first, filtered by status, environment and flag), the editor ({@code /ui/experiments/new}: the environment
 * and flag first, then the flag's variants and weights, the metrics by role and the analysis; {@code
 * /ui/experiments/{id}/edit}), and an experiment's page ({@code /ui/experiments/{id}}: start, stop, delete, and its
 * results). The editor is read into the API's body and judged by the API's {@code ExperimentSpec}, then the same
 * {@link ExperimentService} as the API acts; the results are those of the results service the API answers with
 * ({@code ExperimentResultsService}), so every number on the page is the API's.
 */
public final class ExperimentPages {

    /** Experiments per page of the list. */
    static final int PAGE_SIZE = 50;
    /** Flags the editor suggests for its flag field. */
    static final int FLAG_SUGGESTIONS = 500;
    /** Metrics the editor offers (a tenant's metrics are few). */
    static final int METRICS = 500;
    private static final List<String> ACTIONS = List.of("start", "stop", "delete");

    private final Services services;
    private final ExperimentResultsService results;
    private final UiRouter ui;
    private final Clock clock;

    /** @param results the experiments' results, as the API answers them */
    public ExperimentPages(Services services, ExperimentResultsService results, UiRouter ui, Clock clock) {
        this.services = services;
        this.results = results;
        this.ui = ui;
        this.clock = clock;
    }

    /** Adds the pages' routes. */
    public void register() {
        ui.get("/ui/experiments", Role.VIEWER, this::list);
        ui.get("/ui/experiments/new", Role.EDITOR, this::newForm);
        ui.post("/ui/experiments", Role.EDITOR, this::create);
        ui.get("/ui/experiments/:id", Role.VIEWER, this::page);
        ui.get("/ui/experiments/:id/users.csv", Role.VIEWER, this::download);
        ui.get("/ui/experiments/:id/edit", Role.EDITOR, this::editForm);
        ui.post("/ui/experiments/:id", Role.EDITOR, this::update);
        for (String action : ACTIONS) {
            ui.post("/ui/experiments/:id/" + action, Role.EDITOR, r -> act(r, action));
        }
    }

    // ---------------------------------------------------------------- the list

    private UiResult list(UiRequest r) {
        String status = r.query("status") == null ? "all" : r.query("status");
        String env = r.query("env");
        String flag = r.query("flag");
        String problem = null;
        List<ExperimentRow> rows = new ArrayList<>();
        String later = null;
        if (!ExperimentListView.STATUSES.contains(status)) {
            problem = "Choose a status among " + String.join(", ", ExperimentListView.STATUSES) + ".";
        } else {
            try {
                Page<Experiment> page = services.experiments().list(r.tenantId(), new ExperimentService.Query(env,
                        flag, "all".equals(status) ? null : status, r.query("after")), PAGE_SIZE);
                Instant now = clock.instant();
                // Running experiments first, then the page's newest first (the order the service lists them in).
                page.items().stream().sorted(Comparator.comparing((Experiment e) -> e.status()
                        != Experiment.Status.RUNNING)).forEach(e -> rows.add(ExperimentRow.of(e, now)));
                if (page.nextAfter() != null) {
                    Map<String, String> q = new LinkedHashMap<>();
                    q.put("status", status);
                    q.put("env", env);
                    q.put("flag", flag);
                    q.put("after", page.nextAfter());
                    later = Links.withQuery("/ui/experiments", q);
                }
            } catch (DomainException e) {
                if (e.kind() != DomainException.Kind.INVALID_PARAMETER) {
                    throw e;
                }
                problem = "This page's address is not one of this list: start from the first page.";
            }
        }
        return ui.render(problem == null ? 200 : 400, "experiments/list.jte", new ExperimentListView(
                ui.shell(r, "Experiments", "experiments"), status, env, flag,
                HistoryPages.environmentKeys(services, r.tenantId()), rows, later, problem,
                r.query("deleted") != null && r.query("deleted").matches("[0-9]{1,18}") ? "Experiment "
                        + r.query("deleted") + " deleted." : null));
    }

    // ---------------------------------------------------------------- the editor

    private UiResult newForm(UiRequest r) {
        List<String> envs = HistoryPages.environmentKeys(services, r.tenantId());
        String env = r.query("env") != null && envs.contains(r.query("env")) ? r.query("env")
                : envs.isEmpty() ? "" : envs.get(0);
        String flag = r.query("flag");
        if (flag == null || r.query("env") == null) {
            return editor(r, 200, ExperimentForm.fresh(env, flag == null ? "" : flag, List.of()), false, 0, null);
        }
        List<String> variants;
        try {
            variants = variants(r, flag);
        } catch (DomainException e) {
            if (e.kind() != DomainException.Kind.NOT_FOUND) {
                throw e;
            }
            return editor(r, 404, ExperimentForm.fresh(env, flag, List.of()).withViolations(List.of(
                    Violation.of("flag", "there is no flag '" + flag + "'"))), false, 0,
                    null);
        }
        return editor(r, 200, ExperimentForm.fresh(env, flag, variants), true, 0, null);
    }

    private UiResult editForm(UiRequest r) {
        Experiment e = services.experiments().get(r.tenantId(), id(r));
        return editor(r, 200, ExperimentForm.of(e, variantsOrNone(r, e.spec().flag())), true, e.version(), null);
    }

    private UiResult editor(UiRequest r, int status, ExperimentForm form, boolean chosen, long version,
            String stale) {
        List<ExperimentFormView.MetricChoice> metrics = new ArrayList<>();
        for (Metric m : services.metrics().list(r.tenantId(), null, METRICS).items()) {
            metrics.add(new ExperimentFormView.MetricChoice(m.key(), m.spec().name(), MetricRow.reads(m.spec())));
        }
        List<String> flags = new ArrayList<>();
        for (FlagDefinition f : services.flags().list(r.tenantId(), null, null, null, FLAG_SUGGESTIONS).items()) {
            flags.add(f.key());
        }
        String title = form.editing() ? "Edit experiment " + form.key() : "New experiment";
        return ui.render(status, "experiments/form.jte", new ExperimentFormView(ui.shell(r, title, "experiments"),
                form, chosen, HistoryPages.environmentKeys(services, r.tenantId()), flags, metrics, version, stale,
                form.editing() ? sampleSize(r, form.id()) : null));
    }

    /**
     * What the results service says of the sample size of started experiment {@code id} (its stored minimum
     * detectable effect, the control's baseline so far), or null: a draft has no baseline, and without an effect
     * there is no size to reach.
     */
    private String sampleSize(UiRequest r, long id) {
        Experiment e = services.experiments().get(r.tenantId(), id);
        if (e.status() == Experiment.Status.DRAFT || e.spec().analysis().minimumDetectableEffect() == null) {
            return null;
        }
        return ExperimentFormView.sampleSize(results.results(r.tenantId(), id, false).progress(),
                e.spec().analysis().minimumDetectableEffect());
    }

    /** The flag's variants, in its order; NOT_FOUND when there is no such flag. */
    private List<String> variants(UiRequest r, String flag) {
        List<String> out = new ArrayList<>();
        JsonNode v = services.flags().get(r.tenantId(), flag).variants();
        if (v != null) {
            v.fieldNames().forEachRemaining(out::add);
        }
        return out;
    }

    /** The flag's variants, or none when there is no such flag (deleted: an experiment keeps its flag's key). */
    private List<String> variantsOrNone(UiRequest r, String flag) {
        if (flag == null || flag.isEmpty()) {
            return List.of();
        }
        try {
            return variants(r, flag);
        } catch (DomainException e) {
            if (e.kind() != DomainException.Kind.NOT_FOUND) {
                throw e;
            }
            return List.of();
        }
    }

    private UiResult create(UiRequest r) {
        ExperimentForm form = ExperimentForm.parse(null, r::form, r::formAll, variantsOrNone(r, r.form("flag")));
        ExperimentSpec.Parsed parsed = ExperimentSpec.parse(form.body(), null);
        try {
            Experiment e = services.experiments().create(r.actor(), parsed.spec(), parsed.violations());
            return UiResult.redirect("/ui/experiments/" + e.id() + "?done=created");
        } catch (DomainException e) {
            return switch (e.kind()) {
                case INVALID -> editor(r, 422, form.withViolations(e.violations()), true, 0, null);
                case CONFLICT -> editor(r, 409, form.withViolations(List.of(Violation.of("key",
                        "an experiment with this key exists already"))), true, 0, null);
                default -> throw e;
            };
        }
    }

    private UiResult update(UiRequest r) {
        long id = id(r);
        Experiment before = services.experiments().get(r.tenantId(), id);
        ExperimentForm form = ExperimentForm.parse(id, r::form, r::formAll, variantsOrNone(r, before.spec().flag()));
        String v = r.form("version");
        long version = v != null && v.matches("[0-9]{1,9}") ? Long.parseLong(v) : 0;
        ExperimentSpec.Parsed parsed = ExperimentSpec.parse(form.body(), before.spec().key());
        try {
            services.experiments().update(r.actor(), id, version > 0 ? Math.toIntExact(version) : null,
                    parsed.spec(), parsed.violations());
            return UiResult.redirect("/ui/experiments/" + id + "?done=updated");
        } catch (DomainException e) {
            return switch (e.kind()) {
                case INVALID -> editor(r, 422, form.withViolations(e.violations()), true, version, null);
                // What a started experiment keeps (its environment, flag, variants, control): said for the whole form.
                case CONFLICT -> editor(r, 409, form.withViolations(List.of(new Violation(Pointer.ROOT,
                        e.detail()))), true, version, null);
                case STALE -> editor(r, 412, form, true, version, "Someone changed this experiment since you opened"
                        + " this form. Your changes were not saved: reload the form to see the current definition,"
                        + " then make your change again.");
                default -> throw e;
            };
        }
    }

    // ---------------------------------------------------------------- an experiment's page

    private static long id(UiRequest r) {
        String id = r.param("id");
        if (id == null || !id.matches("[0-9]{1,18}")) {
            throw DomainException.notFound("no experiment '" + id + "'");
        }
        return Long.parseLong(id);
    }

    /** The per-user table as the API exports it, for the signed-in user (a draft: the API's 409 as an error page). */
    private UiResult download(UiRequest r) {
        long id = id(r);
        ExperimentResultsService.Export export = results.export(r.tenantId(), id);
        return UiResult.download(ExperimentUsersCsv.CONTENT_TYPE, ExperimentUsersCsv.disposition(id),
                ExperimentUsersCsv.streamer(results, export, ui.threads()));
    }

    private UiResult page(UiRequest r) {
        Experiment e = services.experiments().get(r.tenantId(), id(r));
        String notice = r.query("done") == null ? null : switch (r.query("done")) {
            case "created" -> "Made the experiment as a draft: start it to count its exposures.";
            case "updated" -> "Saved: the results are computed again for the new definition.";
            case "start" -> "Started: exposures to " + e.spec().flag() + " in " + e.spec().environment()
                    + " count from now.";
            case "stop" -> "Stopped: the results keep what was counted until now.";
            default -> null;
        };
        return render(r, 200, e, notice, null);
    }

    private UiResult render(UiRequest r, int status, Experiment e, String notice, String error) {
        ExperimentResultsView view = null;
        String problem = null;
        if (e.status() == Experiment.Status.DRAFT) {
            problem = "A draft has no results: start it, and its exposures and conversions count from then.";
        } else {
            boolean refresh = "true".equals(r.query("refresh"));
            ExperimentAnalysis.Results now = results.results(r.tenantId(), e.id(), refresh);
            List<ExperimentAnalysis.Results> daily = results.daily(r.tenantId(), e.id());
            view = ExperimentResultsView.of(now, daily);
        }
        return ui.render(status, "experiments/page.jte", ExperimentPageView.of(ui.shell(r, "Experiment "
                + e.spec().key(), "experiments"), e, ExperimentRow.of(e, clock.instant()), view, problem, notice,
                error));
    }

    private UiResult act(UiRequest r, String action) {
        long id = id(r);
        ExperimentService experiments = services.experiments();
        try {
            switch (action) {
                case "start" -> experiments.start(r.actor(), id);
                case "stop" -> experiments.stop(r.actor(), id);
                default -> {
                    experiments.delete(r.actor(), id, null);
                    return UiResult.redirect("/ui/experiments?deleted=" + id);
                }
            }
            return UiResult.redirect("/ui/experiments/" + id + "?done=" + action);
        } catch (DomainException e) {
            if (e.kind() != DomainException.Kind.CONFLICT && e.kind() != DomainException.Kind.INVALID) {
                throw e;
            }
            String why = e.kind() == DomainException.Kind.CONFLICT ? e.detail() : e.violations().stream()
                    .map(Violation::message).reduce((a, b) -> a + "; " + b)
                    .orElse(e.detail());
            return render(r, e.kind() == DomainException.Kind.CONFLICT ? 409 : 422, experiments.get(r.tenantId(), id),
                    null, "Could not " + action + " the experiment: " + why + ".");
        }
    }
}
