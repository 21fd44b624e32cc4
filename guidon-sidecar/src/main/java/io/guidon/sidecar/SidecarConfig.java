package io.guidon.sidecar;

import io.guidon.common.config.Settings;
import io.guidon.common.ops.Management;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** The sidecar's settings (config/sidecar.yaml documents each), bound once at start and validated. */
public record SidecarConfig(Http http, Flags flags, Stream stream, Metrics metrics, Shutdown shutdown,
        ControlPlane controlPlane, Redis redis, Cache cache, Events events, Management management, Otel otel) {

    /**
     * {@code instances}: event loops, one HTTP server each (setting {@code http.event-loops}); {@code allowedHosts}:
     * lower-case names besides the loopback ones that {@code Host} may carry ("*" is any).
     */
    public record Http(String host, int port, int instances, int maxBodyBytes, int maxJsonDepth,
            int maxJsonElements, int maxStringLength, Duration idleTimeout, boolean accessLog, boolean compression,
            List<String> allowedHosts) {
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

    /**
     * {@code url} null means standalone mode. {@code maxResponseSize}: the most bytes (decompressed) read from any
     * one answer of the control plane.
     */
    /**
     * {@code instanceId}: the id this process sends as {@code Guidon-Instance} (the protocol's {@code
     * ClientIdentity}); '' lets the client make one (host name and a random suffix).
     */
    public record ControlPlane(URI url, String sidecarKey, Duration timeout, Duration pollInterval,
            Duration pollJitter, Duration retryMin, Duration retryMax, int breakerFailures,
            Duration breakerResetTimeout, long maxResponseSize, String instanceId) {
        public boolean enabled() {
            return url != null;
        }
    }

    /**
     * {@code url} null means no Redis: changes are found by polling alone. {@code channelPrefix} is the setting
     * {@code redis.prefix} (formerly {@code redis.channel-prefix}), the same as the control plane's.
     */
    public record Redis(String url, String channelPrefix, Duration reconnectMin, Duration reconnectMax) {
    }

    public record Cache(Path dir) {
    }

    public record Events(Duration flushInterval, int maxBatchEvents, Duration exposureWindow, int maxExposureKeys,
            int maxMemoryBatches, long maxDiskBytes) {
    }

    /**
     * {@code otel.*}: evaluation events over OTLP (ADR 0205); {@code export} is null unless {@code enabled}.
     */
    public record Otel(boolean enabled, io.guidon.telemetry.TelemetryConfig export) {
    }

    public boolean connected() {
        return controlPlane.enabled();
    }

    public static final String DEFAULTS = "config/sidecar.yaml";

    /** {@code control-plane.instance-id}: '' or an id the protocol accepts. */
    private static String instanceId(Settings s) {
        String id = s.string("control-plane.instance-id");
        if (id == null || id.isEmpty()) {
            return "";
        }
        if (!io.guidon.protocol.ClientIdentity.isInstanceId(id)) {
            s.problem("control-plane.instance-id", "must be empty (made at start from the host name) or 1 to "
                    + io.guidon.protocol.ClientIdentity.MAX_INSTANCE_LENGTH + " of A-Z, a-z, 0-9, '.', '_', ':', '@',"
                    + " '-', starting with a letter or digit");
        }
        return id;
    }

    /** Binds and validates; throws {@link io.guidon.common.config.ConfigException} listing every problem. */
    public static SidecarConfig from(Settings s) {
        int instances = s.integer("http.event-loops", 0, 256);
        String host = s.requiredString("http.host");
        int port = s.port("http.port");
        SidecarConfig config = new SidecarConfig(
                new Http(host, port,
                        instances == 0 ? Runtime.getRuntime().availableProcessors() : instances,
                        (int) s.bytes("http.max-body-size", 1024, 64L * 1024 * 1024),
                        s.integer("http.max-json-depth", 2, 200),
                        s.integer("http.max-json-elements", 1, 1_000_000),
                        s.integer("http.max-string-length", 16, 10_000_000),
                        s.duration("http.idle-timeout", Duration.ofSeconds(1)),
                        s.bool("http.access-log"),
                        s.bool("http.compression"),
                        allowedHosts(s)),
                new Flags(s.path("flags.file"), s.duration("flags.watch-interval", Duration.ofMillis(50))),
                new Stream(s.duration("stream.heartbeat-interval", Duration.ofMillis(100)),
                        s.integer("stream.history", 1, 100_000)),
                new Metrics(s.bool("metrics.per-flag")),
                new Shutdown(s.duration("shutdown.grace-period", Duration.ZERO)),
                new ControlPlane(s.uri("control-plane.url", "http", "https"), s.string("control-plane.sidecar-key"),
                        s.duration("control-plane.timeout", Duration.ofMillis(50)),
                        s.duration("control-plane.poll-interval", Duration.ofMillis(100)),
                        s.duration("control-plane.poll-jitter", Duration.ZERO),
                        s.duration("control-plane.retry-min", Duration.ofMillis(10)),
                        s.duration("control-plane.retry-max", Duration.ofMillis(10)),
                        s.integer("control-plane.breaker-failures", 1, 1000),
                        s.duration("control-plane.breaker-reset-timeout", Duration.ofMillis(10)),
                        s.bytes("control-plane.max-response-size", 64L * 1024, Integer.MAX_VALUE - 8),
                        instanceId(s)),
                new Redis(blankToNull(s.string("redis.url")), redisPrefix(s),
                        s.duration("redis.reconnect-min", Duration.ofMillis(10)),
                        s.duration("redis.reconnect-max", Duration.ofMillis(10))),
                new Cache(s.path("cache.dir")),
                new Events(s.duration("events.flush-interval", Duration.ofMillis(10)),
                        s.integer("events.max-batch-events", 1, 1_000_000),
                        s.duration("events.exposure-window", Duration.ZERO),
                        s.integer("events.max-exposure-keys", 0, 100_000_000),
                        s.integer("events.max-memory-batches", 1, 100_000),
                        s.bytes("events.max-disk-bytes", 0, Long.MAX_VALUE)),
                Management.from(s, host, port),
                otel(s));
        if (config.controlPlane().enabled() && (config.controlPlane().sidecarKey() == null
                || config.controlPlane().sidecarKey().isBlank())) {
            s.problem("control-plane.sidecar-key", "required when control-plane.url is set");
        }
        if (!config.controlPlane().enabled() && config.redis().url() != null) {
            s.problem("redis.url", "only used with control-plane.url (connected mode); set both or neither");
        }
        if (config.redis().url() != null) {
            s.uri("redis.url", "redis", "rediss"); // records the problem: a URL with a host, scheme redis or rediss
        }
        if (config.controlPlane().retryMax().compareTo(config.controlPlane().retryMin()) < 0) {
            s.problem("control-plane.retry-max", "must be at least control-plane.retry-min ("
                    + config.controlPlane().retryMin().toMillis() + "ms)");
        }
        if (config.redis().reconnectMax().compareTo(config.redis().reconnectMin()) < 0) {
            s.problem("redis.reconnect-max", "must be at least redis.reconnect-min ("
                    + config.redis().reconnectMin().toMillis() + "ms)");
        }
        if (config.connected() && config.cache().dir() == null) {
            s.problem("cache.dir", "required in connected mode");
        }
        s.validate();
        return config;
    }

    /** {@code otel.*}, read whether enabled or not (a wrong value is an error either way). */
    static Otel otel(Settings s) {
        boolean enabled = s.bool("otel.enabled");
        String endpoint = s.string("otel.endpoint");
        java.net.URI uri = endpoint == null || endpoint.isBlank() ? null : s.uri("otel.endpoint", "http", "https");
        String protocolName = s.requiredString("otel.protocol");
        io.guidon.telemetry.TelemetryConfig.Protocol protocol =
                io.guidon.telemetry.TelemetryConfig.Protocol.of(protocolName);
        if (protocol == null) {
            s.problem("otel.protocol", "must be http/protobuf or grpc, not '" + protocolName + "'");
            protocol = io.guidon.telemetry.TelemetryConfig.Protocol.HTTP_PROTOBUF;
        }
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
        for (String h : s.strings("otel.headers")) {
            int eq = h.indexOf('=');
            String name = eq <= 0 ? "" : h.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (!name.matches("[a-z0-9!#$%&'*+.^_`|~-]+")) {
                s.problem("otel.headers", "each entry must be name=value with an HTTP header name (api-key=abc);"
                        + " entry " + (headers.size() + 1) + " is not");
                continue;
            }
            String value = h.substring(eq + 1).trim();
            if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                s.problem("otel.headers", "the value of '" + name + "' holds a control character");
                continue;
            }
            headers.put(name, value);
        }
        String service = s.requiredString("otel.service-name");
        if (service.isBlank()) {
            s.problem("otel.service-name", "must not be empty");
            service = "guidon-sidecar";
        }
        double ratio = 1.0;
        String ratioText = s.requiredString("otel.sampling-ratio");
        try {
            ratio = Double.parseDouble(ratioText.trim());
        } catch (NumberFormatException e) {
            ratio = Double.NaN;
        }
        if (!(ratio > 0 && ratio <= 1)) {
            s.problem("otel.sampling-ratio", "must be a number more than 0 and at most 1 (0.1 sends one evaluation"
                    + " in ten), not '" + ratioText + "'");
            ratio = 1.0;
        }
        int queue = s.integer("otel.queue-size", 1, io.guidon.telemetry.TelemetryConfig.MAX_QUEUE_SIZE);
        int batch = s.integer("otel.batch-size", 1, io.guidon.telemetry.TelemetryConfig.MAX_QUEUE_SIZE);
        if (batch > queue) {
            s.problem("otel.batch-size", "must be at most otel.queue-size (" + queue + ")");
            batch = queue;
        }
        java.time.Duration flush = s.duration("otel.flush-interval", java.time.Duration.ofMillis(10));
        java.time.Duration timeout = s.duration("otel.timeout", java.time.Duration.ofMillis(100));
        boolean contextId = s.bool("otel.context-id");
        boolean value = s.bool("otel.value");
        if (!enabled) {
            return new Otel(false, null);
        }
        try {
            return new Otel(true, new io.guidon.telemetry.TelemetryConfig(uri, protocol, headers, service, ratio,
                    queue, batch, flush, timeout, contextId, value));
        } catch (IllegalArgumentException e) {
            s.problem("otel", e.getMessage()); // each field was checked above; kept so nothing slips through
            return new Otel(false, null);
        }
    }

    /** The same rule as the control plane's: the prefix starts every channel name. */
    static String redisPrefix(Settings s) {
        String prefix = s.requiredString("redis.prefix");
        if (!prefix.isEmpty() && !prefix.matches("[A-Za-z0-9._-]{1,64}")) {
            s.problem("redis.prefix", "must be 1 to 64 of A-Z, a-z, 0-9, '.', '_', '-' (it starts every channel name)");
        }
        return prefix;
    }
    /** Host names or IP addresses, without ports (any port goes); IPv6 with or without brackets. */
    private static List<String> allowedHosts(Settings s) {
        List<String> out = new ArrayList<>();
        for (String h : s.strings("http.allowed-hosts")) {
            String name = h.toLowerCase(Locale.ROOT);
            if (name.startsWith("[") && name.endsWith("]")) {
                name = name.substring(1, name.length() - 1);
            }
            if (!name.equals("*") && !ALLOWED_HOST.matcher(name).matches()) {
                s.problem("http.allowed-hosts", "'" + h + "' is not a host name or IP address (no scheme, port or "
                        + "path: api.internal, 10.0.0.5, [fd00::5], or * for any)");
            } else {
                out.add(name);
            }
        }
        return List.copyOf(out);
    }

    private static final Pattern ALLOWED_HOST = Pattern.compile("[a-z0-9.-]+|[0-9a-f:.]*:[0-9a-f:.]*");

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
