package io.guidon.controlplane.ui;

import io.guidon.controlplane.auth.Principal;
import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.auth.Session;
import io.guidon.controlplane.domain.Actor;
import java.util.List;
import java.util.Map;

/**
 * One UI request as a page handler sees it, copied off the event loop's request before the handler runs on a
 * virtual thread: the method and path, its path, query and form parameters (each name with all its values, in
 * order), whether htmx sent it (a fragment is wanted, not a page), and the signed-in session (null only on the
 * sign-in page).
 */
public record UiRequest(String method, String path, Map<String, String> pathParams, Map<String, List<String>> query,
        Map<String, List<String>> form, boolean htmx, String requestId, Session session) {

    /** The path parameter {@code name} (decoded). */
    public String param(String name) {
        return pathParams.get(name);
    }

    /** The query parameter {@code name}'s first value, or null when absent or empty. */
    public String query(String name) {
        return first(query, name);
    }

    /** The form field {@code name}'s first value, or null when absent (an empty field is ""). */
    public String form(String name) {
        List<String> all = form.get(name);
        return all == null || all.isEmpty() ? null : all.get(0);
    }

    /** Every value of the form field {@code name} (none: empty). */
    public List<String> formAll(String name) {
        return form.getOrDefault(name, List.of());
    }

    public Principal principal() {
        return session.principal();
    }

    public long tenantId() {
        return session.tenantId();
    }

    public Role role() {
        return session.role();
    }

    /** Whether the session may change flags and segments (an editor or an admin). */
    public boolean canEdit() {
        return session.role().satisfies(Role.EDITOR);
    }

    /** Whether the session may manage environments and keys. */
    public boolean isAdmin() {
        return session.role().satisfies(Role.ADMIN);
    }

    /** Who makes a change made by this request, for the audit log: the same as through the API. */
    public Actor actor() {
        return new Actor(session.tenantId(), session.tenantKey(), session.keyId(), session.actorName(), requestId);
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> all = params.get(name);
        return all == null || all.isEmpty() || all.get(0).isEmpty() ? null : all.get(0);
    }
}
