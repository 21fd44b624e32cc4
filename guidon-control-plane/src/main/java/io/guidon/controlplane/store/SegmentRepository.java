package io.guidon.controlplane.store;

import io.guidon.controlplane.domain.Page;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.Segment;
import io.guidon.controlplane.domain.StoredJson;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.util.List;

/** The {@code segments} table (segments belong to one environment): SQL and row mapping only; null for no row. */
public final class SegmentRepository {

    static final String COLUMNS = "id, key, description, definition::text AS definition, revision, created_at,"
            + " updated_at";

    private final Pool pool;

    public SegmentRepository(Pool pool) {
        this.pool = pool;
    }

    static Segment segment(Row r) {
        return new Segment(r.getLong("id"), r.getString("key"), r.getString("description"),
                (ObjectNode) StoredJson.parse(r.getString("definition")), r.getInteger("revision"),
                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"));
    }

    /** Segment {@code key} of environment {@code envId}, outside any transaction; null if none. */
    public Future<Segment> find(long tenantId, long envId, String key) {
        return find(pool, tenantId, envId, key);
    }

    /** Segment {@code key} of environment {@code envId}; null if none. */
    public Future<Segment> find(SqlClient c, long tenantId, long envId, String key) {
        return Sql.one(c, "SELECT " + COLUMNS + " FROM segments WHERE tenant_id = $1 AND environment_id = $2"
                + " AND key = $3", SegmentRepository::segment, tenantId, envId, key);
    }

    /** A page of environment {@code envId}'s segments with {@code q} in key or description (null: any), by key. */
    public Future<Page<Segment>> page(long tenantId, long envId, String q, String after, int limit) {
        String filter = " FROM segments WHERE tenant_id = $1 AND environment_id = $2"
                + " AND ($3::text IS NULL OR key ILIKE $3 OR description ILIKE $3)";
        String pattern = Sql.contains(q);
        Future<Long> total = Sql.one(pool, "SELECT count(*)" + filter, r -> r.getLong(0), tenantId, envId, pattern);
        Future<List<Segment>> rows = Sql.list(pool, "SELECT " + COLUMNS + filter
                        + " AND ($4::text IS NULL OR key COLLATE \"C\" > $4) ORDER BY key COLLATE \"C\" LIMIT $5",
                SegmentRepository::segment, tenantId, envId, pattern, after, limit + 1);
        return Future.all(total, rows).map(x -> Page.of(rows.result(), total.result(), limit, Segment::key));
    }

    /** Inserts a segment. */
    public Future<Segment> insert(SqlClient c, long tenantId, long envId, String key, String description,
            ObjectNode definition) {
        return Sql.one(c, "INSERT INTO segments (tenant_id, environment_id, key, description, definition)"
                        + " VALUES ($1, $2, $3, $4, $5::text::jsonb) RETURNING " + COLUMNS, SegmentRepository::segment,
                tenantId, envId, key, description, StoredJson.write(definition));
    }

    /** Replaces segment {@code id}'s description and definition, raising its revision. */
    public Future<Segment> update(SqlClient c, long id, String description, ObjectNode definition) {
        return Sql.one(c, "UPDATE segments SET description = $2, definition = $3::text::jsonb,"
                        + " revision = revision + 1, updated_at = now() WHERE id = $1 RETURNING " + COLUMNS,
                SegmentRepository::segment, id, description, StoredJson.write(definition));
    }

    /** Deletes segment {@code id}. */
    public Future<Void> delete(SqlClient c, long id) {
        return Sql.query(c, "DELETE FROM segments WHERE id = $1", id).mapEmpty();
    }
}
