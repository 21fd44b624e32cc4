package io.guidon.controlplane.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Cursor;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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

    /** Rows fetched per round trip while sampling. */
    static final int FETCH = 10_000;

    /**
     * The distinct targeting keys exposed to flag {@code flag} in environment {@code envId} at or after
     * {@code since}, most recently exposed first, at most {@code limit}. Reads the exposures newest first (backwards
     * along the index on environment, flag and time) through a cursor and stops as soon as it has {@code limit}
     * keys, or after the {@code scanLimit} newest rows, so its cost is bounded however busy the flag is; a sample cut
     * by either bound says so ({@link KeySample#capped}).
     */
    public Future<KeySample> recentTargetingKeys(long tenantId, long envId, String flag, OffsetDateTime since,
            int limit, int scanLimit) {
        String sql = "SELECT targeting_key FROM flag_exposures"
                + " WHERE environment_id = $1 AND flag = $2 AND occurred_at >= $3 AND tenant_id = $4"
                + " ORDER BY occurred_at DESC LIMIT $5";
        // A cursor lives in a transaction (PostgreSQL closes a portal at its end).
        return pool.withTransaction(c -> c.prepare(sql).compose(ps -> {
            Cursor cursor = ps.cursor(Tuple.of(envId, flag, since, tenantId, scanLimit));
            Set<String> keys = new LinkedHashSet<>();
            return read(cursor, keys, limit, scanLimit, new long[1])
                    .compose(capped -> cursor.close().map(new KeySample(
                            new ArrayList<>(keys).subList(0, Math.min(limit, keys.size())), capped)));
        }));
    }

    /** Reads on until {@code keys} has one more than {@code limit} or the rows end; whether the sample is cut. */
    private static Future<Boolean> read(Cursor cursor, Set<String> keys, int limit, int scanLimit, long[] scanned) {
        return cursor.read(FETCH).compose(rows -> {
            for (Row r : rows) {
                scanned[0]++;
                keys.add(r.getString(0));
                if (keys.size() > limit) {
                    return Future.succeededFuture(true);
                }
            }
            if (!cursor.hasMore()) {
                return Future.succeededFuture(scanned[0] >= scanLimit);
            }
            return read(cursor, keys, limit, scanLimit, scanned);
        });
    }
}
