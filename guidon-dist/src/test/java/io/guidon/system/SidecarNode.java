package io.guidon.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.common.config.Settings;
import io.guidon.controlplane.Harness.Resp;
import io.guidon.sidecar.SidecarConfig;
import io.guidon.sidecar.SidecarFixture;
import io.guidon.sidecar.SidecarMain;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A connected sidecar run in-process ({@link SidecarMain} with a {@link SidecarConfig} from the shipped defaults and
 * the test's settings) on a free port of 127.0.0.1, observed only through its HTTP API. It can be stopped and
 * started again with the same settings, so with the same disk cache.
 */
final class SidecarNode implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /** The targeting key of every evaluation the tests make. */
    static final String USER = "user-1";

    private final String name;
    private final Map<String, String> settings;
    private SidecarMain main;
    private int port = -1;
    private int managementPort = -1;

    private SidecarNode(String name, Map<String, String> settings) {
        this.name = name;
        this.settings = settings;
    }

    /** Starts a sidecar with {@code settings} over the defaults of config/sidecar.yaml. */
    static SidecarNode start(String name, Map<String, String> settings) throws Exception {
        SidecarNode node = new SidecarNode(name, new LinkedHashMap<>(settings));
        node.start();
        return node;
    }

    /** Starts it (again); completes when the HTTP server listens, whether or not it has flags yet. */
    void start() throws Exception {
        if (main != null) {
            return;
        }
        SidecarMain m = new SidecarMain(SidecarConfig.from(Settings.load(SidecarConfig.DEFAULTS, null, Map.of(),
                settings)), Clock.systemUTC());
        try {
            SidecarFixture.await(m.start());
        } catch (Exception | Error e) {
            m.shutdown(SidecarFixture.TIMEOUT);
            throw e;
        }
        main = m;
        port = m.port();
        managementPort = m.managementPort();
    }

    /** Shuts it down as SIGTERM would. */
    void stop() throws Exception {
        if (main != null) {
            SidecarMain m = main;
            main = null;
            m.shutdown(SidecarFixture.TIMEOUT);
        }
    }

    String name() {
        return name;
    }

    /** The value of the gauge {@code name} (Micrometer's dotted name) in the running sidecar's registry. */
    double gauge(String name) {
        return main.registry().get(name).gauge().value();
    }

    int port() {
        return port;
    }

    Map<String, String> settings() {
        return settings;
    }

    Resp get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    Resp post(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private Resp send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = HTTP.send(b.timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Resp(r.statusCode(), r.headers().map(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (Exception e) {
            throw new AssertionError(name + ": " + b.build().method() + " " + b.build().uri() + ": " + e, e);
        }
    }

    /** OFREP single-flag evaluation for {@link #USER}: {@code {key, value, variant, reason}}. */
    JsonNode ofrep(String flag) {
        Resp r = post("/ofrep/v1/evaluate/flags/" + flag, "{\"context\":{\"targetingKey\":\"" + USER + "\"}}");
        if (r.status() != 200) {
            throw new AssertionError(name + ": OFREP " + flag + ": " + r);
        }
        return r.json();
    }

    /** Native API evaluation for {@link #USER}: {@code {key, value, variant, reason, version}}. */
    JsonNode nativeFlag(String flag) {
        Resp r = get("/v1/flags/" + flag + "?targetingKey=" + USER);
        if (r.status() != 200) {
            throw new AssertionError(name + ": GET /v1/flags/" + flag + ": " + r);
        }
        return r.json();
    }

    /** What the sidecar serves for {@code flag} (OFREP value) and with which flag-set version (native API). */
    boolean serves(String flag, boolean value, long version) {
        Resp r = get("/v1/flags/" + flag + "?targetingKey=" + USER);
        if (r.status() == 503) {
            return false; // no flag set yet
        }
        JsonNode n = r.json();
        return r.status() == 200 && n.get("version").asLong() == version && n.get("value").asBoolean() == value
                && ofrep(flag).get("value").asBoolean() == value;
    }

    /**
     * Waits until the sidecar {@link #serves} {@code value} of {@code flag} in version {@code version}; the failure
     * says what it served last and its health.
     */
    void awaitServes(String flag, boolean value, long version, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!serves(flag, value, version)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " does not serve " + flag + "=" + value + " in version " + version
                        + " within " + timeout + "; it serves " + get("/v1/flags/" + flag + "?targetingKey=" + USER)
                        + "; health " + health());
            }
            LockSupport.parkNanos(5_000_000);
        }
    }

    JsonNode health() {
        Resp r = get("/healthz");
        if (r.status() != 200) {
            throw new AssertionError(name + ": /healthz: " + r);
        }
        return r.json();
    }

    int readyStatus() {
        return get("/readyz").status();
    }

    /** The Prometheus text of {@code /metrics}, from the management port. */
    String metrics() {
        Resp r = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/metrics")).GET());
        if (r.status() != 200) {
            throw new AssertionError(name + ": /metrics: " + r);
        }
        return r.body();
    }

    /** The value of one Prometheus sample of the sidecar (name and labels as printed), or -1 when absent. */
    double metric(String sample) {
        for (String line : metrics().split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).trim());
            }
        }
        return -1;
    }

    String redisState() {
        return health().path("upstream").path("redis").path("state").asText();
    }

    String controlPlaneState() {
        return health().path("upstream").path("controlPlane").path("state").asText();
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    @Override
    public String toString() {
        return name + " on port " + port;
    }
}
