package io.guidon.cli;

import io.guidon.controlplane.ControlPlaneConfig;
import io.guidon.controlplane.ControlPlaneMain;
import io.guidon.controlplane.db.Migrations;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code guidon control-plane}: the admin API and the sidecars' source of flags. */
@Command(name = "control-plane", mixinStandardHelpOptions = true,
        header = "Run the control plane: admin API, sidecar flag documents, change notifications.",
        description = {"Runs the control plane on PostgreSQL and Redis. Migrates the database schema at start",
                "(unless database.migrate-at-start is false) and refuses a schema newer than this build.",
                "Settings: built-in defaults < --config FILE < GUIDON_* variables < options."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by a signal", "1:could not start (configuration, database, schema)",
                "2:wrong usage"})
public final class ControlPlaneCommand implements Callable<Integer> {

    /**
     * Looked up when first used rather than at class load: picocli loads every command class to print help, and
     * a static logger would start the whole logging system (hundreds of milliseconds) for {@code --help} too.
     */
    private static Logger log() {
        return LoggerFactory.getLogger(ControlPlaneCommand.class);
    }

    @Mixin
    ControlPlaneOptions options;

    @Option(names = {"-p", "--port"}, paramLabel = "N", description = "Port to listen on (http.port, default 8080).")
    Integer port;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on (http.host, default 0.0.0.0).")
    String host;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, String> extra = new LinkedHashMap<>();
        if (port != null) {
            extra.put("http.port", port.toString());
        }
        if (host != null) {
            extra.put("http.host", host);
        }
        ControlPlaneConfig.Loaded loaded = options.load(extra, spec.commandLine().getErr());
        if (loaded == null) {
            return 1;
        }
        ControlPlaneMain.Running running;
        try {
            running = ControlPlaneMain.start(loaded.config());
        } catch (Migrations.SchemaMismatchException e) {
            spec.commandLine().getErr().println("guidon control-plane: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            log().error("could not start the control plane", e);
            spec.commandLine().getErr().println("guidon control-plane: could not start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log().info("stopping the control plane");
            try {
                running.close();
            } catch (Exception e) {
                log().warn("error while stopping: {}", e.getMessage());
            }
            stopped.countDown();
        }, "guidon-shutdown"));
        stopped.await();
        return 0;
    }
}
