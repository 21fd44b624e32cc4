package io.guidon.controlplane.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.EnvironmentDocument;
import io.guidon.controlplane.domain.FlagDefinition;
import io.guidon.controlplane.domain.Segment;
import io.guidon.controlplane.domain.StoredJson;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.util.List;

/**
 * An environment's flag document as a whole (its flags with their configurations, and its segments) and its
 * versions: every change of the document raises the environment's {@code version} and writes a {@code change_log}
 * entry naming what it touched, which is how sidecars fetch only what changed ({@code ?since=}).
 */
public final class DocumentRepository {

    private final int changeLogRetention;

    /** @param changeLogRetention how many versions of change log each environment keeps */
    public DocumentRepository(int changeLogRetention) {
        this.changeLogRetention = changeLogRetention;
    }

    /** The environment's whole document, read with {@code c} (inside a transaction, a consistent one). */
    public static Future<EnvironmentDocument> load(SqlClient c, long tenantId, long envId) {
        Future<List<Object[]>> flags = Sql.list(c, "SELECT " + FlagRepository.COLUMNS + ", c.config::text AS config"
                        + " FROM flags f JOIN flag_configs c ON c.flag_id = f.id"
                        + " WHERE c.environment_id = $1 AND c.tenant_id = $2 ORDER BY f.key COLLATE \"C\"",
                r -> new Object[] {FlagRepository.definition(r), StoredJson.parse(r.getString("config"))}, envId,
                tenantId);
        Future<List<Segment>> segments = Sql.list(c, "SELECT " + SegmentRepository.COLUMNS + " FROM segments"
                        + " WHERE environment_id = $1 AND tenant_id = $2 ORDER BY key COLLATE \"C\"",
                SegmentRepository::segment, envId, tenantId);
        return Future.all(flags, segments).map(x -> {
            EnvironmentDocument doc = new EnvironmentDocument();
            for (Object[] f : flags.result()) {
                FlagDefinition def = (FlagDefinition) f[0];
                doc.flags.put(def.key(), def);
                doc.configs.put(def.key(), (ObjectNode) f[1]);
            }
            for (Segment s : segments.result()) {
                doc.segments.put(s.key(), s);
            }
            return doc;
        });
    }

    /** An environment's document and the version it is at. */
    public record Versioned(long version, EnvironmentDocument document) {
    }

    /**
     * The environment's document as it is now, with its version: both read in one repeatable-read transaction, so
     * the document is exactly the one of that version. Null when the environment is gone.
     */
    public static Future<Versioned> loadCurrent(Pool pool, long tenantId, long envId) {
        return pool.withTransaction(c -> c.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .execute()
                .compose(x -> Sql.one(c, "SELECT version FROM environments WHERE id = $1 AND tenant_id = $2",
                        r -> r.getLong(0), envId, tenantId))
                .compose(version -> version == null ? Future.succeededFuture(null)
                        : load(c, tenantId, envId).map(doc -> new Versioned(version, doc))));
    }

    /**
     * Raises environment {@code envId}'s version and writes its change-log entry ({@code flagKeys} and
     * {@code segmentKeys}: what the change touched directly), trimming the log to the retention; the new version.
     */
    public Future<Long> bumpVersion(SqlClient c, long tenantId, long envId, List<String> flagKeys,
            List<String> segmentKeys) {
        return Sql.one(c, "UPDATE environments SET version = version + 1 WHERE id = $1 RETURNING version, log_floor",
                        r -> new long[] {r.getLong(0), r.getLong(1)}, envId)
                .compose(v -> {
                    long version = v[0];
                    long floor = version - changeLogRetention;
                    Future<?> log = Sql.query(c, "INSERT INTO change_log (environment_id, version, tenant_id, flags,"
                                    + " segments) VALUES ($1, $2, $3, $4, $5)", envId, version, tenantId,
                            flagKeys.toArray(new String[0]), segmentKeys.toArray(new String[0]));
                    if (floor > v[1]) {
                        log = log.compose(x -> Sql.query(c, "DELETE FROM change_log WHERE environment_id = $1"
                                        + " AND version <= $2", envId, floor))
                                .compose(x -> Sql.query(c, "UPDATE environments SET log_floor = $2 WHERE id = $1",
                                        envId, floor));
                    }
                    return log.map(version);
                });
    }
}
