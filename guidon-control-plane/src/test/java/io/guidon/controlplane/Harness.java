package io.guidon.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A control plane started in-process for one test class: its own database, its own Redis key and channel prefix,
 * a real HTTP server on a free loopback port, and a plain HTTP client.
 */
public final class Harness implements AutoCloseable {

    public static final String REDIS_HOST = TestDatabase.env("GUIDON_TEST_REDIS_HOST", "127.0.0.1");
    public static final int REDIS_PORT = Integer.parseInt(TestDatabase.env("GUIDON_TEST_REDIS_PORT", "6379"));
    static final ObjectMapper JSON = new ObjectMapper();

    public final TestDatabase db;
    public final String redisPrefix;
    public final ControlPlaneMain.Running running;
    private final Map<String, String> settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /**
     * Every answer of the API port is checked against the OpenAPI document (ADR 0111), by one checker per JVM: it is
     * thread-safe and caches the schemas it compiles, which every test class would otherwise compile again.
     */
    private final OpenApiResponses openApi = SharedOpenApi.CHECK;

    /** Loaded on first use, by the first harness of the JVM. */
    private static final class SharedOpenApi {
        static final OpenApiResponses CHECK = OpenApiResponses.load();
    }

    private final boolean ownsDatabase;

    private Harness(TestDatabase db, boolean ownsDatabase, String redisPrefix, Map<String, String> settings,
            ControlPlaneMain.Running running) {
        this.db = db;
        this.ownsDatabase = ownsDatabase;
        this.redisPrefix = redisPrefix;
        this.settings = settings;
        this.running = running;
    }

