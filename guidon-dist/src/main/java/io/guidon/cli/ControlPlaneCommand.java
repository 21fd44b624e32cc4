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
                "Settings, each layer over the one before: built-in defaults (config/control-plane.yaml), --config",
                "FILE, GUIDON_* variables, --set KEY=VALUE, then --port and --host. /metrics is served on",
                "management.port (default 8081), /healthz and /readyz on both ports.",
                "",
                "Stop it with SIGTERM (kill PID, systemctl stop, docker stop) or Ctrl-C. Started in the background",
                "by a script it ignores SIGINT (the shell marks it ignored): send SIGTERM."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by a signal", "1:could not start (database, schema, a port in use: the message "
                + "names host:port and the setting)", "2:wrong usage or an invalid setting (every problem is named)"})
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

    @Option(names = {"-p", "--port"}, paramLabel = "N", description = "Port of the API (http.port, default 8080).")
    String port;

    @Option(names = "--host", paramLabel = "ADDRESS",
            description = "Address to listen on (http.host, default 127.0.0.1; 0.0.0.0 for every interface).")
    String host;

    /** The command line's settings: {@code --set}, then {@link #dedicatedOptions()} that were given over it. */
    public Map<String, String> overrides() {
        return options.overrides(dedicatedOptions());
    }

    /** Each setting that has an option of its own, with the option's value (null when not given). */
    public Map<String, String> dedicatedOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("http.port", port);
        options.put("http.host", host);
        return options;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ControlPlaneConfig.Loaded loaded = options.load(dedicatedOptions(), spec.commandLine().getErr());
        if (loaded == null) {
            return ControlPlaneOptions.INVALID_SETTING;
        }
        ControlPlaneMain.Running running;
        try {
            running = ControlPlaneMain.start(loaded.config());
        } catch (Migrations.SchemaMismatchException e) {
            spec.commandLine().getErr().println("guidon control-plane: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            io.guidon.common.ops.ListenException busy = io.guidon.common.ops.ListenException.in(e);
            if (busy != null) {
                log().error("could not start the control plane: {}", busy.getMessage());
                spec.commandLine().getErr().println("guidon control-plane: " + busy.getMessage());
            } else {
                log().error("could not start the control plane", e);
                spec.commandLine().getErr().println("guidon control-plane: could not start: " + e.getMessage());
            }
            spec.commandLine().getErr().flush();
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
