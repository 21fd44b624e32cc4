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
import java.time.Duration;
import java.util.EnumSet;

/**
 * Builds the metrics of a server process: one Prometheus registry, handed to Vert.x through
 * {@code Vertx.builder().withMetrics(...)} so that Vert.x's own HTTP, pool and event-loop metrics and Guidon's
 * meters are scraped from the same {@code /metrics}.
 */
public final class Metrics {

    private Metrics() {
    }

    /** A registry whose HTTP server and client timers also publish latency histograms. */
    public static PrometheusMeterRegistry newRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (id.getType() == Meter.Type.TIMER && id.getName().startsWith("vertx.http.")) {
                    return DistributionStatisticConfig.builder()
                            .percentilesHistogram(true)
                            .minimumExpectedValue((double) Duration.ofNanos(50_000).toNanos())
                            .maximumExpectedValue((double) Duration.ofSeconds(10).toNanos())
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
