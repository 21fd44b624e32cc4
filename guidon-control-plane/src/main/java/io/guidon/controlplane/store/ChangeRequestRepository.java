package io.guidon.controlplane.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.ChangeRequest;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.StoredJson;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code change_requests} and {@code change_request_approvals} tables (V10): SQL and row mapping only; null for
 * no row. A request is always read with its approvals, each marked whether its key is revoked now (a revoked key's
 * approval never counts, however long ago it was given).
 */
public final class ChangeRequestRepository {

    private static final String COLUMNS = "r.id, r.environment_key, r.resource_type, r.resource_key,"
            + " r.change::text AS change, r.change_sha256, r.base_versions::text AS base_versions, r.title,"
            + " r.description, r.status, r.author_key_id, r.author_name, r.created_at, r.updated_at, r.applied_at,"
            + " r.applied_by_key_id, r.applied_by_name, r.applied_version, r.bypass_reason, r.closed_at,"
            + " r.closed_by_name";
    private static final String APPROVALS = "SELECT a.request_id, a.approver_key_id, a.approver_name,"
            + " a.approved_sha256, a.approved_at, a.withdrawn_at, k.revoked_at IS NOT NULL AS key_revoked"
            + " FROM change_request_approvals a LEFT JOIN api_keys k ON k.id = a.approver_key_id"
            + " WHERE a.request_id = ANY($1) ORDER BY a.id";
    private static final String FILTER = " FROM change_requests r WHERE r.tenant_id = $1"
            + " AND ($2::text IS NULL OR r.status = $2) AND ($3::text IS NULL OR r.environment_key = $3)"
            + " AND ($4::text IS NULL OR (r.resource_type = 'flag' AND r.resource_key = $4))";

    private final Pool pool;

    public ChangeRequestRepository(Pool pool) {
        this.pool = pool;
    }

    /** What a new request holds besides what the database sets. */
    public record New(long tenantId, String environment, String resourceType, String resourceKey, ObjectNode action,
            Map<String, Long> baseVersions, String title, String description, ChangeRequest.By author) {
    }

    /** A listing's filters, each null: any. {@code flag}: requests about that flag. */
    public record Filter(ChangeRequest.Status status, String environment, String flag) {
    }

    private static ChangeRequest request(Row r, List<ChangeRequest.Approval> approvals) {
        Map<String, Long> base = new LinkedHashMap<>();
        JsonNode b = StoredJson.parse(r.getString("base_versions"));
        for (Iterator<Map.Entry<String, JsonNode>> it = b.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            base.put(e.getKey(), e.getValue().asLong());
        }
        String appliedBy = r.getString("applied_by_name");
        return new ChangeRequest(r.getLong("id"), r.getString("environment_key"), r.getString("resource_type"),
                r.getString("resource_key"), (ObjectNode) StoredJson.parse(r.getString("change")),
                r.getString("change_sha256"), base, r.getString("title"), r.getString("description"),
                ChangeRequest.Status.parse(r.getString("status")),
                new ChangeRequest.By(r.getUUID("author_key_id"), r.getString("author_name")),
                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"),
                r.getOffsetDateTime("applied_at"),
                appliedBy == null ? null : new ChangeRequest.By(r.getUUID("applied_by_key_id"), appliedBy),
                r.getLong("applied_version"), r.getString("bypass_reason"), r.getOffsetDateTime("closed_at"),
                r.getString("closed_by_name"), approvals);
    }

