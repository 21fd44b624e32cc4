package io.guidon.sidecar.connected;

import io.guidon.protocol.EventRules;
import io.guidon.protocol.ProtocolException;
import io.guidon.protocol.events.EventBatch;
import io.guidon.protocol.events.EventBatchAnswer;
import io.guidon.protocol.events.EventBatchEncoder;
import io.guidon.common.retry.Backoff;
import io.guidon.sidecar.SidecarConfig;
import io.guidon.sidecar.TrackEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships what the {@link UpstreamEventSink} aggregates to {@code POST /api/v1/events}: drains it every
 * {@code flush-interval}, at every minute boundary and when a batch's worth is queued; gzips each drain into a batch
 * with a unique id; and delivers batches one at a time, oldest first, at least once (the control plane stores a
 * batch id once, so a retry is counted once). Failed deliveries back off exponentially. While the control plane is
 * away, batches wait in memory up to {@code max-memory-batches}, then the oldest spill to the {@link DiskSpool}
 * (which survives restarts and drops its oldest, counted and logged, when full). Nothing here runs on the
 * evaluation path. Runs on one context.
 *
 * <p>What is lost, and only that, is counted and logged. 5xx, 408, 429, network errors and a refused sidecar key
 * (401, 403, 404) are retried with the same batch id. The control plane stores a batch's valid events and lists the
 * ones that broke a rule ({@code rejected}); those are dropped and counted in
 * {@code guidon_events_rejected_total{kind}} by kind. Any other 4xx refuses the whole batch: counted in
 * {@code guidon_events_batches_total{result="refused"}} and {@code guidon_events_rejected_total{kind="batch"}} (its
 * events) and logged with the control plane's reason. Before a drain is written, the content of each event (keys,
 * names, value; not its time, which the control plane judges on arrival) is checked once more against
 * {@link EventRules} through each event's {@code problem()} (the sink and {@code /v1/track} already did): one that would be refused is left out and counted
 * in {@code guidon_events_unrecordable_total{kind,reason}}, so that no event can cost its batch (an unpaired
 * surrogate, for one, would make the JSON writer fail the whole drain). The batch is written by the protocol's
 * {@link EventBatchEncoder} and its answer read as an {@link EventBatchAnswer}: the one definition of the wire.
 */
public final class EventUploader {

    private static final Logger log = LoggerFactory.getLogger(EventUploader.class);
    /** Rejected events named in the log per answer. */
    static final int LOGGED_REJECTIONS = 3;

    private final Vertx vertx;
    private final SidecarConfig config;
    private final Backoff retryBackoff;
    private final UpstreamEventSink sink;
    private final ControlPlaneClient client;
    private final DiskSpool spool;
    private final UUID sidecarId;
    /** Concurrent because the pending-batches gauge reads its size from the scraping thread. */
    private final Deque<PendingBatch> memory = new ConcurrentLinkedDeque<>();
    private final Counter delivered;
    private final Counter refused;
    private final Counter deliveredEvents;
    private final MeterRegistry registry;
    private volatile Context context;
    /** Told the outcome of every delivery attempt (on this uploader's context); never null. */
    private volatile java.util.function.Consumer<Throwable> deliveries = failure -> { };
    private long windowStart;
    private long flushTimer = -1;
    private long retryTimer = -1;
    private boolean sending;
    private boolean stopped;
    private int attempts;

    public EventUploader(Vertx vertx, SidecarConfig config, UpstreamEventSink sink, ControlPlaneClient client,
            DiskSpool spool, MeterRegistry registry) {
        this.vertx = vertx;
        this.config = config;
        this.retryBackoff = new Backoff(config.controlPlane().retryMin(), config.controlPlane().retryMax());
        this.sink = sink;
        this.client = client;
        this.spool = spool;
        this.sidecarId = UUID.randomUUID();
        this.registry = registry;
        for (String kind : new String[] {"counts", "exposures", "conversions", "batch"}) {
            rejected(kind);
        }
        this.delivered = Counter.builder("guidon.events.batches").tag("result", "delivered")
                .description("Event batches, by what became of them").register(registry);
        this.refused = Counter.builder("guidon.events.batches").tag("result", "refused")
                .description("Event batches, by what became of them").register(registry);
        this.deliveredEvents = Counter.builder("guidon.events.delivered")
                .description("Events (counts, exposures, conversions) the control plane accepted").register(registry);
        Gauge.builder("guidon.events.pending.batches", this, u -> u.memory.size() + u.spool.batches())
                .description("Event batches waiting for delivery, in memory and on disk").register(registry);
        Gauge.builder("guidon.events.spool.bytes", spool, DiskSpool::bytes)
                .description("Bytes of event batches spilled to disk").register(registry);
    }

