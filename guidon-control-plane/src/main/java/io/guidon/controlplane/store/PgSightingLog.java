package io.guidon.controlplane.store;

import io.guidon.controlplane.domain.SidecarSighting;
import io.guidon.controlplane.domain.Sighting;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/** The {@code sidecar_sightings} table: SQL and row mapping only. */
public final class PgSightingLog implements SightingLog {

    /** Rows per statement: a large fleet is written in a few bounded statements, not one huge one. */
    static final int ROWS_PER_STATEMENT = 1000;

    /** The columns a newer sighting replaces; {@code first_seen} keeps the earlier, {@code last_seen} the later. */
    private static final List<String> REPLACED = List.of("tenant_id", "key_id", "key_name", "user_agent", "version",
            "address");

    private static final String UPSERT;

    static {
        StringBuilder set = new StringBuilder();
        for (String column : REPLACED) {
            set.append(column).append(" = CASE WHEN EXCLUDED.last_seen >= s.last_seen THEN EXCLUDED.").append(column)
                    .append(" ELSE s.").append(column).append(" END, ");
        }
        // Rows locked in key order, so that two replicas writing overlapping instances never deadlock; sightings of an
        // environment deleted meanwhile are left out by the join (no foreign key: see V3__ui_backend.sql).
        UPSERT = "INSERT INTO sidecar_sightings AS s (tenant_id, environment_id, instance, key_id, key_name,"
                + " user_agent, version, address, first_seen, last_seen)"
                + " SELECT u.tenant_id, u.environment_id, u.instance, u.key_id, u.key_name, u.user_agent, u.version,"
                + " u.address, u.first_seen, u.last_seen FROM unnest($1::bigint[], $2::bigint[], $3::text[],"
                + " $4::uuid[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::timestamptz[],"
                + " $10::timestamptz[]) AS u (tenant_id, environment_id, instance, key_id, key_name, user_agent,"
                + " version, address, first_seen, last_seen)"
                + " JOIN environments e ON e.id = u.environment_id AND e.tenant_id = u.tenant_id"
                // The environment's row is share-locked (what a foreign key would take): a deletion in progress is
                // waited for and its environment then left out, and a deletion waits for this write and then
                // removes what it wrote, so a deleted environment never keeps a sighting.
                + " ORDER BY u.environment_id, u.instance FOR KEY SHARE OF e"
                + " ON CONFLICT (environment_id, instance) DO UPDATE SET " + set
                + "first_seen = LEAST(s.first_seen, EXCLUDED.first_seen),"
                + " last_seen = GREATEST(s.last_seen, EXCLUDED.last_seen)";
    }

    private static final String FILTER = " FROM sidecar_sightings s JOIN environments e ON e.id = s.environment_id"
            + " WHERE s.tenant_id = $1 AND ($2::bigint IS NULL OR s.environment_id = $2)";

    private final Pool pool;

    public PgSightingLog(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Future<Void> write(List<Sighting> sightings) {
        List<Sighting> sorted = new ArrayList<>(sightings);
        sorted.sort(Comparator.comparingLong(Sighting::environmentId).thenComparing(Sighting::instance));
        Future<Void> done = Future.succeededFuture();
        for (int from = 0; from < sorted.size(); from += ROWS_PER_STATEMENT) {
            List<Sighting> chunk = sorted.subList(from, Math.min(sorted.size(), from + ROWS_PER_STATEMENT));
            done = done.compose(x -> writeChunk(chunk));
        }
        return done;
    }

    private Future<Void> writeChunk(List<Sighting> chunk) {
        int n = chunk.size();
        Long[] tenants = new Long[n];
        Long[] environments = new Long[n];
        String[] instances = new String[n];
        UUID[] keyIds = new UUID[n];
        String[] keyNames = new String[n];
        String[] agents = new String[n];
        Long[] versions = new Long[n];
        String[] addresses = new String[n];
        OffsetDateTime[] first = new OffsetDateTime[n];
        OffsetDateTime[] last = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            Sighting s = chunk.get(i);
            tenants[i] = s.tenantId();
            environments[i] = s.environmentId();
            instances[i] = s.instance();
            keyIds[i] = s.keyId();
            keyNames[i] = s.keyName();
            agents[i] = s.userAgent();
            versions[i] = s.version();
            addresses[i] = s.address();
            first[i] = s.firstSeen().atOffset(ZoneOffset.UTC);
            last[i] = s.lastSeen().atOffset(ZoneOffset.UTC);
        }
        return Sql.query(pool, UPSERT, tenants, environments, instances, keyIds, keyNames, agents, versions,
                addresses, first, last).mapEmpty();
    }

    @Override
    public Future<Long> prune(Instant cutoff) {
        return Sql.query(pool, "DELETE FROM sidecar_sightings WHERE last_seen < $1", cutoff.atOffset(ZoneOffset.UTC))
                .map(rs -> (long) rs.rowCount());
    }

    private static SidecarSighting sighting(Row r) {
        return new SidecarSighting(r.getString("environment"), r.getString("instance"), r.getUUID("key_id"),
                r.getString("key_name"), r.getString("user_agent"), r.getLong("version"),
                r.getLong("environment_version"), r.getString("address"), r.getOffsetDateTime("first_seen"),
                r.getOffsetDateTime("last_seen"));
    }

    @Override
    public Future<List<SidecarSighting>> list(long tenantId, Long environmentId, int limit) {
        return Sql.list(pool, "SELECT e.key AS environment, s.instance, s.key_id, s.key_name, s.user_agent,"
                        + " s.version, e.version AS environment_version, s.address, s.first_seen, s.last_seen" + FILTER
                        + " ORDER BY s.last_seen DESC, e.key COLLATE \"C\", s.instance COLLATE \"C\" LIMIT $3",
                PgSightingLog::sighting, tenantId, environmentId, limit);
    }

    @Override
    public Future<Long> count(long tenantId, Long environmentId) {
        return Sql.one(pool, "SELECT count(*)" + FILTER, r -> r.getLong(0), tenantId, environmentId);
    }
}
