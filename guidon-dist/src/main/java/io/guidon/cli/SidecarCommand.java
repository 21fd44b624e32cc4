package io.guidon.cli;

import io.guidon.common.config.ConfigException;
import io.guidon.common.config.Settings;
import io.guidon.sidecar.SidecarConfig;
import io.guidon.sidecar.SidecarMain;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code guidon sidecar}: runs the sidecar until SIGTERM or Ctrl-C. */
@Command(name = "sidecar", mixinStandardHelpOptions = true,
        header = "Run the sidecar: evaluate flags for the application beside it over HTTP (OFREP and native API).",
        description = {"Standalone mode serves a flag document from a file, watching it for changes; connected mode",
                "(--control-plane) serves the flags of one environment of a control plane, kept current through",
                "Redis notifications and polling, and sends exposure and conversion events upstream.",
                "Settings, each layer over the one before: config/sidecar.yaml (built in), --config FILE, GUIDON_*",
                "environment variables, --set KEY=VALUE, then the options below that name a setting. Every effective",
                "setting is logged once at start, secrets masked. /metrics is on management.port (default 7071).",
                "",
                "Stop it with SIGTERM (kill PID, systemctl stop, docker stop) or Ctrl-C: it drains requests in flight",
                "first. A sidecar started in the background by a script ignores SIGINT (the shell marks it ignored):",
                "send SIGTERM."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by a signal", "1:could not start (e.g. a port in use: the message names host:port "
                + "and the setting)", "2:wrong usage or an invalid setting (every problem is named)"})
public final class SidecarCommand implements Callable<Integer> {

    /**
     * Looked up when first used rather than at class load: picocli loads every command class to print help, and
     * a static logger would start the whole logging system (hundreds of milliseconds) for {@code --help} too.
     */
    private static Logger log() {
        return LoggerFactory.getLogger(SidecarCommand.class);
    }

    @Option(names = "--config", paramLabel = "FILE", description = "A YAML file of settings (see config/sidecar.yaml).")
    Path configFile;

    @Option(names = "--flags", paramLabel = "FILE",
            description = "The flag document to serve and watch (flags.file). Default: ./config/flags.json if present, "
                    + "else the bundled example.")
    String flags;

    @Option(names = "--port", paramLabel = "N", description = "Port of the API (http.port, default 7070).")
    String port;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on (http.host, default 127.0.0.1).")
    String host;

    @Option(names = "--control-plane", paramLabel = "URL",
            description = "Connected mode: take flags from this control plane (control-plane.url) instead of a file.")
    String controlPlane;

    @Option(names = "--sidecar-key", paramLabel = "KEY",
            description = "The environment's sidecar key for the control plane (control-plane.sidecar-key). Prefer "
                    + "GUIDON_CONTROL_PLANE_SIDECAR_KEY: options show in process lists.")
    String sidecarKey;

    @Option(names = "--redis", paramLabel = "URL",
            description = "Redis for change notifications in connected mode (redis.url), e.g. redis://127.0.0.1:6379.")
    String redis;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Where the last flag set and undelivered events are kept (cache.dir, default .guidon-cache).")
    String cacheDir;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any other setting, e.g. --set http.access-log=true.")
    Map<String, String> set = new LinkedHashMap<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * The command line's settings: {@code --set} first, then each option that names one setting over it (an option
     * not given leaves the {@code --set} value, the environment's or the file's in place).
     */
    public Map<String, String> overrides() {
        Map<String, String> overrides = new LinkedHashMap<>(set);
        for (Map.Entry<String, String> option : dedicatedOptions().entrySet()) {
            if (option.getValue() != null) {
                overrides.put(option.getKey(), option.getValue());
            }
        }
        return overrides;
    }

    /** Each setting that has an option of its own, with the option's value (null when not given). */
    public Map<String, String> dedicatedOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("flags.file", flags);
        options.put("http.port", port);
        options.put("http.host", host);
        options.put("control-plane.url", controlPlane);
        options.put("control-plane.sidecar-key", sidecarKey);
        options.put("redis.url", redis);
        options.put("cache.dir", cacheDir);
        return options;
    }

    @Override
    public Integer call() throws Exception {
        SidecarConfig config;
        Settings settings;
        try {
            settings = Settings.load(SidecarConfig.DEFAULTS, configFile, System.getenv(), overrides());
            config = SidecarConfig.from(settings);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        }
        for (String warning : settings.warnings()) {
            log().warn(warning);
        }
        log().info("sidecar settings {}", settings.describe());
        SidecarMain main = new SidecarMain(config, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            log().info("stopping: finishing requests in flight (up to {})", config.shutdown().gracePeriod());
            try {
                main.shutdown(config.shutdown().gracePeriod().plusSeconds(5));
                log().info("stopped");
            } catch (Exception e) {
                log().warn("shutdown did not complete cleanly: {}", e.toString());
            } finally {
                stopped.countDown();
            }
        }, "guidon-shutdown");
        try {
            main.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            io.guidon.common.ops.ListenException busy = io.guidon.common.ops.ListenException.in(e);
            String why = busy != null ? busy.getMessage()
                    : String.valueOf(e.getCause() == null ? e : e.getCause().toString());
            log().error("the sidecar could not start: {}", why);
            spec.commandLine().getErr().println("guidon sidecar: " + why);
            spec.commandLine().getErr().flush();
            main.shutdown(java.time.Duration.ofSeconds(5));
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(hook);
        stopped.await();
        return 0;
    }
}
