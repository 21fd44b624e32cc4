package io.guidon.controlplane.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads of the raw exposures ({@code flag_exposures}, written by event ingest): who saw a flag recently. SQL and row
 * mapping only.
 */
public final class ExposureRepository {

    private final Pool pool;

    public ExposureRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Distinct targeting keys, most recently exposed first.
     *
     * @param keys at most the {@code limit} asked for
     * @param capped whether there may be more: {@code limit} keys were found, or the {@code scanLimit} newest
     *        exposures were all read without reaching the start of the window
     */
    public record KeySample(List<String> keys, boolean capped) {

        public KeySample {
            keys = List.copyOf(keys);
        }
    }

    /**
     * The distinct targeting keys exposed to flag {@code flag} in environment {@code envId} at or after
     * {@code since}, most recently exposed first, at most {@code limit}. Reads at most the {@code scanLimit} newest
     * exposures (backwards along the index on environment, flag and time), so its cost is bounded however busy the
     * flag is; a sample cut by either bound says so ({@link KeySample#capped}).
     */
    public Future<KeySample> recentTargetingKeys(long tenantId, long envId, String flag, OffsetDateTime since,
            int limit, int scanLimit) {
        String sql = "WITH recent AS (SELECT targeting_key, occurred_at FROM flag_exposures"
                + " WHERE environment_id = $1 AND flag = $2 AND occurred_at >= $3 AND tenant_id = $4"
                + " ORDER BY occurred_at DESC LIMIT $5)"
                + " SELECT targeting_key, (SELECT count(*) FROM recent) AS scanned FROM recent"
                + " GROUP BY targeting_key ORDER BY max(occurred_at) DESC, targeting_key COLLATE \"C\" LIMIT $6";
        return Sql.query(pool, sql, envId, flag, since, tenantId, scanLimit, limit + 1).map(rows -> {
            List<String> keys = new ArrayList<>(Math.min(rows.size(), limit));
            long scanned = 0;
            for (Row r : rows) {
                scanned = r.getLong("scanned");
                if (keys.size() < limit) {
                    keys.add(r.getString("targeting_key"));
                }
            }
            return new KeySample(keys, rows.size() > limit || scanned >= scanLimit);
        });
    }
}
