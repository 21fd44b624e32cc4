package io.guidon.controlplane.store;

import io.guidon.controlplane.domain.Actor;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;

/**
 * What else an audit entry writes, in its own transaction (a transactional outbox): called by {@link PgAuditLog}
 * right after it inserted entry {@code id}, so that whatever it writes commits exactly when the change and its
 * entry commit. The webhooks' deliveries are written here ({@link WebhookOutbox}).
 */
public interface AuditOutbox {

    /** An outbox that writes nothing. */
    AuditOutbox NONE = (tx, actor, entry, id, at) -> Future.succeededFuture();

    /** Writes what entry {@code entry} (id {@code id}, recorded at {@code at}) causes, in {@code tx}. */
    Future<Void> recorded(SqlConnection tx, Actor actor, AuditLog.Entry entry, long id, Instant at);
}
