package io.guidon.controlplane.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link TransientFailure} over the exceptions Vert.x 5 really produces: a pool whose server refuses connections, a
 * pool whose server accepts and never answers (acquisition timeout, wait queue full), a Redis client with nothing
 * at its address, and PostgreSQL errors by SQLSTATE and severity. No database is needed: the servers are local
 * sockets.
 */
class TransientFailureTest {

    private static Vertx vertx;
    private static ServerSocket silent;

    @BeforeAll
    static void start() throws IOException {
        vertx = Vertx.vertx();
        // Accepts connections (the kernel completes the handshake) and never answers a byte.
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterAll
    static void stop() throws IOException {
        silent.close();
        vertx.close().await();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Pool pool(int port, int maxSize, int waitQueue) {
        return PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(maxSize).setMaxWaitQueueSize(waitQueue)
                        .setConnectionTimeout(300).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
                .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(port).setDatabase("x")
                        .setUser("x").setPassword("x"))
                .using(vertx).build();
    }

    private static Throwable failureOf(Future<?> f) {
        try {
            f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("the future did not fail in time", e);
        }
        throw new AssertionError("the future succeeded");
    }

    @Test
    void aDatabaseThatRefusesConnectionsIsUnreachableForQueriesAndTransactions() throws IOException {
        Pool pool = pool(closedPort(), 2, 10);
        try {
            Throwable query = failureOf(pool.query("SELECT 1").execute());
            Throwable tx = failureOf(pool.withTransaction(c -> c.query("SELECT 1").execute()));
            assertThat(query).isInstanceOf(java.net.ConnectException.class);
            assertThat(TransientFailure.classify(query)).isEqualTo(TransientFailure.Kind.UNREACHABLE);
            assertThat(TransientFailure.classify(tx)).isEqualTo(TransientFailure.Kind.UNREACHABLE);
            assertThat(TransientFailure.unavailable("the database", query).retryAfterSeconds()).isEqualTo(5);
        } finally {
            pool.close();
        }
    }

    @Test
    void aPoolThatCannotGetAConnectionInTimeIsBusyWhateverTheWayItIsAsked() {
        Pool pool = pool(silent.getLocalPort(), 1, 100);
        try {
            Throwable query = failureOf(pool.query("SELECT 1").execute());
            Throwable acquire = failureOf(pool.getConnection());
            Throwable tx = failureOf(pool.withTransaction(c -> c.query("SELECT 1").execute()));
            for (Throwable t : List.of(query, acquire, tx)) {
                assertThat(TransientFailure.classify(t)).as(t.getClass() + ": " + t.getMessage())
                        .isEqualTo(TransientFailure.Kind.BUSY);
                assertThat(TransientFailure.unavailable("the database", t).getMessage())
                        .startsWith("the database is busy");
            }
        } finally {
            pool.close();
        }
    }

    @Test
    void aPoolWhoseWaitQueueIsFullIsBusy() {
        Pool pool = pool(silent.getLocalPort(), 1, 0);
        try {
            List<Future<?>> queries = new ArrayList<>();
            io.vertx.core.Context context = vertx.getOrCreateContext();
            Promise<Void> issued = Promise.promise();
            context.runOnContext(x -> {
                for (int i = 0; i < 4; i++) {
                    queries.add(pool.query("SELECT 1").execute());
                }
                issued.complete();
            });
            issued.future().await();
            List<Throwable> failures = new ArrayList<>();
            for (Future<?> q : queries) {
                failures.add(failureOf(q));
            }
            assertThat(failures).anySatisfy(t -> assertThat(t)
                    .isInstanceOf(io.vertx.core.http.ConnectionPoolTooBusyException.class));
            assertThat(failures).allSatisfy(t -> assertThat(TransientFailure.classify(t))
                    .isEqualTo(TransientFailure.Kind.BUSY));
        } finally {
            pool.close();
        }
    }

    @Test
    void redisWithNothingAtItsAddressIsUnreachable() throws IOException {
        Redis redis = Redis.createClient(vertx, "redis://127.0.0.1:" + closedPort());
        try {
            Throwable t = failureOf(redis.send(Request.cmd(Command.PING)));
            assertThat(t).isInstanceOf(java.net.ConnectException.class);
            assertThat(TransientFailure.classify(t)).isEqualTo(TransientFailure.Kind.UNREACHABLE);
            assertThat(TransientFailure.unavailable("Redis", t).getMessage()).startsWith("Redis cannot be reached");
        } finally {
            redis.close();
        }
    }

    @Test
    void aFutureThatTimesOutIsBusy() {
        Throwable t = failureOf(Promise.promise().future().timeout(10, TimeUnit.MILLISECONDS));
        assertThat(TransientFailure.classify(t)).isEqualTo(TransientFailure.Kind.BUSY);
    }

    @Test
    void aConnectionClosedUnderAStatementIsUnreachable() {
        assertThat(TransientFailure.classify(ClosedConnectionException.INSTANCE))
                .isEqualTo(TransientFailure.Kind.UNREACHABLE);
        assertThat(TransientFailure.classify(new java.nio.channels.ClosedChannelException()))
                .isEqualTo(TransientFailure.Kind.UNREACHABLE);
    }

    @Test
    void aStatementGivenToAConnectionAlreadyClosedIsUnreachableButOtherVertxErrorsAreNot() {
        // What the SQL client's SocketConnectionBase fails a statement with when its connection is closed (seen when
        // the statement is sent from a virtual thread right after PostgreSQL terminated the connection).
        assertThat(TransientFailure.classify(new io.vertx.core.VertxException(
                "Connection is not active now, current status: CLOSED"))).isEqualTo(TransientFailure.Kind.UNREACHABLE);
        assertThat(TransientFailure.classify(new io.vertx.core.VertxException("something else"))).isNull();
    }

    private static PgException pg(String severity, String state) {
        return new PgException("message", severity, state, "detail");
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "ERROR, 40001, CONFLICT",
            "ERROR, 40P01, CONFLICT",
            "ERROR, 55P03, CONFLICT",
            "ERROR, 53300, BUSY",
            "ERROR, 53100, BUSY",
            "ERROR, 57014, BUSY",
            "FATAL, 57P01, UNREACHABLE",
            "FATAL, 57P02, UNREACHABLE",
            "FATAL, 57P03, UNREACHABLE",
            "ERROR, 08006, UNREACHABLE",
            "FATAL, 55000, UNREACHABLE",
            "FATAL, 28P01, UNREACHABLE",
            "PANIC, XX000, UNREACHABLE",
            "ERROR, 40002, NONE",
            "ERROR, 23505, NONE",
            "ERROR, 23503, NONE",
            "ERROR, 42P01, NONE",
            "ERROR, 22P02, NONE",
            "ERROR, 55000, NONE",
            "ERROR, P0001, NONE"})
    void postgresqlErrorsAreClassifiedBySqlstateAndSeverity(String severity, String state, String kind) {
        TransientFailure.Kind expected = kind.equals("NONE") ? null : TransientFailure.Kind.valueOf(kind);
        assertThat(TransientFailure.classify(pg(severity, state))).isEqualTo(expected);
        assertThat(TransientFailure.isTransient(pg(severity, state))).isEqualTo(expected != null);
    }

