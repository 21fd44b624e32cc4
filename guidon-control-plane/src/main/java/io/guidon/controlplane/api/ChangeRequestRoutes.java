package io.guidon.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.Actor;
import io.guidon.controlplane.domain.ChangeRequest;
import io.guidon.controlplane.domain.ReadableDiff;
import io.guidon.controlplane.service.ChangeRequestService;
import io.guidon.json.Pointer;
import io.guidon.json.ValueChecks;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Change requests (docs/adr/0115-approvals.md): {@code POST}/{@code GET /api/v1/change-requests}, {@code GET}/{@code
 * PUT .../{id}}, {@code POST .../{id}/approvals}, {@code DELETE .../{id}/approvals/mine}, {@code POST .../{id}/rebase},
 * {@code .../apply}, {@code .../close}, {@code .../bypass} (admins), and {@code POST /api/v1/audit/{id}/revert}. A
 * request's change is read by {@link ChangeBodies} like every kept change; the handlers run on virtual threads
 * ({@link AdminThreads}).
 */
public final class ChangeRequestRoutes {

    /** Where a request's body holds its change: the engine's violations of it are placed under it. */
    static final Pointer CHANGE = Pointer.of("change");
    private static final String PATH = Routes.V1 + "/change-requests";

    private final ChangeRequestService requests;
    private final AdminThreads threads;
    private final Responses json = new Responses();

    public ChangeRequestRoutes(ChangeRequestService requests, AdminThreads threads) {
        this.requests = requests;
        this.threads = threads;
    }

    public void register(ApiRouter api) {
        api.add(HttpMethod.POST, PATH, Role.EDITOR, "Propose a change as a change request", this::create);
        api.add(HttpMethod.GET, PATH, Role.VIEWER, "List change requests, newest first",
                List.of("status", "environment", "flag", "limit", "cursor"), this::list);
        api.add(HttpMethod.GET, PATH + "/:id", Role.VIEWER, "Read a change request, with its diff", this::get);
        api.add(HttpMethod.PUT, PATH + "/:id", Role.EDITOR, "Edit a change request (its author)", this::edit);
        api.add(HttpMethod.POST, PATH + "/:id/approvals", Role.EDITOR, "Approve a change request", this::approve);
        api.add(HttpMethod.DELETE, PATH + "/:id/approvals/mine", Role.EDITOR, "Withdraw one's approval",
                call -> act(call, requests::unapprove));
        api.add(HttpMethod.POST, PATH + "/:id/rebase", Role.EDITOR, "Rebase a change request on the current version",
                call -> act(call, requests::rebase));
        api.add(HttpMethod.POST, PATH + "/:id/apply", Role.EDITOR, "Apply an approved change request",
                call -> act(call, requests::apply));
        api.add(HttpMethod.POST, PATH + "/:id/close", Role.EDITOR, "Close or withdraw a change request",
                call -> act(call, requests::close));
        api.add(HttpMethod.POST, PATH + "/:id/bypass", Role.ADMIN, "Apply a change request without its approvals",
                this::bypass);
        api.add(HttpMethod.POST, Routes.V1 + "/audit/:id/revert", Role.EDITOR, "Revert an audited change",
                this::revert);
    }

    static String location(ChangeRequest r) {
        return PATH + "/" + r.id();
    }

    /** A direct change that became change request {@code r}: 202, its Location and body. */
    static Reply proposed(Responses json, ChangeRequest r) {
        return Reply.of(202, json.changeRequest(r)).header("Location", location(r));
    }

    private static long id(Call call, String what) {
        String id = call.param("id");
        if (id == null || !id.matches("[0-9]{1,18}")) {
            throw ApiException.notFound("no " + what + " '" + ValueChecks.printable(String.valueOf(id), 40) + "'");
        }
        return Long.parseLong(id);
    }

    /** {@code {"change": {...}, "title"?, "description"?}}: the change read, the texts, every problem in {@code f}. */
    private record Body(ChangeBodies.Read read, String title, String description) {
    }

    private static Body body(Fields f) {
        f.allow("change", "title", "description");
        String title = f.text("title", Fields.MAX_NAME, false);
        String description = f.text("description", Fields.MAX_DESCRIPTION, false);
        Fields change = f.object("change");
        ChangeBodies.Read read = change == null ? new ChangeBodies.Read(null, f.violations())
                : ChangeBodies.stored(change);
        return new Body(read, title, description);
    }

