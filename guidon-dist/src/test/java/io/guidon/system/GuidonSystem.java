package io.guidon.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import io.guidon.sidecar.SidecarFixture;
import io.guidon.sidecar.SseStream;
import io.guidon.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole system for one test: a control plane ({@link ControlPlaneNode}: its own database and Redis prefix) with
 * a tenant made by {@code guidon admin bootstrap}, an environment and a sidecar key made through the admin API, and
 * any number of connected sidecars ({@link SidecarNode}), each with a cache directory of its own under
 * {@code workDir}. Flags are created and changed only through the HTTP API, as an admin would.
 */
final class GuidonSystem implements AutoCloseable {

    static final String TENANT = "acme";
    static final String ENV = "production";

    /**
     * Control-plane settings of every system test: a failed publish is retried once after 50 ms, so that an outage
     * of Redis shows in {@code guidon_publish_total{outcome="failed"}} at once.
     */
    static final Map<String, String> CONTROL_PLANE = Map.of("redis.publish-retries", "1",
            "redis.publish-backoff", "50ms", "redis.command-timeout", "1s");

    final ControlPlaneNode cp;
    final String adminKey;
    final String sidecarKey;
    private final Path workDir;
    private final Vertx clientVertx = Vertx.vertx();
    private final HttpClient sseClient = clientVertx.createHttpClient();
    private final List<SidecarNode> sidecars = new ArrayList<>();
    private final List<SseStream> streams = new ArrayList<>();

