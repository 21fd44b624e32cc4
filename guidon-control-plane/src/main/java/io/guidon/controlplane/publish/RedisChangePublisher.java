package io.guidon.controlplane.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Publishes change events with Redis {@code PUBLISH} through the normal (pooled) Redis client. A failed or slow
 * publish is retried up to {@code retries} times, waiting {@code backoff}, then twice as long each time; metrics:
 * {@code guidon_publish_total{outcome=published|failed}}, {@code guidon_publish_retries_total} and the time from
 * the first attempt to delivery, {@code guidon_publish_seconds}.
 */
public final class RedisChangePublisher implements ChangePublisher {

    private static final Logger LOG = LoggerFactory.getLogger(RedisChangePublisher.class);

    private final Vertx vertx;
    private final Redis redis;
    private final String prefix;
    private final Duration timeout;
    private final int retries;
    private final Duration backoff;
    private final Counter published;
    private final Counter failed;
    private final Counter retried;
    private final Timer latency;

    public RedisChangePublisher(Vertx vertx, Redis redis, String prefix, Duration timeout, int retries,
            Duration backoff, MeterRegistry registry) {
        this.vertx = vertx;
        this.redis = redis;
        this.prefix = prefix;
        this.timeout = timeout;
        this.retries = retries;
        this.backoff = backoff;
        this.published = Counter.builder("guidon.publish").tag("outcome", "published")
                .description("Change notifications published on Redis").register(registry);
        this.failed = Counter.builder("guidon.publish").tag("outcome", "failed")
                .description("Change notifications given up after every retry").register(registry);
        this.retried = Counter.builder("guidon.publish.retries").description("Retried change notifications")
                .register(registry);
        this.latency = Timer.builder("guidon.publish.latency").description("Time from commit to delivery to Redis")
                .publishPercentileHistogram().register(registry);
    }

    @Override
    public void publish(ChangeEvent event) {
        String channel = ChangePublisher.channel(prefix, event.tenant(), event.environment());
        attempt(channel, event, event.toJson(), 0, System.nanoTime());
    }

    private void attempt(String channel, ChangeEvent event, String message, int attempt, long started) {
        Future<?> sent = redis.send(Request.cmd(Command.PUBLISH).arg(channel).arg(message))
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        sent.onSuccess(r -> {
            published.increment();
            latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }).onFailure(e -> {
            if (attempt >= retries) {
                failed.increment();
                LOG.warn("could not publish a change notification; sidecars will catch up by polling",
                        kv("channel", channel), kv("version", event.version()), kv("attempts", attempt + 1),
                        kv("error", String.valueOf(e.getMessage())));
                return;
            }
            retried.increment();
            long delay = Math.max(1, backoff.toMillis() << Math.min(attempt, 16));
            vertx.setTimer(delay, id -> attempt(channel, event, message, attempt + 1, started));
        });
    }
}
