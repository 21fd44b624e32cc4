package io.guidon.controlplane.service;

import static io.vertx.core.Future.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.store.AuditLog;
import io.guidon.controlplane.domain.Page;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reading the audit log: a tenant's entries, newest first, filtered by resource, environment, action and time.
 * (Entries are written by the other services, inside each change's transaction.) Sequential code for a virtual
 * thread; throws {@link DomainException}.
 */
public final class AuditService {

    /** The resource types entries are recorded for. */
    public static final Set<String> RESOURCE_TYPES = Set.of("tenant", "environment", "flag", "segment", "key",
            "schedule", "rollout_plan", ChangeRequestService.RESOURCE_TYPE, "metric", "experiment",
            io.guidon.controlplane.domain.WebhookSubscription.RESOURCE_TYPE);

    private final AuditLog log;

    public AuditService(AuditLog log) {
        this.log = log;
    }

    /**
     * The query of a listing as given (null: no filter): {@code from} and {@code to} ISO-8601 instants, {@code after}
     * the cursor (the id of the last entry of the previous page), {@code actor} the name of the key that made the
     * change (exactly).
     */
    public record Query(String resourceType, String resource, String environment, String action, String from,
            String to, String after, String actor) {

        /** A query on anyone's changes. */
        public Query(String resourceType, String resource, String environment, String action, String from,
                String to, String after) {
            this(resourceType, resource, environment, action, from, to, after, null);
        }
    }

    /**
     * One page of entries matching {@code query}, at most {@code limit}.
     *
     * @throws DomainException INVALID_PARAMETER naming each query parameter that is not valid
     */
    public Page<JsonNode> list(long tenantId, Query query, int limit) {
        List<Violation> violations = new ArrayList<>();
        String type = query.resourceType();
        if (type != null && !RESOURCE_TYPES.contains(type)) {
            violations.add(Violation.of("resourceType", "must be one of " + RESOURCE_TYPES + ", not '" + type + "'"));
        }
        OffsetDateTime from = instant(query.from(), "from", violations);
        OffsetDateTime to = instant(query.to(), "to", violations);
        Long before = null;
        if (query.after() != null) {
            try {
                before = Long.parseLong(query.after());
            } catch (NumberFormatException e) {
                violations.add(Violation.of("cursor", "not a cursor of this listing"));
            }
        }
        if (!violations.isEmpty()) {
            throw DomainException.invalidParameter(violations);
        }
        AuditLog.Filter filter = new AuditLog.Filter(type, query.resource(), query.environment(), query.action(),
                from, to, before, query.actor());
        return await(log.list(tenantId, filter, limit));
    }

    /**
     * The ISO-8601 instant {@code v} of query parameter {@code name}, in UTC; null when absent, or when it is not one
     * (the violation is added to {@code violations}).
     */
    static OffsetDateTime instant(String v, String name, List<Violation> violations) {
        if (v == null) {
            return null;
        }
        Instant instant = io.guidon.controlplane.domain.TimeParameters.instant(v);
        if (instant == null) {
            violations.add(Violation.of(name, io.guidon.controlplane.domain.TimeParameters.problem(v)));
            return null;
        }
        return instant.atOffset(ZoneOffset.UTC);
    }
}