    private GuidonSystem(ControlPlaneNode cp, Path workDir) {
        this.cp = cp;
        this.workDir = workDir;
        try {
            this.adminKey = cp.api().bootstrap(TENANT);
            Resp env = cp.api().post("/api/v1/environments", adminKey, Map.of("key", ENV, "name", "Production"));
            assertThat(env.status()).as("create the environment: %s", env).isEqualTo(201);
            Resp key = cp.api().createKey(adminKey, "system-test sidecar", "sidecar", ENV);
            assertThat(key.status()).as("create the sidecar key: %s", key).isEqualTo(201);
            this.sidecarKey = key.json().get("key").asText();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** A control plane with {@link #CONTROL_PLANE} and {@code overrides} (such as another redis.url). */
    static GuidonSystem start(Path workDir, Map<String, String> overrides) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(CONTROL_PLANE);
        settings.putAll(overrides);
        return new GuidonSystem(ControlPlaneNode.start(settings), workDir);
    }

    static GuidonSystem start(Path workDir) throws Exception {
        return start(workDir, Map.of());
    }

    Harness api() {
        return cp.api();
    }

    /**
     * Creates a boolean flag (variants on: true, off: false) that, once enabled, serves {@code on} to everyone (a
     * 100 % rollout); it starts disabled, serving {@code off}. Returns the environment's new version.
     */
    long createFlag(String key) {
        Resp r = api().post("/api/v1/flags", adminKey, Map.of("key", key, "description", "system test flag",
                "variants", Map.of("on", true, "off", false)));
        assertThat(r.status()).as("create flag %s: %s", key, r).isEqualTo(201);
        Resp rollout = api().put("/api/v1/environments/" + ENV + "/flags/" + key + "/rollout", adminKey,
                Map.of("percentage", 100));
        assertThat(rollout.status()).as("rollout of %s: %s", key, rollout).isEqualTo(200);
        return version();
    }

    /** Turns {@code flag} on or off in the environment through the API; returns the environment's new version. */
    long setEnabled(String flag, boolean on) {
        return setEnabled(api(), flag, on);
    }

    /** The same through another server (a replica). */
    long setEnabled(Harness server, String flag, boolean on) {
        Resp r = server.put("/api/v1/environments/" + ENV + "/flags/" + flag + "/enabled", adminKey,
                Map.of("enabled", on));
        assertThat(r.status()).as("PUT %s enabled=%s: %s", flag, on, r).isEqualTo(200);
        return version(server);
    }

    /** The environment's version as the control plane reports it. */
    long version() {
        return version(api());
    }

    long version(Harness server) {
        Resp r = server.get("/api/v1/environments/" + ENV, adminKey);
        assertThat(r.status()).as("GET environment: %s", r).isEqualTo(200);
        return r.json().get("version").asLong();
    }

    /**
     * Settings of a connected sidecar: this control plane and key, its Redis and channel prefix, a cache directory
     * of its own, and short retries and backoffs; the safety-net poll is 60 s, so within a test only Redis, a
     * (re)connection or a retry can explain a change arriving. {@code overrides} are {@code key=value}.
     */
    Map<String, String> sidecarSettings(String name, String... overrides) {
        return sidecarSettings(cp.url(), sidecarKey, cp.redisUrl(), cp.prefix(), workDir.resolve(name + "-cache"),
                overrides);
    }

    /**
     * {@link #sidecarSettings(String, String...)} for any control plane: its {@code url}, the sidecar's key, its
     * Redis and prefix, and the sidecar's cache directory.
     */
    static Map<String, String> sidecarSettings(String url, String sidecarKey, String redisUrl, String prefix,
            Path cache, String... overrides) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("http.port", "0");
        s.put("http.event-loops", "1");
        s.put("management.port", "0");
        s.put("management.metrics-max-age", "0s");
        s.put("shutdown.grace-period", "1s");
        s.put("control-plane.url", url);
        s.put("control-plane.sidecar-key", sidecarKey);
        s.put("control-plane.timeout", "2s");
        s.put("control-plane.poll-interval", "60s");
        s.put("control-plane.poll-jitter", "0s");
        s.put("control-plane.retry-min", "20ms");
        s.put("control-plane.retry-max", "250ms");
        s.put("control-plane.breaker-failures", "3");
        s.put("control-plane.breaker-reset-timeout", "250ms");
        s.put("redis.url", redisUrl);
        s.put("redis.prefix", prefix);
        s.put("redis.reconnect-min", "20ms");
        s.put("redis.reconnect-max", "250ms");
        s.put("cache.dir", cache.toString());
        // Most system tests are about flags, not events: keep exposure events in the sidecar for the length of a
        // test, so no upload competes with what is measured. The event tests set a short flush interval.
        s.put("events.flush-interval", "1h");
        for (String kv : overrides) {
            int eq = kv.indexOf('=');
            s.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return s;
    }

    /** Starts a connected sidecar with {@link #sidecarSettings}; closed with the system. */
    SidecarNode sidecar(String name, String... overrides) throws Exception {
        SidecarNode node = SidecarNode.start(name, sidecarSettings(name, overrides));
        sidecars.add(node);
        return node;
    }

    /**
     * {@link #sidecar}, then waits until it is ready with {@code version} and listens on Redis (so that a change
     * made next is announced to it).
     */
    SidecarNode connectedSidecar(String name, long version, String... overrides) throws Exception {
        SidecarNode s = sidecar(name, overrides);
        Poll.until(s + " ready with version " + version + ", Redis connected", Duration.ofSeconds(20),
                () -> s.readyStatus() == 200 && s.health().path("flagSet").path("version").asLong() == version
                        && "CONNECTED".equals(s.redisState()));
        return s;
    }

    /** Opens the sidecar's {@code /v1/stream}; closed with the system. */
    SseStream stream(SidecarNode sidecar) {
        SseStream s = SseStream.open(sseClient, sidecar.port());
        streams.add(s);
        return s;
    }

    Path workDir() {
        return workDir;
    }

    @Override
    public void close() {
        List<Throwable> problems = new ArrayList<>();
        for (SseStream s : streams) {
            run(problems, s::close);
        }
        for (SidecarNode s : sidecars) {
            run(problems, s::close);
        }
        run(problems, () -> SidecarFixture.await(sseClient.close()));
        run(problems, () -> SidecarFixture.await(clientVertx.close()));
        run(problems, cp::close);
        if (!problems.isEmpty()) {
            AssertionError e = new AssertionError("could not stop the system cleanly: " + problems.get(0),
                    problems.get(0));
            problems.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void run(List<Throwable> problems, Step step) {
        try {
            step.run();
        } catch (Exception | Error e) {
            problems.add(e);
        }
    }
}