    @Test
    void aCauseDeepInTheChainCountsAndTheSqlstateIsNamed() {
        Throwable wrapped = new CompletionException(new RuntimeException(pg("ERROR", "40P01")));
        assertThat(TransientFailure.classify(wrapped)).isEqualTo(TransientFailure.Kind.CONFLICT);
        assertThat(TransientFailure.sqlState(wrapped)).isEqualTo("40P01");
        assertThat(TransientFailure.unavailable("the database", wrapped).getMessage())
                .isEqualTo("the request conflicted with a concurrent change (SQLSTATE 40P01)");
    }

    @Test
    void failuresARetryDoesNotCureAreNotTransientWhateverTheirName() {
        class TimeoutLookingBug extends RuntimeException {
        }
        assertThat(TransientFailure.classify(new TimeoutLookingBug())).isNull();
        assertThat(TransientFailure.classify(new IllegalStateException("Timeout"))).isNull();
        assertThat(TransientFailure.classify(new VertxException("Timeout while closing"))).isNull();
        assertThat(TransientFailure.classify(new SSLHandshakeException("bad certificate"))).isNull();
        assertThat(TransientFailure.classify(new NullPointerException())).isNull();
        assertThat(TransientFailure.unavailable("the database", new NullPointerException())).isNull();
        Throwable selfCaused = new RuntimeException() {
            @Override
            public synchronized Throwable getCause() {
                return this;
            }
        };
        assertThat(TransientFailure.classify(selfCaused)).isNull();
    }
}
