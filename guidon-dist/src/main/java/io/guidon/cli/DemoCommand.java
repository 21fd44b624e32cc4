package io.guidon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.Main;
import java.io.IOException;
import java.io.PrintWriter;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code guidon demo}: the whole system on this machine. Recreates a demo database, starts a control plane and a
 * connected sidecar as child processes (their JSON logs go to files), creates a tenant, an environment, a sidecar
 * key and a few flags through the control plane's API, prints what to try, and on Ctrl-C stops both children
 * gracefully. The {@code ./guidon} launcher first makes sure PostgreSQL and Redis run, as for the tests.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        header = "Run the whole system locally: a control plane, a connected sidecar and demo flags.",
        description = {"Needs PostgreSQL and Redis on this machine (./guidon demo starts or installs them like",
                "./guidon test). Recreates the database given by --database, starts the control plane and a",
                "sidecar connected to it, creates tenant 'demo' with environments 'production' (protected) and",
                "'staging', a few flags and keys, and prints what to try (the admin UI's address first). Ctrl-C or",
                "SIGTERM stops everything it started (a demo started in the background by a script ignores SIGINT,",
                "as the shell marks it ignored: send SIGTERM, kill PID)."})
public final class DemoCommand implements Callable<Integer> {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    @Option(names = "--control-plane-port", defaultValue = "8080", paramLabel = "N",
            description = "Port of the control plane (default ${DEFAULT-VALUE}).")
    int controlPlanePort;

    @Option(names = "--sidecar-port", defaultValue = "7070", paramLabel = "N",
            description = "Port of the sidecar (default ${DEFAULT-VALUE}).")
    int sidecarPort;

    @Option(names = "--control-plane-management-port", paramLabel = "N",
            description = "The control plane's /metrics, /healthz, /readyz port (default: its port + 1).")
    Integer controlPlaneManagementPort;

    @Option(names = "--sidecar-management-port", paramLabel = "N",
            description = "The sidecar's /metrics, /healthz, /readyz port (default: its port + 1).")
    Integer sidecarManagementPort;

    @Option(names = "--database", defaultValue = "guidon_demo", paramLabel = "NAME",
            description = "PostgreSQL database to (re)create for the demo (default ${DEFAULT-VALUE}); dropped first,"
                    + " refused while anything else is connected to it.")
    String database;

    @Option(names = "--pg", defaultValue = "postgresql://127.0.0.1:5432", paramLabel = "URL",
            description = "PostgreSQL server (default ${DEFAULT-VALUE}).")
    String pg;

    @Option(names = "--pg-user", defaultValue = "postgres", paramLabel = "USER", description = "Default ${DEFAULT-VALUE}.")
    String pgUser;

    @Option(names = "--pg-password", defaultValue = "postgres", paramLabel = "PASSWORD",
            description = "Default ${DEFAULT-VALUE} (ignored by trust authentication).")
    String pgPassword;

    @Option(names = "--redis", defaultValue = "redis://127.0.0.1:6379", paramLabel = "URL",
            description = "Redis server (default ${DEFAULT-VALUE}).")
    String redis;

    @Option(names = "--dir", defaultValue = ".guidon-demo", paramLabel = "DIR",
            description = "Where the logs and the sidecar's cache go (default ${DEFAULT-VALUE}); one demo at a time"
                    + " per directory.")
    Path dir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // Made in call(), not at construction: picocli constructs every command to print --help.
    private ObjectMapper json;
    private HttpClient http;
    private final List<Process> children = new ArrayList<>();
    private volatile boolean stopping;
    /** The lock on {@link #LOCK_FILE} in {@link #dir}, held for the demo's lifetime (a field, so never collected). */
    private FileLock lock;

    /** The file in {@code --dir} a running demo holds an exclusive lock on. */
    static final String LOCK_FILE = "demo.lock";

