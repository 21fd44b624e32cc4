package io.guidon.system;

import io.guidon.controlplane.Harness;
import io.guidon.controlplane.TestDatabase;
import io.guidon.testing.Poll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code guidon control-plane} as a real process from the packaged jar ({@code target/guidon.jar}), on a database
 * and Redis prefix it shares with other replicas, its output in {@code <dir>/<name>.log}: for the tests about
 * processes (replicas that die with SIGKILL, all replicas down). {@link #restart} starts it again on the same ports.
 */
final class ControlPlaneProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target/guidon.jar").toAbsolutePath();
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Path dir;
    private final TestDatabase db;
    private final String prefix;
    private final int port;
    private final int managementPort;
    private final List<String> settings;
    private Process process;
    private int starts;

    private ControlPlaneProcess(String name, Path dir, TestDatabase db, String prefix, List<String> settings)
            throws IOException {
        this.name = name;
        this.dir = dir;
        this.db = db;
        this.prefix = prefix;
        this.port = freePort();
        this.managementPort = freePort();
        this.settings = List.copyOf(settings);
    }

    /**
     * Starts a replica on {@code db} and Redis prefix {@code prefix}, with {@code settings} ({@code key=value}) over
     * the defaults; returns at once ({@link #awaitReady}).
     */
    static ControlPlaneProcess start(String name, Path dir, TestDatabase db, String prefix, String... settings)
            throws IOException {
        ControlPlaneProcess p = new ControlPlaneProcess(name, dir, db, prefix, List.of(settings));
        p.launch();
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void launch() throws IOException {
        List<String> command = new ArrayList<>(List.of(JAVA, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xmx256m", "-jar", JAR.toString(), "control-plane", "--port", String.valueOf(port),
                "--set", "management.port=" + managementPort, "--set", "http.event-loops=1",
                "--set", "redis.prefix=" + prefix));
        for (String s : settings) {
            command.add("--set");
            command.add(s);
        }
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(++starts).toFile()));
        pb.environment().put("GUIDON_DATABASE_URL", db.url());
        pb.environment().put("GUIDON_DATABASE_USER", TestDatabase.USER);
        pb.environment().put("GUIDON_DATABASE_PASSWORD", TestDatabase.PASSWORD);
        pb.environment().put("GUIDON_REDIS_URL", "redis://" + Harness.REDIS_HOST + ":" + Harness.REDIS_PORT);
        process = pb.start();
    }

    private Path log(int start) {
        return dir.resolve(name + "-" + start + ".log");
    }

    /** Waits until it answers {@code /readyz} 200; fails with its log when it stops first. */
    void awaitReady(Duration timeout) {
        Poll.until(name + " ready", timeout, () -> {
            if (!process.isAlive()) {
                throw new AssertionError(name + " stopped; its log:\n" + log());
            }
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/readyz")).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Everything it wrote since it was first started (every start's output, in order). */
    String log() {
        StringBuilder out = new StringBuilder();
        for (int i = 1; i <= starts; i++) {
            try {
                out.append(Files.readString(log(i)));
            } catch (IOException e) {
                out.append(e).append('\n');
            }
        }
        return out.toString();
    }

    /** Kills it with SIGKILL: no shutdown hook runs, its transactions in progress are cut off. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
    }

    /** Starts it again with the same settings and ports. */
    void restart() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        launch();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
