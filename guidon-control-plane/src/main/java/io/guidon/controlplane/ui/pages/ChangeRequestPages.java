package io.guidon.controlplane.ui.pages;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.ChangeRequest;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.ProposedChange;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.controlplane.service.ChangeRequestService;
import io.guidon.controlplane.service.Services;
import io.guidon.controlplane.ui.UiRequest;
import io.guidon.controlplane.ui.UiResult;
import io.guidon.controlplane.ui.UiRouter;
import io.guidon.controlplane.ui.view.ChangeRequestListView;
import io.guidon.controlplane.ui.view.ChangeRequestView;
import io.guidon.controlplane.ui.view.HistoryEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * Change requests in the UI (docs/adr/0115-approvals.md): the list ({@code /ui/change-requests}), a request's page
 * with its diff, approvals and the buttons to approve (sending the hash shown, so an edit made meanwhile is refused),
 * withdraw one's approval, apply, rebase, close, and bypass (admins, with a reason); and the revert of a history
 * entry. Every action goes through {@link ChangeRequestService}, audited as through the API. A change made in the
 * UI's editors in an environment that requires approvals becomes a request ({@link #proposed}), and the browser is
 * taken to its page.
 */
public final class ChangeRequestPages {

    /** Requests per page of the list. */
    static final int PAGE_SIZE = 50;

    private final Services services;
    private final UiRouter ui;

    public ChangeRequestPages(Services services, UiRouter ui) {
        this.services = services;
        this.ui = ui;
    }

    /** Adds the pages' routes. */
    public void register() {
        ui.get("/ui/change-requests", Role.VIEWER, this::list);
        ui.get("/ui/change-requests/:id", Role.VIEWER, r -> page(r, 200, null));
        ui.post("/ui/change-requests/:id/approve", Role.EDITOR, r -> act(r, "approved", () ->
                services.changeRequests().approve(r.actor(), id(r), r.form("sha256") == null ? ""
                        : r.form("sha256"))));
        ui.post("/ui/change-requests/:id/unapprove", Role.EDITOR, r -> act(r, "unapproved", () ->
                services.changeRequests().unapprove(r.actor(), id(r))));
        ui.post("/ui/change-requests/:id/apply", Role.EDITOR, r -> act(r, "applied", () ->
                services.changeRequests().apply(r.actor(), id(r))));
        ui.post("/ui/change-requests/:id/rebase", Role.EDITOR, r -> act(r, "rebased", () ->
                services.changeRequests().rebase(r.actor(), id(r))));
        ui.post("/ui/change-requests/:id/close", Role.EDITOR, r -> act(r, "closed", () ->
                services.changeRequests().close(r.actor(), id(r))));
        ui.post("/ui/change-requests/:id/bypass", Role.ADMIN, r -> act(r, "bypassed", () ->
                services.changeRequests().bypass(r.actor(), id(r), r.form("reason"))));
        ui.post("/ui/history/:id/revert", Role.EDITOR, this::revert);
    }

    /**
     * Where a UI editor's change {@code change} was stopped by the approval gate ({@code e} APPROVAL_REQUIRED):
     * proposes it as a change request of the signed-in key (based on {@code base}, the revision the form was based
     * on) and takes the browser to its page. Any other {@code e} is thrown again.
     */
    static UiResult proposed(Services services, UiRequest r, DomainException e, ProposedChange change, Integer base) {
        if (e.kind() != DomainException.Kind.APPROVAL_REQUIRED) {
            throw e;
        }
        ChangeRequest cr = services.changeRequests().propose(r.actor(), change.toJson(), base, null, "",
                io.guidon.json.Pointer.ROOT, List.of());
        return UiResult.redirect("/ui/change-requests/" + cr.id() + "?proposed=1");
    }

    private static long id(UiRequest r) {
        String id = r.param("id");
        if (id == null || !id.matches("[0-9]{1,18}")) {
            throw DomainException.notFound("no change request '" + id + "'");
        }
        return Long.parseLong(id);
    }

    private static final java.util.Map<String, String> NOTICES = java.util.Map.of(
            "proposed", "Proposed: the change is not applied until it is approved and applied.",
            "approved", "Approved: your approval counts while the change stays as you reviewed it.",
            "unapproved", "Your approval is withdrawn.",
            "applied", "Applied: the change is live and audited.",
            "rebased", "Rebased on the current version: every approval was withdrawn; it needs approving again.",
            "closed", "Closed: it will not be applied.",
            "bypassed", "Applied without its approvals, for the reason recorded below and in the history.");

