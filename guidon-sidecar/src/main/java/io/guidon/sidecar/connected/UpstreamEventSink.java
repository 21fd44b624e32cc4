package io.guidon.sidecar.connected;

import io.guidon.engine.EvaluationResult;
import io.guidon.sidecar.EventSink;
import io.guidon.sidecar.FlagStore;
import io.guidon.sidecar.Snapshot;
import io.guidon.sidecar.TrackEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Connected mode's event sink: aggregates on the evaluation path without locks, and hands batches to the
 * {@link EventUploader} when drained.
 *
 * <ul>
 *   <li>Counts: one {@link LongAdder} per result object (so per flag, variant and reason) of the set being
 *       served; {@link #drain} reads and resets each with {@code sumThenReset}, which loses no concurrent
 *       increment. Drains happen at least at every minute boundary, so each drain's counts belong to one minute.</li>
 *   <li>Exposures (flags the application read, not every flag of a bulk evaluation: ADR 0203): the first
 *       (flag, variant, targetingKey) within the exposure window is queued; the window is two generations of a
 *       concurrent set, rotated every window or when the newer one is full.</li>
 *   <li>Conversions: queued as they come.</li>
 * </ul>
 * Queues are bounded; what does not fit is counted as dropped, never waited for.
 */
public final class UpstreamEventSink implements EventSink {

    public record Count(String flag, String variant, long minuteEpochMillis, long count) {
    }

    public record Exposure(String flag, String variant, String targetingKey, long timestampMillis) {
    }

    /** One drain: everything recorded since the previous one. */
    public record Drained(List<Count> counts, List<Exposure> exposures, List<TrackEvent> conversions) {
        public int size() {
            return counts.size() + exposures.size() + conversions.size();
        }
    }

    /** How long a result of a replaced flag set is kept counting after it was retired before it may be pruned. */
    static final long PRUNE_AFTER_MILLIS = 60_000;

    private record SeenKey(String flag, String variant, String targetingKey) {
    }

    private final FlagStore store;
    private final int batchEvents;
    private final int maxQueued;
    private final int maxSeen;
    private final long windowMillis;
    private final Runnable onFull;
    private final ConcurrentHashMap<EvaluationResult, LongAdder> counts = new ConcurrentHashMap<>();
    private volatile ConcurrentHashMap<SeenKey, Boolean> seen = new ConcurrentHashMap<>();
    private volatile ConcurrentHashMap<SeenKey, Boolean> seenBefore = new ConcurrentHashMap<>();
    private volatile long windowStart;
    private final ConcurrentLinkedQueue<Exposure> exposures = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<TrackEvent> conversions = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    /** When each result of a replaced flag set was first seen retired by {@link #drain} (drain's thread only). */
    private final Map<EvaluationResult, Long> retiredSince = new java.util.HashMap<>();
    private final Counter dropped;

    /**
     * @param batchEvents queued exposures plus conversions that make a batch: reaching it calls {@code onFull}
     * @param maxQueued exposures plus conversions held between drains before new ones are dropped
     * @param onFull called (from an event loop, once per crossing) when a batch's worth is queued
     */
    public UpstreamEventSink(FlagStore store, int batchEvents, int maxQueued, int maxSeen, long windowMillis,
            MeterRegistry registry, Runnable onFull) {
        this.store = store;
        this.batchEvents = batchEvents;
        this.maxQueued = maxQueued;
        this.maxSeen = maxSeen;
        this.windowMillis = windowMillis;
        this.onFull = onFull;
        this.windowStart = System.currentTimeMillis();
        this.dropped = Counter.builder("guidon.events.dropped").tag("where", "sink")
                .description("Events dropped because the sink's queue was full").register(registry);
    }

    /** One map read and one {@link LongAdder} increment; allocates only the first time a result is seen. */
    @Override
    public void count(EvaluationResult result) {
        LongAdder adder = counts.get(result);
        if (adder == null) {
            LongAdder fresh = new LongAdder();
            adder = counts.putIfAbsent(result, fresh);
            if (adder == null) {
                adder = fresh;
            }
        }
        adder.increment();
    }

    @Override
    public void exposure(EvaluationResult result, String targetingKey, long timestampMillis) {
        if (targetingKey == null || windowMillis <= 0 || maxSeen <= 0) {
            return;
        }
        SeenKey key = new SeenKey(result.flagKey(), result.variantKey(), targetingKey);
        // Looked up before putIfAbsent: nearly every key was seen already, and a lookup takes no lock, whereas
        // putIfAbsent locks the key's bin unless the key happens to be its first entry.
        if (seenBefore.containsKey(key) || seen.containsKey(key) || seen.putIfAbsent(key, Boolean.TRUE) != null) {
            return;
        }
        enqueue(() -> exposures.add(new Exposure(result.flagKey(), result.variantKey(), targetingKey,
                timestampMillis)));
    }

    @Override
    public void track(TrackEvent event) {
        enqueue(() -> conversions.add(event));
    }

    private void enqueue(Runnable add) {
        int n = queued.incrementAndGet();
        if (n > maxQueued) {
            queued.decrementAndGet();
            dropped.increment();
            return;
        }
        add.run();
        if (n == batchEvents) {
            onFull.run();
        }
    }

    /** Everything recorded since the last drain; counts are stamped with {@code minuteOfWindow}. Single caller. */
    public Drained drain(long now, long minuteOfWindow) {
        List<Count> out = new ArrayList<>();
        Snapshot current = store.current();
        for (Iterator<Map.Entry<EvaluationResult, LongAdder>> it = counts.entrySet().iterator(); it.hasNext();) {
            Map.Entry<EvaluationResult, LongAdder> e = it.next();
            long n = e.getValue().sumThenReset();
            EvaluationResult r = e.getKey();
            boolean retired = current == null || current.flags().flag(r.flagKey()) != r.flag();
            if (!retired) {
                retiredSince.remove(r);
            } else if (n == 0 && now - retiredSince.computeIfAbsent(r, k -> now) >= PRUNE_AFTER_MILLIS) {
                // Results of a replaced flag set are no longer handed out once requests on that set are done. A
                // thread may still hold this adder between its lookup and its increment, so the entry goes only
                // after it has been retired and idle for a while (drains can follow each other closely); what
                // slipped in between the read above and the removal is picked up here.
                it.remove();
                retiredSince.remove(r);
                n = e.getValue().sumThenReset();
            }
            if (n > 0) {
                out.add(new Count(r.flagKey(), r.variantKey(), minuteOfWindow, n));
            }
        }
        List<Exposure> exp = new ArrayList<>();
        for (Exposure x; (x = exposures.poll()) != null;) {
            exp.add(x);
        }
        List<TrackEvent> conv = new ArrayList<>();
        for (TrackEvent t; (t = conversions.poll()) != null;) {
            conv.add(t);
        }
        queued.addAndGet(-(exp.size() + conv.size()));
        if (now - windowStart >= windowMillis || seen.size() >= maxSeen) {
            seenBefore = seen;
            seen = new ConcurrentHashMap<>();
            windowStart = now;
        }
        return new Drained(merge(out), exp, conv);
    }

    /** Several results (reasons) of one flag and variant become one count. */
    private static List<Count> merge(List<Count> counts) {
        Map<String, Count> byKey = new java.util.LinkedHashMap<>();
        for (Count c : counts) {
            byKey.merge(c.flag() + "\u0000" + c.variant(), c,
                    (a, b) -> new Count(a.flag(), a.variant(), a.minuteEpochMillis(), a.count() + b.count()));
        }
        return new ArrayList<>(byKey.values());
    }

    public int queued() {
        return queued.get();
    }

    /** How many result objects (flag, variant, reason of some flag set) hold a count. */
    int countedResults() {
        return counts.size();
    }

    static long minuteOf(long millis) {
        return millis - Math.floorMod(millis, 60_000L);
    }

    static String iso(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }
}
