package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.auth.Session;
import io.guidon.controlplane.ui.Assets;

/**
 * What every page's frame shows: the title, the navigation (with the current section marked), who is signed in
 * to which tenant with which role, and the session's CSRF token (sent by htmx on every request from
 * {@code <body hx-headers>}, and by forms in a hidden field). {@code session} is null on the sign-in and error
 * pages of a visitor not signed in.
 */
public record Shell(String title, String section, Session session, Assets assets) {

    /** The sections of the navigation, in order: path, label, the role needed to see it. */
    public record Section(String key, String path, String label, Role needs) {
    }

    public static final java.util.List<Section> SECTIONS = java.util.List.of(
            new Section("flags", "/ui/flags", "Flags", Role.VIEWER),
            new Section("segments", "/ui/segments", "Segments", Role.VIEWER),
            new Section("history", "/ui/history", "History", Role.VIEWER),
            new Section("schedules", "/ui/schedules", "Schedules", Role.VIEWER),
            new Section("rollouts", "/ui/rollouts", "Rollouts", Role.VIEWER),
            new Section("experiments", "/ui/experiments", "Experiments", Role.VIEWER),
            new Section("metrics", "/ui/metrics", "Metrics", Role.VIEWER),
            new Section("changes", "/ui/change-requests", "Change requests", Role.VIEWER),
            new Section("sidecars", "/ui/sidecars", "Sidecars", Role.VIEWER),
            new Section("environments", "/ui/environments", "Environments", Role.ADMIN),
            new Section("keys", "/ui/keys", "API keys", Role.ADMIN),
            new Section("webhooks", "/ui/webhooks", "Webhooks", Role.ADMIN));

    public boolean signedIn() {
        return session != null;
    }

    /** The sections this session may open. */
    public java.util.List<Section> sections() {
        if (session == null) {
            return java.util.List.of();
        }
        return SECTIONS.stream().filter(s -> session.role().satisfies(s.needs())).toList();
    }

    /** {@code "page"} for the current section's link (its {@code aria-current}), else null (no attribute). */
    public String current(Section s) {
        return s.key().equals(section) ? "page" : null;
    }

    public boolean canEdit() {
        return session != null && session.role().satisfies(Role.EDITOR);
    }

    public boolean isAdmin() {
        return session != null && session.role().satisfies(Role.ADMIN);
    }

    /** The CSRF token for hidden form fields ("" when not signed in). */
    public String csrf() {
        return session == null ? "" : session.csrfToken();
    }

    /** The {@code hx-headers} JSON of the page's body: the CSRF token for every htmx request. */
    public String htmxHeaders() {
        // The token is base64url: no character needs escaping in JSON (the template escapes it for the attribute).
        return "{\"X-CSRF-Token\":\"" + csrf() + "\"}";
    }
}