    /**
     * Who is told, after each delivery attempt, whether the control plane took the batch ({@code null}) or could
     * not be reached or refused the key (the cause): the connected flag source, whose health then says so. A batch
     * it answered (even one refused whole as malformed) counts as reached.
     */
    public void onDelivery(java.util.function.Consumer<Throwable> listener) {
        this.deliveries = listener;
    }

    public Future<Void> start() {
        context = vertx.getOrCreateContext();
        windowStart = System.currentTimeMillis();
        return spool.open().onComplete(ar -> {
            scheduleFlush();
            send();
        });
    }

    /**
     * Called from any thread (an HTTP event loop, usually) when the sink holds a batch's worth; the flush runs on
     * the uploader's own context, never on the caller's.
     */
    public void flushSoon() {
        Context c = context;
        if (c != null) {
            c.runOnContext(v -> {
                if (!stopped) {
                    flush();
                }
            });
        }
    }

    private void scheduleFlush() {
        if (stopped) {
            return;
        }
        long now = System.currentTimeMillis();
        long nextMinute = UpstreamEventSink.minuteOf(now) + 60_000;
        long delay = Math.max(1, Math.min(config.events().flushInterval().toMillis(), nextMinute - now));
        flushTimer = vertx.setTimer(delay, id -> {
            flushTimer = -1;
            try {
                flush();
            } finally {
                // Whatever went wrong with one drain, the next ones still go.
                scheduleFlush();
            }
        });
    }

    /** Drains the sink into one batch and queues it. */
    void flush() {
        long now = System.currentTimeMillis();
        EventBatch drained = recordable(sink.drain(now, UpstreamEventSink.minuteOf(windowStart)), now);
        windowStart = now;
        if (drained.events() == 0) {
            return;
        }
        PendingBatch batch = new PendingBatch(drained.batchId().toString(), drained.events(),
                Buffer.buffer(EventBatchEncoder.encodeGzip(drained)), null);
        if (memory.size() >= config.events().maxMemoryBatches()) {
            PendingBatch oldest = memory.pollFirst();
            spool.append(oldest);
        }
        memory.addLast(batch);
        send();
    }

    /**
     * The drain as a new batch (a fresh batch id, this sidecar's id, created {@code nowMillis}) without any event the
     * control plane would refuse; those are counted and logged.
     */
    private EventBatch recordable(UpstreamEventSink.Drained d, long nowMillis) {
        List<EventBatch.Count> counts = new ArrayList<>(d.counts().size());
        List<EventBatch.Exposure> exposures = new ArrayList<>(d.exposures().size());
        List<EventBatch.Conversion> conversions = new ArrayList<>(d.conversions().size());
        for (UpstreamEventSink.Count c : d.counts()) {
            EventBatch.Count count = new EventBatch.Count(c.flag(), c.variant(),
                    Instant.ofEpochMilli(c.minuteEpochMillis()), c.count());
            keep(counts, count, count.problem(), "count", c.flag() + "/" + c.variant());
        }
        for (UpstreamEventSink.Exposure x : d.exposures()) {
            if (x.targetingKey() == null) {
                keep(exposures, null, EventRules.Problem.EMPTY, "exposure", x.flag() + "/" + x.variant());
                continue;
            }
            EventBatch.Exposure exposure = new EventBatch.Exposure(x.flag(), x.variant(), x.targetingKey(),
                    Instant.ofEpochMilli(x.timestampMillis()));
            keep(exposures, exposure, exposure.problem(), "exposure", x.flag() + "/" + x.variant());
        }
        for (TrackEvent t : d.conversions()) {
            EventRules.Problem p = t.problem();
            keep(conversions, p != null ? null : new EventBatch.Conversion(t.targetingKey(), t.event(), t.value(),
                    Instant.ofEpochMilli(t.timestampMillis())), p, "conversion", t.event());
        }
        return new EventBatch(UUID.randomUUID(), sidecarId, Instant.ofEpochMilli(nowMillis), counts, exposures,
                conversions);
    }

    /** Adds {@code item} to {@code list} when it breaks no rule; else counts and logs it as unrecordable. */
    private <T> void keep(List<T> list, T item, EventRules.Problem problem, String kind, String what) {
        if (problem == null) {
            list.add(item);
            return;
        }
        Counter.builder("guidon.events.unrecordable").tag("kind", kind).tag("reason", problem.label())
                .description("Events served or received but not recorded because the control plane would refuse"
                        + " them, by kind and reason")
                .register(registry).increment();
        log.warn("left a {} of {} out of the next event batch: the control plane would refuse it ({})", kind, what,
                problem.message());
    }

    private Counter rejected(String kind) {
        return Counter.builder("guidon.events.rejected").tag("kind", kind)
                .description("Events the control plane refused (kind \"batch\": events of batches refused whole)")
                .register(registry);
    }

