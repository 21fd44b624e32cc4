package io.guidon.controlplane.ui.pages;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.EnvironmentFlag;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.RolloutPlan;
import io.guidon.controlplane.domain.RolloutPlanSpec;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.service.RolloutPlanService;
import io.guidon.controlplane.service.Services;
import io.guidon.controlplane.ui.UiRequest;
import io.guidon.controlplane.ui.UiResult;
import io.guidon.controlplane.ui.UiRouter;
import io.guidon.controlplane.ui.view.Links;
import io.guidon.controlplane.ui.view.RolloutForm;
import io.guidon.controlplane.ui.view.RolloutFormView;
import io.guidon.controlplane.ui.view.RolloutListView;
import io.guidon.controlplane.ui.view.RolloutPlanView;
import io.guidon.controlplane.ui.view.RolloutRow;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Progressive rollout plans in the UI (docs/adr/0116-progressive-rollouts.md): the tenant's plans
 * ({@code /ui/rollouts}, filtered by status and environment), a plan's page ({@code /ui/rollouts/{id}}: stages and
 * progress, the actions its state allows, the reason it rolled back or paused with its numbers, a chart per
 * guardrail), a flag's plans on its page ({@link #section}), and the form that makes one
 * ({@code /ui/flags/{flag}/rollouts/new?env=}). The same service as the API ({@code RolloutPlanService}), the form
 * read into the API's body, so the same checks and words apply.
 */
public final class RolloutPages {

    /** Plans per page of the list. */
    static final int PAGE_SIZE = 50;
    /** Plans a flag's section lists. */
    static final int ON_FLAG_PAGE = 5;
    /** Checks a plan's charts show (the latest). */
    static final int CHART_CHECKS = 120;
    private static final List<String> ACTIONS = List.of("start", "pause", "resume", "abort", "complete");

    private final Services services;
    private final UiRouter ui;
    private final Clock clock;

    public RolloutPages(Services services, UiRouter ui, Clock clock) {
        this.services = services;
        this.ui = ui;
        this.clock = clock;
    }

    /** Adds the pages' routes. */
    public void register() {
        ui.get("/ui/rollouts", Role.VIEWER, this::list);
        ui.get("/ui/rollouts/:id", Role.VIEWER, this::plan);
        for (String action : ACTIONS) {
            ui.post("/ui/rollouts/:id/" + action, Role.EDITOR, r -> act(r, action));
        }
        ui.get("/ui/flags/:flag/rollouts/new", Role.EDITOR, this::newForm);
        ui.post("/ui/flags/:flag/rollouts", Role.EDITOR, this::create);
    }

    /** The plans of flag {@code flag} in environment {@code env} for the flag page, newest first. */
    public static RolloutListView section(Services services, Clock clock, UiRequest r, String flag, String env) {
        Page<RolloutPlan> page = services.rollouts().list(r.tenantId(), new RolloutPlanService.Query(env, flag, null,
                null), ON_FLAG_PAGE);
        Instant now = clock.instant();
        List<RolloutRow> rows = page.items().stream().map(p -> RolloutRow.of(p, now)).toList();
        return new RolloutListView(null, "all", env, List.of(), rows, page.total(),
                "/ui/rollouts?env=" + Links.encode(env) + "&flag=" + Links.encode(flag), null, flag,
                r.canEdit() ? "/ui/flags/" + Links.encode(flag) + "/rollouts/new?env=" + Links.encode(env) : null);
    }

    private UiResult list(UiRequest r) {
        String status = r.query("status") == null ? "all" : r.query("status");
        String env = r.query("env") == null || r.query("env").isEmpty() ? null : r.query("env");
        String flag = r.query("flag") == null || r.query("flag").isEmpty() ? null : r.query("flag");
        String problem = null;
        List<RolloutRow> rows = new ArrayList<>();
        long total = 0;
        String later = null;
        if (!RolloutListView.STATUSES.contains(status)) {
            problem = "Choose a status among " + String.join(", ", RolloutListView.STATUSES) + ".";
        } else {
            try {
                Page<RolloutPlan> page = services.rollouts().list(r.tenantId(), new RolloutPlanService.Query(env,
                        flag, "all".equals(status) ? null : status, r.query("after")), PAGE_SIZE);
                Instant now = clock.instant();
                page.items().forEach(p -> rows.add(RolloutRow.of(p, now)));
                total = page.total();
                later = page.nextAfter() == null ? null : "/ui/rollouts?status=" + status
                        + (env == null ? "" : "&env=" + Links.encode(env))
                        + (flag == null ? "" : "&flag=" + Links.encode(flag)) + "&after=" + page.nextAfter();
            } catch (DomainException e) {
                if (e.kind() != DomainException.Kind.INVALID_PARAMETER) {
                    throw e;
                }
                problem = "This page's address is not one of this list: start from the first page.";
            }
        }
        List<String> environments = HistoryPages.environmentKeys(services, r.tenantId());
        return ui.render(problem == null ? 200 : 400, "rollouts/list.jte", new RolloutListView(
                ui.shell(r, "Rollouts", "rollouts"), status, env, environments, rows, total, later, problem, flag,
                null));
    }

    private static long id(UiRequest r) {
        String id = r.param("id");
        if (id == null || !id.matches("[0-9]{1,18}")) {
            throw DomainException.notFound("no rollout plan '" + id + "'");
        }
        return Long.parseLong(id);
    }

