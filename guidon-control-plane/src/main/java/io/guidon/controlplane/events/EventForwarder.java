package io.guidon.controlplane.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka sink's forwarding (ADR 0122): each {@link #step} publishes one round of the oldest batches of the
 * {@link EventOutbox} through the {@link EventPublisher} and removes them once confirmed. A failed round (Kafka
 * unreachable, a refusal) leaves them and waits before the next try, from 1 s doubling to 30 s, logging the first
 * failure and then once a minute while it lasts; the round after the outage sends them. Run by a
 * {@code ReplicaTask} on every replica, one at a time through the outbox's lock.
 *
 * <p>Metrics on the management port: {@code guidon_kafka_published_total{kind}} (events confirmed),
 * {@code guidon_kafka_batches_published_total}, {@code guidon_kafka_failures_total} (rounds failed),
 * {@code guidon_kafka_publish_seconds} (a round's publishing), and the lag as of the last step:
 * {@code guidon_kafka_outbox_batches}, {@code guidon_kafka_outbox_events} and {@code guidon_kafka_outbox_oldest_seconds}
 * (the age of the oldest waiting batch).
 */
public final class EventForwarder {

    private static final Logger LOG = LoggerFactory.getLogger(EventForwarder.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration LOG_EVERY = Duration.ofMinutes(1);

    private final EventOutbox outbox;
    private final EventPublisher publisher;
    private final int batchesPerRound;
    private final Clock clock;
    private final Map<EventMessages.Kind, Counter> published = new EnumMap<>(EventMessages.Kind.class);
    private final Counter batches;
    private final Counter failures;
    private final Timer publishing;
    private final AtomicLong waitingBatches = new AtomicLong();
    private final AtomicLong waitingEvents = new AtomicLong();
    private final AtomicLong oldestMillis = new AtomicLong();
    private Duration backoff = Duration.ZERO;
    private Instant retryAt = Instant.MIN;
    private Instant loggedAt = Instant.MIN;
    private int failedRounds;

    public EventForwarder(EventOutbox outbox, EventPublisher publisher, int batchesPerRound, Clock clock,
            MeterRegistry registry) {
        this.outbox = outbox;
        this.publisher = publisher;
        this.batchesPerRound = batchesPerRound;
        this.clock = clock;
        for (EventMessages.Kind kind : EventMessages.Kind.values()) {
            published.put(kind, Counter.builder("guidon.kafka.published").tag("kind", kind.name().toLowerCase(
                    java.util.Locale.ROOT)).description("Events published to Kafka and confirmed, by kind")
                    .register(registry));
        }
        this.batches = Counter.builder("guidon.kafka.batches.published")
                .description("Stored event batches published to Kafka whole and removed from the outbox")
                .register(registry);
        this.failures = Counter.builder("guidon.kafka.failures")
                .description("Rounds of publishing to Kafka that failed (their batches stay in the outbox)")
                .register(registry);
        this.publishing = Timer.builder("guidon.kafka.publish").publishPercentileHistogram()
                .description("Time to publish one round of batches to Kafka, until every message is confirmed")
                .register(registry);
        Gauge.builder("guidon.kafka.outbox.batches", waitingBatches, AtomicLong::get)
                .description("Stored event batches waiting in the outbox for Kafka").register(registry);
        Gauge.builder("guidon.kafka.outbox.events", waitingEvents, AtomicLong::get)
                .description("Events of the batches waiting in the outbox for Kafka").register(registry);
        Gauge.builder("guidon.kafka.outbox.oldest", oldestMillis, v -> v.get() / 1000.0).baseUnit("seconds")
                .description("Age of the oldest batch waiting in the outbox for Kafka (0 when none)")
                .register(registry);
    }

    /**
     * One round, on a virtual thread: true when a full round was published (more may wait), false when the outbox
     * is empty, another replica is forwarding, the round failed or a failure's wait is not over.
     */
    public boolean step() {
        Instant now = clock.instant();
        if (now.isBefore(retryAt)) {
            return false;
        }
        int forwarded;
        try {
            forwarded = outbox.forwardOldest(batchesPerRound, this::publish);
        } catch (RuntimeException e) {
            failed(now, e);
            return false;
        }
        if (failedRounds > 0 && forwarded >= 0) {
            LOG.info("publishing to Kafka works again after {} failed rounds", failedRounds);
            failedRounds = 0;
        }
        backoff = Duration.ZERO;
        retryAt = Instant.MIN;
        lag();
        return forwarded == batchesPerRound;
    }

    private void publish(List<EventOutbox.Pending> round) {
        List<EventMessages.Message> messages = new ArrayList<>();
        long[] perKind = new long[EventMessages.Kind.values().length];
        for (EventOutbox.Pending p : round) {
            for (EventMessages.Message m : EventMessages.of(p)) {
                messages.add(m);
                perKind[m.kind().ordinal()]++;
            }
        }
        long started = System.nanoTime();
        publisher.publish(messages);
        publishing.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        for (EventMessages.Kind kind : EventMessages.Kind.values()) {
            published.get(kind).increment(perKind[kind.ordinal()]);
        }
        batches.increment(round.size());
    }

    private void failed(Instant now, RuntimeException e) {
        failures.increment();
        failedRounds++;
        backoff = backoff.isZero() ? FIRST_BACKOFF : min(backoff.multipliedBy(2), MAX_BACKOFF);
        retryAt = now.plus(backoff);
        if (!now.isBefore(loggedAt.plus(LOG_EVERY))) {
            loggedAt = now;
            LOG.warn("publishing stored events to Kafka failed ({} rounds so far); they wait in the outbox and are"
                    + " tried again in {} ms", failedRounds, backoff.toMillis(), e);
        }
        try {
            lag();
        } catch (RuntimeException lagFailure) {
            // PostgreSQL down too: the gauges keep their last values.
        }
    }

    private void lag() {
        EventOutbox.Lag lag = outbox.lag();
        waitingBatches.set(lag.batches());
        waitingEvents.set(lag.events());
        oldestMillis.set(lag.oldest().toMillis());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
