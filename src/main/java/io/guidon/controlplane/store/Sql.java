package io.guidon.controlplane.store;

import io.guidon.controlplane.api.ApiException;
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

    public static Future<RowSet<Row>> query(SqlClient c, String sql, Object... args) {
        return c.preparedQuery(sql).execute(Tuple.from(args));
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

    /** A unique-key violation as a 409; any other failure unchanged. */
    public static <T> Future<T> conflictOnDuplicate(Future<T> f, String detail) {
        return f.recover(e -> e instanceof PgException pg && "23505".equals(pg.getSqlState())
                ? Future.failedFuture(ApiException.conflict(detail)) : Future.failedFuture(e));
    }

    /** An ILIKE pattern that matches {@code text} anywhere, with the wildcards in it escaped. */
    public static String contains(String text) {
        if (text == null) {
            return null;
        }
        return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
