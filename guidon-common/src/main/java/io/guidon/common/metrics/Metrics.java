package io.guidon.common.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;

/**
 * Builds the metrics of a server process: one Prometheus registry, handed to Vert.x through
 * {@code Vertx.builder().withMetrics(...)} so that Vert.x's own HTTP, pool and event-loop metrics and Guidon's
 * meters are scraped from the same {@code /metrics}.
 */
public final class Metrics {

    private Metrics() {
    }

    /**
     * Bucket bounds of the HTTP latency histograms, in seconds: 16 fixed bounds from 100 µs (a sidecar evaluation)
     * to 10 s (a request timeout). Micrometer's percentile histogram over the same range has about 70 buckets per
     * method, route and status, which made the control plane's {@code /metrics} 1.8 MB; these make it a fraction.
     */
    static final double[] LATENCY_BUCKETS_SECONDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
        0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    /**
     * {@link #LATENCY_BUCKETS_SECONDS} as durations, for Guidon's own latency timers
     * ({@code Timer.builder(...).serviceLevelObjectives(Metrics.latencyBuckets())}): the same 16 buckets as the HTTP
     * histograms rather than a percentile histogram's ~70.
     */
    public static java.time.Duration[] latencyBuckets() {
        java.time.Duration[] out = new java.time.Duration[LATENCY_BUCKETS_SECONDS.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = java.time.Duration.ofNanos(Math.round(LATENCY_BUCKETS_SECONDS[i] * 1e9));
        }
        return out;
    }

    /** A registry whose HTTP server and client timers also publish latency histograms. */
    public static PrometheusMeterRegistry newRegistry() {
        double[] bucketsNanos = new double[LATENCY_BUCKETS_SECONDS.length];
        for (int i = 0; i < bucketsNanos.length; i++) {
            bucketsNanos[i] = LATENCY_BUCKETS_SECONDS[i] * 1e9;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (id.getType() == Meter.Type.TIMER && id.getName().startsWith("vertx.http.")) {
                    return DistributionStatisticConfig.builder()
                            .percentilesHistogram(false)
                            .serviceLevelObjectives(bucketsNanos)
                            .build()
                            .merge(config);
                }
                return config;
            }
        });
        return registry;
    }

    /**
     * A Vert.x instance reporting into {@code registry}. HTTP metrics are labelled by method, route (not the raw
     * path, whose flag keys and user ids would explode the label space) and status code.
     */
    public static Vertx vertx(VertxOptions options, PrometheusMeterRegistry registry) {
        MicrometerMetricsOptions metricsOptions = new MicrometerMetricsOptions()
                .setEnabled(true)
                .setJvmMetricsEnabled(true)
                .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_ROUTE, Label.HTTP_CODE, Label.POOL_NAME,
                        Label.POOL_TYPE, Label.CLIENT_NAME));
        options.setMetricsOptions(metricsOptions);
        return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry)).build();
    }
}