    /** The rows with their approvals (one more query for all of them). */
    private static Future<List<ChangeRequest>> withApprovals(SqlClient c, List<Row> rows) {
        if (rows.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        Long[] ids = rows.stream().map(r -> r.getLong("id")).toArray(Long[]::new);
        return Sql.list(c, APPROVALS, a -> a, (Object) ids).map(approvals -> {
            Map<Long, List<ChangeRequest.Approval>> byRequest = new LinkedHashMap<>();
            for (Row a : approvals) {
                byRequest.computeIfAbsent(a.getLong("request_id"), k -> new ArrayList<>()).add(
                        new ChangeRequest.Approval(new ChangeRequest.By(a.getUUID("approver_key_id"),
                                a.getString("approver_name")), a.getString("approved_sha256"),
                                a.getOffsetDateTime("approved_at"), a.getOffsetDateTime("withdrawn_at"),
                                Boolean.TRUE.equals(a.getBoolean("key_revoked"))));
            }
            List<ChangeRequest> out = new ArrayList<>(rows.size());
            for (Row r : rows) {
                out.add(request(r, byRequest.getOrDefault(r.getLong("id"), List.of())));
            }
            return out;
        });
    }

    private static Future<ChangeRequest> one(SqlClient c, String sql, Object... args) {
        return Sql.list(c, sql, r -> r, args).compose(rows -> withApprovals(c, rows))
                .map(l -> l.isEmpty() ? null : l.get(0));
    }

    private static String json(Map<String, Long> base) {
        ObjectNode o = StoredJson.object();
        base.forEach(o::put);
        return StoredJson.write(o);
    }

    /** Inserts an open request; answers it as stored. */
    public Future<ChangeRequest> insert(SqlClient c, New n) {
        return one(c, "INSERT INTO change_requests AS r (tenant_id, environment_key, resource_type, resource_key,"
                        + " change, change_sha256, base_versions, title, description, author_key_id, author_name)"
                        + " VALUES ($1, $2, $3, $4, $5::text::json, $6, $7::text::json, $8, $9, $10, $11)"
                        + " RETURNING " + COLUMNS, n.tenantId(), n.environment(), n.resourceType(), n.resourceKey(),
                StoredJson.write(n.action()), ChangeRequest.sha256(n.action()), json(n.baseVersions()), n.title(),
                n.description(), n.author().keyId(), n.author().name());
    }

    /** Request {@code id} of the tenant (outside any transaction); null if none. */
    public Future<ChangeRequest> find(long tenantId, long id) {
        return one(pool, "SELECT " + COLUMNS + " FROM change_requests r WHERE r.tenant_id = $1 AND r.id = $2",
                tenantId, id);
    }

    /** Request {@code id} of the tenant locked {@code FOR UPDATE} in {@code c}'s transaction; null if none. */
    public Future<ChangeRequest> lock(SqlClient c, long tenantId, long id) {
        return one(c, "SELECT " + COLUMNS + " FROM change_requests r WHERE r.tenant_id = $1 AND r.id = $2"
                + " FOR UPDATE", tenantId, id);
    }

    /** A page of the tenant's requests matching {@code filter}, newest first, before id {@code before} (null: all). */
    public Future<Page<ChangeRequest>> page(long tenantId, Filter filter, Long before, int limit) {
        Object[] args = {tenantId, filter.status() == null ? null : filter.status().jsonName(), filter.environment(),
            filter.flag()};
        Future<Long> total = Sql.one(pool, "SELECT count(*)" + FILTER, r -> r.getLong(0), args);
        Future<List<ChangeRequest>> rows = Sql.list(pool, "SELECT " + COLUMNS + FILTER
                        + " AND ($5::bigint IS NULL OR r.id < $5) ORDER BY r.id DESC LIMIT $6", r -> r,
                tenantId, args[1], args[2], args[3], before, limit + 1)
                .compose(list -> withApprovals(pool, list));
        return Future.all(total, rows).map(x -> Page.of(rows.result(), total.result(), limit,
                r -> Long.toString(r.id())));
    }

    /** The open requests of {@code environment} about {@code resourceKey}, newest first (for the flag page). */
    public Future<List<ChangeRequest>> open(long tenantId, String environment, String resourceKey) {
        return Sql.list(pool, "SELECT " + COLUMNS + " FROM change_requests r WHERE r.tenant_id = $1"
                        + " AND r.status = 'open' AND (r.environment_key = $2 OR r.environment_key IS NULL)"
                        + " AND r.resource_key = $3 ORDER BY r.id DESC LIMIT 20", r -> r, tenantId, environment,
                resourceKey).compose(list -> withApprovals(pool, list));
    }

    /**
     * Replaces the action (and so the hash), what it is about ({@code environment}, null for every environment, and
     * the resource: an edit may move a request to another environment or flag, and the listings, the flag page's
     * notice and the audit log must follow), title, description and base of request {@code id}.
     */
    public Future<ChangeRequest> update(SqlClient c, long id, ObjectNode action, String environment,
            String resourceType, String resourceKey, Map<String, Long> base, String title, String description) {
        return one(c, "UPDATE change_requests r SET change = $2::text::json, change_sha256 = $3,"
                        + " base_versions = $4::text::json, title = $5, description = $6, environment_key = $7,"
                        + " resource_type = $8, resource_key = $9, updated_at = now()"
                        + " WHERE r.id = $1 RETURNING " + COLUMNS, id, StoredJson.write(action),
                ChangeRequest.sha256(action), json(base), title, description, environment, resourceType,
                resourceKey);
    }

    /** Replaces the base of request {@code id} (a rebase). */
    public Future<ChangeRequest> rebase(SqlClient c, long id, Map<String, Long> base) {
        return one(c, "UPDATE change_requests r SET base_versions = $2::text::json, updated_at = now()"
                + " WHERE r.id = $1 RETURNING " + COLUMNS, id, json(base));
    }

    /** Withdraws every live approval of request {@code id}; answers how many. */
    public Future<Integer> withdrawAll(SqlClient c, long id) {
        return Sql.query(c, "UPDATE change_request_approvals SET withdrawn_at = now() WHERE request_id = $1"
                + " AND withdrawn_at IS NULL", id).map(rs -> rs.rowCount());
    }

    /** Withdraws {@code keyId}'s live approval of request {@code id}; answers whether there was one. */
    public Future<Boolean> withdraw(SqlClient c, long id, java.util.UUID keyId) {
        return Sql.query(c, "UPDATE change_request_approvals SET withdrawn_at = now() WHERE request_id = $1"
                + " AND approver_key_id = $2 AND withdrawn_at IS NULL", id, keyId).map(rs -> rs.rowCount() > 0);
    }

    /** Records {@code by}'s approval of hash {@code sha256} (its live approval, if any, is replaced). */
    public Future<Void> approve(SqlClient c, long id, ChangeRequest.By by, String sha256) {
        return withdraw(c, id, by.keyId()).compose(x -> Sql.query(c, "INSERT INTO change_request_approvals"
                + " (request_id, approver_key_id, approver_name, approved_sha256) VALUES ($1, $2, $3, $4)", id,
                by.keyId(), by.name(), sha256)).mapEmpty();
    }

    /** Marks request {@code id} applied now by {@code by}, at {@code version} (bypassed for {@code reason}). */
    public Future<ChangeRequest> markApplied(SqlClient c, long id, ChangeRequest.By by, Long version,
            String reason) {
        return one(c, "UPDATE change_requests r SET status = 'applied', applied_at = now(), applied_by_key_id = $2,"
                        + " applied_by_name = $3, applied_version = $4, bypass_reason = $5, updated_at = now()"
                        + " WHERE r.id = $1 RETURNING " + COLUMNS, id, by.keyId(), by.name(), version, reason);
    }

    /** Marks request {@code id} withdrawn or closed now by {@code name}. */
    public Future<ChangeRequest> markClosed(SqlClient c, long id, ChangeRequest.Status status, String name) {
        return one(c, "UPDATE change_requests r SET status = $2, closed_at = now(), closed_by_name = $3,"
                + " updated_at = now() WHERE r.id = $1 RETURNING " + COLUMNS, id, status.jsonName(), name);
    }

    /** The document version of each of the tenant's environments named in {@code keys}, by key. */
    public Future<Map<String, Long>> versions(SqlClient c, long tenantId, List<String> keys) {
        return Sql.list(c, "SELECT key, version FROM environments WHERE tenant_id = $1 AND key = ANY($2)"
                        + " ORDER BY key", r -> Map.entry(r.getString("key"), r.getLong("version")), tenantId,
                keys.toArray(new String[0])).map(l -> {
                    Map<String, Long> m = new LinkedHashMap<>();
                    l.forEach(e -> m.put(e.getKey(), e.getValue()));
                    return m;
                });
    }
}
