package io.guidon.controlplane.service;

import static io.vertx.core.Future.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.Actor;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.domain.WebhookDelivery;
import io.guidon.controlplane.domain.WebhookSignature;
import io.guidon.controlplane.domain.WebhookSpec;
import io.guidon.controlplane.domain.WebhookSubscription;
import io.guidon.controlplane.store.AuditLog;
import io.guidon.controlplane.store.RowLock;
import io.guidon.controlplane.store.Transactions;
import io.guidon.controlplane.store.WebhookRepository;
import io.guidon.json.Pointer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A tenant's webhook subscriptions (docs/webhooks.md, docs/adr/0120-webhooks.md): made, read, listed, replaced,
 * deleted, their secret rotated; their delivery log read; deliveries sent again, one or every failed one in a time
 * range. Every change is audited ({@code webhook.create}, {@code .update}, {@code .delete}, {@code .rotate_secret},
 * {@code .redeliver}; the secret is never in an entry). A URL is refused when its host resolves to an address
 * webhooks may not be sent to ({@link WebhookSender#refusal}). Sequential code for a virtual thread; throws
 * {@link DomainException}.
 */
public final class WebhookService {

    /** The longest overlap of a rotation: a week. */
    public static final Duration MAX_OVERLAP = Duration.ofDays(7);

    private final Pool pool;
    private final WebhookRepository webhooks;
    private final AuditLog audit;
    private final ResourceViews views;
    private final WebhookSender sender;
    private final Duration defaultOverlap;
    private final SecureRandom random;

    /**
     * @param defaultOverlap how long a rotated-out secret still signs when the rotation names no overlap
     *     ({@code webhooks.secret-overlap})
     */
    public WebhookService(Pool pool, WebhookRepository webhooks, AuditLog audit, ResourceViews views,
            WebhookSender sender, Duration defaultOverlap, SecureRandom random) {
        this.pool = pool;
        this.webhooks = webhooks;
        this.audit = audit;
        this.views = views;
        this.sender = sender;
        this.defaultOverlap = defaultOverlap;
        this.random = random;
    }

    /** A subscription and its secret: answered once, when it is made or its secret is rotated. */
    public record WithSecret(WebhookSubscription subscription, String secret) {
    }

    /**
     * Makes a subscription with a new secret. INVALID listing {@code requestViolations} (the body's, see
     * {@link WebhookSpec#parse}) and the URL's refusal, if any.
     */
    public WithSecret create(Actor actor, WebhookSpec spec, List<Violation> requestViolations) {
        refuseIfAny(spec, requestViolations, List.of(), actor.tenantId());
        String secret = WebhookSignature.newSecret(random);
        return Transactions.await(pool, c -> {
            WebhookSubscription s = await(webhooks.insert(c, actor.tenantId(), spec, secret));
            record(c, actor, "webhook.create", s.id(), null, views.webhook(s));
            return new WithSecret(s, secret);
        });
    }

    /** Subscription {@code id} of the tenant; NOT_FOUND if none. */
    public WebhookSubscription get(long tenantId, long id) {
        return found(await(webhooks.find(tenantId, id)), id);
    }

    /** A page of the tenant's subscriptions by id, after cursor {@code after} (null: the first page). */
    public Page<WebhookSubscription> list(long tenantId, String after, int limit) {
        return await(webhooks.page(tenantId, cursor(after), limit));
    }

    /**
     * Replaces subscription {@code id}'s spec: NOT_FOUND first, then INVALID, then STALE when {@code ifMatch} is
     * not its version. Enabling a subscription the server disabled clears the notice and closes its circuit.
     * Enabling a disabled one (whoever disabled it) releases the deliveries it held meanwhile: due now, in order
     * per resource, each with a new retry window.
     */
    public WebhookSubscription update(Actor actor, long id, Integer ifMatch, WebhookSpec spec,
            List<Violation> requestViolations) {
        found(await(webhooks.find(actor.tenantId(), id)), id);
        return Transactions.await(pool, c -> {
            WebhookSubscription before = found(await(webhooks.lock(c, actor.tenantId(), id, RowLock.CHANGE)), id);
            // RFC 9110 13.2.2: the precondition before the method's semantics (a stale change is 412 whatever its body).
            stale(before, ifMatch);
            refuseIfAny(spec, requestViolations, before.spec().environments(), actor.tenantId());
            if (before.spec().equals(spec) && before.disabledReason() == null) {
                return before;
            }
            WebhookSubscription after = await(webhooks.update(c, id, spec));
            if (!before.spec().enabled() && spec.enabled()) {
                // What it held while disabled is due now, in its order, with a fresh retry window.
                await(webhooks.releaseHeld(c, id));
            }
            record(c, actor, "webhook.update", id, views.webhook(before), views.webhook(after));
            return after;
        });
    }

    /** Turns subscription {@code id} on or off, the rest unchanged (the UI's switch). */
    public WebhookSubscription setEnabled(Actor actor, long id, boolean enabled) {
        WebhookSubscription s = get(actor.tenantId(), id);
        WebhookSpec spec = s.spec();
        return update(actor, id, null, new WebhookSpec(spec.url(), spec.description(), spec.eventTypes(),
                spec.environments(), spec.tags(), enabled, spec.timeout()), List.of());
    }

    /** Deletes subscription {@code id} with its delivery log: NOT_FOUND, or STALE for a stale {@code ifMatch}. */
    public void delete(Actor actor, long id, Integer ifMatch) {
        Transactions.await(pool, c -> {
            WebhookSubscription before = found(await(webhooks.lock(c, actor.tenantId(), id, RowLock.DELETE)), id);
            stale(before, ifMatch);
            await(webhooks.delete(c, id));
            record(c, actor, "webhook.delete", id, views.webhook(before), null);
            return null;
        });
    }

    /**
     * Gives subscription {@code id} a new secret; the old one keeps signing (a second signature in
     * {@code webhook-signature}) for {@code overlap} (null: {@code webhooks.secret-overlap}; zero: not at all), so
     * the receiver can switch without losing a delivery. INVALID for an overlap over {@link #MAX_OVERLAP};
     * CONFLICT while the overlap of the last rotation is running (it would end early: only two secrets sign).
     */
    public WithSecret rotate(Actor actor, long id, Duration overlap) {
        Duration o = overlap == null ? defaultOverlap : overlap;
        if (o.isNegative() || o.compareTo(MAX_OVERLAP) > 0) {
            throw DomainException.invalid(new Violation(Pointer.of("overlap"), "must be from PT0S to P7D"));
        }
        String secret = WebhookSignature.newSecret(random);
        return Transactions.await(pool, c -> {
            WebhookSubscription before = found(await(webhooks.lock(c, actor.tenantId(), id, RowLock.CHANGE)), id);
            if (before.previousSecretUntil() != null) {
                // A second rotation would replace the secret still in its overlap: a receiver not yet switched to
                // the current one would lose its signature before the end it was promised.
                throw DomainException.conflict("webhook " + id + "'s previous secret signs until "
                        + before.previousSecretUntil().toInstant() + " (the overlap of its last rotation): rotate"
                        + " again after that; only two secrets sign at a time");
            }
            WebhookSubscription after = await(webhooks.rotate(c, id, secret, o));
            record(c, actor, "webhook.rotate_secret", id, views.webhook(before), views.webhook(after));
            return new WithSecret(after, secret);
        });
    }

    /**
     * A page of subscription {@code id}'s deliveries, newest first, of {@code status} (null: any), after cursor
     * {@code after}. NOT_FOUND for no such subscription; INVALID_PARAMETER for an unknown status or a bad cursor.
     */
    public Page<WebhookDelivery> deliveries(long tenantId, long id, String status, String after, int limit) {
        if (status != null && !WebhookDelivery.STATUSES.contains(status)) {
            throw DomainException.invalidParameter(List.of(Violation.of("status", "must be one of "
                    + String.join(", ", WebhookDelivery.STATUSES) + ", not '" + status + "'")));
        }
        Long before = cursor(after);
        get(tenantId, id);
        return await(webhooks.deliveries(id, status, before, limit));
    }

    /** Delivery {@code deliveryId} of subscription {@code id} with its attempts; NOT_FOUND for either. */
    public WebhookDelivery delivery(long tenantId, long id, long deliveryId) {
        get(tenantId, id);
        WebhookDelivery d = await(webhooks.delivery(id, deliveryId));
        if (d == null) {
            throw DomainException.notFound("no delivery " + deliveryId + " of webhook " + id);
        }
        return d;
    }

    /**
     * Sends delivery {@code deliveryId} again, whatever became of it (with its {@code webhook-id}, so a receiver
     * that keeps ids sees a repeat): due now, with a new retry window. NOT_FOUND for either.
     */
    public void redeliver(Actor actor, long id, long deliveryId) {
        Transactions.await(pool, c -> {
            found(await(webhooks.lock(c, actor.tenantId(), id, RowLock.KEY_SHARE)), id);
            if (!await(webhooks.redeliver(c, id, deliveryId))) {
                throw DomainException.notFound("no delivery " + deliveryId + " of webhook " + id);
            }
            ObjectNode after = StoredJson.object().put("delivery", deliveryId);
            record(c, actor, "webhook.redeliver", id, null, after);
            return null;
        });
    }

    /**
     * Sends again every failed delivery of subscription {@code id} made in [{@code from}, {@code to}); answers how
     * many. INVALID_PARAMETER when {@code to} is not after {@code from}.
     */
    public int redeliverFailed(Actor actor, long id, OffsetDateTime from, OffsetDateTime to) {
        if (!to.isAfter(from)) {
            throw DomainException.invalid(new Violation(Pointer.of("to"), "must be after from (" + from + ")"));
        }
        return Transactions.await(pool, c -> {
            found(await(webhooks.lock(c, actor.tenantId(), id, RowLock.KEY_SHARE)), id);
            int n = await(webhooks.redeliverFailed(c, id, from, to));
            ObjectNode after = StoredJson.object().put("from", from.toInstant().toString())
                    .put("to", to.toInstant().toString()).put("redelivered", n);
            record(c, actor, "webhook.redeliver", id, null, after);
            return n;
        });
    }

    /**
     * INVALID with {@code requestViolations}, each environment of the filter the tenant does not have (but those in
     * {@code kept}: the filter had them already, and an environment deleted since stays in the filters that named it,
     * matching nothing unless one of that key is made again), and the URL's refusal.
     */
    private void refuseIfAny(WebhookSpec spec, List<Violation> requestViolations, List<String> kept,
            long tenantId) {
        List<Violation> violations = new ArrayList<>(requestViolations);
        if (violations.isEmpty() && spec == null) {
            throw new IllegalArgumentException("a webhook without a spec needs its violations saying why");
        }
        if (spec != null && !spec.environments().isEmpty()) {
            List<String> unknown = await(webhooks.unknownEnvironments(pool, tenantId, spec.environments()));
            for (int i = 0; i < spec.environments().size(); i++) {
                String env = spec.environments().get(i);
                if (unknown.contains(env) && !kept.contains(env)) {
                    violations.add(new Violation(Pointer.of("environments").index(i), "no environment '" + env
                            + "' in this tenant: must name one of its environments (GET /api/v1/environments)"));
                }
            }
        }
        if (spec != null) {
            String refusal = sender.refusal(spec.url());
            if (refusal != null) {
                violations.add(new Violation(Pointer.of("url"), refusal));
            }
        }
        if (!violations.isEmpty()) {
            throw DomainException.invalid(violations);
        }
    }

    private void record(SqlConnection c, Actor actor, String action, long id,
            com.fasterxml.jackson.databind.JsonNode before, com.fasterxml.jackson.databind.JsonNode after) {
        await(audit.record(c, actor, new AuditLog.Entry(action, WebhookSubscription.RESOURCE_TYPE, Long.toString(id),
                null, before, after)));
    }

    private static Long cursor(String after) {
        if (after == null) {
            return null;
        }
        try {
            return Long.parseLong(after);
        } catch (NumberFormatException e) {
            throw DomainException.invalidParameter(List.of(Violation.of("cursor", "not a cursor of this listing")));
        }
    }

    private static void stale(WebhookSubscription s, Integer ifMatch) {
        if (ifMatch != null && ifMatch != s.version()) {
            throw DomainException.stale("webhook " + s.id() + " is at version " + s.version() + ", not " + ifMatch
                    + ": read it again and apply your change to what it is now");
        }
    }

    private static WebhookSubscription found(WebhookSubscription s, long id) {
        if (s == null) {
            throw DomainException.notFound("no webhook " + id);
        }
        return s;
    }
}
