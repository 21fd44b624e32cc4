package io.guidon.common.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code GET /metrics} that a flood of scrapers cannot turn into a flood of renderings: the Prometheus text is
 * rendered on a worker thread (never on an event loop), at most once per {@code maxAge}, and the same bytes are
 * sent to every scraper within it ({@link Cached}). {@code guidon_metrics_renders_total} counts the renderings.
 */
public final class MetricsEndpoint implements Handler<RoutingContext> {

    /** Prometheus text exposition format 0.0.4. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Cached<Buffer> text;

    public MetricsEndpoint(Vertx vertx, PrometheusMeterRegistry registry, Duration maxAge) {
        this.text = new Cached<>(() -> vertx.executeBlocking(
                () -> Buffer.buffer(registry.scrape().getBytes(StandardCharsets.UTF_8)), false), maxAge);
        io.micrometer.core.instrument.FunctionCounter.builder("guidon.metrics.renders", text, Cached::computations)
                .description("Renderings of /metrics (scrapes within management.metrics-max-age share one)")
                .register(registry);
    }

    @Override
    public void handle(RoutingContext ctx) {
        Context context = Vertx.currentContext();
        text.get().onComplete(r -> context.runOnContext(v -> {
            if (r.succeeded()) {
                ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(r.result());
            } else {
                ctx.fail(r.cause());
            }
        }));
    }
}
