package io.guidon.controlplane.db;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * The one place that decides whether a failure of PostgreSQL or Redis is one a later retry may cure (an outage, a
 * full pool, a lock conflict), and of which kind. It knows nothing of HTTP: the API maps a {@link Kind} to 503 with
 * {@code Retry-After}, the transaction runner re-runs a transaction on {@link Kind#CONFLICT}.
 *
 * <p>Classified by type (and SQLSTATE), walking the cause chain:
 * <ul>
 *   <li>{@link PgException} SQLSTATE class 40 (serialization failure 40001, deadlock 40P01, ...; not 40002, an
 *       integrity violation at commit) and 55P03 (lock not available): {@link Kind#CONFLICT};</li>
 *   <li>class 53 (insufficient resources: too many connections, out of memory or disk) and 57014 (statement
 *       timeout): {@link Kind#BUSY};</li>
 *   <li>class 08 (connection exception), 57P01-57P03 (server shut down, restarting, not accepting connections), and
 *       any {@code FATAL} or {@code PANIC} error (the server refused or ended the session, for instance a database
 *       with {@code ALLOW_CONNECTIONS false}): {@link Kind#UNREACHABLE};</li>
 *   <li>{@link ConnectException} (refused, connect timeout; Redis's connect failure is one too),
 *       {@link ClosedConnectionException}, {@link ClosedChannelException} and other {@link IOException}s but
 *       {@link SSLException} (a configuration problem a retry does not cure): {@link Kind#UNREACHABLE};</li>
 *   <li>{@link ConnectionPoolTooBusyException} (the pool's wait queue is full), {@link TimeoutException} (a
 *       {@code Future.timeout}, a command timeout), and the pool's acquisition timeout: {@link Kind#BUSY}. Vert.x
 *       5.0 signals the latter with a plain {@link VertxException} (no type of its own): it is recognised by that
 *       exact class and the two messages the SQL client's pool uses, pinned by {@code TransientFailureTest}
 *       against a real pool.</li>
 * </ul>
 */
public final class TransientFailure {

    /** What went wrong, with how long a client should wait before retrying. */
    public enum Kind {
        /** The change met a concurrent one (serialization failure, deadlock, lock timeout) and was rolled back. */
        CONFLICT(1, "the request conflicted with a concurrent change"),
        /** The dependency is up but overloaded: the pool is full or a statement ran out of time. */
        BUSY(1, "%s is busy"),
        /** The dependency cannot be reached or refuses connections. */
        UNREACHABLE(5, "%s cannot be reached");

        private final int retryAfterSeconds;
        private final String summary;

        Kind(int retryAfterSeconds, String summary) {
            this.retryAfterSeconds = retryAfterSeconds;
            this.summary = summary;
        }

        /** Seconds a client should wait before retrying (the {@code Retry-After} of the answer). */
        public int retryAfterSeconds() {
            return retryAfterSeconds;
        }

        /** A short sentence saying what happened to {@code dependency} ("the database", "Redis"). */
        public String summary(String dependency) {
            return summary.replace("%s", dependency);
        }
    }

    /** The start of the message of a statement given to a closed connection (Vert.x 5.0.7, SocketConnectionBase). */
    static final String CONNECTION_NOT_ACTIVE = "Connection is not active now";
    /** The messages of the SQL client pool's acquisition timeouts (Vert.x 5.0.7, SqlConnectionPool). */
    private static final String POOL_TIMEOUT = "Timeout";
    private static final String POOL_QUERY_TIMEOUT = "Timeout waiting for connection";
    /** Causes are followed this deep at most (a cycle of causes must not loop). */
    private static final int MAX_DEPTH = 8;

    private TransientFailure() {
    }

    /** Whether a retry may cure {@code e}. */
    public static boolean isTransient(Throwable e) {
        return classify(e) != null;
    }

    /** The kind of transient failure {@code e} is (or has as a cause), or null when a retry would not cure it. */
    public static Kind classify(Throwable e) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++) {
            Kind k = own(t);
            if (k != null) {
                return k;
            }
            if (t.getCause() == t) {
                break;
            }
            t = t.getCause();
        }
        return null;
    }

    /** Whether {@code e} is a lock conflict after which re-running the whole transaction is safe and may succeed. */
    public static boolean isConflict(Throwable e) {
        return classify(e) == Kind.CONFLICT;
    }

    /** The SQLSTATE of {@code e} or of its first cause that has one; null when none has. */
    public static String sqlState(Throwable e) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++) {
            if (t instanceof PgException pg && pg.getSqlState() != null) {
                return pg.getSqlState();
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return null;
    }

    /**
     * {@code e} as the domain error {@link DependencyUnavailable}, or null when it is not transient.
     *
     * @param dependency what failed, as a detail names it: "the database", "Redis"
     */
    public static DependencyUnavailable unavailable(String dependency, Throwable e) {
        if (e instanceof DependencyUnavailable u) {
            return u;
        }
        Kind kind = classify(e);
        if (kind == null) {
            return null;
        }
        String state = sqlState(e);
        return new DependencyUnavailable(dependency, kind, kind.summary(dependency) + " (" + (state != null
                ? "SQLSTATE " + state : rootOf(e).getClass().getSimpleName()) + ")", e);
    }

    /** The innermost cause of {@code e} that {@link #classify} would look at. */
    private static Throwable rootOf(Throwable e) {
        Throwable t = e;
        for (int depth = 0; depth < MAX_DEPTH && own(t) == null && t.getCause() != null && t.getCause() != t; depth++) {
            t = t.getCause();
        }
        return t;
    }

    private static Kind own(Throwable t) {
        if (t instanceof DependencyUnavailable u) {
            return u.kind();
        }
        if (t instanceof PgException pg) {
            return pg(pg);
        }
        if (t instanceof ConnectionPoolTooBusyException || t instanceof TimeoutException) {
            return Kind.BUSY;
        }
        if (t instanceof ClosedConnectionException || t instanceof ConnectException
                || (t instanceof IOException && !(t instanceof SSLException))) {
            return Kind.UNREACHABLE;
        }
        if ((t.getClass() == VertxException.class || t.getClass() == io.vertx.core.impl.NoStackTraceThrowable.class)
                && (POOL_TIMEOUT.equals(t.getMessage()) || POOL_QUERY_TIMEOUT.equals(t.getMessage()))) {
            return Kind.BUSY;
        }
        // A statement given to a connection the pool had not yet learnt was closed (a request on a virtual thread can
        // acquire it before the close is processed on the connection's event loop): Vert.x 5.0 (SocketConnectionBase)
        // fails it with a plain VertxException.
        if (t.getClass() == VertxException.class && t.getMessage() != null
                && t.getMessage().startsWith(CONNECTION_NOT_ACTIVE)) {
            return Kind.UNREACHABLE;
        }
        return null;
    }

    private static Kind pg(PgException pg) {
        String state = pg.getSqlState() == null ? "" : pg.getSqlState();
        if (state.startsWith("40") && !state.equals("40002") || state.equals("55P03")) {
            return Kind.CONFLICT;
        }
        if (state.startsWith("53") || state.equals("57014")) {
            return Kind.BUSY;
        }
        if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                || "FATAL".equals(pg.getSeverity()) || "PANIC".equals(pg.getSeverity())) {
            return Kind.UNREACHABLE;
        }
        return null;
    }
}
