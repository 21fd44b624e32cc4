package io.guidon.controlplane.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Cursor;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The repositories' one way of streaming a large result: a PostgreSQL cursor (a portal lives in a transaction, so
 * one is begun, and rolled back at the end: the reads change nothing) read {@code fetch} rows at a time, each chunk
 * handed to the caller before the next is fetched. Memory is one chunk whatever the number of rows, and a caller
 * that waits (a slow HTTP client) slows the reading. Must run on a Vert.x virtual thread (each step is awaited).
 */
final class CursorReads {

    private CursorReads() {
    }

    /**
     * Runs {@code setup} (settings of the transaction, {@code SET LOCAL ...}), then {@code sql} with {@code args},
     * mapping each row with {@code map} and passing chunks of at most {@code fetch} to {@code sink}; the rows read.
     */
    static <T> long stream(Pool pool, Function<SqlConnection, Future<?>> setup, String sql, Tuple args, int fetch,
            Function<Row, T> map, Consumer<List<T>> sink) {
        SqlConnection c = Future.await(pool.getConnection());
        try {
            Transaction tx = Future.await(c.begin());
            try {
                Future.await(setup.apply(c));
                PreparedStatement ps = Future.await(c.prepare(sql));
                Cursor cursor = ps.cursor(args);
                long read = 0;
                do {
                    List<T> chunk = new ArrayList<>(fetch);
                    for (Row r : Future.await(cursor.read(fetch))) {
                        chunk.add(map.apply(r));
                    }
                    if (!chunk.isEmpty()) {
                        sink.accept(chunk);
                        read += chunk.size();
                    }
                } while (cursor.hasMore());
                Future.await(cursor.close());
                return read;
            } finally {
                Future.await(tx.rollback().otherwiseEmpty());
            }
        } finally {
            c.close();
        }
    }
}
