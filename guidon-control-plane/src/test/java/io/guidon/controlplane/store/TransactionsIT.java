package io.guidon.controlplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.TestDatabase;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.db.DependencyUnavailable;
import io.guidon.controlplane.db.TransientFailure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link Transactions} against a real PostgreSQL raising the real errors: a transaction rolled back for a conflict
 * is re-run whole (its earlier attempts leave nothing), a bounded number of times, and then answered with an error
 * that names the conflict; a vanished parent ends as a 409; anything else is not re-run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransactionsIT {

    TestDatabase db;
    Vertx vertx;
    Pool pool;

    @BeforeAll
    void start() {
        db = TestDatabase.create();
        db.execute("CREATE TABLE parent (id int PRIMARY KEY); CREATE TABLE t (n int UNIQUE,"
                + " parent int REFERENCES parent (id))");
        vertx = Vertx.vertx();
        pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2))
                .connectingTo(new PgConnectOptions().setHost(TestDatabase.HOST).setPort(TestDatabase.PORT)
                        .setDatabase(db.name()).setUser(TestDatabase.USER).setPassword(TestDatabase.PASSWORD))
                .using(vertx).build();
    }

    @AfterAll
    void stop() {
        pool.close().await();
        vertx.close().await();
        db.close();
    }

    @BeforeEach
    void empty() {
        db.execute("TRUNCATE t, parent");
    }

    /** Work written with futures, run through {@link Transactions#await} on a virtual thread as the services do. */
    private <T> Future<T> run(Function<SqlConnection, Future<T>> work) {
        return awaiting(c -> Future.await(work.apply(c)));
    }

    private static Throwable failureOf(Future<?> f) throws Exception {
        try {
            f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("succeeded");
    }

    private static Future<?> raise(SqlConnection c, String sqlState) {
        return c.query("DO $$ BEGIN RAISE EXCEPTION 'injected' USING ERRCODE = '" + sqlState + "'; END $$")
                .execute();
    }

    private long rows() throws Exception {
        return pool.query("SELECT count(*) FROM t").execute().toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS).iterator().next().getLong(0);
    }

    @Test
    void aDeadlockedTransactionIsReRunWholeAndItsEarlierAttemptsLeaveNothing() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Integer result = run(c -> {
            int attempt = attempts.incrementAndGet();
            return c.query("INSERT INTO t (n) VALUES (1)").execute()
                    .compose(x -> attempt < 3 ? raise(c, "40P01") : Future.succeededFuture())
                    .map(x -> attempt);
        }).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(result).isEqualTo(3);
        assertThat(rows()).as("only the committed attempt's row").isEqualTo(1);
    }

    @Test
    void aConflictThatPersistsIsReRunABoundedNumberOfTimesThenNamed() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Throwable e = failureOf(run(c -> {
            attempts.incrementAndGet();
            return c.query("INSERT INTO t (n) VALUES (1)").execute().compose(x -> raise(c, "40001"));
        }));
        assertThat(attempts.get()).isEqualTo(Transactions.MAX_ATTEMPTS);
        assertThat(e).isInstanceOf(DependencyUnavailable.class);
        DependencyUnavailable u = (DependencyUnavailable) e;
        assertThat(u.kind()).isEqualTo(TransientFailure.Kind.CONFLICT);
        assertThat(u.retryAfterSeconds()).isEqualTo(1);
        assertThat(u.getMessage()).contains("SQLSTATE 40001").contains(Transactions.MAX_ATTEMPTS + " times")
                .contains("nothing was changed");
        assertThat(u.getCause()).isInstanceOf(PgException.class);
        assertThat(rows()).isZero();
    }

    @Test
    void aParentDeletedMeanwhileIsReRunAndEndsAsAConflictThatSaysSo() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Throwable e = failureOf(run(c -> {
            attempts.incrementAndGet();
            return c.query("INSERT INTO t (n, parent) VALUES (1, 42)").execute();
        }));
        assertThat(attempts.get()).isEqualTo(Transactions.MAX_ATTEMPTS);
        assertThat(e).isInstanceOf(DomainException.class);
        assertThat(((DomainException) e).kind()).isEqualTo(DomainException.Kind.CONFLICT);
        assertThat(e.getMessage()).contains("deleted by a concurrent change").contains("t_parent_fkey");
    }

    @Test
    void otherFailuresAreNotReRun() throws Exception {
        db.execute("INSERT INTO t (n) VALUES (1)");
        AtomicInteger attempts = new AtomicInteger();
        Throwable e = failureOf(run(c -> {
            attempts.incrementAndGet();
            return c.query("INSERT INTO t (n) VALUES (1)").execute();
        }));
        assertThat(attempts.get()).isEqualTo(1);
        assertThat(((PgException) e).getSqlState()).isEqualTo("23505");
    }

    /** {@link Transactions#await} on a virtual thread, as the admin API's services call it. */
    private <T> Future<T> awaiting(Transactions.Work<T> work) {
        Promise<T> p = Promise.promise();
        vertx.deployVerticle(new io.vertx.core.AbstractVerticle() {
            @Override
            public void start() {
                try {
                    p.complete(Transactions.await(pool, work));
                } catch (RuntimeException e) {
                    p.fail(e);
                }
            }
        }, new io.vertx.core.DeploymentOptions().setThreadingModel(io.vertx.core.ThreadingModel.VIRTUAL_THREAD))
                .onFailure(p::tryFail);
        return p.future();
    }

    @Test
    void sequentialWorkIsReRunWholeOnAConflictAndCommitsOnce() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Integer result = awaiting(c -> {
            int attempt = attempts.incrementAndGet();
            Future.await(c.query("INSERT INTO t (n) VALUES (" + attempt + ")").execute());
            if (attempt < 3) {
                Future.await(raise(c, "55P03"));
            }
            return attempt;
        }).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(result).isEqualTo(3);
        assertThat(rows()).as("only the committed attempt's row").isEqualTo(1);
    }

    @Test
    void sequentialWorkThatKeepsConflictingEndsNamedAndAnotherFailureIsNotReRun() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Throwable e = failureOf(awaiting(c -> {
            attempts.incrementAndGet();
            Future.await(c.query("INSERT INTO t (n) VALUES (1)").execute());
            return Future.await(raise(c, "40P01"));
        }));
        assertThat(attempts.get()).isEqualTo(Transactions.MAX_ATTEMPTS);
        assertThat(e).isInstanceOf(DependencyUnavailable.class);
        assertThat(e.getMessage()).contains("SQLSTATE 40P01");
        assertThat(rows()).isZero();

        AtomicInteger once = new AtomicInteger();
        Throwable refused = failureOf(awaiting(c -> {
            once.incrementAndGet();
            Future.await(c.query("INSERT INTO t (n) VALUES (7)").execute());
            throw io.guidon.controlplane.domain.DomainException.notFound("no such thing");
        }));
        assertThat(once.get()).isEqualTo(1);
        assertThat(refused).isInstanceOf(DomainException.class).hasMessage("no such thing");
        assertThat(rows()).as("rolled back").isZero();
    }

    @Test
    void theBackoffIsJitteredAroundADoublingMeanAndBounded() {
        for (int failed = 1; failed < Transactions.MAX_ATTEMPTS; failed++) {
            long mean = Transactions.BASE_BACKOFF_MS << (failed - 1);
            for (int i = 0; i < 200; i++) {
                assertThat(Transactions.backoffMillis(failed)).isBetween(mean / 2, mean / 2 + mean);
            }
        }
    }
}
