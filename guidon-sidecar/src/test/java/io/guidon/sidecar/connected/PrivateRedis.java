package io.guidon.sidecar.connected;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A redis-server process of the test's own on a free port of 127.0.0.1 (never the shared one on 6379), without
 * persistence, so that a test can stop, freeze and restart it. A machine without redis-server fails the test with a
 * message saying so; it never skips.
 */
public final class PrivateRedis implements AutoCloseable {

    private final Path executable;
    private final Path workDir;
    private final int port;
    private Process process;

    private PrivateRedis(Path executable, Path workDir, int port) {
        this.executable = executable;
        this.workDir = workDir;
        this.port = port;
    }

    public static PrivateRedis start() throws Exception {
        Path exe = findRedisServer();
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "redis-it");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        PrivateRedis redis = new PrivateRedis(exe, dir, port);
        redis.restart();
        return redis;
    }

    private static Path findRedisServer() {
        Path usual = Path.of("/usr/bin/redis-server");
        if (Files.isExecutable(usual)) {
            return usual;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "redis-server");
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return p;
            }
        }
        return fail("this test needs a redis-server executable (in /usr/bin or on the PATH) to run a private Redis "
                + "it can stop and restart; install Redis (e.g. apt-get install redis-server)");
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public boolean running() {
        return process != null && process.isAlive();
    }

    /** Starts redis-server on the same port (if it is not running) and waits until it answers PING. */
    public void restart() throws Exception {
        if (running()) {
            return;
        }
        process = new ProcessBuilder(executable.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", workDir.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("redis.log").toFile()))
                .start();
        long deadline = System.nanoTime() + Await.TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                fail("redis-server exited with " + process.exitValue() + ": " + log());
            }
            try {
                if ("+PONG".equals(command("PING"))) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                fail("redis-server did not answer on port " + port + ": " + log());
            }
            LockSupport.parkNanos(10_000_000);
        }
    }

    private String log() throws IOException {
        return Files.readString(workDir.resolve("redis.log"));
    }

    /** Stops redis-server (SIGTERM, then SIGKILL) and waits for it to exit. */
    public void stop() throws Exception {
        if (running()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Sends a signal (STOP, CONT) to the redis-server process. */
    public void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + signal).isTrue();
    }

    /** Sends one command over a fresh connection and returns the first line of the reply. */
    public String command(String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(2000);
            StringBuilder resp = new StringBuilder("*").append(args.length).append("\r\n");
            for (String a : args) {
                resp.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a)
                        .append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(resp.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
        }
    }

    /** Publishes and returns how many subscribers received it. */
    public int publish(String channel, String payload) throws IOException {
        String reply = command("PUBLISH", channel, payload);
        assertThat(reply).startsWith(":");
        return Integer.parseInt(reply.substring(1));
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
