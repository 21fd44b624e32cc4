package io.guidon.controlplane.ui.pages;

import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.domain.WebhookDelivery;
import io.guidon.controlplane.domain.WebhookEvents;
import io.guidon.controlplane.domain.WebhookSpec;
import io.guidon.controlplane.domain.WebhookSubscription;
import io.guidon.controlplane.service.WebhookService;
import io.guidon.controlplane.ui.UiRequest;
import io.guidon.controlplane.ui.UiResult;
import io.guidon.controlplane.ui.UiRouter;
import io.guidon.controlplane.ui.view.WebhookCreatedView;
import io.guidon.controlplane.ui.view.WebhookForm;
import io.guidon.controlplane.ui.view.WebhookListView;
import io.guidon.controlplane.ui.view.WebhookPageView;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The webhooks pages (admins only, docs/webhooks.md): the list with the new-subscription form (the secret shown
 * once, in the answer to the POST, as for API keys), enabling and disabling, a subscription's page with its
 * delivery log and attempts, redelivery of one delivery and of every failed one in a time range, and a secret's
 * rotation. Through {@link WebhookService}, audited as through the API.
 */
public final class WebhookPages {

    /** Subscriptions per page of the list, deliveries per page of the log. */
    static final int PAGE_SIZE = 50;

    private final WebhookService webhooks;
    private final UiRouter ui;
    private final Clock clock;
    private final Duration defaultTimeout;
    private final FormTokens tokens = new FormTokens();

    /** @param defaultTimeout a subscription's timeout when the form leaves it empty ({@code webhooks.timeout}) */
    public WebhookPages(WebhookService webhooks, UiRouter ui, Clock clock, Duration defaultTimeout) {
        this.webhooks = webhooks;
        this.ui = ui;
        this.clock = clock;
        this.defaultTimeout = defaultTimeout;
    }

    /** Adds the pages' routes. */
    public void register() {
        ui.get("/ui/webhooks", Role.ADMIN, this::list);
        ui.post("/ui/webhooks", Role.ADMIN, this::create);
        ui.get("/ui/webhooks/:id", Role.ADMIN, this::page);
        ui.post("/ui/webhooks/:id/enabled", Role.ADMIN, this::enable);
        ui.post("/ui/webhooks/:id/rotate-secret", Role.ADMIN, this::rotate);
        ui.post("/ui/webhooks/:id/redeliver", Role.ADMIN, this::redeliverRange);
        ui.post("/ui/webhooks/:id/deliveries/:delivery/redeliver", Role.ADMIN, this::redeliverOne);
    }

    private UiResult list(UiRequest r) {
        return listPage(r, 200, WebhookForm.blank(newToken()), r.query("done"), null);
    }

    private UiResult listPage(UiRequest r, int status, WebhookForm form, String notice, String error) {
        Page<WebhookSubscription> page = webhooks.list(r.tenantId(), r.query("after"), PAGE_SIZE);
        return ui.render(status, "webhooks/list.jte", new WebhookListView(ui.shell(r, "Webhooks", "webhooks"), form,
                WebhookForm.groups(WebhookEvents.ALL), page.items(), page.total(), notice == null ? null
                        : notice(notice), error, page.nextAfter(), r.query("after") == null, clock.instant()));
    }

    private static String notice(String done) {
        return switch (done) {
            case "enabled" -> "Webhook enabled: its pending deliveries resume.";
            case "disabled" -> "Webhook disabled: no events are sent to it until it is enabled.";
            default -> null;
        };
    }

    private UiResult create(UiRequest r) {
        WebhookForm form = WebhookForm.read(r::form, r.formAll("eventTypes"));
        WebhookSpec.Parsed parsed = form.parse(defaultTimeout);
        if (!parsed.violations().isEmpty()) {
            return listPage(r, 422, form.withViolations(parsed.violations(), newToken()), null, null);
        }
        if (form.once() == null || form.once().isEmpty()) {
            return listPage(r, 400, WebhookForm.blank(newToken()), null, "This form lacks its one-time token (the"
                    + " field 'once'): make the webhook from this page's form.");
        }
        if (!ui.firstUseOfForm(form.once())) {
            return listPage(r, 409, WebhookForm.blank(newToken()), null, "This form was already sent: the webhook"
                    + " was made then and its secret shown once. Rotate its secret on its page to see a new one.");
        }
        WebhookService.WithSecret made;
        try {
            made = webhooks.create(r.actor(), parsed.spec(), List.of());
        } catch (DomainException e) {
            ui.releaseForm(form.once());
            if (e.kind() == DomainException.Kind.INVALID) {
                return listPage(r, 422, form.withViolations(e.violations(), newToken()), null, null);
            }
            throw e;
        }
        return ui.render("webhooks/created.jte", new WebhookCreatedView(ui.shell(r, "Webhook made", "webhooks"),
                made.subscription(), made.secret(), false));
    }

