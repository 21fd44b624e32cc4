package io.guidon.controlplane;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A PostgreSQL database of its own for one test class ({@code guidon_it_<random>}), dropped afterwards, so that
 * test runs never see each other. Server and credentials: GUIDON_TEST_PG_HOST/PORT/USER/PASSWORD, else
 * 127.0.0.1:5432 as postgres/postgres.
 */
public final class TestDatabase implements AutoCloseable {

    public static final String HOST = env("GUIDON_TEST_PG_HOST", "127.0.0.1");
    public static final int PORT = Integer.parseInt(env("GUIDON_TEST_PG_PORT", "5432"));
    public static final String USER = env("GUIDON_TEST_PG_USER", "postgres");
    public static final String PASSWORD = env("GUIDON_TEST_PG_PASSWORD", "postgres");

    private final String name;

    private TestDatabase(String name) {
        this.name = name;
    }

    /** This JVM's migrated template (null until the first {@link #createMigrated()}); dropped when the JVM exits. */
    private static String template;

    /** An empty database: for a test of migrating itself (or of a server that must do it). */
    public static TestDatabase create() {
        return create("");
    }

    /**
     * A database already at this build's schema: a copy of a template that this JVM migrated once. Copying takes
     * tens of milliseconds; a server migrating an empty one took half a second longer to start on the shared two
     * cores, and nearly every test class starts one. A server started on it finds nothing to migrate.
     */
    public static synchronized TestDatabase createMigrated() {
        if (template == null) {
            TestDatabase t = create();
            try {
                Harness.migrate(t);
            } catch (RuntimeException | Error e) {
                t.close();
                throw e;
            }
            template = t.name;
            Runtime.getRuntime().addShutdownHook(new Thread(t::close, "guidon-drop-template"));
        }
        return create(" TEMPLATE " + template);
    }

    private static TestDatabase create(String from) {
        String name = "guidon_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        admin("CREATE DATABASE " + name + from);
        // A test database is dropped after its class: waiting for each commit to reach the disk buys nothing there
        // (a crash of PostgreSQL itself is not what any test is about), and the suite commits many thousands of times.
        admin("ALTER DATABASE " + name + " SET synchronous_commit = off");
        return new TestDatabase(name);
    }

    public String name() {
        return name;
    }

    public String url() {
        return "postgresql://" + HOST + ":" + PORT + "/" + name;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + PORT + "/" + name, USER, PASSWORD);
    }

    /** Runs SQL in this database (test setup only). */
    public void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private static void admin(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + PORT + "/postgres", USER,
                PASSWORD); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run '" + sql + "' on " + HOST + ":" + PORT + ": " + e.getMessage(), e);
        }
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
