package io.guidon.sidecar;

import io.guidon.common.config.ConfigException;
import io.guidon.common.config.Settings;
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
                "Settings come from config/sidecar.yaml (built in), then --config FILE, then GUIDON_* environment",
                "variables, then the options below; every effective setting is logged once at start, secrets masked."})
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

    @Option(names = "--port", paramLabel = "N", description = "Port to listen on (http.port, default 7070).")
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

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>(set);
        overrides.put("flags.file", flags);
        overrides.put("http.port", port);
        overrides.put("http.host", host);
        overrides.put("control-plane.url", controlPlane);
        overrides.put("control-plane.sidecar-key", sidecarKey);
        overrides.put("redis.url", redis);
        overrides.put("cache.dir", cacheDir);
        SidecarConfig config;
        Settings settings;
        try {
            settings = Settings.load(SidecarConfig.DEFAULTS, configFile, System.getenv(), overrides);
            config = SidecarConfig.from(settings);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
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
            log().error("the sidecar could not start: {}", e.getCause() == null ? e : e.getCause().toString());
            main.shutdown(java.time.Duration.ofSeconds(5));
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(hook);
        stopped.await();
        return 0;
    }
}
