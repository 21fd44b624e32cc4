package io.guidon.controlplane.store;

import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.Actor;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.OffsetDateTime;

/**
 * The append-only record of every change. {@link #record} writes an entry inside the caller's transaction, so an
 * entry exists exactly when its change was committed. {@link #list} reads one tenant's entries, newest first,
 * filtered by resource and time. There is no way to change or remove an entry (the table refuses it too).
 */
public interface AuditLog {

    /** One change: the action ({@code flag.update}), the resource, its environment (or null), before and after. */
    record Entry(String action, String resourceType, String resourceKey, String environmentKey, JsonNode before,
            JsonNode after) {
    }

    /**
     * Filters of {@link #list}; null means any. {@code beforeId} is the cursor (entries older than it);
     * {@code actorName} the name of the key that made the change, exactly.
     */
    record Filter(String resourceType, String resourceKey, String environmentKey, String action,
            OffsetDateTime from, OffsetDateTime to, Long beforeId, String actorName) {

        /** A filter on anyone's changes. */
        public Filter(String resourceType, String resourceKey, String environmentKey, String action,
                OffsetDateTime from, OffsetDateTime to, Long beforeId) {
            this(resourceType, resourceKey, environmentKey, action, from, to, beforeId, null);
        }
    }

    Future<Void> record(SqlConnection tx, Actor actor, Entry entry);

    Future<Page<JsonNode>> list(long tenantId, Filter filter, int limit);

    /** Entry {@code id} of the tenant in {@link #list}'s shape, or null. */
    default Future<JsonNode> find(long tenantId, long id) {
        return Future.failedFuture(new UnsupportedOperationException("this audit log cannot read one entry"));
    }
}