    /** Delivers the oldest waiting batch (spooled ones are older than those in memory), then the next. */
    private void send() {
        if (sending || retryTimer >= 0 || stopped) {
            return;
        }
        Future<PendingBatch> next;
        if (!spool.isEmpty()) {
            next = spool.oldest();
        } else if (!memory.isEmpty()) {
            next = Future.succeededFuture(memory.peekFirst());
        } else {
            return;
        }
        sending = true;
        next.compose(batch -> client.postEvents(batch.body(), batch.id()).compose(answer -> settle(batch, answer)))
                .onComplete(ar -> {
                    sending = false;
                    if (ar.succeeded()) {
                        attempts = 0;
                        deliveries.accept(null);
                        send();
                    } else if (ar.cause() instanceof DiskSpool.Unreadable) {
                        // Dropped and counted by the spool; the next batch goes at once.
                        send();
                    } else {
                        if (attempts == 0) {
                            log.warn("cannot deliver events to the control plane: {}; {} batch(es) wait",
                                    ar.cause().getMessage(), memory.size() + spool.batches());
                        }
                        attempts++;
                        deliveries.accept(ar.cause());
                        scheduleRetry();
                    }
                });
    }

    private Future<Void> settle(PendingBatch batch, ControlPlaneClient.EventsAnswer answer) {
        int status = answer.status();
        if (status == 401 || status == 403) {
            return Future.failedFuture(new ControlPlaneClient.Rejected(status, "the control plane refused the "
                    + "sidecar key (" + status + ")"));
        }
        if (status == 404) {
            return Future.failedFuture("the control plane refused the sidecar key (" + status + ")");
        }
        if (status >= 200 && status < 300) {
            delivered.increment();
            deliveredEvents.increment(batch.events() - rejections(batch, answer.body()));
        } else {
            refused.increment();
            rejected("batch").increment(batch.events());
            String body = answer.body() == null ? "" : answer.body().toString();
            log.error("the control plane refused event batch {} ({} events) as a whole with {}; dropping it: {}",
                    batch.id(), batch.events(), status, body.length() > 500 ? body.substring(0, 500) + "..." : body);
        }
        return forget(batch);
    }

    /** Counts and logs the events the control plane left out of a stored batch; yields how many. */
    private int rejections(PendingBatch batch, Buffer body) {
        if (body == null || body.length() == 0) {
            return 0;
        }
        EventBatchAnswer answer;
        try {
            answer = EventBatchAnswer.decode(body.getBytes());
        } catch (ProtocolException e) {
            log.warn("the control plane stored event batch {} but its answer is not JSON: {}", batch.id(),
                    e.getMessage());
            return 0;
        }
        List<EventBatchAnswer.Rejected> listed = answer.rejected();
        int total = 0;
        for (String kind : new String[] {"counts", "exposures", "conversions"}) {
            int n = switch (kind) {
                case "counts" -> answer.rejectedCounts();
                case "exposures" -> answer.rejectedExposures();
                default -> answer.rejectedConversions();
            };
            if (n > 0) {
                rejected(kind).increment(n);
                total += n;
            }
        }
        if (total > 0 || !listed.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < Math.min(LOGGED_REJECTIONS, listed.size()); i++) {
                sb.append(i == 0 ? "" : "; ").append(listed.get(i).path()).append(": ")
                        .append(listed.get(i).reason());
            }
            log.warn("the control plane stored event batch {} but refused {} of its {} events: {}{}", batch.id(),
                    total, batch.events(), sb, listed.size() > LOGGED_REJECTIONS ? "; ..." : "");
        }
        return total;
    }

    private Future<Void> forget(PendingBatch batch) {
        if (batch.spoolEntry() != null) {
            return spool.remove(batch.spoolEntry());
        }
        memory.remove(batch);
        return Future.succeededFuture();
    }

    private void scheduleRetry() {
        if (retryTimer >= 0 || stopped) {
            return;
        }
        retryTimer = vertx.setTimer(retryBackoff.jittered(attempts), id -> {
            retryTimer = -1;
            send();
        });
    }

    /**
     * Drains what is left and spills every batch still in memory to disk, so the next run sends it (a batch in
     * flight may then be sent twice; the control plane counts a batch id once).
     */
    public Future<Void> stop() {
        if (flushTimer >= 0) {
            vertx.cancelTimer(flushTimer);
        }
        // Stopped first, so that the last flush starts no new delivery: what is left goes to disk.
        stopped = true;
        flush();
        if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
            retryTimer = -1;
        }
        Future<Void> spilled = Future.succeededFuture();
        for (PendingBatch b; (b = memory.pollFirst()) != null;) {
            PendingBatch batch = b;
            spilled = spilled.compose(v -> spool.append(batch));
        }
        return spilled;
    }

    public int pendingBatches() {
        return memory.size() + spool.batches();
    }
}
