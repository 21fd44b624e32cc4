package io.guidon.controlplane.store;

import io.guidon.controlplane.domain.ExportedEvent;
import io.guidon.controlplane.domain.ExportedEvent.Kind;
import io.guidon.controlplane.domain.ExportedEvent.Position;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Reads of the raw event tables for the export API, in keyset order: an environment's events by time, batch id and
 * position in the batch ({@code ordinal}), along the {@code *_export} indexes of
 * {@code V16__event_outbox_and_export.sql}, so that a page costs the same wherever it starts and nothing is
 * sorted. Rows are streamed through a PostgreSQL cursor a fetch at a time: memory is one fetch whatever the range.
 * The methods await each statement: they must run on a Vert.x virtual thread.
 */
public final class EventExportRepository {

    /** How long an export waits for its client to take a chunk before PostgreSQL ends its transaction. */
    static final String CLIENT_PATIENCE = "5min";

    private final Pool pool;

    public EventExportRepository(Pool pool) {
        this.pool = pool;
    }

    private record Table(String name, String time, String columns) {
    }

    private static Table table(Kind kind) {
        return switch (kind) {
            case EXPOSURES -> new Table("flag_exposures", "occurred_at", "flag, variant, targeting_key");
            case CONVERSIONS -> new Table("conversion_events", "occurred_at", "targeting_key, event, value");
            case COUNTS -> new Table("flag_evaluation_counts", "minute", "flag, variant, count");
        };
    }

    private static String key(Table t) {
        return "(" + t.time() + ", batch_id, ordinal)";
    }

    /**
     * Where the page that starts at {@code start} ends when it holds {@code limit} rows before {@code to}: the
     * position of the first row after it, or null when the rest fits (the last page). Reads {@code limit} index
     * entries.
     */
    public Position pageEnd(Kind kind, long tenantId, long environmentId, Position start, Instant to, int limit) {
        Table t = table(kind);
        String sql = "SELECT " + t.time() + ", batch_id, ordinal FROM " + t.name()
                + " WHERE environment_id = $1 AND tenant_id = $2 AND " + key(t) + " >= ($3, $4::uuid, $5)"
                + " AND " + t.time() + " < $6 ORDER BY " + t.time() + ", batch_id, ordinal OFFSET $7 LIMIT 1";
        return Future.await(Sql.one(pool, sql, r -> new Position(r.getOffsetDateTime(0).toInstant(), r.getUUID(1),
                r.getInteger(2)), environmentId, tenantId, utc(start.time()), start.batchId(), start.index(), utc(to),
                limit));
    }

    /**
     * Streams the rows from {@code start} (included) to {@code end} (excluded; null: up to {@code to}) and before
     * {@code to}, in order, {@code fetch} rows per chunk, to {@code sink}; the rows written.
     */
    public long stream(Kind kind, long tenantId, long environmentId, Position start, Position end, Instant to,
            int fetch, ExportedEvent.Sink sink) {
        Table t = table(kind);
        Position stop = end == null ? Position.at(to) : end;
        String sql = "SELECT " + t.time() + ", batch_id, ordinal, " + t.columns() + " FROM " + t.name()
                + " WHERE environment_id = $1 AND tenant_id = $2 AND " + key(t) + " >= ($3, $4::uuid, $5)"
                + " AND " + key(t) + " < ($6, $7::uuid, $8) ORDER BY " + t.time() + ", batch_id, ordinal";
        return CursorReads.stream(pool, c -> c.query("SET TRANSACTION READ ONLY").execute()
                        // Between fetches the transaction waits for the client to take the last chunk
                        // (backpressure): a slow reader may take longer than the server's usual allowance; one that
                        // stalls for minutes is cut off.
                        .compose(x -> c.query("SET LOCAL idle_in_transaction_session_timeout = '" + CLIENT_PATIENCE
                                + "'").execute()),
                sql, Tuple.of(environmentId, tenantId, utc(start.time()), start.batchId(), start.index(),
                        utc(stop.time()), stop.batchId(), stop.index()), fetch, r -> row(kind, r), sink::accept);
    }

    private static ExportedEvent row(Kind kind, Row r) {
        Instant time = r.getOffsetDateTime(0).toInstant();
        return switch (kind) {
            case EXPOSURES -> new ExportedEvent(time, r.getUUID(1), r.getInteger(2), r.getString(3), r.getString(4),
                    r.getString(5), null, null, 0);
            case CONVERSIONS -> new ExportedEvent(time, r.getUUID(1), r.getInteger(2), null, null, r.getString(3),
                    r.getString(4), r.getDouble(5), 0);
            case COUNTS -> new ExportedEvent(time, r.getUUID(1), r.getInteger(2), r.getString(3), r.getString(4), null,
                    null, null, r.getLong(5));
        };
    }

    private static OffsetDateTime utc(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }
}
