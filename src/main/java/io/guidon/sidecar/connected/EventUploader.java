package io.guidon.sidecar.connected;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Deque;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.zip.GZIPOutputStream;
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
 */
public final class EventUploader {

    private static final Logger log = LoggerFactory.getLogger(EventUploader.class);
    private static final JsonFactory JSON = new JsonFactory();

    private final Vertx vertx;
    private final SidecarConfig config;
    private final Backoff retryBackoff;
    private final UpstreamEventSink sink;
    private final ControlPlaneClient client;
    private final DiskSpool spool;
    private final String sidecarId;
    /** Concurrent because the pending-batches gauge reads its size from the scraping thread. */
    private final Deque<EventBatch> memory = new ConcurrentLinkedDeque<>();
    private final Counter delivered;
    private final Counter refused;
    private final Counter deliveredEvents;
    private volatile Context context;
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
        this.sidecarId = UUID.randomUUID().toString();
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
            flush();
            scheduleFlush();
        });
    }

    /** Drains the sink into one batch and queues it. */
    void flush() {
        long now = System.currentTimeMillis();
        UpstreamEventSink.Drained d = sink.drain(now, UpstreamEventSink.minuteOf(windowStart));
        windowStart = now;
        if (d.size() == 0) {
            return;
        }
        String id = UUID.randomUUID().toString();
        EventBatch batch = new EventBatch(id, d.size(), Buffer.buffer(gzip(json(id, now, d))), null);
        if (memory.size() >= config.events().maxMemoryBatches()) {
            EventBatch oldest = memory.pollFirst();
            spool.append(oldest);
        }
        memory.addLast(batch);
        send();
    }

    private byte[] json(String id, long now, UpstreamEventSink.Drained d) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + d.size() * 96);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("batchId", id);
            g.writeStringField("sidecarId", sidecarId);
            g.writeStringField("createdAt", Instant.ofEpochMilli(now).toString());
            g.writeArrayFieldStart("counts");
            for (UpstreamEventSink.Count c : d.counts()) {
                g.writeStartObject();
                g.writeStringField("flag", c.flag());
                g.writeStringField("variant", c.variant());
                g.writeStringField("minute", UpstreamEventSink.iso(c.minuteEpochMillis()));
                g.writeNumberField("count", c.count());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("exposures");
            for (UpstreamEventSink.Exposure x : d.exposures()) {
                g.writeStartObject();
                g.writeStringField("flag", x.flag());
                g.writeStringField("variant", x.variant());
                g.writeStringField("targetingKey", x.targetingKey());
                g.writeStringField("timestamp", UpstreamEventSink.iso(x.timestampMillis()));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("conversions");
            for (TrackEvent t : d.conversions()) {
                g.writeStartObject();
                g.writeStringField("targetingKey", t.targetingKey());
                g.writeStringField("event", t.event());
                if (t.value() != null) {
                    g.writeNumberField("value", t.value());
                }
                g.writeStringField("timestamp", UpstreamEventSink.iso(t.timestampMillis()));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** Delivers the oldest waiting batch (spooled ones are older than those in memory), then the next. */
    private void send() {
        if (sending || retryTimer >= 0 || stopped) {
            return;
        }
        Future<EventBatch> next;
        if (!spool.isEmpty()) {
            next = spool.oldest();
        } else if (!memory.isEmpty()) {
            next = Future.succeededFuture(memory.peekFirst());
        } else {
            return;
        }
        sending = true;
        next.compose(batch -> client.postEvents(batch.body(), batch.id()).compose(status -> settle(batch, status)))
                .onComplete(ar -> {
                    sending = false;
                    if (ar.succeeded()) {
                        attempts = 0;
                        send();
                    } else {
                        if (attempts == 0) {
                            log.warn("cannot deliver events to the control plane: {}; {} batch(es) wait",
                                    ar.cause().getMessage(), memory.size() + spool.batches());
                        }
                        attempts++;
                        scheduleRetry();
                    }
                });
    }

    private Future<Void> settle(EventBatch batch, int status) {
        if (status == 401 || status == 403 || status == 404) {
            return Future.failedFuture("the control plane refused the sidecar key (" + status + ")");
        }
        if (status >= 200 && status < 300) {
            delivered.increment();
            deliveredEvents.increment(batch.events());
        } else {
            refused.increment();
            log.error("the control plane refused event batch {} ({} events) with {}; dropping it", batch.id(),
                    batch.events(), status);
        }
        return forget(batch);
    }

    private Future<Void> forget(EventBatch batch) {
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
        for (EventBatch b; (b = memory.pollFirst()) != null;) {
            EventBatch batch = b;
            spilled = spilled.compose(v -> spool.append(batch));
        }
        return spilled;
    }

    public int pendingBatches() {
        return memory.size() + spool.batches();
    }
}
