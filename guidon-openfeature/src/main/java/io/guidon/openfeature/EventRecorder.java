package io.guidon.openfeature;

import io.guidon.engine.EvaluationResult;
import io.guidon.protocol.EventRules;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the provider records of its evaluations and {@code track} calls, as the sidecar's event sink does, so that
 * the control plane sees an application evaluating in-process as it sees a sidecar: per-minute counts of each
 * (flag, variant), the first exposure of each (flag, variant, targeting key) within the exposure window, and
 * conversions. Called on the application's evaluation path, so it never waits: counts are {@link LongAdder}s
 * found without locking, exposures and conversions go into a lock-free queue bounded by {@code capacity}, and what
 * does not fit is counted in {@link #dropped()}, never waited for. A background flusher {@link #drain}s it.
 *
 * <p>An exposure whose targeting key the control plane would refuse ({@link EventRules#targetingKey}) is counted
 * but not queued, as in the sidecar.
 */
final class EventRecorder {

    record Count(String flag, String variant, long minuteEpochMillis, long count) {
    }

    record Exposure(String flag, String variant, String targetingKey, long timestampMillis) {
    }

    record Conversion(String targetingKey, String event, Double value, long timestampMillis) {
    }

    /** One drain: everything recorded since the previous one. */
    record Drained(List<Count> counts, List<Exposure> exposures, List<Conversion> conversions) {
        int size() {
            return counts.size() + exposures.size() + conversions.size();
        }
    }

    private record SeenKey(String flag, String variant, String targetingKey) {
    }

    private final boolean exposures;
    private final int capacity;
    private final int maxSeen;
    private final long windowMillis;
    private final ConcurrentHashMap<EvaluationResult, LongAdder> counts = new ConcurrentHashMap<>();
    private volatile ConcurrentHashMap<SeenKey, Boolean> seen = new ConcurrentHashMap<>();
    private volatile ConcurrentHashMap<SeenKey, Boolean> seenBefore = new ConcurrentHashMap<>();
    private volatile long windowStart = System.currentTimeMillis();
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder unrecordable = new LongAdder();
    /** Results found with no count in a drain: removed at the next empty drain (drain's thread only). */
    private final Map<EvaluationResult, Boolean> idle = new java.util.HashMap<>();

    /**
     * @param exposures whether evaluations are recorded at all (counts and exposures); {@code track} always is
     * @param capacity exposures plus conversions held between drains before new ones are dropped
     * @param maxSeen distinct (flag, variant, targeting key) remembered per window before the window turns early
     * @param windowMillis how long one (flag, variant, targeting key) is reported once
     */
    EventRecorder(boolean exposures, int capacity, int maxSeen, long windowMillis) {
        this.exposures = exposures;
        this.capacity = capacity;
        this.maxSeen = maxSeen;
        this.windowMillis = windowMillis;
    }

    /** Whether evaluations are recorded at all (when not, callers need not even read the clock). */
    boolean recordsEvaluations() {
        return exposures;
    }

    /**
     * The application read {@code result} (never an error) for {@code targetingKey} (may be null): every provider
     * evaluation is the read of one flag (OpenFeature's Java API has no bulk evaluation), so it is counted and, with a
     * recordable targeting key, an exposure, as a single-flag evaluation at the sidecar is (ADR 0203). Without a
     * targeting key it is counted only: an anonymous read cannot be attributed.
     */
    void read(EvaluationResult result, String targetingKey, long nowMillis) {
        if (!exposures) {
            return;
        }
        LongAdder adder = counts.get(result);
        if (adder == null) {
            adder = counts.computeIfAbsent(result, r -> new LongAdder());
        }
        adder.increment();
        if (targetingKey == null) {
            return;
        }
        if (EventRules.targetingKey(targetingKey) != null) {
            unrecordable.increment();
            return;
        }
        if (nowMillis - windowStart > windowMillis) {
            turnWindow(nowMillis);
        }
        SeenKey key = new SeenKey(result.flagKey(), result.variantKey(), targetingKey);
        ConcurrentHashMap<SeenKey, Boolean> current = seen;
        if (seenBefore.containsKey(key) || current.containsKey(key) || current.putIfAbsent(key, Boolean.TRUE) != null) {
            return;
        }
        if (current.size() > maxSeen) {
            turnWindow(nowMillis);
        }
        offer(new Exposure(result.flagKey(), result.variantKey(), targetingKey, nowMillis));
    }

    private synchronized void turnWindow(long nowMillis) {
        // Rare (once per window, or when the window is full); evaluations racing it at worst report twice.
        if (nowMillis - windowStart <= windowMillis && seen.size() <= maxSeen) {
            return;
        }
        seenBefore = seen;
        seen = new ConcurrentHashMap<>();
        windowStart = nowMillis;
    }

    /** A conversion or custom event ({@code track}), already checked against {@link EventRules}. */
    void track(Conversion conversion) {
        offer(conversion);
    }

    private void offer(Object event) {
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            dropped.increment();
            return;
        }
        queue.add(event);
    }

    /**
     * Everything recorded since the previous drain; counts are labelled with {@code minuteEpochMillis} (the flusher
     * drains at least at every minute boundary, so a drain's counts belong to one minute). One thread drains.
     */
    Drained drain(long minuteEpochMillis) {
        List<Count> c = new ArrayList<>();
        for (Iterator<Map.Entry<EvaluationResult, LongAdder>> it = counts.entrySet().iterator(); it.hasNext();) {
            Map.Entry<EvaluationResult, LongAdder> e = it.next();
            long n = e.getValue().sumThenReset();
            if (n > 0) {
                idle.remove(e.getKey());
                c.add(new Count(e.getKey().flagKey(), e.getKey().variantKey(), minuteEpochMillis, n));
            } else if (idle.put(e.getKey(), Boolean.TRUE) != null) {
                // Unused for two drains (a result of a replaced flag set, mostly): forgotten. An increment racing
                // the removal is at worst one count lost for a result nobody evaluates any more.
                idle.remove(e.getKey());
                it.remove();
            }
        }
        List<Exposure> x = new ArrayList<>();
        List<Conversion> t = new ArrayList<>();
        Object o;
        while ((o = queue.poll()) != null) {
            queued.decrementAndGet();
            if (o instanceof Exposure e) {
                x.add(e);
            } else {
                t.add((Conversion) o);
            }
        }
        return new Drained(c, x, t);
    }

    /** Exposures and conversions dropped because the queue was full, since the start. */
    long dropped() {
        return dropped.sum();
    }

    /** Exposures not recorded because the control plane would refuse their targeting key, since the start. */
    long unrecordable() {
        return unrecordable.sum();
    }
}