    private UiResult page(UiRequest r) {
        return page(r, 200, notice(r), null);
    }

    private static String notice(UiRequest r) {
        String n = r.query("redelivered");
        return n == null || !n.matches("[0-9]{1,9}") ? null : n + (n.equals("1") ? " delivery is" : " deliveries are")
                + " due again: the next look of a replica sends " + (n.equals("1") ? "it." : "them.");
    }

    private UiResult page(UiRequest r, int status, String notice, String error) {
        long id = id(r);
        WebhookSubscription w = webhooks.get(r.tenantId(), id);
        String filter = r.query("status");
        if (filter != null && !WebhookDelivery.STATUSES.contains(filter)) {
            filter = null;
        }
        Page<WebhookDelivery> page = webhooks.deliveries(r.tenantId(), id, filter, r.query("after"), PAGE_SIZE);
        List<WebhookDelivery> withAttempts = new ArrayList<>();
        for (WebhookDelivery d : page.items()) {
            withAttempts.add(d.attempts() == 0 ? d.withAttempts(List.of()) : webhooks.delivery(r.tenantId(), id,
                    d.id()));
        }
        return ui.render(status, "webhooks/page.jte", new WebhookPageView(ui.shell(r, "Webhook " + id, "webhooks"),
                w, withAttempts, page.total(), filter, page.nextAfter(), r.query("after") == null, notice, error,
                clock.instant()));
    }

    private UiResult enable(UiRequest r) {
        boolean on = "true".equals(r.form("enabled"));
        webhooks.setEnabled(r.actor(), id(r), on);
        return UiResult.redirect("/ui/webhooks?done=" + (on ? "enabled" : "disabled"));
    }

    private UiResult rotate(UiRequest r) {
        WebhookService.WithSecret rotated = webhooks.rotate(r.actor(), id(r), null);
        return ui.render("webhooks/created.jte", new WebhookCreatedView(ui.shell(r, "Secret rotated", "webhooks"),
                rotated.subscription(), rotated.secret(), true));
    }

    private UiResult redeliverOne(UiRequest r) {
        long id = id(r);
        String d = r.param("delivery");
        if (d == null || !d.matches("[0-9]{1,18}")) {
            throw DomainException.notFound("no delivery '" + d + "'");
        }
        webhooks.redeliver(r.actor(), id, Long.parseLong(d));
        return UiResult.redirect("/ui/webhooks/" + id + "?redelivered=1");
    }

    private UiResult redeliverRange(UiRequest r) {
        long id = id(r);
        OffsetDateTime from = instant(r.form("from"));
        OffsetDateTime to = instant(r.form("to"));
        if (from == null || to == null || !to.isAfter(from)) {
            return page(r, 422, null, "Give both times of the range as ISO-8601 instants such as"
                    + " 2026-12-01T09:00:00Z, the second after the first.");
        }
        int n;
        try {
            n = webhooks.redeliverFailed(r.actor(), id, from, to);
        } catch (DomainException e) {
            if (e.kind() == DomainException.Kind.INVALID) {
                return page(r, 422, null, e.violations().stream().map(Violation::message).toList().toString());
            }
            throw e;
        }
        return UiResult.redirect("/ui/webhooks/" + id + "?redelivered=" + n);
    }

    private static OffsetDateTime instant(String s) {
        try {
            return s == null ? null : OffsetDateTime.parse(s.strip());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static long id(UiRequest r) {
        String id = r.param("id");
        if (id == null || !id.matches("[0-9]{1,18}")) {
            throw DomainException.notFound("no webhook '" + id + "'");
        }
        return Long.parseLong(id);
    }

    private String newToken() {
        return tokens.next();
    }
}
