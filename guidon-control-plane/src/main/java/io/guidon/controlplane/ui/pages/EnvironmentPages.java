package io.guidon.controlplane.ui.pages;

import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.service.EnvironmentService;
import io.guidon.controlplane.ui.UiRequest;
import io.guidon.controlplane.ui.UiResult;
import io.guidon.controlplane.ui.UiRouter;
import io.guidon.controlplane.ui.view.EnvironmentForm;
import io.guidon.controlplane.ui.view.EnvironmentFormView;
import io.guidon.controlplane.ui.view.EnvironmentListView;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The environments pages (admins only): the list, the creation and edit forms, and deletion (after a confirmation
 * in the page). Every change goes through {@link EnvironmentService}, audited as through the API.
 */
public final class EnvironmentPages {

    /** How many environments one read fetches; a tenant's environments are read whole (they are few). */
    private static final int BATCH = 200;

    private final EnvironmentService environments;
    private final UiRouter ui;
    private final Clock clock;

    public EnvironmentPages(EnvironmentService environments, UiRouter ui, Clock clock) {
        this.environments = environments;
        this.ui = ui;
        this.clock = clock;
    }

    /** Adds the pages' routes. */
    public void register() {
        ui.get("/ui/environments", Role.ADMIN, this::list);
        ui.get("/ui/environments/new", Role.ADMIN, r -> form(r, EnvironmentForm.blank(), null, 200));
        ui.post("/ui/environments", Role.ADMIN, this::create);
        ui.get("/ui/environments/:env/edit", Role.ADMIN,
                r -> form(r, EnvironmentForm.of(environments.get(r.tenantId(), r.param("env"))), null, 200));
        ui.post("/ui/environments/:env", Role.ADMIN, this::update);
        ui.post("/ui/environments/:env/delete", Role.ADMIN, this::delete);
    }

    private UiResult list(UiRequest r) {
        String notice = null;
        if (r.query("created") != null) {
            notice = "Environment \u201c" + r.query("created") + "\u201d created.";
        } else if (r.query("updated") != null) {
            notice = "Environment \u201c" + r.query("updated") + "\u201d saved.";
        } else if (r.query("deleted") != null) {
            notice = "Environment \u201c" + r.query("deleted") + "\u201d deleted.";
        }
        return listPage(r, 200, notice, null);
    }

    private UiResult listPage(UiRequest r, int status, String notice, String error) {
        return ui.render(status, "environments/list.jte", new EnvironmentListView(
                ui.shell(r, "Environments", "environments"), all(r.tenantId()), notice, error, clock.instant()));
    }

    private List<Environment> all(long tenantId) {
        List<Environment> out = new ArrayList<>();
        String after = null;
        do {
            Page<Environment> page = environments.list(tenantId, null, after, BATCH);
            out.addAll(page.items());
            after = page.nextAfter();
        } while (after != null);
        return out;
    }

    private UiResult form(UiRequest r, EnvironmentForm form, String stale, int status) {
        String title = form.editing() ? "Edit environment " + form.key() : "New environment";
        return ui.render(status, "environments/form.jte", new EnvironmentFormView(
                ui.shell(r, title, "environments"), form, stale));
    }

    private UiResult create(UiRequest r) {
        EnvironmentForm form = EnvironmentForm.parseCreate(r.form());
        if (!form.valid()) {
            return form(r, form, null, 422);
        }
        try {
            Environment e = environments.create(r.actor(), form.key(), form.nameOrKey(), form.description(),
                    form.protectedEnvironment(), form.approvals());
            return UiResult.redirect("/ui/environments?created=" + encode(e.key()));
        } catch (DomainException e) {
            if (e.kind() == DomainException.Kind.CONFLICT) {
                return form(r, form.withError("key", "An environment with this key already exists."), null, 409);
            }
            throw e;
        }
    }

    private UiResult update(UiRequest r) {
        String key = r.param("env");
        EnvironmentForm form = EnvironmentForm.parseEdit(key, r.form());
        if (!form.valid()) {
            return form(r, form, null, 422);
        }
        try {
            environments.update(r.actor(), key, form.revision(), form.name(), form.description(),
                    form.protectedEnvironment(), form.approvals());
            return UiResult.redirect("/ui/environments?updated=" + encode(key));
        } catch (DomainException e) {
            if (e.kind() == DomainException.Kind.STALE) {
                Environment now = environments.get(r.tenantId(), key);
                return form(r, form, "Someone changed this environment since you opened this form (it is now at"
                        + " revision " + now.revision() + ": name \u201c" + now.name() + "\u201d). Your changes were"
                        + " not saved: reload the form to see the current values, then make your change again.", 412);
            }
            throw e;
        }
    }

    private UiResult delete(UiRequest r) {
        String key = r.param("env");
        Integer revision = null;
        try {
            revision = r.form("revision") == null ? null : Integer.valueOf(r.form("revision"));
        } catch (NumberFormatException e) {
            return listPage(r, 400, null, "The deletion form lacks the environment's revision: reload the page.");
        }
        try {
            environments.delete(r.actor(), key, revision);
            return UiResult.redirect("/ui/environments?deleted=" + encode(key));
        } catch (DomainException e) {
            return switch (e.kind()) {
                case CONFLICT -> listPage(r, 409, null, "The environment \u201c" + key + "\u201d was not deleted: "
                        + e.detail() + ".");
                case STALE -> listPage(r, 412, null, "The environment \u201c" + key + "\u201d changed since this page"
                        + " was loaded, so it was not deleted: look at it again below, then delete it if you still"
                        + " mean to.");
                default -> throw e;
            };
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
