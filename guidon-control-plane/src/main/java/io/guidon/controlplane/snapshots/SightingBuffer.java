package io.guidon.controlplane.snapshots;

import io.guidon.common.ops.LogLimiter;
import io.guidon.controlplane.domain.Sighting;
import io.guidon.controlplane.store.SightingLog;
import io.guidon.protocol.ClientIdentity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notes which sidecar instances fetch each environment's flags, for {@code GET /api/v1/environments/{env}/sidecars}.
 *
 * <p>{@link #record} is called on the event loop for every answered {@code GET /api/v1/sidecar/flags}: it only
 * merges one entry into a map (per environment and instance: a polling fleet of N instances costs N entries, however
 * often they poll), never blocks and never touches the database. {@link #flush}, every
 * {@code sidecar.sightings-flush-interval}, writes what was noted since the previous flush in one upsert (a few for a
 * very large fleet) and, at most once per {@link #PRUNE_EVERY}, forgets instances not seen for
 * {@code sidecar.sightings-retention}. Memory is bounded: at most {@code sidecar.sightings-max-pending} instances
 * wait between two flushes; a fetch by an instance beyond that is not noted and is counted in
 * {@code guidon_sidecar_sightings_dropped_total} (the instance is noted at its next fetch after a flush). A failed
 * write puts its entries back (merged with newer ones, within the same bound) for the next flush.
 */
public final class SightingBuffer {

    private static final Logger LOG = LoggerFactory.getLogger(SightingBuffer.class);
    /** How often the retention is applied (a flush runs every few seconds; a prune need not). */
    static final Duration PRUNE_EVERY = Duration.ofHours(1);
    /** Longest client address kept (an IPv6 address with a zone is far shorter). */
    static final int MAX_ADDRESS_LENGTH = 64;

    private record Key(long environmentId, String instance) {
    }

    private final SightingLog log;
    private final Clock clock;
    private final int maxPending;
    private final Duration retention;
    private final Map<Key, Sighting> pending = new ConcurrentHashMap<>();
    private final AtomicReference<Future<Integer>> flushing = new AtomicReference<>();
    private final LogLimiter failures = new LogLimiter(60_000);
    private final Counter dropped;
    private final Counter written;
    private final Counter failedFlushes;
    private volatile Instant lastPrune;

    /**
     * @param maxPending most instances noted between two flushes
     * @param retention instances not seen for this long are forgotten
     */
    public SightingBuffer(SightingLog log, Clock clock, int maxPending, Duration retention, MeterRegistry registry) {
        this.log = log;
        this.clock = clock;
        this.maxPending = maxPending;
        this.retention = retention;
        this.dropped = Counter.builder("guidon.sidecar.sightings.dropped")
                .description("Sidecar fetches not noted because sidecar.sightings-max-pending instances were waiting"
                        + " to be written")
                .register(registry);
        this.written = Counter.builder("guidon.sidecar.sightings.written")
                .description("Sightings of sidecar instances written to the database").register(registry);
        this.failedFlushes = Counter.builder("guidon.sidecar.sightings.flush.failures")
                .description("Writes of sidecar sightings that failed (their sightings are kept for the next one)")
                .register(registry);
        Gauge.builder("guidon.sidecar.sightings.pending", pending, Map::size)
                .description("Sidecar instances noted and not written yet").register(registry);
    }

    /**
     * Notes a fetch answered to a sidecar: {@code instanceHeader} (the request's {@code Guidon-Instance}, or null)
     * names the instance, or {@code address} when it is missing or not an instance id; {@code version} is the
     * document version the instance holds after this answer. Any thread; never blocks.
     */
    public void record(long tenantId, long environmentId, String instanceHeader, UUID keyId, String keyName,
            String userAgent, long version, String address) {
        String client = printable(address == null ? "unknown" : address, MAX_ADDRESS_LENGTH);
        String instance = ClientIdentity.isInstanceId(instanceHeader) ? instanceHeader : client;
        Key key = new Key(environmentId, instance);
        if (!pending.containsKey(key) && pending.size() >= maxPending) {
            dropped.increment();
            return;
        }
        Instant now = clock.instant();
        pending.merge(key, new Sighting(tenantId, environmentId, instance, keyId, keyName,
                ClientIdentity.keptUserAgent(userAgent), version, client, now, now), Sighting::merge);
    }

    /** How many instances wait to be written. */
    public int pending() {
        return pending.size();
    }

    /**
     * Writes every sighting noted so far and, when due, forgets instances not seen for the retention; yields how
     * many sightings were written. A call while a flush runs shares it. Failures are logged (at most one line a
     * minute) and counted; the sightings are kept for the next flush.
     */
    public Future<Integer> flush() {
        Future<Integer> running = flushing.get();
        if (running != null) {
            return running;
        }
        io.vertx.core.Promise<Integer> promise = io.vertx.core.Promise.promise();
        if (!flushing.compareAndSet(null, promise.future())) {
            return flushing.get();
        }
        List<Sighting> batch = drain();
        Future<Integer> work = (batch.isEmpty() ? Future.<Void>succeededFuture() : log.write(batch))
                .map(x -> {
                    written.increment(batch.size());
                    return batch.size();
                })
                .recover(e -> {
                    failedFlushes.increment();
                    restore(batch);
                    LogLimiter.Decision d = failures.admit("write");
                    if (d.log()) {
                        LOG.warn("could not write {} sidecar sightings (kept for the next write{}): {}", batch.size(),
                                d.suppressed() > 0 ? "; " + d.suppressed() + " failures not logged" : "",
                                e.toString());
                    }
                    return Future.succeededFuture(0);
                })
                .compose(n -> pruneIfDue().map(n));
        work.onComplete(ar -> {
            flushing.set(null);
            promise.handle(ar);
        });
        return promise.future();
    }

    /** Calls {@link #flush} every {@code interval} on {@code vertx}; returns the timer's id. */
    public long schedule(Vertx vertx, Duration interval) {
        return vertx.setPeriodic(interval.toMillis(), id -> flush());
    }

    private List<Sighting> drain() {
        List<Sighting> out = new ArrayList<>(pending.size());
        for (Key k : pending.keySet()) {
            Sighting s = pending.remove(k);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** Puts back what a failed write held, merged with what was noted since, within the bound. */
    private void restore(List<Sighting> batch) {
        for (Sighting s : batch) {
            Key key = new Key(s.environmentId(), s.instance());
            if (!pending.containsKey(key) && pending.size() >= maxPending) {
                dropped.increment();
                continue;
            }
            // The one already there was noted after the failed write began: it is the later of the two.
            pending.merge(key, s, (newer, failed) -> Sighting.merge(failed, newer));
        }
    }

    private Future<Void> pruneIfDue() {
        Instant now = clock.instant();
        Instant last = lastPrune;
        if (last != null && now.isBefore(last.plus(PRUNE_EVERY))) {
            return Future.succeededFuture();
        }
        lastPrune = now;
        return log.prune(now.minus(retention)).<Void>mapEmpty().recover(e -> {
            LogLimiter.Decision d = failures.admit("prune");
            if (d.log()) {
                LOG.warn("could not forget sidecar sightings older than {}: {}", retention, e.toString());
            }
            // Tried again at the next flush.
            lastPrune = null;
            return Future.succeededFuture();
        });
    }

    /** {@code s} cut to {@code max} characters, anything outside printable ASCII as '?'. */
    private static String printable(String s, int max) {
        int n = Math.min(s.length(), max);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }
}
