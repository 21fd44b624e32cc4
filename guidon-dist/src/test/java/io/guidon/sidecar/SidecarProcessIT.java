package io.guidon.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.testing.Poll;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar as a real process from the jar the package phase built: graceful shutdown on SIGTERM with a
 * request in flight, the file watcher of a running process, and the command's help through ./guidon.
 */
class SidecarProcessIT {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final Duration GRACE = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;
    Process process;
    Path log;
    int managementPort;

    @AfterEach
    void killLeftovers() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts {@code guidon sidecar} on {@code flags} and waits until /readyz answers 200. */
    private int startSidecar(Path flags) throws Exception {
        int port = freePort();
        return startSidecar(flags, port, "--port", String.valueOf(port));
    }

    /**
     * Starts {@code guidon sidecar} on {@code flags} with {@code portArgs} (which make it listen on {@code port})
     * and a free management port, and waits until /readyz answers 200 on {@code port}.
     */
    private int startSidecar(Path flags, int port, String... portArgs) throws Exception {
        managementPort = freePort();
        log = dir.resolve("sidecar.log");
        List<String> command = new ArrayList<>(List.of(JAVA, "-jar", ROOT.resolve("target/guidon.jar").toString(),
                "sidecar", "--flags", flags.toString(), "--set", "management.port=" + managementPort,
                "--set", "flags.watch-interval=50ms", "--set", "shutdown.grace-period=" + GRACE.toSeconds() + "s",
                "--set", "http.event-loops=1"));
        command.addAll(List.of(portArgs));
        process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        Poll.until("the sidecar process to be ready", Duration.ofSeconds(60), () -> {
            assertThat(process.isAlive()).as("the sidecar process is running; its log:\n%s", logText()).isTrue();
            return status(port, "/readyz") == 200;
        });
        return port;
    }

    private String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The status of GET {@code path}, or -1 when the connection is refused or fails. */
    private int status(int port, String path) {
        try {
            return get(port, path).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    private HttpResponse<String> get(int port, String path) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private double activeRequests(int port, String method) {
        try {
            Double v = new PrometheusText(get(managementPort, "/metrics").body())
                    .value("vertx_http_server_active_requests", "method", method);
            return v == null ? 0 : v;
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void sigtermFinishesTheRequestInFlightThenExits() throws Exception {
        int port = startSidecar(FlagFiles.install(dir.resolve("flags.json"), "flags.json"));
        byte[] body = "{\"context\":{\"targetingKey\":\"user-42\"}}".getBytes(StandardCharsets.UTF_8);
        int half = body.length / 2;

        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) GRACE.plusSeconds(5).toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("POST /ofrep/v1/evaluate/flags/premium-feature HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, half);
            out.flush();
            Poll.until("the POST to be in flight", () -> activeRequests(port, "POST") == 1.0);

            long sigterm = System.nanoTime();
            process.destroy();
            int readiness = Poll.until("readiness to turn 503 or refuse", () -> status(port, "/readyz"),
                    s -> s != 200);
            assertThat(readiness).isIn(503, -1);
            assertThat(process.isAlive()).as("still finishing the request in flight").isTrue();

            out.write(body, half, body.length - half);
            out.flush();
            RawResponse response = RawResponse.read(socket.getInputStream());

            assertThat(response.status()).isEqualTo(200);
            assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject().put("key", "premium-feature")
                    .put("value", true).put("reason", "TARGETING_MATCH").put("variant", "on")
                    .put("metadata", new JsonObject()));

            assertThat(process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)).as("exited within the grace period")
                    .isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - sigterm)).isLessThan(GRACE);
        }
        // The JVM reports a shutdown started by SIGTERM as 128 + 15, whatever the command returns.
        assertThat(process.exitValue()).isEqualTo(143);
        assertThat(logText()).contains("stopping: finishing requests in flight").contains("\"message\":\"stopped\"");
    }

    @Test
    void setHttpPortIsHonouredAndMetricsAreOnTheManagementPortOnly() throws Exception {
        int port = freePort();
        startSidecar(FlagFiles.install(dir.resolve("flags.json"), "flags.json"), port,
                "--set", "http.port=" + port);

        assertThat(status(port, "/v1/flags/static-on")).isEqualTo(200);
        assertThat(status(port, "/metrics")).as("/metrics is not on the API port").isEqualTo(404);
        assertThat(status(managementPort, "/readyz")).isEqualTo(200);
        assertThat(status(managementPort, "/healthz")).isEqualTo(200);
        HttpResponse<String> metrics = get(managementPort, "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("guidon_flagset_version");
        assertThat(logText()).contains("http.port=" + port + " (cli)");

        process.destroy();
        assertThat(process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    void aBusyPortStopsTheStartWithOneLineNamingItAndTheSetting() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            Process p = new ProcessBuilder(JAVA, "-jar", ROOT.resolve("target/guidon.jar").toString(), "sidecar",
                    "--port", String.valueOf(busy.getLocalPort()), "--set", "management.port=0")
                    .directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(err).isEqualTo(1);
            assertThat(err.strip()).isEqualTo("guidon sidecar: cannot listen on 127.0.0.1:" + busy.getLocalPort()
                    + " (http.port): address already in use (another process listens there; choose another port)");
        }
    }

    @Test
    void aRunningSidecarAppliesAChangedFlagFile() throws Exception {
        Path flags = FlagFiles.install(dir.resolve("flags.json"), "flags.json");
        int port = startSidecar(flags);
        HttpResponse<String> before = get(port, "/v1/flags/static-on");

        FlagFiles.install(flags, "flags-v2.json");
        HttpResponse<String> after = Poll.until("the changed file served", () -> {
            try {
                return get(port, "/v1/flags/static-on");
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }, r -> new JsonObject(r.body()).getLong("version") == 2);

        assertThat(before.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(before.body()).getBoolean("value")).isTrue();
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(after.body())).isEqualTo(new JsonObject().put("key", "static-on")
                .put("value", false).put("variant", "off").put("reason", "STATIC").put("version", 2));
        assertThat(logText()).contains("as version 2; changed: [button-color, static-on]");

        process.destroy();
        assertThat(process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(143);
    }

    @Test
    void launcherHelpListsTheSidecarOptions() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("guidon").toString(), "sidecar", "--help")
                .directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process help = pb.start();
        String output = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(help.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(help.exitValue()).as(output).isZero();
        assertThat(output).contains("--flags=FILE").contains("--port=N").contains("--config=FILE")
                .contains("--set=KEY=VALUE");
    }

    /** An HTTP/1.1 response read off a raw socket: status line, headers, then Content-Length bytes of body. */
    private record RawResponse(int status, String head, String body) {

        static RawResponse read(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the connection closed before the response head ended: " + head);
                }
                head.write(b);
                matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String text = head.toString(StandardCharsets.US_ASCII);
            int length = -1;
            for (String line : text.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            assertThat(length).as("a Content-Length in %s", text).isNotNegative();
            byte[] body = in.readNBytes(length);
            assertThat(body).as("the whole body").hasSize(length);
            int status = Integer.parseInt(text.substring(9, 12));
            return new RawResponse(status, text, new String(body, StandardCharsets.UTF_8));
        }
    }
}
