package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import io.guidon.controlplane.TestDatabase;
import io.guidon.testing.Poll;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * A running control plane whose database goes away (its connections terminated, new ones refused) answers every read
 * and write with 503, {@code Retry-After} and problem+json, never 500; logs each such failure once with its cause;
 * is not ready; and serves again, reads and writes, once the database takes connections again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseOutageIT {

    Harness cp;
    String admin;
    String viewer;

    @BeforeAll
    void start() throws Exception {
        // No key cache: every request's authentication needs the database too.
        cp = Harness.start(Map.of("auth.cache-ttl", "0s"));
        admin = cp.bootstrap("acme");
        assertThat(cp.post("/api/v1/environments", admin, Map.of("key", "prod")).status()).isEqualTo(201);
        assertThat(cp.post("/api/v1/flags", admin, Map.of("key", "f", "variants", Map.of("on", true, "off", false)))
                .status()).isEqualTo(201);
        viewer = cp.createKey(admin, "v", "viewer", null).json().get("key").asText();
    }

    @AfterAll
    void stop() {
        allowConnections(true);
        cp.close();
    }

    private void allowConnections(boolean allow) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + TestDatabase.HOST + ":"
                + TestDatabase.PORT + "/postgres", TestDatabase.USER, TestDatabase.PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + cp.db.name() + " ALLOW_CONNECTIONS " + allow);
            if (!allow) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + cp.db.name()
                        + "'");
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertUnavailable(Resp r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(503);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(r.header("Retry-After")).as("Retry-After").isNotNull();
        assertThat(Integer.parseInt(r.header("Retry-After"))).isBetween(1, 60);
        JsonNode p = r.json();
        assertThat(p.get("status").asInt()).isEqualTo(503);
        assertThat(p.get("type").asText()).isEqualTo(ApiException.TYPE_BASE + "unavailable");
        assertThat(p.get("detail").asText()).contains("the database").contains("retry the request");
    }

    @Test
    void aBusyDatabaseIs503WithRetryAfterWhetherStatementsTimeOutOrThePoolIsFull() throws Exception {
        // A second replica with one connection, two waiting places and a short statement timeout, while a table every
        // flag read and write needs is locked by someone else.
        try (Harness busy = Harness.start(cp.db, cp.redisPrefix, Map.of("auth.cache-ttl", "1m",
                "database.pool-size", "1", "database.max-wait-queue", "2", "database.statement-timeout", "300ms",
                "database.connection-timeout", "2s"));
                Connection locker = cp.db.connect();
                Statement s = locker.createStatement()) {
            // The key is cached once a read succeeds (the replica's periodic tasks share its one connection at start:
            // on a loaded machine the first read may wait past the 300 ms statement timeout).
            Poll.until("a read through the one-connection replica",
                    () -> busy.get("/api/v1/flags", viewer).status() == 200);
            locker.setAutoCommit(false);
            s.execute("LOCK TABLE flags IN ACCESS EXCLUSIVE MODE");
            List<java.util.concurrent.CompletableFuture<Resp>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> busy.get("/api/v1/flags", viewer)));
            }
            answers.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> busy.post("/api/v1/flags", admin,
                    Map.of("key", "h", "variants", Map.of("a", 1, "b", 2)))));
            for (java.util.concurrent.CompletableFuture<Resp> a : answers) {
                Resp r = a.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertUnavailable(r);
                assertThat(r.header("Retry-After")).isEqualTo("1");
                assertThat(r.json().get("detail").asText()).startsWith("the database is busy");
            }
            locker.rollback();
            assertThat(busy.get("/api/v1/flags/h", viewer).status()).as("the refused write changed nothing")
                    .isEqualTo(404);
            assertThat(busy.get("/api/v1/flags", viewer).status()).isEqualTo(200);
        }
    }

    @Test
    void readsAndWritesAre503WithRetryAfterWhileTheDatabaseIsGoneAndServeAgainAfterwards() {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ApiRouter.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        log.addAppender(logged);
        List<String> ids = new ArrayList<>();
        try {
            allowConnections(false);
            for (String key : List.of(admin, viewer)) {
                String id = UUID.randomUUID().toString();
                ids.add(id);
                assertUnavailable(cp.get("/api/v1/flags", key, "X-Request-Id", id));
            }
            String id = UUID.randomUUID().toString();
            ids.add(id);
            assertUnavailable(cp.get("/api/v1/environments/prod/flags/f", admin, "X-Request-Id", id));
            id = UUID.randomUUID().toString();
            ids.add(id);
            assertUnavailable(cp.post("/api/v1/flags", admin, Map.of("key", "g", "variants", Map.of("a", 1, "b", 2)),
                    "X-Request-Id", id));
            id = UUID.randomUUID().toString();
            ids.add(id);
            assertUnavailable(cp.put("/api/v1/environments/prod/flags/f/enabled", admin, Map.of("enabled", true),
                    "X-Request-Id", id));
            id = UUID.randomUUID().toString();
            ids.add(id);
            assertUnavailable(cp.delete("/api/v1/flags/f", admin, "X-Request-Id", id));
            id = UUID.randomUUID().toString();
            ids.add(id);
            assertUnavailable(cp.post("/api/v1/keys", admin, Map.of("name", "s", "role", "sidecar",
                    "environment", "prod"), "X-Request-Id", id));
            Resp ready = cp.get("/readyz", null);
            assertThat(ready.status()).as(ready.toString()).isEqualTo(503);
            assertThat(ready.json().get("status").asText()).isEqualTo("NOT_READY");
        } finally {
            allowConnections(true);
            log.detachAppender(logged);
        }
        // Logged as warnings, rate-limited: the first of its kind with its cause, not one stack trace per request.
        List<ILoggingEvent> about = logged.list.stream()
                .filter(e -> ids.stream().anyMatch(id -> Arrays.toString(e.getArgumentArray()).contains(id)))
                .toList();
        assertThat(about).as("log events of the failed requests").isNotEmpty().hasSizeLessThan(ids.size())
                .allSatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.WARN));
        assertThat(about.get(0).getThrowableProxy()).as("the cause").isNotNull();

        Poll.until("reads are served again", () -> cp.get("/api/v1/flags/f", admin).status() == 200);
        Resp created = cp.post("/api/v1/flags", admin, Map.of("key", "g", "variants", Map.of("a", 1, "b", 2)));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Resp toggled = cp.put("/api/v1/environments/prod/flags/f/enabled", admin, Map.of("enabled", true));
        assertThat(toggled.status()).as(toggled.toString()).isEqualTo(200);
        Poll.until("ready again", () -> cp.get("/readyz", null).status() == 200);
        // Nothing refused during the outage was recorded: the audit log holds exactly the changes answered 2xx.
        JsonNode audit = cp.get("/api/v1/audit?limit=100", admin).json();
        for (JsonNode e : audit.get("items")) {
            assertThat(ids).doesNotContain(e.get("requestId").asText());
        }
        assertThat(cp.get("/api/v1/audit?action=flag.create&limit=100", admin).json().get("total").asInt())
                .isEqualTo(2);
    }
}
