package io.guidon.cli;

import io.guidon.common.config.ConfigException;
import io.guidon.controlplane.ControlPlaneConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** The configuration options every control-plane command takes: a file and single settings. */
final class ControlPlaneOptions {

    /**
     * Looked up when first used rather than at class load: picocli loads every command class to print help, and
     * a static logger would start the whole logging system (hundreds of milliseconds) for {@code --help} too.
     */
    private static Logger log() {
        return LoggerFactory.getLogger(ControlPlaneOptions.class);
    }

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "YAML settings over the built-in defaults (config/control-plane.yaml documents every key).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "One setting, over the file and GUIDON_* variables, e.g. --set database.pool-size=20.")
    Map<String, String> set = new LinkedHashMap<>();

    /** Loads and validates; prints every problem and returns null when the configuration is invalid. */
    ControlPlaneConfig.Loaded load(Map<String, String> extra, java.io.PrintWriter err) {
        Map<String, String> overrides = new LinkedHashMap<>(set);
        overrides.putAll(extra);
        try {
            ControlPlaneConfig.Loaded loaded = ControlPlaneConfig.load(config, System.getenv(), overrides);
            log().info("configuration", net.logstash.logback.argument.StructuredArguments.entries(
                    loaded.settings().describe()));
            return loaded;
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return null;
        }
    }
}
