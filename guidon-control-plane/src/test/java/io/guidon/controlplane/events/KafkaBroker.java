package io.guidon.controlplane.events;

import io.guidon.testing.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A real single-node Apache Kafka broker in KRaft mode (broker and controller in one process), started from the
 * server artifacts on the test class path ({@code org.apache.kafka:kafka_2.13}) as a process of its own: its storage
 * formatted by {@code kafka.tools.StorageTool}, then {@code kafka.Kafka server.properties}, on free loopback ports,
 * its log in {@code <dir>/broker-<n>.log}. A process rather than in the test JVM: the broker's threads, Scala
 * runtime and metrics registry stay out of the tests' JVM, and {@link #stop} is a real broker outage (its port
 * closed, connections reset) that {@link #start} ends on the same ports and data. One per test JVM
 * ({@link #shared}), stopped by its process id when the JVM exits.
 */
public final class KafkaBroker {

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static KafkaBroker shared;

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private Process process;
    private int starts;

    private KafkaBroker(Path dir, int port, int controllerPort) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /** This JVM's broker, started (and formatted) on first use. */
    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory("guidon-kafka-");
                KafkaBroker b = new KafkaBroker(dir, freePort(), freePort());
                b.format();
                b.start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    b.stop();
                    b.delete();
                }, "guidon-kafka-stop"));
                shared = b;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (!shared.running()) {
            shared.start();
        }
        return shared;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** {@code host:port} for clients. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    private void format() throws IOException {
        Path config = config();
        Process p = java("format", List.of("kafka.tools.StorageTool", "format", "-t", clusterId(), "-c",
                config.toString()));
        try {
            if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("formatting the broker's storage failed:\n" + log("format"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A random cluster id as Kafka writes them: 16 bytes, base64url without padding. */
    private static String clusterId() {
        UUID u = UUID.randomUUID();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits());
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    private Path config() throws IOException {
        Path file = dir.resolve("server.properties");
        if (!Files.exists(file)) {
            Properties p = new Properties();
            p.put("process.roles", "broker,controller");
            p.put("node.id", "1");
            p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            p.put("controller.listener.names", "CONTROLLER");
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("log.dirs", dir.resolve("data").toString());
            p.put("num.partitions", "3");
            p.put("auto.create.topics.enable", "false");
            p.put("offsets.topic.replication.factor", "1");
            p.put("offsets.topic.num.partitions", "3");
            p.put("transaction.state.log.replication.factor", "1");
            p.put("transaction.state.log.min.isr", "1");
            p.put("share.coordinator.state.topic.replication.factor", "1");
            p.put("share.coordinator.state.topic.min.isr", "1");
            p.put("group.initial.rebalance.delay.ms", "0");
            // Started and restarted within seconds: no controlled shutdown to wait for, and a heartbeat that unfences
            // the broker 0.2 s after it caught up rather than 2 s.
            p.put("controlled.shutdown.enable", "false");
            p.put("broker.heartbeat.interval.ms", "200");
            try (var out = Files.newBufferedWriter(file)) {
                p.store(out, "a single-node KRaft broker for tests");
            }
        }
        return file;
    }

    /** Starts the broker (again, after {@link #stop}: same ports, same data) and waits until it answers. */
    public synchronized void start() {
        try {
            process = java("broker-" + (++starts), List.of("kafka.Kafka", config().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Admin admin = admin()) {
            Poll.until("the Kafka broker answers", Duration.ofSeconds(90), () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("the Kafka broker stopped:\n" + log("broker-" + starts));
                }
                try {
                    return admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).size() == 1;
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /** Stops the broker by its process id (SIGTERM, then SIGKILL after 20 s) and waits until it is gone. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        ProcessHandle h = ProcessHandle.of(process.pid()).orElse(null);
        if (h != null) {
            h.destroy();
            try {
                h.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
                h.onExit().join();
            }
        }
    }

    private void delete() {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }

    /** An admin client of this broker (close it). */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                10000));
    }

    /** Creates {@code topics}, each with {@code partitions} partitions. */
    public void createTopics(int partitions, String... topics) {
        List<NewTopic> list = new ArrayList<>();
        for (String t : topics) {
            list.add(new NewTopic(t, partitions, (short) 1));
        }
        try (Admin admin = admin()) {
            admin.createTopics(list).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create topics: " + e, e);
        }
    }

    private Process java(String name, List<String> mainAndArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(JAVA, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Xshare:auto", "-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArgs);
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    private String log(String name) {
        try {
            return Files.readString(dir.resolve(name + ".log"));
        } catch (IOException e) {
            return e.toString();
        }
    }
}
