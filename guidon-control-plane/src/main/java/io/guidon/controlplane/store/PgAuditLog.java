package io.guidon.controlplane.store;

import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.Actor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.StoredJson;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** {@link AuditLog} in the {@code audit_log} table. */
public final class PgAuditLog implements AuditLog {

    private static final String FILTER = " WHERE tenant_id = $1"
            + " AND ($2::text IS NULL OR resource_type = $2)"
            + " AND ($3::text IS NULL OR resource_key = $3)"
            + " AND ($4::text IS NULL OR environment_key = $4)"
            + " AND ($5::text IS NULL OR action = $5)"
            + " AND ($6::timestamptz IS NULL OR at >= $6)"
            + " AND ($7::timestamptz IS NULL OR at < $7)"
            + " AND ($8::text IS NULL OR actor_name = $8)";

    private final Pool pool;
    private final AuditOutbox outbox;

    /** An audit log whose entries cause nothing more. */
    public PgAuditLog(Pool pool) {
        this(pool, AuditOutbox.NONE);
    }

    /** An audit log that hands each entry to {@code outbox}, in the entry's transaction. */
    public PgAuditLog(Pool pool, AuditOutbox outbox) {
        this.pool = pool;
        this.outbox = outbox;
    }

    @Override
    public Future<Void> record(SqlConnection tx, Actor actor, Entry e) {
        return tx.preparedQuery("INSERT INTO audit_log (tenant_id, request_id, actor_key_id, actor_name, action,"
                        + " resource_type, resource_key, environment_key, before, after, agent)"
                        + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::json, $10::text::json, $11)"
                        + " RETURNING id, at")
                .execute(Tuple.from(new Object[] {actor.tenantId(), actor.requestId(), actor.keyId(), actor.keyName(),
                        e.action(), e.resourceType(), e.resourceKey(), e.environmentKey(),
                        e.before() == null ? null : StoredJson.write(e.before()),
                        e.after() == null ? null : StoredJson.write(e.after()), actor.agent()}))
                .compose(rs -> {
                    Row r = rs.iterator().next();
                    return outbox.recorded(tx, actor, e, r.getLong("id"), r.getOffsetDateTime("at").toInstant());
                });
    }

    @Override
    public Future<Page<JsonNode>> list(long tenantId, Filter f, int limit) {
        Object[] args = {tenantId, f.resourceType(), f.resourceKey(), f.environmentKey(), f.action(), f.from(),
                f.to(), f.actorName()};
        List<Object> pageArgs = new ArrayList<>(java.util.Arrays.asList(args));
        pageArgs.add(f.beforeId());
        pageArgs.add(limit + 1);
        Future<Long> total = pool.preparedQuery("SELECT count(*) FROM audit_log" + FILTER)
                .execute(Tuple.from(args)).map(rs -> rs.iterator().next().getLong(0));
        Future<List<JsonNode>> rows = pool.preparedQuery("SELECT id, at, request_id, actor_key_id, actor_name, agent,"
                        + " action, resource_type, resource_key, environment_key, before::text AS before,"
                        + " after::text AS after FROM audit_log" + FILTER
                        + " AND ($9::bigint IS NULL OR id < $9) ORDER BY id DESC LIMIT $10")
                .execute(Tuple.from(pageArgs)).map(rs -> {
                    List<JsonNode> out = new ArrayList<>();
                    for (Row r : rs) {
                        out.add(json(r));
                    }
                    return out;
                });
        return Future.all(total, rows).map(x -> {
            List<JsonNode> items = rows.result();
            String next = null;
            if (items.size() > limit) {
                items = items.subList(0, limit);
                next = items.get(limit - 1).get("id").asText();
            }
            return new Page<>(List.copyOf(items), total.result(), next);
        });
    }

    @Override
    public Future<JsonNode> find(long tenantId, long id) {
        return pool.preparedQuery("SELECT id, at, request_id, actor_key_id, actor_name, agent, action, resource_type,"
                        + " resource_key, environment_key, before::text AS before, after::text AS after FROM audit_log"
                        + " WHERE tenant_id = $1 AND id = $2")
                .execute(Tuple.of(tenantId, id)).map(rs -> rs.size() == 0 ? null : json(rs.iterator().next()));
    }

    private static JsonNode json(Row r) {
        ObjectNode o = StoredJson.object();
        o.put("id", r.getLong("id"));
        o.put("at", r.getOffsetDateTime("at").toInstant().toString());
        o.put("requestId", r.getString("request_id"));
        ObjectNode actor = o.putObject("actor");
        actor.put("keyId", r.getUUID("actor_key_id") == null ? null : r.getUUID("actor_key_id").toString());
        actor.put("name", r.getString("actor_name"));
        actor.put("agent", r.getString("agent"));
        o.put("action", r.getString("action"));
        o.put("resourceType", r.getString("resource_type"));
        o.put("resource", r.getString("resource_key"));
        o.put("environment", r.getString("environment_key"));
        o.set("before", r.getString("before") == null ? StoredJson.NODES.nullNode() : StoredJson.parse(r.getString("before")));
        o.set("after", r.getString("after") == null ? StoredJson.NODES.nullNode() : StoredJson.parse(r.getString("after")));
        return o;
    }
}
