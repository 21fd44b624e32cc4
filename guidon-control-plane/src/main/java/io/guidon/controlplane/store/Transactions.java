package io.guidon.controlplane.store;

import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.db.DependencyUnavailable;
import io.guidon.controlplane.db.TransientFailure;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the control plane's writes: each in one transaction that is re-run, whole, when PostgreSQL rolled it back for
 * a reason a second try cures (docs/adr/0108-admin-write-lock-order-and-retries.md).
 *
 * <ul>
 *   <li>A lock conflict ({@link TransientFailure.Kind#CONFLICT}: serialization failure 40001, deadlock 40P01, lock
 *       timeout 55P03) is re-run up to {@link #MAX_ATTEMPTS} times in all, after a jittered backoff of about
 *       {@link #BASE_BACKOFF_MS} ms, doubling. When the last attempt fails too, the answer is a
 *       {@link DependencyUnavailable} that says how many attempts met which conflict.</li>
 *   <li>A foreign-key violation (23503) means a row the change refers to was deleted by a concurrent change between
 *       the lookup and the insert; the re-run's lookup then finds it gone and answers 404 (or 409) itself. Should it
 *       persist, the answer is a 409 that says so.</li>
 * </ul>
 *
 * <p>Only the transaction is re-run, so {@code work} must do nothing outside it that is not safe to repeat (the
 * audit entry is written inside it; publishing to Redis and updating caches happen after the commit, once). A lost
 * connection is never re-run here: the commit may have happened.
 */
public final class Transactions {

    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);

    /** Attempts in all (the first and four re-runs). */
    public static final int MAX_ATTEMPTS = 5;
    /** The first backoff's mean; each later one doubles, each is drawn from 50 % to 150 % of its mean. */
    public static final long BASE_BACKOFF_MS = 8;
    private static final String FOREIGN_KEY_VIOLATION = "23503";

    private Transactions() {
    }

    /** A transaction's work written as plain sequential code (on a virtual thread, awaiting each statement). */
    @FunctionalInterface
    public interface Work<T> {
        /** The result of the work; any exception rolls the transaction back. */
        T run(SqlConnection c);
    }

    /**
     * Runs {@code work} in a transaction of {@code pool}, top to bottom, and returns the result after the commit.
     * Re-run, whole, as described above (a lock conflict up to {@link #MAX_ATTEMPTS} times with a jittered backoff,
     * a vanished parent), so {@code work} must be safe to repeat until it commits. Must be called on a Vert.x
     * virtual thread ({@link Future#await}).
     *
     * @throws DependencyUnavailable when every attempt met a conflict
     * @throws DomainException CONFLICT when a parent row kept vanishing; any other failure of {@code work} as is
     */
    public static <T> T await(Pool pool, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return once(pool, work);
            } catch (RuntimeException e) {
                boolean conflict = TransientFailure.isConflict(e);
                boolean parentGone = !conflict && FOREIGN_KEY_VIOLATION.equals(TransientFailure.sqlState(e));
                if (!conflict && !parentGone) {
                    throw e;
                }
                if (attempt >= MAX_ATTEMPTS) {
                    throw conflict ? exhausted(e, attempt) : missingParent(e);
                }
                LOG.debug("transaction rolled back (SQLSTATE {}); re-running it, attempt {} of {}",
                        TransientFailure.sqlState(e), attempt + 1, MAX_ATTEMPTS);
                Future.await(delay(backoffMillis(attempt)));
            }
        }
    }

    /** One attempt: begin, work, commit; a failure rolls back (a rollback that fails too changes nothing). */
    private static <T> T once(Pool pool, Work<T> work) {
        SqlConnection c = Future.await(pool.getConnection());
        try {
            io.vertx.sqlclient.Transaction tx = Future.await(c.begin());
            T value;
            try {
                value = work.run(c);
            } catch (RuntimeException e) {
                try {
                    Future.await(tx.rollback());
                } catch (RuntimeException ignored) {
                    // The connection is closed below; PostgreSQL rolls back what it holds.
                }
                throw e;
            }
            Future.await(tx.commit());
            return value;
        } finally {
            c.close();
        }
    }

    /** The jittered backoff before attempt {@code failed + 1}, in milliseconds. */
    static long backoffMillis(int failed) {
        long mean = BASE_BACKOFF_MS << Math.min(failed - 1, 10);
        return mean / 2 + ThreadLocalRandom.current().nextLong(mean + 1);
    }

    private static Future<Void> delay(long millis) {
        Context context = Vertx.currentContext();
        if (context == null) {
            return Future.succeededFuture();
        }
        Promise<Void> p = Promise.promise();
        context.owner().setTimer(millis, id -> p.complete());
        return p.future();
    }

    private static DependencyUnavailable exhausted(Throwable e, int attempts) {
        String state = TransientFailure.sqlState(e);
        String what = e instanceof PgException pg && pg.getErrorMessage() != null ? pg.getErrorMessage()
                : String.valueOf(e.getMessage());
        return new DependencyUnavailable("the database", TransientFailure.Kind.CONFLICT,
                TransientFailure.Kind.CONFLICT.summary("the database") + " " + attempts + " times in a row ("
                        + (state == null ? "" : "SQLSTATE " + state + ": ") + what + "); nothing was changed", e);
    }

    private static DomainException missingParent(Throwable e) {
        String constraint = e instanceof PgException pg && pg.getConstraint() != null
                ? " (" + pg.getConstraint() + ")" : "";
        return DomainException.conflict("something this change refers to was deleted by a concurrent change"
                + constraint + "; nothing was changed: read the resources again and re-apply your change");
    }
}