    @Override
    public Integer call() throws Exception {
        json = new ObjectMapper();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1)
                .build();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!database.matches("[a-z_][a-z0-9_]{0,62}")) {
            err.println("guidon demo: --database must be a plain PostgreSQL name (a-z, 0-9, _)");
            return 2;
        }
        int cpManagement = controlPlaneManagementPort != null ? controlPlaneManagementPort : controlPlanePort + 1;
        int sidecarManagement = sidecarManagementPort != null ? sidecarManagementPort : sidecarPort + 1;
        // Before anything is dropped or deleted: a demo that is already running holds these ports, and its
        // database and cache must survive a second "./guidon demo" that cannot start anyway.
        String busy = busyPort(new int[] {controlPlanePort, cpManagement, sidecarPort, sidecarManagement},
                new String[] {"--control-plane-port", "--control-plane-management-port", "--sidecar-port",
                        "--sidecar-management-port"});
        if (busy != null) {
            err.println("guidon demo: " + busy);
            err.flush();
            return 1;
        }
        Files.createDirectories(dir);
        // Held until this process exits (the OS releases it then, also on a crash): two demos writing one
        // directory would overwrite each other's logs, class-data archives and sidecar cache.
        FileChannel lockFile = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        lock = lockFile.tryLock();
        if (lock == null) {
            lockFile.close();
            err.println("guidon demo: another demo uses " + dir.toAbsolutePath() + " (it holds " + LOCK_FILE
                    + "); stop it or choose another directory with --dir; nothing was changed");
            err.flush();
            return 1;
        }
        String jdbcBase = pg.replaceFirst("^postgres(ql)?://", "jdbc:postgresql://");
        String inUse;
        try {
            inUse = otherConnections(jdbcBase);
        } catch (SQLException e) {
            inUse = "cannot reach PostgreSQL at " + pg + ": " + e.getMessage();
        }
        if (inUse != null) {
            err.println("guidon demo: " + inUse);
            err.flush();
            return 1;
        }
        String prefix = "guidon-demo-" + Long.toString(System.nanoTime() % 100_000, 36);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopChildren(out);
            stopped.countDown();
        }, "guidon-demo-stop"));
        try {
            out.println("Recreating database " + database + " ...");
            out.flush();
            recreateDatabase(jdbcBase);
            // The sidecar's cache and event spool belong to the database just dropped: flags of an older demo
            // would be served until the first fetch, and its spooled events counted in this one.
            deleteTree(dir.resolve("sidecar-cache"));
            String dbUrl = pg + "/" + database;

            out.println("Bootstrapping tenant 'demo' ...");
            out.flush();
            String adminKey = bootstrap(dbUrl, prefix);

            out.println("Starting the control plane on port " + controlPlanePort + " (log: "
                    + dir.resolve("control-plane.log") + ") ...");
            out.flush();
            // The password goes in the child's environment: a command line is readable by every user of the machine.
            children.add(start("control-plane", List.of("control-plane", "--port", String.valueOf(controlPlanePort),
                    "--set", "management.port=" + cpManagement,
                    "--set", "database.url=" + dbUrl, "--set", "database.user=" + pgUser,
                    "--set", "redis.url=" + redis, "--set", "redis.prefix=" + prefix),
                    List.of("GUIDON_DATABASE_PASSWORD=" + pgPassword)));
            String cp = "http://127.0.0.1:" + controlPlanePort;
            awaitReady(cp + "/readyz", "the control plane", children.get(0), dir.resolve("control-plane.log"));

            String sidecarKey = createDemoFlags(cp, adminKey);

            out.println("Starting a connected sidecar on port " + sidecarPort + " (log: "
                    + dir.resolve("sidecar.log") + ") ...");
            out.flush();
            children.add(start("sidecar", List.of("sidecar", "--port", String.valueOf(sidecarPort),
                    "--set", "management.port=" + sidecarManagement,
                    "--control-plane", cp, "--redis", redis, "--cache-dir", dir.resolve("sidecar-cache").toString(),
                    "--set", "redis.prefix=" + prefix, "--set", "events.flush-interval=2s"),
                    List.of("GUIDON_CONTROL_PLANE_SIDECAR_KEY=" + sidecarKey)));
            String sidecar = "http://127.0.0.1:" + sidecarPort;
            awaitReady(sidecar + "/readyz", "the sidecar", children.get(1), dir.resolve("sidecar.log"));

            out.println(instructions(cp, sidecar, adminKey, sidecarKey, prefix, sidecarManagement));
            out.println("Guidon demo ready. Press Ctrl-C to stop.");
            out.flush();
        } catch (Exception e) {
            err.println("guidon demo: " + e.getMessage());
            err.flush();
            stopChildren(out);
            return 1;
        }
        for (Process p : children) {
            p.onExit().thenRun(() -> {
                if (!stopping) {
                    err.println("guidon demo: a child process exited (" + p.info().commandLine().orElse("?")
                            + "); see the logs in " + dir);
                    err.flush();
                }
            });
        }
        stopped.await();
        return 0;
    }

    /**
     * One line saying who else is connected to the demo database (a running demo, a psql session, an application),
     * or null when nobody is: the demo drops it, and must not pull it from under them.
     */
    private String otherConnections(String jdbcBase) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcBase + "/postgres", pgUser, pgPassword);
                PreparedStatement s = c.prepareStatement("SELECT count(*), string_agg(DISTINCT coalesce("
                        + "nullif(application_name, ''), 'unnamed client'), ', ') FROM pg_stat_activity"
                        + " WHERE datname = ? AND pid <> pg_backend_pid()")) {
            s.setString(1, database);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                int n = r.getInt(1);
                if (n == 0) {
                    return null;
                }
                return "database " + database + " has " + n + " other connection" + (n == 1 ? "" : "s") + " ("
                        + r.getString(2) + "; a demo already running?); stop them or choose another database with"
                        + " --database; nothing was changed";
            }
        }
    }

    private void recreateDatabase(String jdbcBase) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcBase + "/postgres", pgUser, pgPassword);
                Statement s = c.createStatement()) {
            // Without FORCE: a client that connected since otherConnections() makes this fail instead of losing
            // its database.
            s.execute("DROP DATABASE IF EXISTS " + database);
            s.execute("CREATE DATABASE " + database);
        }
    }

    /** Runs {@code admin bootstrap} against the demo database and returns the admin key it prints. */
    private String bootstrap(String dbUrl, String prefix) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(javaCommand(List.of("admin", "bootstrap", "--tenant", "demo",
                "--set", "database.url=" + dbUrl, "--set", "database.user=" + pgUser,
                "--set", "redis.prefix=" + prefix)))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE);
        pb.environment().put("GUIDON_DATABASE_PASSWORD", pgPassword);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("admin bootstrap failed:\n" + output);
        }
        for (String line : output.split("\n")) {
            if (line.startsWith("gdn_")) {
                return line.strip();
            }
        }
        throw new IOException("admin bootstrap printed no key:\n" + output);
    }

    private Process start(String name, List<String> args, List<String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(javaCommand(args))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        for (String e : env) {
            int eq = e.indexOf('=');
            pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
        }
        return pb.start();
    }

    private List<String> javaCommand(List<String> args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path jar;
        try {
            jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException("cannot locate the guidon jar", e);
        }
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("-XX:+UseSerialGC");
        // A class-data archive per command, made on the first demo run: later starts take half the time.
        command.add("-XX:+AutoCreateSharedArchive");
        command.add("-XX:SharedArchiveFile=" + dir.toAbsolutePath().resolve(args.get(0) + ".jsa"));
        // Classes the archive cannot hold are each reported as a warning when it is written at the first exit:
        // hundreds of lines of no use in a JSON log.
        command.add("-Xlog:cds=off");
        command.add("-Xlog:cds+dynamic=off");
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        return command;
    }

    /**
     * Waits until {@code url} answers 200 while {@code child} runs. The answer counts only if the child is still
     * alive after it: a process that could not bind exits, and whatever else answers on its port is not it.
     */
    private void awaitReady(String url, String what, Process child, Path log) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!child.isAlive()) {
                throw new IOException(exited(what, child, log));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    if (child.waitFor(300, TimeUnit.MILLISECONDS)) {
                        throw new IOException(exited(what, child, log));
                    }
                    return;
                }
            } catch (IOException notYet) {
                if (!child.isAlive()) {
                    throw new IOException(exited(what, child, log));
                }
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IOException(what + " was not ready within " + START_TIMEOUT.toSeconds() + "s; see " + log);
    }

    private static String exited(String what, Process child, Path log) {
        return what + " exited during start (exit code " + child.exitValue() + "); the last lines of " + log + ":\n"
                + String.join("\n", lastLines(log, 10));
    }

    private static List<String> lastLines(Path log, int n) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.subList(Math.max(0, lines.size() - n), lines.size());
        } catch (IOException e) {
            return List.of("(cannot read it: " + e.getMessage() + ")");
        }
    }

    /**
     * The first of {@code ports} that is taken, or given twice, as one line naming it and its option; null when
     * all are free. Binds each on the loopback address, where the demo's servers listen.
     */
    static String busyPort(int[] ports, String[] options) {
        for (int i = 0; i < ports.length; i++) {
            for (int j = 0; j < i; j++) {
                if (ports[i] == ports[j]) {
                    return "port " + ports[i] + " is given to both " + options[j] + " and " + options[i]
                            + "; choose another with " + options[i];
                }
            }
            try (java.net.ServerSocket s = new java.net.ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), ports[i]));
            } catch (IOException e) {
                return "port " + ports[i] + " (" + options[i] + ") is in use (a demo already running? another "
                        + "process listens there); stop it or choose another port with " + options[i]
                        + "; nothing was changed";
            }
        }
        return null;
    }

    /**
     * Creates environments production (protected) and staging, four flags configured in production, and a sidecar
     * key of production; returns the key.
     */
    private String createDemoFlags(String cp, String adminKey) throws Exception {
        // Production is protected: the UI asks for its key before a switch there.
        call(cp, adminKey, "POST", "/api/v1/environments",
                "{\"key\":\"production\",\"name\":\"Production\",\"protected\":true}");
        call(cp, adminKey, "POST", "/api/v1/environments", "{\"key\":\"staging\",\"name\":\"Staging\"}");
        flag(cp, adminKey, "new-checkout", "New checkout flow", "{\"on\":true,\"off\":false}",
                "{\"enabled\":true,\"offVariant\":\"off\",\"rules\":[{\"id\":\"eu\",\"when\":{\"attribute\":\"country\","
                        + "\"op\":\"in\",\"values\":[\"DE\",\"FR\"]},\"serve\":{\"variant\":\"on\"}}],"
                        + "\"fallthrough\":{\"rollout\":{\"on\":10,\"off\":90}}}");
        flag(cp, adminKey, "checkout-button-color", "A/B/C test of the checkout button",
                "{\"blue\":\"blue\",\"green\":\"green\",\"orange\":\"orange\"}",
                "{\"enabled\":true,\"offVariant\":\"blue\",\"fallthrough\":{\"rollout\":{\"blue\":33.334,"
                        + "\"green\":33.333,\"orange\":33.333}}}");
        flag(cp, adminKey, "search-results-limit", "Search results per page", "{\"small\":10,\"default\":25}",
                "{\"enabled\":true,\"offVariant\":\"default\",\"rules\":[{\"id\":\"mobile\",\"when\":{\"attribute\":"
                        + "\"deviceType\",\"op\":\"in\",\"values\":[\"ios\",\"android\"]},\"serve\":{\"variant\":"
                        + "\"small\"}}],\"fallthrough\":{\"variant\":\"default\"}}");
        flag(cp, adminKey, "dark-mode", "Dark mode", "{\"on\":true,\"off\":false}",
                "{\"enabled\":true,\"offVariant\":\"off\",\"fallthrough\":{\"variant\":\"on\"}}");
        JsonNode key = call(cp, adminKey, "POST", "/api/v1/keys",
                "{\"name\":\"demo sidecar\",\"role\":\"sidecar\",\"environment\":\"production\"}");
        return key.path("key").asText();
    }

    private void flag(String cp, String adminKey, String key, String description, String variants, String config)
            throws Exception {
        call(cp, adminKey, "POST", "/api/v1/flags", "{\"key\":\"" + key + "\",\"description\":\"" + description
                + "\",\"variants\":" + variants + "}");
        HttpResponse<String> current = send(cp, adminKey, "GET", "/api/v1/environments/production/flags/" + key, null,
                null);
        String etag = current.headers().firstValue("ETag").orElseThrow(() -> new IOException("no ETag for " + key));
        HttpResponse<String> r = send(cp, adminKey, "PUT", "/api/v1/environments/production/flags/" + key, config,
                etag);
        if (r.statusCode() / 100 != 2) {
            throw new IOException("configuring " + key + " failed: " + r.statusCode() + " " + r.body());
        }
    }

    private JsonNode call(String cp, String adminKey, String method, String path, String body) throws Exception {
        HttpResponse<String> r = send(cp, adminKey, method, path, body, null);
        if (r.statusCode() / 100 != 2) {
            throw new IOException(method + " " + path + " failed: " + r.statusCode() + " " + r.body());
        }
        return json.readTree(r.body());
    }

    private HttpResponse<String> send(String cp, String adminKey, String method, String path, String body,
            String ifMatch) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cp + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + adminKey)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (ifMatch != null) {
            b.header("If-Match", ifMatch);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What to try, printed once the system is ready; DemoIT runs the change block as a shell would. */
    private String instructions(String cp, String sidecar, String adminKey, String sidecarKey, String prefix,
            int sidecarManagementPort) {
        String evaluate = "curl -s -XPOST " + sidecar
                + "/ofrep/v1/evaluate/flags/dark-mode -H 'Content-Type: application/json'"
                + " -d '{\"context\":{\"targetingKey\":\"u1\"}}'";
        return String.join("\n",
                "",
                "=== The admin UI (open it in a browser; sign in with the admin key below) ===",
                cp + "/ui/",
                "Key to sign in with: " + adminKey,
                "",
                "=== The sidecar (what your application calls) ===",
                "curl -s " + sidecar + "/ofrep/v1/evaluate/flags/new-checkout -H 'Content-Type: application/json' -d '{\"context\":{\"targetingKey\":\"u1\",\"country\":\"DE\"}}'",
                "curl -s '" + sidecar + "/v1/flags/search-results-limit?targetingKey=u1&deviceType=ios'",
                "curl -s " + sidecar + "/users/u42/flags",
                "curl -s " + sidecar + "/healthz          # connection states, held version",
                "curl -s " + sidecar.replaceFirst(":\\d+$", ":" + sidecarManagementPort)
                        + "/metrics          # the management port: /metrics, /healthz, /readyz",
                "",
                "=== Watch changes arrive (in a second terminal) ===",
                "curl -sN " + sidecar + "/v1/stream",
                "",
                "=== The control plane's admin API (admin key of tenant 'demo', shown only here) ===",
                "export GUIDON_KEY=" + adminKey,
                "curl -s -H \"Authorization: Bearer $GUIDON_KEY\" " + cp + "/api/v1/environments/production/flags",
                "",
                "=== Make a change and watch it arrive (the loop waits until the sidecar serves it) ===",
                "curl -s -XPUT -H \"Authorization: Bearer $GUIDON_KEY\" -H 'Content-Type: application/json' \\",
                "  " + cp + "/api/v1/environments/production/flags/dark-mode/enabled -d '{\"enabled\":false}'",
                "for i in $(seq 50); do " + evaluate + " | grep -q DISABLED && break; sleep 0.2; done",
                evaluate,
                "curl -s -H \"Authorization: Bearer $GUIDON_KEY\" '" + cp + "/api/v1/audit?resource=dark-mode'",
                "",
                "=== A second sidecar of the same environment (Redis channel prefix of this demo: " + prefix + ") ===",
                "GUIDON_CONTROL_PLANE_SIDECAR_KEY=" + sidecarKey + " ./guidon sidecar --port 7170 \\",
                "  --set management.port=7171 --control-plane " + cp + " --redis " + redis
                        + " --cache-dir " + dir.resolve("sidecar-2") + " --set redis.prefix=" + prefix,
                "",
                "Logs: " + dir.resolve("control-plane.log") + ", " + dir.resolve("sidecar.log"),
                "");
    }

    private synchronized void stopChildren(PrintWriter out) {
        stopping = true;
        if (children.isEmpty()) {
            return;
        }
        out.println("Stopping the sidecar and the control plane ...");
        out.flush();
        for (int i = children.size() - 1; i >= 0; i--) {
            Process p = children.get(i);
            p.destroy();
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        children.clear();
        out.println("Stopped.");
        out.flush();
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