    /** Runs {@code action}; then the page again with its notice, or with why it was refused. */
    private UiResult act(UiRequest r, String done, java.util.function.Supplier<ChangeRequest> action) {
        long id = id(r);
        try {
            action.get();
            return UiResult.redirect("/ui/change-requests/" + id + "?" + done + "=1");
        } catch (DomainException e) {
            int status = switch (e.kind()) {
                case CONFLICT, APPROVAL_REQUIRED -> 409;
                case FORBIDDEN -> 403;
                case INVALID -> 422;
                case STALE -> 412;
                default -> throw e;
            };
            StringBuilder why = new StringBuilder(e.detail());
            if (e.kind() == DomainException.Kind.INVALID) {
                why.setLength(0);
                e.violations().forEach(v -> why.append(why.isEmpty() ? "" : " ").append(
                        v.where().size() == 0 ? "" : v.where().text() + ": ").append(v.message()).append('.'));
            }
            return page(r, status, capitalized(why.toString()));
        }
    }

    private UiResult page(UiRequest r, int status, String error) {
        ChangeRequest cr = services.changeRequests().get(r.tenantId(), id(r));
        List<HistoryEntry.DiffRow> diff = List.of();
        String problem = null;
        if (cr.status() == ChangeRequest.Status.OPEN) {
            ChangeRequestService.Diff d = services.changeRequests().diff(r.actor(), cr);
            problem = d.problem();
            if (problem == null) {
                diff = HistoryEntry.changes(d.before() == null ? StoredJson.object() : d.before(),
                        d.after() == null ? StoredJson.object() : d.after());
            }
        }
        String notice = null;
        for (var e : NOTICES.entrySet()) {
            if (r.query(e.getKey()) != null) {
                notice = e.getValue();
            }
        }
        String changeJson;
        try {
            changeJson = StoredJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(cr.action());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        var principal = r.principal();
        ChangeRequestView view = new ChangeRequestView(ui.shell(r, "Change request " + cr.id(), "changes"), cr,
                required(r, cr), diff, problem, changeJson, error == null ? notice : null, error,
                r.form("reason"), principal.keyId() == null ? null : principal.keyId().toString());
        return ui.render(status, "changes/page.jte", view);
    }

    /** How many approvals {@code cr} needs now: its environment's, or the most any environment requires. */
    private int required(UiRequest r, ChangeRequest cr) {
        if (cr.environment() != null) {
            try {
                return services.environments().get(r.tenantId(), cr.environment()).requiredApprovals();
            } catch (DomainException e) {
                return 0;
            }
        }
        int most = 0;
        for (Environment env : services.environments().list(r.tenantId(), null, null,
                HistoryPages.MAX_ENVIRONMENTS).items()) {
            most = Math.max(most, env.requiredApprovals());
        }
        return most;
    }

    private UiResult list(UiRequest r) {
        String status = r.query("status") == null ? "open" : r.query("status");
        String env = r.query("env");
        List<ChangeRequest> items = new ArrayList<>();
        long total = 0;
        String older = null;
        String problem = null;
        if (!ChangeRequestListView.STATUSES.contains(status)) {
            problem = "Choose a status among " + String.join(", ", ChangeRequestListView.STATUSES) + ".";
        } else {
            try {
                Page<ChangeRequest> page = services.changeRequests().list(r.tenantId(), new ChangeRequestService.Query(
                        "all".equals(status) ? null : status, env, null, r.query("after")), PAGE_SIZE);
                items.addAll(page.items());
                total = page.total();
                older = page.nextAfter() == null ? null : ChangeRequestListView.url(status, env, page.nextAfter());
            } catch (DomainException e) {
                if (e.kind() != DomainException.Kind.INVALID_PARAMETER) {
                    throw e;
                }
                problem = "This page's address is not one of this list: start from the first page.";
            }
        }
        List<String> environments = HistoryPages.environmentKeys(services, r.tenantId());
        return ui.render(problem == null ? 200 : 400, "changes/list.jte", new ChangeRequestListView(
                ui.shell(r, "Change requests", "changes"), items, status, env, environments, total, older, problem));
    }

    private UiResult revert(UiRequest r) {
        String id = r.param("id");
        if (id == null || !id.matches("[0-9]{1,18}")) {
            throw DomainException.notFound("no history entry '" + id + "'");
        }
        ChangeRequestService.Submitted<JsonNode> s = services.changeRequests().revert(r.actor(), Long.parseLong(id));
        if (s.proposed() != null) {
            return UiResult.redirect("/ui/change-requests/" + s.proposed().id() + "?proposed=1");
        }
        return UiResult.redirect("/ui/history?reverted=" + id);
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
