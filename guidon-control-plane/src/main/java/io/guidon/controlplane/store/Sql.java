package io.guidon.controlplane.store;

import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.db.TransientFailure;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Small helpers over vertx-sql-client. */
public final class Sql {

    private Sql() {
    }

    /**
     * Runs a statement. Through the pool (outside a transaction, so only reads here), a statement that met a
     * connection closed under it (PostgreSQL restarted, a proxy dropped it) is retried on another connection, up to
     * twice: the pool replaces dead connections as it learns of them.
     */
    public static Future<RowSet<Row>> query(SqlClient c, String sql, Object... args) {
        Future<RowSet<Row>> f = c.preparedQuery(sql).execute(Tuple.from(args));
        if (c instanceof io.vertx.sqlclient.Pool) {
            for (int i = 0; i < 2; i++) {
                f = f.recover(e -> connectionLost(e)
                        ? c.preparedQuery(sql).execute(Tuple.from(args)) : Future.failedFuture(e));
            }
        }
        return f;
    }

    /**
     * Whether a statement failed because its connection died or could not be made: closed under it, reset by the
     * peer, refused, or terminated by PostgreSQL (an administrator, a restart) — {@link TransientFailure.Kind#UNREACHABLE}.
     */
    public static boolean connectionLost(Throwable e) {
        return TransientFailure.classify(e) == TransientFailure.Kind.UNREACHABLE;
    }

    public static <T> Future<List<T>> list(SqlClient c, String sql, Function<Row, T> mapper, Object... args) {
        return query(c, sql, args).map(rs -> {
            List<T> out = new ArrayList<>(rs.size());
            for (Row r : rs) {
                out.add(mapper.apply(r));
            }
            return out;
        });
    }

    /** The first row mapped, or null. */
    public static <T> Future<T> one(SqlClient c, String sql, Function<Row, T> mapper, Object... args) {
        return query(c, sql, args).map(rs -> rs.size() == 0 ? null : mapper.apply(rs.iterator().next()));
    }

    /** A unique-key violation as a {@link DomainException.Kind#CONFLICT}; any other failure unchanged. */
    public static <T> Future<T> conflictOnDuplicate(Future<T> f, String detail) {
        return f.recover(e -> e instanceof PgException pg && "23505".equals(pg.getSqlState())
                ? Future.failedFuture(DomainException.conflict(detail)) : Future.failedFuture(e));
    }

    /** An ILIKE pattern that matches {@code text} anywhere, with the wildcards in it escaped. */
    public static String contains(String text) {
        if (text == null) {
            return null;
        }
        return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
