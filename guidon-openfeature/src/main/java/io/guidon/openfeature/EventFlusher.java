package io.guidon.openfeature;

import java.util.ArrayDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the {@link EventRecorder} every flush interval and at every minute boundary, and delivers the batches in
 * order, at least once: a batch stays at the head of the queue, with its id, until the destination took it or
 * refused it for good, and is retried at each later flush. At most {@code maxPending} batches wait; beyond that
 * the oldest is dropped and counted. Runs on the provider's scheduler thread, never on an evaluation.
 */
final class EventFlusher {

    private static final Logger log = LoggerFactory.getLogger(EventFlusher.class);

    private final EventRecorder recorder;
    private final EventDelivery delivery;
    private final long intervalMillis;
    private final int maxPending;
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private long droppedBatches;
    private long lastFailureLog;
    private volatile boolean stopped;
    private ScheduledExecutorService scheduler;

    EventFlusher(EventRecorder recorder, EventDelivery delivery, long intervalMillis, int maxPending) {
        this.recorder = recorder;
        this.delivery = delivery;
        this.intervalMillis = intervalMillis;
        this.maxPending = maxPending;
    }

    void start(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
        schedule();
    }

    private void schedule() {
        if (stopped) {
            return;
        }
        long now = System.currentTimeMillis();
        long nextMinute = (now / 60_000 + 1) * 60_000;
        long delay = Math.max(1, Math.min(intervalMillis, nextMinute - now));
        try {
            scheduler.schedule(() -> {
                try {
                    flush();
                } finally {
                    schedule();
                }
            }, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
    }

    /** One drain and delivery attempt; the scheduler's thread (and {@link #stop}) only. */
    synchronized void flush() {
        long now = System.currentTimeMillis();
        // Counts since the previous drain belong to the minute that was running then (drains happen at least at
        // every minute boundary, a few milliseconds late at most).
        long minute = ((now - 1_000) / 60_000) * 60_000;
        EventRecorder.Drained drained = recorder.drain(minute);
        if (drained.size() > 0) {
            Object batch = delivery.prepare(drained, now);
            if (batch != null) {
                if (pending.size() >= maxPending) {
                    pending.pollFirst();
                    droppedBatches++;
                    log.warn("dropped the oldest undelivered event batch: {} are waiting already ({} dropped so far)",
                            maxPending, droppedBatches);
                }
                pending.addLast(batch);
            }
        }
        while (!pending.isEmpty()) {
            boolean done;
            try {
                done = delivery.send(pending.peekFirst());
            } catch (Exception e) {
                done = false;
                if (now - lastFailureLog > 10_000) {
                    lastFailureLog = now;
                    log.warn("could not deliver events ({} batch(es) waiting; retried at the next flush): {}",
                            pending.size(), e.toString());
                }
            }
            if (!done) {
                return;
            }
            pending.pollFirst();
        }
    }

    /** Batches waiting for delivery. */
    synchronized int pending() {
        return pending.size();
    }

    /** Stops the schedule and makes one last attempt to deliver everything recorded. */
    void stop() {
        stopped = true;
        try {
            flush();
        } catch (RuntimeException e) {
            log.warn("the last delivery of events failed: {}", e.toString());
        }
        synchronized (this) {
            if (!pending.isEmpty()) {
                log.warn("{} event batch(es) were not delivered before the provider shut down", pending.size());
            }
        }
    }
}
