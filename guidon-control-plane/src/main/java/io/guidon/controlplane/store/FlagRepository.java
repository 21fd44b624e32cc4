package io.guidon.controlplane.store;

import io.guidon.controlplane.domain.Page;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.EnvironmentFlag;
import io.guidon.controlplane.domain.FlagDefinition;
import io.guidon.controlplane.domain.StoredJson;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code flags} table (definitions, the same in every environment) and {@code flag_configs} (a flag's
 * configuration in one environment): SQL and row mapping only. Lookups answer null for a missing row.
 */
public final class FlagRepository {

    static final String COLUMNS = "f.id, f.key, f.name, f.description, f.tags, f.variants::text AS variants,"
            + " f.metadata::text AS metadata, f.salt, f.revision, f.created_at, f.updated_at";
    private static final String FILTER = " WHERE f.tenant_id = $1 AND ($2::text IS NULL OR $2 = ANY (f.tags))"
            + " AND " + search("$3");
    private static final String ENV_FLAG_FILTER = " FROM flags f JOIN flag_configs c ON c.flag_id = f.id"
            + " WHERE f.tenant_id = $1 AND c.environment_id = $2 AND ($3::text IS NULL OR $3 = ANY (f.tags))"
            + " AND " + search("$4");

    private final Pool pool;

    /**
     * The condition that flag {@code f} matches the ILIKE pattern {@code param} (null: every flag) in its key, name,
     * description or any one of its tags (each tag on its own, so that a search never matches across two tags).
     */
    private static String search(String param) {
        return "(" + param + "::text IS NULL OR f.key ILIKE " + param + " OR f.name ILIKE " + param
                + " OR f.description ILIKE " + param + " OR EXISTS (SELECT 1 FROM unnest(f.tags) AS t (tag)"
                + " WHERE t.tag ILIKE " + param + "))";
    }

    public FlagRepository(Pool pool) {
        this.pool = pool;
    }