    private UiResult plan(UiRequest r) {
        RolloutPlan p = services.rollouts().find(r.tenantId(), id(r));
        String notice = r.query("done") == null ? null : switch (r.query("done")) {
            case "created" -> "Made the plan: start it to serve its first stage.";
            case "start" -> "Started: the first stage is served.";
            case "pause" -> "Paused: the plan keeps serving what it serves, unchecked.";
            case "resume" -> "Resumed: the stage starts again now.";
            case "abort" -> "Aborted: 100 % " + p.spec().control() + " is served.";
            case "complete" -> "Completed: 100 % " + p.spec().treatment() + " is served.";
            default -> null;
        };
        return page(r, 200, p, null, notice);
    }

    private UiResult page(UiRequest r, int status, RolloutPlan p, String error, String notice) {
        List<RolloutPlan.Check> checks = services.rollouts().latestChecks(p.id(), CHART_CHECKS);
        return ui.render(status, "rollouts/plan.jte", RolloutPlanView.of(ui.shell(r, "Rollout plan " + p.id(),
                "rollouts"), p, checks, clock.instant(), error, notice));
    }

    private UiResult act(UiRequest r, String action) {
        RolloutPlan p = services.rollouts().find(r.tenantId(), id(r));
        RolloutPlanService plans = services.rollouts();
        try {
            switch (action) {
                case "start" -> plans.start(r.actor(), p.environment(), p.flag(), p.id());
                case "pause" -> plans.pause(r.actor(), p.environment(), p.flag(), p.id());
                case "resume" -> plans.resume(r.actor(), p.environment(), p.flag(), p.id());
                case "abort" -> plans.abort(r.actor(), p.environment(), p.flag(), p.id());
                default -> plans.complete(r.actor(), p.environment(), p.flag(), p.id());
            }
            return UiResult.redirect("/ui/rollouts/" + p.id() + "?done=" + action);
        } catch (DomainException e) {
            if (e.kind() == DomainException.Kind.APPROVAL_REQUIRED && action.equals("start")) {
                // The environment requires approvals: the start becomes a change request (plan.start), and the plan
                // starts when it is approved and applied.
                return UiResult.redirect("/ui/change-requests/" + services.changeRequests().proposePlanStart(
                        r.actor(), p.environment(), p.flag(), p.id()).id() + "?proposed=1");
            }
            if (e.kind() != DomainException.Kind.CONFLICT && e.kind() != DomainException.Kind.INVALID) {
                throw e;
            }
            String why = e.kind() == DomainException.Kind.CONFLICT ? e.detail() : e.violations().stream()
                    .map(RolloutForm::problem).reduce((a, b) -> a + "; " + b).orElse(e.detail());
            return page(r, e.kind() == DomainException.Kind.CONFLICT ? 409 : 422,
                    services.rollouts().find(r.tenantId(), p.id()), "Could not " + action + " the plan: " + why
                            + ".", null);
        }
    }

    private UiResult newForm(UiRequest r) {
        String flag = r.param("flag");
        services.flags().get(r.tenantId(), flag);
        List<String> envs = environments(r);
        String env = r.query("env") != null && envs.contains(r.query("env")) ? r.query("env")
                : envs.isEmpty() ? "" : envs.get(0);
        List<String> variants = variants(r, flag, env);
        String control = variants.contains("off") ? "off" : variants.isEmpty() ? "" : variants.get(0);
        String treatment = variants.contains("on") ? "on" : variants.size() > 1 ? variants.get(1) : "";
        return form(r, 200, flag, RolloutForm.fresh(env, control, treatment), List.of());
    }

    private UiResult form(UiRequest r, int status, String flag, RolloutForm form, List<String> errors) {
        return ui.render(status, "rollouts/new.jte", new RolloutFormView(ui.shell(r, "New rollout plan of " + flag,
                "rollouts"), flag, environments(r), variants(r, flag, form.environment()), form, errors));
    }

    private List<String> environments(UiRequest r) {
        return HistoryPages.environmentKeys(services, r.tenantId());
    }

    private List<String> variants(UiRequest r, String flag, String env) {
        List<String> out = new ArrayList<>();
        JsonNode v = services.flags().get(r.tenantId(), flag).variants();
        if (v != null) {
            v.fieldNames().forEachRemaining(out::add);
        }
        return out;
    }

    private UiResult create(UiRequest r) {
        String flag = r.param("flag");
        RolloutForm form = RolloutForm.parse(r::form);
        Environment env = services.environments().get(r.tenantId(), form.environment());
        EnvironmentFlag current = services.flags().getIn(r.tenantId(), env.key(), flag);
        RolloutForm.Body body = form.body();
        RolloutPlanSpec.Parsed parsed = RolloutPlanSpec.parse(body.json());
        List<Violation> violations = new ArrayList<>(body.problems());
        violations.addAll(parsed.violations());
        try {
            RolloutPlan p = services.rollouts().create(r.actor(), env.key(), current.definition().key(),
                    violations.isEmpty() ? parsed.spec() : null, violations);
            return UiResult.redirect("/ui/rollouts/" + p.id() + "?done=created");
        } catch (DomainException e) {
            if (e.kind() != DomainException.Kind.INVALID) {
                throw e;
            }
            return form(r, 422, flag, form, e.violations().stream().map(RolloutForm::problem).toList());
        }
    }
}
