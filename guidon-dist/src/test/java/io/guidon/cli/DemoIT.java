package io.guidon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** {@code guidon demo} as a user runs it: a real process that starts two more, wires them, and stops them all. */
class DemoIT {

    private static final String PG_HOST = System.getenv().getOrDefault("GUIDON_TEST_PG_HOST", "127.0.0.1");
    private static final String PG_PORT = System.getenv().getOrDefault("GUIDON_TEST_PG_PORT", "5432");
    private static final String DATABASE = "guidon_demo_it_" + Long.toString(System.nanoTime() % 1_000_000, 36);
    private static final String KEPT = DATABASE + "_kept";
    private static final String PG_USER = System.getenv().getOrDefault("GUIDON_TEST_PG_USER", "postgres");
    private static final String PG_PASSWORD = System.getenv().getOrDefault("GUIDON_TEST_PG_PASSWORD", "postgres");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void startsTheSystemServesAChangeAndStopsEverythingOnSigterm() throws Exception {
        int cpPort = freePort();
        int sidecarPort = freePort();
        Path dir = Files.createTempDirectory("guidon-demo-it");
        // What an earlier demo left: its cache and spool belong to a database the demo drops, so they go too.
        Path leftover = Files.createDirectories(dir.resolve("sidecar-cache/events")).resolve("000001-1-old.json.gz");
        Files.writeString(leftover, "from an earlier demo");
        int sidecarManagementPort = freePort();
        ProcessBuilder start = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-jar",
                "target/guidon.jar", "demo", "--control-plane-port", String.valueOf(cpPort),
                "--sidecar-port", String.valueOf(sidecarPort),
                "--control-plane-management-port", String.valueOf(freePort()),
                "--sidecar-management-port", String.valueOf(sidecarManagementPort),
                "--database", DATABASE, "--pg", "postgresql://" + PG_HOST + ":" + PG_PORT, "--dir", dir.toString())
                .redirectErrorStream(true);
        // The C1 compiler alone, as in every test JVM (it.argLine): the demo and the three JVMs it starts (they
        // inherit the environment) live seconds, and on two shared cores they were ready in 9 s instead of 15.
        start.environment().put("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1");
        Process demo = start.start();
        List<String> output = new ArrayList<>();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(demo.getInputStream()));
            String adminKey = null;
            for (String line; (line = lines.readLine()) != null;) {
                output.add(line);
                Matcher m = Pattern.compile("export GUIDON_KEY=(gdn_\\S+)").matcher(line);
                if (m.find()) {
                    adminKey = m.group(1);
                }
                if (line.contains("Guidon demo ready")) {
                    break;
                }
            }
            assertThat(output).as(String.join("\n", output)).anyMatch(l -> l.contains("Guidon demo ready"));
            assertThat(adminKey).isNotNull();
            assertThat(leftover).doesNotExist();
            String sidecar = "http://127.0.0.1:" + sidecarPort;

            // The admin UI's address and the key to sign in with are printed, and the page answers.
            String uiAddress = "http://127.0.0.1:" + cpPort + "/ui/";
            assertThat(output).contains(uiAddress, "Key to sign in with: " + adminKey);
            assertThat(status(uiAddress + "sign-in")).isEqualTo(200);

            assertThat(evaluate(sidecar, "dark-mode")).contains("\"value\":true");
            assertThat(evaluate(sidecar, "new-checkout")).contains("\"key\":\"new-checkout\"");
            assertThat(status("http://127.0.0.1:" + sidecarManagementPort + "/metrics")).isEqualTo(200);

            // The database password reaches the children in their environment, never on a command line.
            assertThat(demo.descendants().map(p -> p.info().commandLine().orElse("")).toList())
                    .isNotEmpty().noneSatisfy(c -> assertThat(c).contains("database.password"));

            // The printed Redis prefix is the one the printed second sidecar uses.
            String prefix = output.stream().map(l -> PREFIX.matcher(l)).filter(Matcher::find).map(m -> m.group(1))
                    .findFirst().orElseThrow(() -> new AssertionError("no prefix printed:\n" + output));
            assertThat(output).anySatisfy(l -> assertThat(l).contains("--set redis.prefix=" + prefix));

            // The printed "make a change" block, run as a shell runs it, ends by showing the change served.
            int block = output.indexOf(output.stream().filter(l -> l.startsWith("=== Make a change")).findFirst()
                    .orElseThrow());
            StringBuilder script = new StringBuilder("set -e\nexport GUIDON_KEY=" + adminKey + "\n");
            for (int i = block + 1; i < output.size() && !output.get(i).isBlank(); i++) {
                script.append(output.get(i)).append('\n');
            }
            Process shell = new ProcessBuilder("bash", "-c", script.toString()).redirectErrorStream(true).start();
            String shown = new String(shell.getInputStream().readAllBytes());
            assertThat(shell.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(shown).as(script + "\n->\n" + shown)
                    .containsPattern("\"key\":\"dark-mode\",\"value\":false,[^}]*\"reason\":\"DISABLED\"")
                    .contains("\"action\"");
            String after = evaluate(sidecar, "dark-mode");
            assertThat(after).contains("\"value\":false").contains("\"reason\":\"DISABLED\"");

            demo.destroy();
            assertThat(demo.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(listening(cpPort)).as("the control plane stopped").isFalse();
            assertThat(listening(sidecarPort)).as("the sidecar stopped").isFalse();
            assertThat(Files.readString(dir.resolve("sidecar.log"))).contains("stopped");
        } finally {
            demo.destroyForcibly();
        }
    }

    @Test
    void aBusyPortStopsTheDemoBeforeItDropsTheDatabaseOrTheCache() throws Exception {
        String jdbc = "jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/";
        try (Connection c = DriverManager.getConnection(jdbc + "postgres", PG_USER, PG_PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + KEPT + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + KEPT);
        }
        try (Connection c = DriverManager.getConnection(jdbc + KEPT, PG_USER, PG_PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE running_demo (id int)");
        }
        Path dir = Files.createTempDirectory("guidon-demo-it-busy");
        Path cached = Files.createDirectories(dir.resolve("sidecar-cache")).resolve("snapshot.json");
        Files.writeString(cached, "the running demo's cache");
        try (ServerSocket running = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            int busy = running.getLocalPort();
            Process demo = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-jar",
                    "target/guidon.jar", "demo", "--control-plane-port", String.valueOf(freePort()),
                    "--sidecar-port", String.valueOf(freePort()),
                    "--control-plane-management-port", String.valueOf(freePort()),
                    "--sidecar-management-port", String.valueOf(busy),
                    "--database", KEPT, "--pg", "postgresql://" + PG_HOST + ":" + PG_PORT, "--dir", dir.toString())
                    .redirectErrorStream(true).start();
            String output = new String(demo.getInputStream().readAllBytes());
            assertThat(demo.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(demo.exitValue()).as(output).isEqualTo(1);
            assertThat(output.strip()).as(output)
                    .isEqualTo("guidon demo: port " + busy + " (--sidecar-management-port) is in use (a demo already"
                            + " running? another process listens there); stop it or choose another port with"
                            + " --sidecar-management-port; nothing was changed");
        }
        try (Connection c = DriverManager.getConnection(jdbc + KEPT, PG_USER, PG_PASSWORD);
                Statement s = c.createStatement()) {
            assertThat(s.executeQuery("SELECT count(*) FROM running_demo").next()).isTrue();
        }
        assertThat(Files.readString(cached)).isEqualTo("the running demo's cache");
    }

    @Test
    void aDatabaseWithOtherConnectionsIsNotDropped() throws Exception {
        String jdbc = "jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/";
        try (Connection c = DriverManager.getConnection(jdbc + "postgres", PG_USER, PG_PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + KEPT + "_used WITH (FORCE)");
            s.execute("CREATE DATABASE " + KEPT + "_used");
        }
        // The running demo's control plane, as PostgreSQL sees it: a client connected to the database.
        try (Connection running = DriverManager.getConnection(jdbc + KEPT + "_used", PG_USER, PG_PASSWORD);
                Statement s = running.createStatement()) {
            s.execute("CREATE TABLE running_demo (id int)");
            Process demo = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-jar",
                    "target/guidon.jar", "demo", "--control-plane-port", String.valueOf(freePort()),
                    "--sidecar-port", String.valueOf(freePort()),
                    "--control-plane-management-port", String.valueOf(freePort()),
                    "--sidecar-management-port", String.valueOf(freePort()),
                    "--database", KEPT + "_used", "--pg", "postgresql://" + PG_HOST + ":" + PG_PORT,
                    "--dir", Files.createTempDirectory("guidon-demo-it-used").toString())
                    .redirectErrorStream(true).start();
            String output = new String(demo.getInputStream().readAllBytes());
            assertThat(demo.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(demo.exitValue()).as(output).isEqualTo(1);
            assertThat(output.strip().lines()).as(output).singleElement().asString()
                    .startsWith("guidon demo: database " + KEPT + "_used has 1 other connection (")
                    .endsWith("; stop them or choose another database with --database; nothing was changed");
            assertThat(s.executeQuery("SELECT count(*) FROM running_demo").next()).isTrue();
        } finally {
            try (Connection c = DriverManager.getConnection(jdbc + "postgres", PG_USER, PG_PASSWORD);
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + KEPT + "_used WITH (FORCE)");
            }
        }
    }

    @Test
    void aSecondDemoInTheSameDirectoryIsRefusedWhileTheFirstHoldsIt() throws Exception {
        Path dir = Files.createTempDirectory("guidon-demo-it-locked");
        Path cached = Files.createDirectories(dir.resolve("sidecar-cache")).resolve("snapshot.json");
        Files.writeString(cached, "the running demo's cache");
        // The first demo, as the second sees it: another process holding the directory's lock.
        try (FileChannel channel = FileChannel.open(dir.resolve(DemoCommand.LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
                FileLock held = channel.lock()) {
            Process demo = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-jar",
                    "target/guidon.jar", "demo", "--control-plane-port", String.valueOf(freePort()),
                    "--sidecar-port", String.valueOf(freePort()),
                    "--control-plane-management-port", String.valueOf(freePort()),
                    "--sidecar-management-port", String.valueOf(freePort()),
                    "--database", KEPT + "_never", "--pg", "postgresql://" + PG_HOST + ":" + PG_PORT,
                    "--dir", dir.toString()).redirectErrorStream(true).start();
            String output = new String(demo.getInputStream().readAllBytes());
            assertThat(demo.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(demo.exitValue()).as(output).isEqualTo(1);
            assertThat(output.strip()).as(output).isEqualTo("guidon demo: another demo uses "
                    + dir.toAbsolutePath() + " (it holds demo.lock); stop it or choose another directory with --dir;"
                    + " nothing was changed");
        }
        assertThat(Files.readString(cached)).isEqualTo("the running demo's cache");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/postgres",
                PG_USER, PG_PASSWORD);
                Statement s = c.createStatement()) {
            assertThat(s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + KEPT + "_never'").next())
                    .as("no database created").isFalse();
        }
    }

    @Test
    void twoOptionsGivenTheSamePortAreRefusedBeforeAnythingIsDone() throws Exception {
        int port = freePort();
        Path dir = Files.createTempDirectory("guidon-demo-it-same");
        Process demo = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-jar", "target/guidon.jar",
                "demo", "--control-plane-port", String.valueOf(port), "--sidecar-port", String.valueOf(freePort()),
                "--control-plane-management-port", String.valueOf(freePort()),
                "--sidecar-management-port", String.valueOf(port),
                "--database", KEPT + "_never", "--dir", dir.toString()).redirectErrorStream(true).start();
        String output = new String(demo.getInputStream().readAllBytes());
        assertThat(demo.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(demo.exitValue()).as(output).isEqualTo(1);
        assertThat(output).contains("port " + port + " is given to both --control-plane-port and "
                + "--sidecar-management-port");
        assertThat(output).doesNotContain("Recreating database");
    }

    private static final Pattern PREFIX = Pattern.compile("Redis channel prefix of this demo: (\\S+)\\)");

    private int status(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private String evaluate(String sidecar, String flag) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(sidecar + "/ofrep/v1/evaluate/flags/" + flag))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"context\":{\"targetingKey\":\"u1\"}}")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/postgres",
                System.getenv().getOrDefault("GUIDON_TEST_PG_USER", "postgres"),
                System.getenv().getOrDefault("GUIDON_TEST_PG_PASSWORD", "postgres"));
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            s.execute("DROP DATABASE IF EXISTS " + KEPT + " WITH (FORCE)");
        }
    }
}