    /** Settings of a test server; {@code overrides} win. */
    public static Map<String, String> settings(TestDatabase db, String redisPrefix, Map<String, String> overrides) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("http.host", "127.0.0.1");
        s.put("http.port", "0");
        s.put("http.event-loops", "2");
        s.put("shutdown.grace-period", "200ms");
        s.put("management.port", "0");
        // Tests read /metrics and /readyz right after what they change; the caching has tests of its own.
        s.put("management.metrics-max-age", "0s");
        s.put("management.readiness-max-age", "0s");
        s.put("database.url", db.url());
        s.put("database.user", TestDatabase.USER);
        s.put("database.password", TestDatabase.PASSWORD);
        s.put("database.pool-size", "4");
        s.put("redis.url", "redis://" + REDIS_HOST + ":" + REDIS_PORT);
        s.put("redis.prefix", redisPrefix);
        s.put("rate-limit.per-key", "1000000");
        s.put("rate-limit.per-address", "1000000");
        s.putAll(overrides);
        return s;
    }

    public static Harness start(Map<String, String> overrides) throws Exception {
        TestDatabase db = TestDatabase.createMigrated();
        try {
            String prefix = "guidon-it-" + UUID.randomUUID().toString().substring(0, 8);
            Map<String, String> s = settings(db, prefix, overrides);
            return new Harness(db, true, prefix, s, ControlPlaneMain.start(ControlPlaneConfig.load(null, Map.of(), s)
                    .config()));
        } catch (Exception | Error e) {
            db.close();
            throw e;
        }
    }

    /** A server on an existing database and prefix (a second replica); closing it leaves the database. */
    public static Harness start(TestDatabase db, String redisPrefix, Map<String, String> overrides) throws Exception {
        Map<String, String> s = settings(db, redisPrefix, overrides);
        ControlPlaneConfig config = ControlPlaneConfig.load(null, Map.of(), s).config();
        return new Harness(db, false, redisPrefix, s, ControlPlaneMain.start(config));
    }

    /** The check of answers against the OpenAPI document, for a test that talks to this server with its own client. */
    public OpenApiResponses openApi() {
        return openApi;
    }

    public int port() {
        return running.port();
    }

    /** The management port: /metrics, /healthz, /readyz. */
    public int managementPort() {
        return running.managementPort();
    }

    /** A GET on the management port. */
    public Resp management(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + managementPort() + path)).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Resp(r.statusCode(), r.headers().map(), r.body());
        } catch (Exception e) {
            throw new IllegalStateException("GET " + path + " (management port): " + e, e);
        }
    }

    /** The Prometheus text of {@code /metrics}, from the management port. */
    public String metrics() {
        Resp r = management("/metrics");
        if (r.status() != 200) {
            throw new IllegalStateException("/metrics answered " + r);
        }
        return r.body();
    }

    /** Runs {@code guidon admin bootstrap} in-process against this server's database; returns the admin key. */
    public String bootstrap(String tenant) {
        return bootstrap(db, tenant);
    }

    /**
     * What {@code guidon admin bootstrap} does, in-process against {@code db}: migrates it, creates {@code tenant}
     * and returns its first admin key.
     */
    public static String bootstrap(TestDatabase db, String tenant) {
        ControlPlaneConfig config = migrate(db);
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        io.vertx.sqlclient.Pool pool = ControlPlaneMain.pool(vertx, config.database());
        try {
            io.guidon.controlplane.service.KeyService keys = io.guidon.controlplane.service.KeyService.standalone(pool,
                    new io.guidon.controlplane.store.PgAuditLog(pool), new io.guidon.controlplane.auth.ApiKeys(),
                    new io.guidon.controlplane.api.Responses());
            // As the command does it: the sequential service on a virtual thread of its own.
            return java.util.concurrent.CompletableFuture.supplyAsync(
                            () -> keys.bootstrap(tenant, tenant, "bootstrap admin"),
                            r -> Thread.ofVirtual().name("guidon-bootstrap").start(r))
                    .get(30, java.util.concurrent.TimeUnit.SECONDS)
                    .adminKey().key();
        } catch (Exception e) {
            throw new IllegalStateException("bootstrap of " + tenant + " failed: " + e, e);
        } finally {
            pool.close();
            vertx.close();
        }
    }

    /** Migrates {@code db} to this build's schema, as {@code guidon migrate} does; returns the settings used. */
    static ControlPlaneConfig migrate(TestDatabase db) {
        ControlPlaneConfig config = ControlPlaneConfig.load(null, Map.of(), settings(db, "guidon-bootstrap", Map.of()))
                .config();
        new io.guidon.controlplane.db.Migrations(config.database()).migrate();
        return config;
    }

    /** An HTTP response with its body parsed when it is JSON. */
    public record Resp(int status, Map<String, List<String>> headers, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public Resp call(String method, String path, String key, Object body, String... headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                    .timeout(Duration.ofSeconds(20));
            if (key != null) {
                b.header("Authorization", "Bearer " + key);
            }
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.noBody();
            if (body != null) {
                String text = body instanceof String s ? s : JSON.writeValueAsString(body);
                publisher = HttpRequest.BodyPublishers.ofString(text);
                boolean typed = false;
                for (int i = 0; i < headers.length; i += 2) {
                    typed |= headers[i].equalsIgnoreCase("Content-Type");
                }
                if (!typed) {
                    b.header("Content-Type", "application/json");
                }
            }
            b.method(method, publisher);
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            openApi.check(method, path, r.statusCode(), r.headers().map(), r.body());
            return new Resp(r.statusCode(), r.headers().map(), r.body());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        }
    }

    /** A request with a body of raw bytes (a gzip-compressed event batch) and exactly the headers given. */
    public Resp send(String method, String path, String key, byte[] body, String... headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                    .timeout(Duration.ofSeconds(30));
            if (key != null) {
                b.header("Authorization", "Bearer " + key);
            }
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            openApi.check(method, path, r.statusCode(), r.headers().map(), r.body());
            return new Resp(r.statusCode(), r.headers().map(), r.body());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        }
    }

    public Resp get(String path, String key, String... headers) {
        return call("GET", path, key, null, headers);
    }

    public Resp post(String path, String key, Object body, String... headers) {
        return call("POST", path, key, body, headers);
    }

    public Resp put(String path, String key, Object body, String... headers) {
        return call("PUT", path, key, body, headers);
    }

    public Resp delete(String path, String key, String... headers) {
        return call("DELETE", path, key, null, headers);
    }

    /** Reads Prometheus text and returns the sum of the samples of a metric whose labels contain all of {@code labels}. */
    public double metric(String name, String... labels) {
        String text = metrics();
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                boolean all = true;
                for (String l : labels) {
                    all &= line.contains(l);
                }
                if (all) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return sum;
    }

    /**
     * A cursor carrying {@code content}, signed as this server signs the cursors it issues to {@code tenant} (the
     * key of {@code server_keys}): for tests of what a route does with a genuine cursor whose content it cannot use.
     */
    public String signedCursor(String tenant, String content) {
        try (var c = db.connect(); var st = c.prepareStatement("SELECT (SELECT key FROM server_keys WHERE name = ?),"
                + " (SELECT id FROM tenants WHERE key = ?)")) {
            st.setString(1, io.guidon.controlplane.api.Cursors.KEY_NAME);
            st.setString(2, tenant);
            try (var rs = st.executeQuery()) {
                rs.next();
                return new io.guidon.controlplane.api.Cursors(rs.getBytes(1)).encode(rs.getLong(2), content);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public Resp createKey(String adminKey, String name, String role, String environment) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("role", role);
        if (environment != null) {
            body.put("environment", environment);
        }
        return post("/api/v1/keys", adminKey, body);
    }

    @Override
    public void close() {
        try {
            running.close();
        } finally {
            if (ownsDatabase) {
                db.close();
            }
        }
    }

    /** Stops the server but keeps the database (for a second replica or a restart). */
    public void stop() {
        running.close();
    }
}
