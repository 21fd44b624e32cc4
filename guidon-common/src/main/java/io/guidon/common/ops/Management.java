package io.guidon.common.ops;

import io.guidon.common.config.Settings;
import java.time.Duration;

/**
 * The {@code management.*} settings, the same keys in both servers: where the operations port listens, and how
 * long a rendering of {@code /metrics} and a readiness check ({@code readinessMaxAge}, control plane only; zero in
 * the sidecar, whose readiness reads memory) are shared.
 */
public record Management(String host, int port, Duration metricsMaxAge, Duration readinessMaxAge) {

    /** Binds {@code management.*}; an empty host means {@code apiHost}. Records problems in {@code s}. */
    public static Management from(Settings s, String apiHost, int apiPort) {
        String host = s.string("management.host");
        int port = s.port("management.port");
        if (port != 0 && port == apiPort) {
            s.problem("management.port", "must differ from http.port (" + apiPort + "): /metrics has a port of its own");
        }
        Duration maxAge = s.duration("management.metrics-max-age", Duration.ZERO);
        if (maxAge.compareTo(Duration.ofMinutes(1)) > 0) {
            s.problem("management.metrics-max-age", "must be at most 1m");
        }
        Duration readiness = Duration.ZERO;
        if (s.has("management.readiness-max-age")) {
            readiness = s.duration("management.readiness-max-age", Duration.ZERO);
            if (readiness.compareTo(Duration.ofMinutes(1)) > 0) {
                s.problem("management.readiness-max-age", "must be at most 1m");
            }
        }
        return new Management(host == null || host.isBlank() ? apiHost : host.trim(), port, maxAge, readiness);
    }
}
