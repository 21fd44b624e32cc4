package io.guidon.sidecar;

import io.guidon.common.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A sidecar started in-process on a free port of 127.0.0.1, serving a flag file, with a plain Vert.x HTTP client
 * (on the test's own Vert.x) that blocks the JUnit thread for each request. Settings are the shipped defaults with
 * test-friendly overrides: one event loop, a 50 ms watch interval, a 1 s shutdown grace period.
 */
public final class SidecarFixture implements AutoCloseable {

    /** How long any one request, start or stop may take before the test fails. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final SidecarMain main;
    private final Vertx clientVertx;
    private final HttpClient client;
    private final HttpClient managementClient;
    private final int port;

    private SidecarFixture(SidecarMain main, Vertx clientVertx) {
        this.main = main;
        this.clientVertx = clientVertx;
        this.port = main.port();
        this.client = clientVertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
                .setDefaultPort(port));
        this.managementClient = clientVertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
                .setDefaultPort(main.managementPort()));
    }

    /**
     * Starts a sidecar on {@code flagsFile} (which need not exist yet); {@code overrides} are {@code key=value}
     * settings applied over the test defaults.
     */
    public static SidecarFixture start(Vertx clientVertx, Path flagsFile, String... overrides) throws Exception {
        SidecarMain main = new SidecarMain(SidecarConfig.from(settings(flagsFile, overrides)), Clock.systemUTC());
        try {
            await(main.start());
        } catch (Exception e) {
            main.shutdown(TIMEOUT);
            throw e;
        }
        return new SidecarFixture(main, clientVertx);
    }

    /** The settings {@link #start} uses. */
    public static Settings settings(Path flagsFile, String... overrides) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("http.port", "0");
        o.put("http.event-loops", "1");
        o.put("management.port", "0");
        // Tests read /metrics right after what they change; MetricsEndpointTest covers the sharing.
        o.put("management.metrics-max-age", "0s");
        o.put("flags.file", flagsFile.toString());
        o.put("flags.watch-interval", "50ms");
        o.put("shutdown.grace-period", "1s");
        for (String kv : overrides) {
            int eq = kv.indexOf('=');
            o.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return Settings.load(SidecarConfig.DEFAULTS, null, Map.of(), o);
    }

    public int port() {
        return port;
    }

    /** The management port: /metrics, /healthz, /readyz. */
    public int managementPort() {
        return main.managementPort();
    }

    /** A GET on the management port. */
    public HttpReply management(String uri) {
        return await(managementClient.request(new RequestOptions().setMethod(HttpMethod.GET).setURI(uri))
                .compose(req -> req.send().compose(resp -> resp.body().map(b -> new HttpReply(resp.statusCode(),
                        resp.headers(), b.toString(StandardCharsets.UTF_8))))));
    }

    /** The Prometheus text of {@code /metrics}, from the management port. */
    public PrometheusText metrics() {
        HttpReply r = management("/metrics");
        if (r.status() != 200) {
            throw new AssertionError("/metrics answered " + r.status() + ": " + r.body());
        }
        return new PrometheusText(r.body());
    }

    public SidecarMain main() {
        return main;
    }

    public Vertx clientVertx() {
        return clientVertx;
    }

    public HttpClient client() {
        return client;
    }

    /** The version of the flag set being served, 0 before the first. */
    public long version() {
        Snapshot s = main.store().current();
        return s == null ? 0 : s.version();
    }

    public HttpReply get(String uri, String... headers) {
        return request(HttpMethod.GET, uri, null, headers);
    }

    public HttpReply post(String uri, String body, String... headers) {
        return request(HttpMethod.POST, uri, body, headers);
    }

    /**
     * One request; {@code headers} are name, value pairs; a null body sends none, a body goes as
     * {@code application/json} unless {@code headers} name a Content-Type.
     */
    public HttpReply request(HttpMethod method, String uri, String body, String... headers) {
        return await(send(method, uri, body, headers));
    }

    /** The same, without waiting. */
    public Future<HttpReply> send(HttpMethod method, String uri, String body, String... headers) {
        RequestOptions options = new RequestOptions().setMethod(method).setURI(uri);
        boolean typed = false;
        for (int i = 0; i < headers.length; i += 2) {
            options.addHeader(headers[i], headers[i + 1]);
            typed |= headers[i].equalsIgnoreCase("Content-Type");
        }
        if (body != null && !typed) {
            options.addHeader("Content-Type", "application/json");
        }
        return client.request(options).compose(req -> {
            // The body is read from response()'s own future, set up before the request is sent: the sidecar may
            // answer (413, 415) before it has read the request, and a body() asked for only after send()
            // completes can then miss the end of the answer and wait forever.
            Future<HttpReply> reply = req.response().compose(resp -> resp.body().map(b -> new HttpReply(
                    resp.statusCode(), resp.headers(), b.toString(StandardCharsets.UTF_8))));
            if (body == null) {
                req.end();
            } else {
                req.end(Buffer.buffer(body, "UTF-8"));
            }
            return reply;
        });
    }

    /** Blocks the calling (JUnit) thread for {@code future}, at most {@link #TIMEOUT}. */
    public static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("request failed: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError("no answer within " + TIMEOUT + ": " + e, e);
        }
    }

    /** Closes the client, then shuts the sidecar down gracefully (as SIGTERM would) and closes its Vert.x. */
    @Override
    public void close() {
        try {
            await(client.close());
            await(managementClient.close());
        } finally {
            try {
                main.shutdown(TIMEOUT);
            } catch (Exception e) {
                throw new AssertionError("the sidecar did not shut down cleanly: " + e, e);
            }
        }
    }
}
