package io.guidon.controlplane.store;

import io.guidon.controlplane.domain.Conversion;
import io.guidon.controlplane.domain.ConversionTotal;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * Reads of the conversions {@code POST /v1/track} sent ({@code conversion_events}, written by event ingest): the raw
 * events newest first, and a flag's conversion totals per variant and event. SQL and row mapping only.
 */
public final class ConversionRepository {

    /**
     * Per variant: users first exposed in the range who saw only that variant (those who saw more than one are
     * counted under a null variant and no event), and per event those of them who sent it after their first exposure
     * and before the range's end, how many such events and the sum of their values. Grouped in the database.
     */
    private static final String TOTALS = "WITH exposed AS ("
            + " SELECT x.targeting_key, min(x.occurred_at) AS first_at, min(x.variant) AS variant,"
            + " count(DISTINCT x.variant) AS variants"
            + " FROM flag_exposures x WHERE x.tenant_id = $1 AND x.environment_id = $2 AND x.flag = $3"
            + " AND x.occurred_at >= $4 AND x.occurred_at < $5 GROUP BY x.targeting_key),"
            + " users AS (SELECT CASE WHEN variants = 1 THEN variant END AS variant, count(*) AS users"
            + " FROM exposed GROUP BY 1),"
            + " converted AS (SELECT u.variant, e.event, count(DISTINCT e.targeting_key) AS users, count(*) AS events,"
            + " sum(e.value) AS value_sum"
            + " FROM exposed u JOIN conversion_events e ON e.tenant_id = $1 AND e.environment_id = $2"
            + " AND e.targeting_key = u.targeting_key AND e.occurred_at >= u.first_at AND e.occurred_at < $5"
            + " WHERE u.variants = 1 GROUP BY u.variant, e.event)"
            + " SELECT u.variant, NULL::text AS event, u.users, 0::bigint AS events, NULL::float8 AS value_sum"
            + " FROM users u UNION ALL SELECT c.variant, c.event, c.users, c.events, c.value_sum FROM converted c";

    private final Pool pool;

    public ConversionRepository(Pool pool) {
        this.pool = pool;
    }

    /** Where a page of raw conversions starts: after the first {@code skip} rows of this sort key (or none). */
    public record After(OffsetDateTime occurredAt, UUID batchId, String targetingKey, String event, int skip) {
    }

    private static Conversion conversion(Row r) {
        return new Conversion(r.getOffsetDateTime("occurred_at"), r.getString("targeting_key"), r.getString("event"),
                r.getDouble("value"), r.getUUID("batch_id"));
    }

    /**
     * Up to {@code rows} conversions of the environment in {@code [from, to)} matching {@code event} and
     * {@code targetingKey} (each null: any), newest first (then by batch, targeting key, event and value, all
     * descending, so that the order is total but for identical rows), from {@code after} on (null: the first page),
     * its first {@code after.skip()} rows of the same sort key included: the caller drops them.
     */
    public Future<List<Conversion>> page(long tenantId, long environmentId, OffsetDateTime from, OffsetDateTime to,
            String event, String targetingKey, After after, int rows) {
        return Sql.list(pool, "SELECT occurred_at, targeting_key, event, value, batch_id FROM conversion_events"
                        + " WHERE tenant_id = $1 AND environment_id = $2 AND occurred_at >= $3 AND occurred_at < $4"
                        + " AND ($5::text IS NULL OR event = $5) AND ($6::text IS NULL OR targeting_key = $6)"
                        + " AND ($7::timestamptz IS NULL OR (occurred_at, batch_id, targeting_key, event)"
                        + " <= ($7, $8::uuid, $9::text, $10::text))"
                        + " ORDER BY occurred_at DESC, batch_id DESC, targeting_key DESC, event DESC,"
                        + " value DESC NULLS LAST LIMIT $11", ConversionRepository::conversion,
                tenantId, environmentId, from, to, event, targetingKey,
                after == null ? null : after.occurredAt(), after == null ? null : after.batchId(),
                after == null ? null : after.targetingKey(), after == null ? null : after.event(), rows);
    }

    /** The totals of {@code flag} in the environment for users first exposed in {@code [from, to)} (see TOTALS). */
    public Future<List<ConversionTotal>> totals(long tenantId, long environmentId, String flag, OffsetDateTime from,
            OffsetDateTime to) {
        return Sql.list(pool, TOTALS, r -> new ConversionTotal(r.getString("variant"), r.getString("event"),
                r.getLong("users"), r.getLong("events"), r.getDouble("value_sum")), tenantId, environmentId, flag,
                from, to);
    }
}
