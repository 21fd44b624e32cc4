package io.guidon.controlplane.ui.pages;

import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.ApiKey;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.service.EnvironmentService;
import io.guidon.controlplane.service.KeyService;
import io.guidon.controlplane.ui.UiRequest;
import io.guidon.controlplane.ui.UiResult;
import io.guidon.controlplane.ui.UiRouter;
import io.guidon.controlplane.ui.view.KeyCreatedView;
import io.guidon.controlplane.ui.view.KeyForm;
import io.guidon.controlplane.ui.view.KeyListView;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The API keys pages (admins only): the list with the creation form, the page that shows a new key's secret once,
 * and revocation (after a confirmation in the page). Through {@link KeyService}, audited as through the API.
 *
 * <p>The secret is shown only in the answer to the creation POST (every UI answer is {@code Cache-Control:
 * no-store}), never behind a redirect whose URL would carry it, and never stored. A reload of that answer posts the
 * form again; its one-time token makes the second post create nothing, whichever event loop or replica answers
 * it (the used tokens are kept in PostgreSQL for a day: {@link UiRouter#firstUseOfForm}).
 */
public final class KeyPages {

    /** Keys per page of the list. */
    static final int PAGE_SIZE = 100;

    private final KeyService keys;
    private final EnvironmentService environments;
    private final UiRouter ui;
    private final Clock clock;
    private final FormTokens tokens = new FormTokens();

    public KeyPages(KeyService keys, EnvironmentService environments, UiRouter ui, Clock clock) {
        this.keys = keys;
        this.environments = environments;
        this.ui = ui;
        this.clock = clock;
    }

    /** Adds the pages' routes. */
    public void register() {
        ui.get("/ui/keys", Role.ADMIN, this::list);
        ui.post("/ui/keys", Role.ADMIN, this::create);
        ui.post("/ui/keys/:id/revoke", Role.ADMIN, this::revoke);
    }

    private UiResult list(UiRequest r) {
        String notice = null;
        String revoked = r.query("revoked");
        if (revoked != null) {
            ApiKey k = keyOrNull(r, revoked);
            notice = k == null ? null : "Key \u201c" + k.name() + "\u201d revoked: requests with it are refused.";
        }
        return listPage(r, 200, KeyForm.blank(newToken()), notice, null);
    }

    private UiResult listPage(UiRequest r, int status, KeyForm form, String notice, String error) {
        Page<ApiKey> page = keys.list(r.tenantId(), r.query("after"), PAGE_SIZE);
        return ui.render(status, "keys/list.jte", new KeyListView(ui.shell(r, "API keys", "keys"), form,
                allEnvironments(r.tenantId()), page.items(), page.total(), notice, error, page.nextAfter(),
                r.query("after") == null, r.session().keyId(), clock.instant()));
    }

    private List<Environment> allEnvironments(long tenantId) {
        List<Environment> out = new ArrayList<>();
        String after = null;
        do {
            Page<Environment> page = environments.list(tenantId, null, after, 200);
            out.addAll(page.items());
            after = page.nextAfter();
        } while (after != null);
        return out;
    }

    private UiResult create(UiRequest r) {
        KeyForm form = KeyForm.parse(r.form());
        if (!form.valid()) {
            return listPage(r, 422, form.withOnce(newToken()), null, null);
        }
        if (form.once() == null || form.once().isEmpty()) {
            // Every form this page renders carries one; without it a resend could not be told from a new form.
            return listPage(r, 400, KeyForm.blank(newToken()), null, "This form lacks its one-time token (the"
                    + " field 'once'), so a second post of it could not be told from a new one: create the key from"
                    + " this page's form.");
        }
        if (!ui.firstUseOfForm(form.once())) {
            return listPage(r, 409, KeyForm.blank(newToken()), null, "This form was already sent: the key was created"
                    + " then, and its secret was shown once. Its secret cannot be shown again; if it was not copied,"
                    + " revoke that key and create another.");
        }
        KeyService.Created created;
        try {
            created = keys.create(r.actor(), form.name().strip(), form.parsedRole(), form.environmentOrNull());
        } catch (DomainException e) {
            ui.releaseForm(form.once());
            if (e.kind() == DomainException.Kind.NOT_FOUND) {
                return listPage(r, 422, form.withError("environment", "There is no environment \u201c"
                        + form.environment() + "\u201d (any more).").withOnce(newToken()), null, null);
            }
            throw e;
        }
        return ui.render("keys/created.jte", new KeyCreatedView(ui.shell(r, "Key created", "keys"), created.info(),
                created.key()));
    }

    private UiResult revoke(UiRequest r) {
        UUID id = parseId(r.param("id"));
        if (id == null) {
            throw DomainException.notFound("no key '" + r.param("id") + "'");
        }
        ApiKey k = keys.revoke(r.actor(), id);
        ui.evictKey(k.prefix());
        return UiResult.redirect("/ui/keys?revoked=" + k.id());
    }

    private ApiKey keyOrNull(UiRequest r, String id) {
        UUID uuid = parseId(id);
        if (uuid == null) {
            return null;
        }
        try {
            return keys.get(r.tenantId(), uuid);
        } catch (DomainException e) {
            if (e.kind() == DomainException.Kind.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    private static UUID parseId(String s) {
        try {
            return s == null ? null : UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private String newToken() {
        return tokens.next();
    }
}
