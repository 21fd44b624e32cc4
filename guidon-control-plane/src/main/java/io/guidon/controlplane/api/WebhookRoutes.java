package io.guidon.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.domain.WebhookSpec;
import io.guidon.controlplane.service.WebhookService;
import io.guidon.json.Pointer;
import io.guidon.json.ValueChecks;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Webhooks (docs/webhooks.md, docs/adr/0120-webhooks.md), admin only: {@code POST}/{@code GET /api/v1/webhooks},
 * {@code GET}/{@code PUT}/{@code DELETE /api/v1/webhooks/{id}}, {@code POST .../{id}/rotate-secret} (the new secret
 * answered once, as on creation), the delivery log {@code GET .../{id}/deliveries} and
 * {@code GET .../{id}/deliveries/{delivery}} (with its attempts), and redelivery: {@code POST
 * .../{id}/deliveries/{delivery}/redeliver} and {@code POST .../{id}/redeliver} (every failed one made in
 * [{@code from}, {@code to})). Bodies are read by {@link WebhookSpec#parse}; a {@code PUT} needs {@code If-Match}.
 * The handlers run on virtual threads ({@link AdminThreads}).
 */
public final class WebhookRoutes {

    private final WebhookService webhooks;
    private final AdminThreads threads;
    private final Duration defaultTimeout;
    private final Responses json = new Responses();

    /** @param defaultTimeout a subscription's timeout when its body names none ({@code webhooks.timeout}) */
    public WebhookRoutes(WebhookService webhooks, AdminThreads threads, Duration defaultTimeout) {
        this.webhooks = webhooks;
        this.threads = threads;
        this.defaultTimeout = defaultTimeout;
    }

    public void register(ApiRouter api) {
        String w = Routes.V1 + "/webhooks";
        api.add(HttpMethod.POST, w, Role.ADMIN, "Subscribe a URL to events (the signing secret is answered once)",
                this::create);
        api.add(HttpMethod.GET, w, Role.ADMIN, "List the tenant's webhook subscriptions by id",
                List.of("limit", "cursor"), this::list);
        api.add(HttpMethod.GET, w + "/:id", Role.ADMIN, "Read a webhook subscription", call -> {
            long id = id(call);
            return threads.run(() -> reply(webhooks.get(call.tenantId(), id)));
        });
        api.add(HttpMethod.PUT, w + "/:id", Role.ADMIN, "Replace a webhook subscription (enable or disable it)",
                this::update);
        api.add(HttpMethod.DELETE, w + "/:id", Role.ADMIN, "Delete a webhook subscription and its delivery log",
                call -> {
                    Integer ifMatch = call.ifMatch();
                    long id = id(call);
                    return threads.run(() -> {
                        webhooks.delete(call.actor(), id, ifMatch);
                        return Reply.noContent();
                    });
                });
        api.add(HttpMethod.POST, w + "/:id/rotate-secret", Role.ADMIN,
                "Give a subscription a new signing secret (answered once); the old one signs too for an overlap",
                this::rotate);
        api.add(HttpMethod.GET, w + "/:id/deliveries", Role.ADMIN, "A subscription's deliveries, newest first",
                List.of("status", "limit", "cursor"), call -> {
                    long id = id(call);
                    String status = call.query("status");
                    String after = call.after();
                    int limit = call.limit();
                    return threads.run(() -> Reply.ok(Routes.pageJson(call, webhooks.deliveries(call.tenantId(), id,
                            status, after, limit), limit, json::webhookDelivery)));
                });
        api.add(HttpMethod.GET, w + "/:id/deliveries/:delivery", Role.ADMIN, "A delivery with its attempts",
                call -> {
                    long id = id(call);
                    long delivery = deliveryId(call);
                    return threads.run(() -> Reply.ok(json.webhookDelivery(webhooks.delivery(call.tenantId(), id,
                            delivery))));
                });
        api.add(HttpMethod.POST, w + "/:id/deliveries/:delivery/redeliver", Role.ADMIN,
                "Send a delivery again (with its webhook-id)", call -> {
                    call.requireNoBody();
                    long id = id(call);
                    long delivery = deliveryId(call);
                    return threads.run(() -> {
                        webhooks.redeliver(call.actor(), id, delivery);
                        return Reply.of(202, Json.object().put("redelivered", 1));
                    });
                });
        api.add(HttpMethod.POST, w + "/:id/redeliver", Role.ADMIN,
                "Send again every failed delivery made in a time range", this::redeliverFailed);
    }

    private Future<Reply> create(Call call) {
        Fields f = call.fields();
        List<Violation> violations = new ArrayList<>(f.violations());
        WebhookSpec.Parsed parsed = WebhookSpec.parse(f.node(), defaultTimeout);
        violations.addAll(parsed.violations());
        return threads.run(() -> {
            WebhookService.WithSecret made = webhooks.create(call.actor(), violations.isEmpty() ? parsed.spec() : null,
                    violations);
            ObjectNode body = json.webhook(made.subscription());
            body.put("secret", made.secret());
            return Reply.created(body, Routes.V1 + "/webhooks/" + made.subscription().id())
                    .etag(made.subscription().version());
        });
    }

    private Future<Reply> list(Call call) {
        int limit = call.limit();
        String after = call.after();
        return threads.run(() -> Reply.ok(Routes.pageJson(call, webhooks.list(call.tenantId(), after, limit), limit,
                json::webhook)));
    }

    private Future<Reply> update(Call call) {
        Fields f = call.fields();
        Integer ifMatch = call.requireIfMatch();
        long id = id(call);
        List<Violation> violations = new ArrayList<>(f.violations());
        WebhookSpec.Parsed parsed = WebhookSpec.parse(f.node(), defaultTimeout);
        violations.addAll(parsed.violations());
        return threads.run(() -> reply(webhooks.update(call.actor(), id, ifMatch,
                violations.isEmpty() ? parsed.spec() : null, violations)));
    }

    private Future<Reply> rotate(Call call) {
        Fields f = call.fields();
        long id = id(call);
        JsonNode body = f.node();
        List<Violation> violations = new ArrayList<>(f.violations());
        unknown(body, Set.of("overlap"), violations);
        Duration overlap = null;
        JsonNode o = body.get("overlap");
        if (o != null && !o.isNull()) {
            try {
                overlap = o.isTextual() ? Duration.parse(o.textValue()) : null;
            } catch (DateTimeParseException e) {
                overlap = null;
            }
            if (overlap == null || overlap.isNegative() || overlap.compareTo(WebhookService.MAX_OVERLAP) > 0
                    || overlap.getNano() != 0) {
                violations.add(new Violation(Pointer.of("overlap"), "must be an ISO-8601 duration of whole seconds"
                        + " from PT0S (the old secret stops signing at once) to P7D, such as PT24H, not " + o));
            }
        }
        if (!violations.isEmpty()) {
            throw DomainException.invalid(violations);
        }
        Duration chosen = overlap;
        return threads.run(() -> {
            WebhookService.WithSecret rotated = webhooks.rotate(call.actor(), id, chosen);
            ObjectNode out = json.webhook(rotated.subscription());
            out.put("secret", rotated.secret());
            return Reply.ok(out).etag(rotated.subscription().version());
        });
    }

    private Future<Reply> redeliverFailed(Call call) {
        Fields f = call.fields();
        long id = id(call);
        JsonNode body = f.node();
        List<Violation> violations = new ArrayList<>(f.violations());
        unknown(body, Set.of("from", "to"), violations);
        OffsetDateTime from = instant(body, "from", violations);
        OffsetDateTime to = instant(body, "to", violations);
        if (!violations.isEmpty()) {
            throw DomainException.invalid(violations);
        }
        return threads.run(() -> Reply.of(202, Json.object().put("redelivered",
                webhooks.redeliverFailed(call.actor(), id, from, to))));
    }

    private static void unknown(JsonNode body, Set<String> allowed, List<Violation> violations) {
        body.fieldNames().forEachRemaining(n -> {
            if (!allowed.contains(n)) {
                violations.add(new Violation(Pointer.of(n), "unknown field (allowed: " + String.join(", ",
                        allowed.stream().sorted().toList()) + ")"));
            }
        });
    }

    private static OffsetDateTime instant(JsonNode body, String field, List<Violation> violations) {
        JsonNode n = body.get(field);
        if (n != null && n.isTextual()) {
            java.time.Instant t = io.guidon.controlplane.domain.TimeParameters.instant(n.textValue());
            if (t != null) {
                return t.atOffset(ZoneOffset.UTC);
            }
        }
        // The one rule of time parameters (TimeParameters), for this body's range as for the query's elsewhere.
        violations.add(new Violation(Pointer.of(field), (n == null ? "required: " : "must be ")
                + io.guidon.controlplane.domain.TimeParameters.RULE + (n == null ? "" : ", not " + n)));
        return null;
    }

    private Reply reply(io.guidon.controlplane.domain.WebhookSubscription s) {
        return Reply.ok(json.webhook(s)).etag(s.version());
    }

    private static long id(Call call) {
        return number(call.param("id"), "webhook");
    }

    private static long deliveryId(Call call) {
        return number(call.param("delivery"), "delivery");
    }

    private static long number(String id, String what) {
        if (id == null || !id.matches("[0-9]{1,18}")) {
            throw ApiException.notFound("no " + what + " '" + ValueChecks.printable(String.valueOf(id), 40) + "'");
        }
        return Long.parseLong(id);
    }
}
