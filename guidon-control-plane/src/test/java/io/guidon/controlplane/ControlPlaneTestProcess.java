package io.guidon.controlplane;

import io.guidon.testing.Poll;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A control plane in a JVM of its own, started from the test class path with the JVM options a test asks for (a
 * small heap, say), on a test database: for the tests about what a process can do within its limits. {@link #main}
 * is that process: it starts {@link ControlPlaneMain} with the {@code key=value} settings of its arguments, prints
 * {@code port=<n>} once it listens, and stops cleanly on SIGTERM, which {@link #close} sends by its process id.
 */
public final class ControlPlaneTestProcess implements AutoCloseable {

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private final Process process;
    private final Path log;
    private final int port;

    private ControlPlaneTestProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts one on {@code db} with {@code jvm} options and {@code overrides} over the tests' settings. */
    public static ControlPlaneTestProcess start(TestDatabase db, List<String> jvm, Map<String, String> overrides)
            throws IOException {
        Map<String, String> settings = Harness.settings(db, "guidon-process-" + db.name(), overrides);
        List<String> command = new ArrayList<>(List.of(JAVA));
        command.addAll(jvm);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                ControlPlaneTestProcess.class.getName()));
        settings.forEach((k, v) -> command.add(k + "=" + v));
        Path log = Files.createTempFile("guidon-control-plane-", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        AtomicInteger port = new AtomicInteger();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    if (line.startsWith("port=")) {
                        port.set(Integer.parseInt(line.substring(5)));
                    }
                    Files.writeString(log, line + "\n", java.nio.file.StandardOpenOption.APPEND);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "control-plane-output");
        reader.setDaemon(true);
        reader.start();
        ControlPlaneTestProcess started = new ControlPlaneTestProcess(p, log, 0);
        Poll.until("the control plane process listens", Duration.ofSeconds(90), () -> {
            if (!p.isAlive()) {
                throw new AssertionError("the control plane process stopped:\n" + started.log());
            }
            return port.get() > 0;
        });
        return new ControlPlaneTestProcess(p, log, port.get());
    }

    public int port() {
        return port;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Everything it printed. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        ProcessHandle h = ProcessHandle.of(process.pid()).orElse(null);
        if (h == null) {
            return;
        }
        h.destroy();
        try {
            h.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            h.destroyForcibly();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temporary file left behind
        }
    }

    /** The process: {@code key=value} settings as arguments. */
    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            settings.put(a.substring(0, eq), a.substring(eq + 1));
        }
        ControlPlaneMain.Running running = ControlPlaneMain.start(ControlPlaneConfig.load(null, Map.of(), settings)
                .config());
        Runtime.getRuntime().addShutdownHook(new Thread(running::close));
        System.out.println("port=" + running.port());
        System.out.flush();
        Thread.currentThread().join();
    }
}
