package io.guidon.controlplane.store;

import io.guidon.controlplane.domain.Actor;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.controlplane.domain.WebhookEvents;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;

/**
 * The webhooks' transactional outbox (docs/adr/0120-webhooks.md): for an audit entry whose action is an event type
 * ({@link WebhookEvents#typeOf}), one {@code webhook_deliveries} row per subscription of the tenant that wants that
 * type and whose filters pass (environment: the entry's, or none; tags: the resource's), in one statement, in the
 * entry's transaction. The body is built once, here, and stored as sent. A disabled subscription gets its rows too
 * (disabled by the server or by an admin): the claim holds them until it is enabled again, then they are sent in
 * order, so a change made meanwhile is never lost (docs/webhooks.md#auto-disable).
 */
public final class WebhookOutbox implements AuditOutbox {

    @Override
    public Future<Void> recorded(SqlConnection tx, Actor actor, AuditLog.Entry e, long id, Instant at) {
        String type = WebhookEvents.typeOf(e.action());
        if (type == null) {
            return Future.succeededFuture();
        }
        String payload = StoredJson.write(WebhookEvents.payload(type, id, at, actor, e.action(), e.resourceType(),
                e.resourceKey(), e.environmentKey(), e.before(), e.after()));
        String[] tags = WebhookEvents.tags(e.before(), e.after()).toArray(String[]::new);
        return Sql.query(tx, "INSERT INTO webhook_deliveries (subscription_id, tenant_id, message_id, event_type,"
                        + " ordering_key, audit_id, payload)"
                        + " SELECT s.id, s.tenant_id, 'msg_' || $3::bigint || '_' || s.id, $2, $4, $3, $5"
                        + " FROM webhook_subscriptions s WHERE s.tenant_id = $1"
                        + " AND $2 = ANY(s.event_types)"
                        + " AND (cardinality(s.environments) = 0 OR $6::text IS NULL OR $6 = ANY(s.environments))"
                        + " AND (cardinality(s.tags) = 0 OR s.tags && $7::text[])",
                actor.tenantId(), type, id, WebhookEvents.orderingKey(e.resourceType(), e.resourceKey()), payload,
                e.environmentKey(), tags).mapEmpty();
    }
}
