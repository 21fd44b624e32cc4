package io.guidon.sidecar;

import io.guidon.common.config.Settings;
import java.nio.file.Path;
import java.time.Duration;

/** The sidecar's settings (config/sidecar.yaml documents each), bound once at start and validated. */
public record SidecarConfig(Http http, Flags flags, Stream stream, Metrics metrics, Shutdown shutdown) {

    public record Http(String host, int port, int instances, int maxBodyBytes, int maxJsonDepth,
            int maxJsonElements, int maxStringLength, Duration idleTimeout, boolean accessLog, boolean compression) {
    }

    /** {@code file} null means: ./config/flags.json if present, else the bundled example. */
    public record Flags(Path file, Duration watchInterval) {
    }

    public record Stream(Duration heartbeatInterval, int history) {
    }

    public record Metrics(boolean perFlag) {
    }

    public record Shutdown(Duration gracePeriod) {
    }

    public static final String DEFAULTS = "config/sidecar.yaml";

    /** Binds and validates; throws {@link io.guidon.common.config.ConfigException} listing every problem. */
    public static SidecarConfig from(Settings s) {
        int instances = s.integer("http.instances", 0, 256);
        SidecarConfig config = new SidecarConfig(
                new Http(s.requiredString("http.host"), s.port("http.port"),
                        instances == 0 ? Runtime.getRuntime().availableProcessors() : instances,
                        (int) s.bytes("http.max-body-size", 1024, 64L * 1024 * 1024),
                        s.integer("http.max-json-depth", 2, 200),
                        s.integer("http.max-json-elements", 1, 1_000_000),
                        s.integer("http.max-string-length", 16, 10_000_000),
                        s.duration("http.idle-timeout", Duration.ofSeconds(1)),
                        s.bool("http.access-log"),
                        s.bool("http.compression")),
                new Flags(s.path("flags.file"), s.duration("flags.watch-interval", Duration.ofMillis(50))),
                new Stream(s.duration("stream.heartbeat-interval", Duration.ofMillis(100)),
                        s.integer("stream.history", 1, 100_000)),
                new Metrics(s.bool("metrics.per-flag")),
                new Shutdown(s.duration("shutdown.grace-period", Duration.ZERO)));
        s.validate();
        return config;
    }
}