    static FlagDefinition definition(Row r) {
        String[] tags = r.getArrayOfStrings("tags");
        String metadata = r.getString("metadata");
        return new FlagDefinition(r.getLong("id"), r.getString("key"), r.getString("name"), r.getString("description"),
                tags == null ? List.of() : List.of(tags), StoredJson.parse(r.getString("variants")),
                metadata == null ? null : StoredJson.parse(metadata), r.getString("salt"), r.getInteger("revision"),
                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"));
    }

    private static Function<Row, EnvironmentFlag> environmentFlag(String envKey) {
        return r -> new EnvironmentFlag(envKey, definition(r), (ObjectNode) StoredJson.parse(r.getString("config")),
                r.getInteger("config_revision"));
    }

    /** The tenant's flag {@code key}, read outside any transaction; null if none. */
    public Future<FlagDefinition> find(long tenantId, String key) {
        return find(pool, tenantId, key);
    }

    /** The tenant's flag {@code key}; null if none. */
    public Future<FlagDefinition> find(SqlClient c, long tenantId, String key) {
        return Sql.one(c, "SELECT " + COLUMNS + " FROM flags f WHERE f.tenant_id = $1 AND f.key = $2",
                FlagRepository::definition, tenantId, key);
    }

    /** Whether the tenant has a flag {@code key}. */
    public Future<Boolean> exists(SqlClient c, long tenantId, String key) {
        return Sql.one(c, "SELECT 1 FROM flags WHERE tenant_id = $1 AND key = $2", r -> true, tenantId, key)
                .map(found -> found != null);
    }

    /** Every flag definition of the tenant. */
    public Future<List<FlagDefinition>> all(SqlClient c, long tenantId) {
        return Sql.list(c, "SELECT " + COLUMNS + " FROM flags f WHERE f.tenant_id = $1", FlagRepository::definition,
                tenantId);
    }

    /**
     * A page of the tenant's flags with tag {@code tag} and {@code q} in key, name, description or a tag (each
     * null: any; case-insensitive), by key.
     */
    public Future<Page<FlagDefinition>> page(long tenantId, String tag, String q, String after, int limit) {
        String pattern = Sql.contains(q);
        Future<Long> total = Sql.one(pool, "SELECT count(*) FROM flags f" + FILTER, r -> r.getLong(0),
                tenantId, tag, pattern);
        Future<List<FlagDefinition>> rows = Sql.list(pool, "SELECT " + COLUMNS + " FROM flags f" + FILTER
                        + " AND ($4::text IS NULL OR f.key COLLATE \"C\" > $4) ORDER BY f.key COLLATE \"C\" LIMIT $5",
                FlagRepository::definition, tenantId, tag, pattern, after, limit + 1);
        return Future.all(total, rows).map(x -> Page.of(rows.result(), total.result(), limit, FlagDefinition::key));
    }

    /**
     * The definition as PostgreSQL will store it: variants and metadata through {@code jsonb} (which orders an
     * object's keys its own way), so that the documents validated before the write are exactly those after it.
     */
    public Future<FlagDefinition> asStored(SqlClient c, FlagDefinition def) {
        return Sql.one(c, "SELECT $1::text::jsonb::text, $2::text::jsonb::text", r -> new FlagDefinition(def.id(),
                        def.key(), def.name(), def.description(), def.tags(), StoredJson.parse(r.getString(0)),
                        r.getString(1) == null ? null : StoredJson.parse(r.getString(1)), def.salt(), def.revision(),
                        def.createdAt(), def.updatedAt()),
                StoredJson.write(def.variants()), def.metadata() == null ? null : StoredJson.write(def.metadata()));
    }

    /** {@link #asStored(SqlClient, FlagDefinition)} outside any transaction. */
    public Future<FlagDefinition> asStored(FlagDefinition def) {
        return asStored(pool, def);
    }

    /** Inserts a definition; a duplicate key fails with {@code DomainException} CONFLICT. */
    public Future<FlagDefinition> insert(SqlClient c, long tenantId, FlagDefinition def) {
        return Sql.conflictOnDuplicate(Sql.one(c, "INSERT INTO flags (tenant_id, key, description, tags, variants,"
                        + " metadata, salt, name) VALUES ($1, $2, $3, $4, $5::text::jsonb, $6::text::jsonb, $7, $8)"
                        + " RETURNING " + COLUMNS.replace("f.", ""), FlagRepository::definition, tenantId, def.key(),
                def.description(), def.tags().toArray(new String[0]), StoredJson.write(def.variants()),
                def.metadata() == null ? null : StoredJson.write(def.metadata()), def.salt(), def.name()),
                "flag '" + def.key() + "' already exists");
    }

    /** Replaces the definition of flag {@code id} with {@code def}'s fields, raising the revision. */
    public Future<FlagDefinition> update(SqlClient c, long id, FlagDefinition def) {
        return Sql.one(c, "UPDATE flags SET description = $2, tags = $3, variants = $4::text::jsonb,"
                        + " metadata = $5::text::jsonb, salt = $6, name = $7, revision = revision + 1,"
                        + " updated_at = now() WHERE id = $1 RETURNING " + COLUMNS.replace("f.", ""),
                FlagRepository::definition, id, def.description(), def.tags().toArray(new String[0]),
                StoredJson.write(def.variants()), def.metadata() == null ? null : StoredJson.write(def.metadata()),
                def.salt(), def.name());
    }

    /** Deletes flag {@code id} and its configurations. */
    public Future<Void> delete(SqlClient c, long id) {
        return Sql.query(c, "DELETE FROM flags WHERE id = $1", id).mapEmpty();
    }

    /** The flag {@code key} in environment {@code envId} (named {@code envKey} in the result); null if none. */
    public Future<EnvironmentFlag> findIn(SqlClient c, long tenantId, long envId, String envKey, String key) {
        return Sql.one(c, "SELECT " + COLUMNS + ", c.config::text AS config, c.revision AS config_revision"
                        + " FROM flags f JOIN flag_configs c ON c.flag_id = f.id"
                        + " WHERE f.tenant_id = $1 AND c.environment_id = $2 AND f.key = $3",
                environmentFlag(envKey), tenantId, envId, key);
    }

    /** {@link #findIn(SqlClient, long, long, String, String)} outside any transaction. */
    public Future<EnvironmentFlag> findIn(long tenantId, long envId, String envKey, String key) {
        return findIn(pool, tenantId, envId, envKey, key);
    }

    /** A page of the flags of environment {@code envId}, filtered like {@link #page}. */
    public Future<Page<EnvironmentFlag>> pageIn(long tenantId, long envId, String envKey, String tag, String q,
            String after, int limit) {
        String pattern = Sql.contains(q);
        Future<Long> total = Sql.one(pool, "SELECT count(*)" + ENV_FLAG_FILTER, r -> r.getLong(0), tenantId,
                envId, tag, pattern);
        Future<List<EnvironmentFlag>> rows = Sql.list(pool, "SELECT " + COLUMNS + ", c.config::text AS config,"
                        + " c.revision AS config_revision" + ENV_FLAG_FILTER
                        + " AND ($5::text IS NULL OR f.key COLLATE \"C\" > $5) ORDER BY f.key COLLATE \"C\""
                        + " LIMIT $6", environmentFlag(envKey), tenantId, envId, tag, pattern, after, limit + 1);
        return Future.all(total, rows).map(x -> Page.of(rows.result(), total.result(), limit,
                ef -> ef.definition().key()));
    }

    /** Inserts flag {@code flagId}'s configuration in environment {@code envId}. */
    public Future<Void> insertConfig(SqlClient c, long tenantId, long envId, long flagId, ObjectNode config) {
        return Sql.query(c, "INSERT INTO flag_configs (environment_id, flag_id, tenant_id, config)"
                + " VALUES ($1, $2, $3, $4::text::json)", envId, flagId, tenantId, StoredJson.write(config)).mapEmpty();
    }

    /**
     * Replaces flag {@code def}'s configuration in environment {@code envKey} ({@code envId}), raising its revision;
     * answers it as stored and as a read returns it (numbers through jsonb), so the answer to a change is what a
     * GET returns.
     */
    public Future<EnvironmentFlag> updateConfig(SqlClient c, long envId, String envKey, FlagDefinition def,
            ObjectNode config) {
        return Sql.one(c, "UPDATE flag_configs SET config = $3::text::json, revision = revision + 1,"
                        + " updated_at = now() WHERE environment_id = $1 AND flag_id = $2 RETURNING revision,"
                        + " config::text", r -> new EnvironmentFlag(envKey, def,
                        (ObjectNode) StoredJson.parse(r.getString(1)), r.getInteger(0)),
                envId, def.id(), StoredJson.write(config));
    }
}
