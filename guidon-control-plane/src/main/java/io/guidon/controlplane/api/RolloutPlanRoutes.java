package io.guidon.controlplane.api;

import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.RolloutPlan;
import io.guidon.controlplane.domain.RolloutPlanSpec;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.service.ChangeRequestService;
import io.guidon.controlplane.service.RolloutPlanService;
import io.guidon.json.ValueChecks;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;

/**
 * Progressive rollout plans (docs/adr/0116-progressive-rollouts.md): {@code POST}/{@code GET
 * /api/v1/environments/{env}/flags/{flag}/rollout-plans}, {@code GET .../rollout-plans/{id}}, {@code POST
 * .../rollout-plans/{id}/start|pause|resume|abort|complete} (409 with the plan's state when the action is not
 * allowed from it), {@code GET .../rollout-plans/{id}/checks} and {@code GET /api/v1/rollout-plans}, the tenant's
 * plans. The body is read by {@link RolloutPlanSpec#parse}; the handlers run on virtual threads
 * ({@link AdminThreads}).
 */
public final class RolloutPlanRoutes {

    private final RolloutPlanService plans;
    private final ChangeRequestService changeRequests;
    private final AdminThreads threads;
    private final Responses json = new Responses();

    public RolloutPlanRoutes(RolloutPlanService plans, ChangeRequestService changeRequests, AdminThreads threads) {
        this.plans = plans;
        this.changeRequests = changeRequests;
        this.threads = threads;
    }

    /** The actions of a plan, each a {@code POST .../rollout-plans/{id}/<action>} without a body. */
    private interface Action {
        RolloutPlan apply(RolloutPlanService plans, io.guidon.controlplane.domain.Actor actor, String env,
                String flag, long id);
    }

    public void register(ApiRouter api) {
        String flagPlans = Routes.V1 + "/environments/:env/flags/:flag/rollout-plans";
        api.add(HttpMethod.POST, flagPlans, Role.EDITOR, "Make a progressive rollout plan of a flag in an environment",
                this::create);
        api.add(HttpMethod.GET, flagPlans, Role.VIEWER, "List a flag's rollout plans in an environment, newest first",
                List.of("status", "limit", "cursor"), this::listForFlag);
        api.add(HttpMethod.GET, flagPlans + "/:id", Role.VIEWER, "Read a rollout plan", this::get);
        api.add(HttpMethod.POST, flagPlans + "/:id/start", Role.EDITOR,
                "Start a pending rollout plan: its first stage is served at once (202 with a change request where"
                        + " the environment requires approvals)", this::start);
        action(api, flagPlans, "pause", "Pause a running rollout plan", RolloutPlanService::pause);
        action(api, flagPlans, "resume", "Resume a paused rollout plan (its stage starts again)",
                RolloutPlanService::resume);
        action(api, flagPlans, "abort", "Abort a rollout plan: back to 0 % treatment", RolloutPlanService::abort);
        action(api, flagPlans, "complete", "Complete a rollout plan now: 100 % treatment",
                RolloutPlanService::complete);
        api.add(HttpMethod.GET, flagPlans + "/:id/checks", Role.VIEWER, "List a rollout plan's checks, oldest first",
                List.of("limit", "cursor"), this::checks);
        api.add(HttpMethod.GET, Routes.V1 + "/rollout-plans", Role.VIEWER,
                "List the tenant's rollout plans, newest first", List.of("environment", "flag", "status", "limit",
                        "cursor"), this::list);
    }

    private void action(ApiRouter api, String flagPlans, String name, String summary, Action action) {
        api.add(HttpMethod.POST, flagPlans + "/:id/" + name, Role.EDITOR, summary, call -> {
            call.requireNoBody();
            long id = id(call);
            return threads.run(() -> Reply.ok(json.rolloutPlan(action.apply(plans, call.actor(), call.param("env"),
                    call.param("flag"), id))));
        });
    }

    private Future<Reply> start(Call call) {
        call.requireNoBody();
        long id = id(call);
        String env = call.param("env");
        String flag = call.param("flag");
        return threads.run(() -> {
            try {
                return Reply.ok(json.rolloutPlan(plans.start(call.actor(), env, flag, id)));
            } catch (DomainException e) {
                if (e.kind() != DomainException.Kind.APPROVAL_REQUIRED) {
                    throw e;
                }
                // An environment that requires approvals: the plan starts once a plan.start change request is
                // approved and applied; its steps then run with the plan's own approval.
                return ChangeRequestRoutes.proposed(json, changeRequests.proposePlanStart(call.actor(), env, flag,
                        id));
            }
        });
    }

    private static String location(RolloutPlan p) {
        return Routes.V1 + "/environments/" + p.environment() + "/flags/" + p.flag() + "/rollout-plans/" + p.id();
    }

    private Future<Reply> create(Call call) {
        String env = call.param("env");
        String flag = call.param("flag");
        Fields f = call.fields();
        // The contract's violations and the plan's own, answered with the flag's in one 422.
        List<Violation> violations = new ArrayList<>(f.violations());
        RolloutPlanSpec.Parsed parsed = RolloutPlanSpec.parse(f.node());
        violations.addAll(parsed.violations());
        return threads.run(() -> {
            RolloutPlan p = plans.create(call.actor(), env, flag, violations.isEmpty() ? parsed.spec() : null,
                    violations);
            return Reply.created(json.rolloutPlan(p), location(p));
        });
    }

    private static long id(Call call) {
        String id = call.param("id");
        if (id == null || !id.matches("[0-9]{1,18}")) {
            throw ApiException.notFound("no rollout plan '" + ValueChecks.printable(String.valueOf(id), 40) + "'");
        }
        return Long.parseLong(id);
    }

    private Future<Reply> get(Call call) {
        long id = id(call);
        return threads.run(() -> Reply.ok(json.rolloutPlan(plans.get(call.tenantId(), call.param("env"),
                call.param("flag"), id))));
    }

    private Future<Reply> checks(Call call) {
        long id = id(call);
        int limit = call.limit();
        String after = call.after();
        return threads.run(() -> Reply.ok(Routes.pageJson(call, plans.checks(call.tenantId(), call.param("env"),
                call.param("flag"), id, after, limit), limit, json::rolloutCheck)));
    }

    private Future<Reply> listForFlag(Call call) {
        RolloutPlanService.Query query = new RolloutPlanService.Query(call.param("env"), call.param("flag"),
                call.query("status"), call.after());
        int limit = call.limit();
        return threads.run(() -> Reply.ok(Routes.pageJson(call, plans.listForFlag(call.tenantId(), query, limit), limit,
                json::rolloutPlan)));
    }

    private Future<Reply> list(Call call) {
        RolloutPlanService.Query query = new RolloutPlanService.Query(call.query("environment"), call.query("flag"),
                call.query("status"), call.after());
        int limit = call.limit();
        return threads.run(() -> Reply.ok(Routes.pageJson(call, plans.list(call.tenantId(), query, limit), limit,
                json::rolloutPlan)));
    }
}
