package io.guidon.telemetry;

import io.guidon.engine.EvaluationResult;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded multi-producer, single-consumer queue of preallocated slots, so that handing an event off allocates
 * nothing: a producer claims the next free slot (one compare-and-set on the tail), copies its references and
 * numbers into it and publishes it; it never waits, and a full ring refuses the event. The one consumer reads the
 * slots in order. Each slot carries a sequence number that says whose turn it is, after D. Vyukov's bounded queue
 * ("Bounded MPMC queue", 1024cores.net), reduced to one consumer: a slot at position {@code p} is free for the
 * producer of {@code p} when its sequence is {@code p}, holds the event of {@code p} when it is {@code p + 1}, and
 * is free for the producer of the next lap when the consumer sets it to {@code p + capacity}.
 */
final class EventRing {

    /** One event's fields; written by its producer between claim and publish, read by the consumer. */
    static final class Slot {
        volatile long sequence;
        EvaluationResult result;
        String flagKey;
        String errorType;
        String errorMessage;
        String contextId;
        long version;
        long epochMillis;
    }

    private final Slot[] slots;
    private final int mask;
    private final AtomicLong tail = new AtomicLong();
    /** Only the consumer writes it; volatile so that {@link #size} can be read from any thread. */
    private volatile long head;

    /** A ring of at least {@code minCapacity} slots (rounded up to a power of two). */
    EventRing(int minCapacity) {
        int capacity = Integer.highestOneBit(Math.max(1, minCapacity - 1)) << 1;
        if (minCapacity == 1) {
            capacity = 1;
        }
        slots = new Slot[capacity];
        for (int i = 0; i < capacity; i++) {
            slots[i] = new Slot();
            slots[i].sequence = i;
        }
        mask = capacity - 1;
    }

    int capacity() {
        return slots.length;
    }

    /** Claims a slot and fills it; false (nothing written) when the ring is full. Any thread; never blocks. */
    boolean offer(EvaluationResult result, String flagKey, String errorType, String errorMessage, String contextId,
            long version, long epochMillis) {
        long pos = tail.get();
        while (true) {
            Slot s = slots[(int) (pos & mask)];
            long dif = s.sequence - pos;
            if (dif == 0) {
                if (tail.compareAndSet(pos, pos + 1)) {
                    s.result = result;
                    s.flagKey = flagKey;
                    s.errorType = errorType;
                    s.errorMessage = errorMessage;
                    s.contextId = contextId;
                    s.version = version;
                    s.epochMillis = epochMillis;
                    s.sequence = pos + 1;
                    return true;
                }
                pos = tail.get();
            } else if (dif < 0) {
                return false;
            } else {
                pos = tail.get();
            }
        }
    }

    /**
     * The next published slot, or null when there is none yet; the consumer reads its fields, then {@link #release}s
     * it before the next {@code peek}. The consumer's thread only.
     */
    Slot peek() {
        Slot s = slots[(int) (head & mask)];
        return s.sequence == head + 1 ? s : null;
    }

    /** Frees the slot {@link #peek} returned for the producers of the next lap (its references cleared). */
    void release(Slot s) {
        s.result = null;
        s.flagKey = null;
        s.errorType = null;
        s.errorMessage = null;
        s.contextId = null;
        long h = head;
        s.sequence = h + slots.length;
        head = h + 1;
    }

    /** Events claimed and not yet released (approximate while producers run). */
    int size() {
        long size = tail.get() - head;
        return (int) Math.max(0, Math.min(size, slots.length));
    }
}
