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

    /** The exit code of every command for an invalid setting, as for any other usage error. */
    static final int INVALID_SETTING = 2;

    /**
     * Loads and validates; prints every problem and returns null when the configuration is invalid (the command
     * then exits with {@link #INVALID_SETTING}). {@code options} are the settings that have an option of their own
     * (null when not given): they go over {@code --set}, which goes over the environment and the file.
     */
    /**
     * For the commands that print a result for a person ({@code migrate}, {@code admin bootstrap}): Flyway's INFO
     * lines (about twenty JSON lines per run) would bury it. Warnings and errors still show; the server keeps them.
     */
    static void quietFlyway() {
        org.slf4j.Logger flyway = org.slf4j.LoggerFactory.getLogger("org.flywaydb");
        if (flyway instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    ControlPlaneConfig.Loaded load(Map<String, String> options, java.io.PrintWriter err) {
        try {
            ControlPlaneConfig.Loaded loaded = ControlPlaneConfig.load(config, System.getenv(), overrides(options));
            for (String warning : loaded.settings().warnings()) {
                log().warn(warning);
            }
            log().info("configuration", net.logstash.logback.argument.StructuredArguments.entries(
                    loaded.settings().describe()));
            return loaded;
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return null;
        }
    }

    /** {@code --set}, then the given options that are not null over it. */
    Map<String, String> overrides(Map<String, String> options) {
        Map<String, String> overrides = new LinkedHashMap<>(set);
        for (Map.Entry<String, String> o : options.entrySet()) {
            if (o.getValue() != null) {
                overrides.put(o.getKey(), o.getValue());
            }
        }
        return overrides;
    }
}
