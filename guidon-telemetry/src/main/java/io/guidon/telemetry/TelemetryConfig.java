package io.guidon.telemetry;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How evaluation events are exported over OTLP (ADR 0205), the same record for the sidecar (settings {@code otel.*},
 * bound once at start) and the in-process provider (its builder). Validated on construction: an
 * {@link IllegalArgumentException} names the field and the rule.
 *
 * @param endpoint     the collector's base URL, as {@code OTEL_EXPORTER_OTLP_ENDPOINT}: for http/protobuf
 *                     {@code /v1/logs} is appended to its path; for grpc it is used as is. Null: the protocol's
 *                     default ({@code http://localhost:4318}, {@code http://localhost:4317})
 * @param protocol     {@link Protocol#HTTP_PROTOBUF} or {@link Protocol#GRPC}
 * @param headers      sent with every export (an API key, a tenant id), names lower-case
 * @param serviceName  the resource's {@code service.name}
 * @param samplingRatio the share of evaluations that become events, in (0, 1]; chosen at random per evaluation
 * @param queueSize    events waiting for export at most; beyond it new ones are dropped (counted)
 * @param batchSize    events per export request at most
 * @param flushInterval the longest an event waits before its batch is exported
 * @param timeout      the bound of one export request (the exporter's retries included)
 * @param contextId    whether {@code feature_flag.context.id} (the targeting key) is sent
 * @param value        whether {@code feature_flag.result.value} is sent (opt-in: variants name values)
 */
public record TelemetryConfig(URI endpoint, Protocol protocol, Map<String, String> headers, String serviceName,
        double samplingRatio, int queueSize, int batchSize, Duration flushInterval, Duration timeout,
        boolean contextId, boolean value) {

    /** OTLP's two transports (the values of {@code OTEL_EXPORTER_OTLP_PROTOCOL}). */
    public enum Protocol {
        HTTP_PROTOBUF("http/protobuf", "http://localhost:4318"), GRPC("grpc", "http://localhost:4317");

        private final String setting;
        private final String defaultEndpoint;

        Protocol(String setting, String defaultEndpoint) {
            this.setting = setting;
            this.defaultEndpoint = defaultEndpoint;
        }

        /** As written in settings and in {@code OTEL_EXPORTER_OTLP_PROTOCOL}. */
        public String setting() {
            return setting;
        }

        /** {@code http/protobuf} or {@code grpc} (case-insensitive); null for anything else. */
        public static Protocol of(String setting) {
            for (Protocol p : values()) {
                if (p.setting.equals(setting == null ? null : setting.toLowerCase(Locale.ROOT))) {
                    return p;
                }
            }
            return null;
        }
    }

    public static final int MAX_QUEUE_SIZE = 1 << 24;

    public TelemetryConfig {
        Objects.requireNonNull(protocol, "protocol");
        headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
        if (endpoint != null && (endpoint.getHost() == null
                || !("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme())))) {
            throw new IllegalArgumentException("endpoint must be an http or https URL with a host, such as "
                    + protocol.defaultEndpoint + ", not '" + endpoint + "'");
        }
        if (serviceName == null || serviceName.isBlank()) {
            throw new IllegalArgumentException("serviceName must not be empty");
        }
        if (!(samplingRatio > 0 && samplingRatio <= 1)) {
            throw new IllegalArgumentException("samplingRatio must be more than 0 and at most 1, not " + samplingRatio);
        }
        if (queueSize < 1 || queueSize > MAX_QUEUE_SIZE) {
            throw new IllegalArgumentException("queueSize must be 1 to " + MAX_QUEUE_SIZE + ", not " + queueSize);
        }
        if (batchSize < 1 || batchSize > queueSize) {
            throw new IllegalArgumentException("batchSize must be 1 to queueSize (" + queueSize + "), not "
                    + batchSize);
        }
        positive(flushInterval, "flushInterval");
        positive(timeout, "timeout");
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, not " + d);
        }
    }

    /**
     * The defaults (the sidecar's {@code config/sidecar.yaml} says the same): the protocol's default endpoint,
     * http/protobuf, no headers, every evaluation, a queue of 8,192, batches of 512, flushed every second, 10 s per
     * export, the targeting key sent, the value not.
     */
    public static TelemetryConfig defaults(String serviceName) {
        return new TelemetryConfig(null, Protocol.HTTP_PROTOBUF, Map.of(), serviceName, 1.0, 8192, 512,
                Duration.ofSeconds(1), Duration.ofSeconds(10), true, false);
    }

    /** The URL exports go to: the endpoint (or the default) with {@code /v1/logs} for http/protobuf. */
    public String exportUrl() {
        String base = endpoint == null ? protocol.defaultEndpoint : endpoint.toString();
        if (protocol == Protocol.GRPC) {
            return base;
        }
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/logs";
    }

    public TelemetryConfig withEndpoint(URI endpoint) {
        return new TelemetryConfig(endpoint, protocol, headers, serviceName, samplingRatio, queueSize, batchSize,
                flushInterval, timeout, contextId, value);
    }

    public TelemetryConfig withProtocol(Protocol protocol) {
        return new TelemetryConfig(endpoint, protocol, headers, serviceName, samplingRatio, queueSize, batchSize,
                flushInterval, timeout, contextId, value);
    }

    public TelemetryConfig withHeaders(Map<String, String> headers) {
        return new TelemetryConfig(endpoint, protocol, headers, serviceName, samplingRatio, queueSize, batchSize,
                flushInterval, timeout, contextId, value);
    }

    public TelemetryConfig withSamplingRatio(double samplingRatio) {
        return new TelemetryConfig(endpoint, protocol, headers, serviceName, samplingRatio, queueSize, batchSize,
                flushInterval, timeout, contextId, value);
    }

    public TelemetryConfig withQueue(int queueSize, int batchSize, Duration flushInterval) {
        return new TelemetryConfig(endpoint, protocol, headers, serviceName, samplingRatio, queueSize, batchSize,
                flushInterval, timeout, contextId, value);
    }

    public TelemetryConfig withTimeout(Duration timeout) {
        return new TelemetryConfig(endpoint, protocol, headers, serviceName, samplingRatio, queueSize, batchSize,
                flushInterval, timeout, contextId, value);
    }

    /** Which optional attributes are sent: the targeting key ({@code contextId}), the value. */
    public TelemetryConfig withAttributes(boolean contextId, boolean value) {
        return new TelemetryConfig(endpoint, protocol, headers, serviceName, samplingRatio, queueSize, batchSize,
                flushInterval, timeout, contextId, value);
    }
}