    private Future<Reply> create(Call call) {
        Integer ifMatch = call.ifMatch();
        Fields f = call.fields();
        Body b = body(f);
        if (b.read().change() == null) {
            f.done();
        }
        ObjectNode action = b.read().change().toJson();
        List<io.guidon.controlplane.domain.Violation> problems = f.violations();
        return threads.run(() -> {
            ChangeRequest r = requests.propose(call.actor(), action, ifMatch, b.title(), b.description(), CHANGE,
                    problems);
            return Reply.created(json.changeRequest(r), location(r));
        });
    }

    private Future<Reply> edit(Call call) {
        Fields f = call.fields();
        Body b = body(f);
        long id = id(call, "change request");
        if (b.read().change() == null) {
            f.done();
        }
        ObjectNode action = b.read().change().toJson();
        List<io.guidon.controlplane.domain.Violation> problems = f.violations();
        return threads.run(() -> Reply.ok(json.changeRequest(requests.edit(call.actor(), id, action, b.title(),
                b.description(), CHANGE, problems))));
    }

    private Future<Reply> get(Call call) {
        long id = id(call, "change request");
        return threads.run(() -> {
            ChangeRequest r = requests.get(call.tenantId(), id);
            ObjectNode o = json.changeRequest(r);
            if (r.status() == ChangeRequest.Status.OPEN) {
                o.set("diff", diff(requests.diff(call.actor(), r)));
            } else {
                o.putNull("diff");
            }
            return Reply.ok(o);
        });
    }

    /**
     * {@code {before, after, changes, problem}}: the resource now and as the request would make it, the readable
     * changes between them ({@code kind}, {@code path} as a JSON Pointer, {@code before}, {@code after}), or why it
     * cannot be applied now.
     */
    static ObjectNode diff(ChangeRequestService.Diff d) {
        ObjectNode o = Json.object();
        o.set("before", d.before() == null ? Json.NODES.nullNode() : d.before());
        o.set("after", d.after() == null ? Json.NODES.nullNode() : d.after());
        ArrayNode changes = o.putArray("changes");
        if (d.problem() == null) {
            for (ReadableDiff.Change c : ReadableDiff.between(d.before() == null ? Json.object() : d.before(),
                    d.after() == null ? Json.object() : d.after())) {
                ObjectNode x = changes.addObject();
                x.put("kind", c.kind().name().toLowerCase(java.util.Locale.ROOT));
                x.put("path", c.path().toString());
                x.set("before", c.before());
                x.set("after", c.after());
            }
        }
        o.put("problem", d.problem());
        return o;
    }

    private Future<Reply> list(Call call) {
        ChangeRequestService.Query query = new ChangeRequestService.Query(call.query("status"),
                call.query("environment"), call.query("flag"), call.after());
        int limit = call.limit();
        return threads.run(() -> Reply.ok(Routes.pageJson(call, requests.list(call.tenantId(), query, limit), limit,
                json::changeRequest)));
    }

    private Future<Reply> approve(Call call) {
        Fields f = call.fields().allow("sha256");
        long id = id(call, "change request");
        String sha = f.requiredString("sha256");
        if (sha != null && !sha.matches("[0-9a-f]{64}")) {
            f.error("sha256", "must be the request's sha256 you reviewed (64 lowercase hex digits), not '"
                    + ValueChecks.printable(sha, 70) + "'");
        }
        f.done();
        return threads.run(() -> Reply.ok(json.changeRequest(requests.approve(call.actor(), id, sha))));
    }

    /** A bodyless action on request {@code :id} by the caller (unapprove, rebase, apply, close): the request after. */
    private Future<Reply> act(Call call, BiFunction<Actor, Long, ChangeRequest> action) {
        call.requireNoBody();
        long id = id(call, "change request");
        return threads.run(() -> Reply.ok(json.changeRequest(action.apply(call.actor(), id))));
    }

    private Future<Reply> bypass(Call call) {
        Fields f = call.fields().allow("reason");
        long id = id(call, "change request");
        // Required and not blank (else 422, nothing applied): the reason is the audit log's record of why.
        String reason = f.text("reason", Fields.MAX_DESCRIPTION, true);
        f.done();
        return threads.run(() -> Reply.ok(json.changeRequest(requests.bypass(call.actor(), id, reason))));
    }

    private Future<Reply> revert(Call call) {
        call.requireNoBody();
        long id = id(call, "audit entry");
        return threads.run(() -> {
            ChangeRequestService.Submitted<JsonNode> s = requests.revert(call.actor(), id);
            if (s.proposed() != null) {
                return proposed(json, s.proposed());
            }
            ObjectNode o = Json.object();
            o.put("reverted", id);
            o.set("resource", s.done() == null ? Json.NODES.nullNode() : s.done());
            return Reply.ok(o);
        });
    }
}
