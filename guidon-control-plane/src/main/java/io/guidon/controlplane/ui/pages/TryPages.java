package io.guidon.controlplane.ui.pages;

import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.service.FlagInsights;
import io.guidon.controlplane.service.Services;
import io.guidon.controlplane.ui.UiRequest;
import io.guidon.controlplane.ui.UiResult;
import io.guidon.controlplane.ui.UiRouter;
import io.guidon.controlplane.ui.view.ContextInput;
import io.guidon.controlplane.ui.view.TryView;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The try-it page of a flag ({@code /ui/flags/{key}/try?env=}): a context typed as JSON evaluated in an
 * environment by the engine the sidecars run, showing the value, variant, reason, error and the explanation. The
 * evaluation is a POST (it carries a body; the router checks its CSRF token) that changes nothing; with htmx it
 * answers the result and the form, without it the whole page.
 */
public final class TryPages {


    private final Services services;
    private final UiRouter ui;

    public TryPages(Services services, UiRouter ui) {
        this.services = services;
        this.ui = ui;
    }

    /** Adds the page's routes. */
    public void register() {
        ui.get("/ui/flags/:key/try", Role.VIEWER, this::page);
        ui.post("/ui/flags/:key/try", Role.VIEWER, this::evaluate);
    }

    private UiResult page(UiRequest r) {
        String flag = r.param("key");
        services.flags().get(r.tenantId(), flag);
        List<String> environments = environments(r);
        if (r.query("env") != null && !environments.contains(r.query("env"))) {
            // A mistyped link must not try the flag in another environment (production, say) without a word.
            throw DomainException.notFound("there is no environment '" + r.query("env") + "' in this tenant");
        }
        String env = r.query("env") != null ? r.query("env") : ExposurePages.defaultEnvironment(environments);
        return ui.render("tryit/page.jte", new TryView(ui.shell(r, "Try " + flag, "flags"), flag, environments, env,
                TryView.DEFAULT_CONTEXT, null, null));
    }

    private UiResult evaluate(UiRequest r) {
        String flag = r.param("key");
        String env = r.form("env");
        String text = r.form("context") == null ? "" : r.form("context");
        List<String> environments = environments(r);
        ContextInput input = ContextInput.parse(text);
        String error = input.problem();
        TryView.Outcome outcome = null;
        if (env == null || env.isEmpty()) {
            throw DomainException.invalidParameter(List.of(Violation.of("env", "choose an environment")));
        }
        if (error == null) {
            try {
                FlagInsights.Explained t = services.insights().explain(r.tenantId(), env, flag, input.context());
                outcome = TryView.outcome(env, t.version(), t.value(), t.variant(), t.reason().name(), t.ruleId(),
                        t.errorCode() == null ? null : t.errorCode().name(), t.errorDetails(), t.trace());
            } catch (DomainException e) {
                if (e.kind() != DomainException.Kind.INVALID) {
                    throw e;
                }
                // The context breaks a limit a sidecar has too: the same words, each with its place.
                error = e.violations().isEmpty() ? e.detail() : e.violations().stream()
                        .map(v -> v.where().text() + ": " + v.message()).collect(Collectors.joining("; ")) + ".";
            }
        }
        TryView view = new TryView(ui.shell(r, "Try " + flag, "flags"), flag, environments, env, text, error,
                outcome);
        int status = error == null ? 200 : 422;
        return ui.render(status, r.htmx() ? "tryit/response.jte" : "tryit/page.jte", view);
    }

    private List<String> environments(UiRequest r) {
        return HistoryPages.environmentKeys(services, r.tenantId());
    }
}
