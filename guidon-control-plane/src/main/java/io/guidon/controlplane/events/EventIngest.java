package io.guidon.controlplane.events;

import io.guidon.controlplane.ControlPlaneConfig;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Violation;
import io.guidon.protocol.events.BatchProblem;
import io.guidon.protocol.events.EventBatch;
import io.guidon.protocol.events.EventBatchAnswer;
import io.guidon.protocol.events.EventBatchDecoder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes in one event batch of a sidecar's environment: reads and checks it with the protocol's
 * {@link EventBatchDecoder} on a worker thread (inflating, parsing and validating a batch of thousands of events is
 * CPU work an event loop must not do), then stores it once through the {@link BatchStore}. Counts batches by outcome ({@code guidon_events_batches_total{result}}; the HTTP layer reports
 * refusals through {@link #rejected()}), stored events by kind
 * ({@code guidon_events_stored_total{kind}}) and times each ingest ({@code guidon_events_ingest_seconds}). A batch
 * that met a missing partition starts a partition run and is answered 503, so the sidecar retries it. With the Kafka
 * sink on, the worker thread also writes the batch's {@link OutboxPayload}, which the store puts in the outbox with
 * the batch (ADR 0122).
 */
public final class EventIngest {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EventIngest.class);

    private final Vertx vertx;
    private final EventBatchDecoder decoder;
    private final BatchStore store;
    private final EventPartitions partitions;
    private final ControlPlaneConfig.Events config;
    private final Clock clock;
    private final Counter stored;
    private final Counter duplicate;
    private final Counter rejected;
    private final Counter counts;
    private final Counter exposures;
    private final Counter conversions;
    private final Counter rejectedCounts;
    private final Counter rejectedExposures;
    private final Counter rejectedConversions;
    private final Timer latency;
    private final boolean outbox;

    /** @param outbox whether stored batches also go to the Kafka sink's outbox ({@code kafka.enabled}) */
    public EventIngest(Vertx vertx, EventBatchDecoder decoder, BatchStore store, EventPartitions partitions,
            ControlPlaneConfig.Events config, Clock clock, MeterRegistry registry, boolean outbox) {
        this.vertx = vertx;
        this.outbox = outbox;
        this.decoder = decoder;
        this.store = store;
        this.partitions = partitions;
        this.config = config;
        this.clock = clock;
        String batches = "guidon.events.batches";
        String what = "Event batches received from sidecars, by what became of them";
        this.stored = Counter.builder(batches).tag("result", "stored").description(what).register(registry);
        this.duplicate = Counter.builder(batches).tag("result", "duplicate").description(what).register(registry);
        this.rejected = Counter.builder(batches).tag("result", "rejected").description(what).register(registry);
        String events = "guidon.events.stored";
        String kinds = "Events stored, by kind";
        this.counts = Counter.builder(events).tag("kind", "counts").description(kinds).register(registry);
        this.exposures = Counter.builder(events).tag("kind", "exposures").description(kinds).register(registry);
        this.conversions = Counter.builder(events).tag("kind", "conversions").description(kinds).register(registry);
        String refused = "guidon.events.rejected";
        String invalid = "Events left out of a stored batch because they broke a rule (the rest was stored), by kind";
        this.rejectedCounts = Counter.builder(refused).tag("kind", "counts").description(invalid).register(registry);
        this.rejectedExposures = Counter.builder(refused).tag("kind", "exposures").description(invalid)
                .register(registry);
        this.rejectedConversions = Counter.builder(refused).tag("kind", "conversions").description(invalid)
                .register(registry);
        this.latency = Timer.builder("guidon.events.ingest").publishPercentileHistogram()
                .description("Time to read, check and store one event batch").register(registry);
    }

    /**
     * Reads {@code body} (gzip-compressed when {@code gzip}) and stores its valid events for the environment, once
     * per batch id; yields the answer to the sidecar, which lists the events that broke a rule and were left out
     * (listed up to a limit, counted by kind in full). Fails with a {@link DomainException} of kind
     * {@link DomainException.Kind#INVALID_EVENT_BATCH} listing every problem when the batch's envelope is unusable
     * (nothing is stored then), or {@link DomainException.Kind#UNAVAILABLE} when an event's month has no partition
     * yet (one is being made: the sidecar retries).
     */
    public Future<EventBatchAnswer> ingest(EventSource source, byte[] body, boolean gzip, String idempotencyKey) {
        long started = System.nanoTime();
        Instant now = clock.instant();
        Instant notBefore = now.minus(config.maxEventAge());
        Instant notAfter = now.plus(config.maxClockSkew());
        return vertx.executeBlocking(() -> {
                    EventBatchDecoder.Result read = readable(decoder.decode(body, gzip, idempotencyKey, notBefore,
                            notAfter));
                    return new Read(read, outbox ? OutboxPayload.of(read.batch()) : null);
                }, false)
                .compose(checked -> store.store(source, checked.read().batch(), checked.payload())
                        .map(outcome -> {
                            EventBatchDecoder.Result read = checked.read();
                            EventBatch batch = read.batch();
                            if (outcome.duplicate()) {
                                duplicate.increment();
                            } else {
                                stored.increment();
                                counts.increment(batch.counts().size());
                                exposures.increment(batch.exposures().size());
                                conversions.increment(batch.conversions().size());
                                rejectedCounts.increment(read.rejectedCounts());
                                rejectedExposures.increment(read.rejectedExposures());
                                rejectedConversions.increment(read.rejectedConversions());
                                if (read.rejectedEvents() > 0) {
                                    BatchProblem first = read.rejected().get(0);
                                    LOG.info("event batch {}: stored {} events, left out {} that broke a rule"
                                            + " (first: {}: {})", batch.batchId(), batch.events(),
                                            read.rejectedEvents(), first.path(), first.message());
                                }
                            }
                            return EventBatchAnswer.of(batch.batchId(), outcome.duplicate(), outcome.events(), read);
                        }))
                .recover(e -> {
                    if (e instanceof BatchStore.MissingPartition) {
                        LOG.warn("{}; making partitions now", e.getMessage());
                        partitions.maintain();
                        return Future.failedFuture(DomainException.unavailable("an event's month has no partition"
                                + " yet; partitions are being made: retry the batch", 1));
                    }
                    return Future.failedFuture(e);
                })
                .onComplete(ar -> latency.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    /** A batch read and checked, and its outbox payload (null with the sink off). */
    private record Read(EventBatchDecoder.Result read, byte[] payload) {
    }

    /** The read batch, or the refusal of its envelope as the domain's error. */
    private static EventBatchDecoder.Result readable(EventBatchDecoder.Result read) {
        if (!read.refused()) {
            return read;
        }
        List<Violation> violations = new ArrayList<>(read.problems().size());
        for (BatchProblem p : read.problems()) {
            violations.add(new Violation(p.where(), p.message()));
        }
        throw DomainException.invalidEventBatch(read.summary() + "; nothing was stored", violations);
    }

    /** Counts a refused batch (malformed, too large, of the wrong media type or encoding): the HTTP layer sees them all. */
    public void rejected() {
        rejected.increment();
    }
}
