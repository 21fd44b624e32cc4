package io.guidon.system;

import io.guidon.controlplane.Harness;
import io.guidon.controlplane.TestDatabase;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A control plane run in-process for a system test, with a database and a Redis prefix of its own that outlive
 * the server: {@link #stop} and {@link #restart} take it down and bring it back on the same port (a sidecar keeps
 * its URL), and {@link #replica} starts a second server on the same database and prefix.
 */
final class ControlPlaneNode implements AutoCloseable {

    private final TestDatabase db;
    private final String prefix;
    private final Map<String, String> overrides;
    private Harness server;
    private int port;

    private ControlPlaneNode(TestDatabase db, String prefix, Map<String, String> overrides) {
        this.db = db;
        this.prefix = prefix;
        this.overrides = overrides;
    }

    /** Starts a control plane; {@code overrides} are settings over {@link Harness#settings}. */
    static ControlPlaneNode start(Map<String, String> overrides) throws Exception {
        TestDatabase db = TestDatabase.createMigrated();
        ControlPlaneNode node = new ControlPlaneNode(db, "guidon-sys-" + UUID.randomUUID().toString().substring(0, 8),
                new LinkedHashMap<>(overrides));
        try {
            node.server = Harness.start(db, node.prefix, node.overrides);
            node.port = node.server.port();
            return node;
        } catch (Exception | Error e) {
            db.close();
            throw e;
        }
    }

    /** The running server (fails when it is stopped). */
    Harness api() {
        if (server == null) {
            throw new IllegalStateException("the control plane is stopped");
        }
        return server;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    String prefix() {
        return prefix;
    }

    String redisUrl() {
        return overrides.getOrDefault("redis.url", "redis://" + Harness.REDIS_HOST + ":" + Harness.REDIS_PORT);
    }

    TestDatabase db() {
        return db;
    }

    boolean running() {
        return server != null;
    }

    /** Stops the server; the database stays. */
    void stop() {
        if (server != null) {
            Harness s = server;
            server = null;
            s.stop();
        }
    }

    /** Starts the server again on the port it had, on the same database and Redis prefix. */
    void restart() throws Exception {
        if (server == null) {
            Map<String, String> o = new LinkedHashMap<>(overrides);
            o.put("http.port", String.valueOf(port));
            server = Harness.start(db, prefix, o);
        }
    }

    /** Another replica (another port, the same database and prefix); the caller closes it. */
    Harness replica() throws Exception {
        return replica(Map.of());
    }

    /** The same with other settings ({@code changes} over this node's). */
    Harness replica(Map<String, String> changes) throws Exception {
        Map<String, String> o = new LinkedHashMap<>(overrides);
        o.putAll(changes);
        o.put("http.port", "0");
        return Harness.start(db, prefix, o);
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            db.close();
        }
    }
}
