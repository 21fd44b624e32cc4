package io.guidon.controlplane.service;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic task of each control-plane replica that applies due schedules (docs/adr/0114-scheduled-changes.md):
 * once at start and then {@code schedules.poll-interval} after each run ends, it calls
 * {@link ScheduleService#applyNext} on a virtual thread until no due schedule is left. Runs never overlap on a
 * replica, and replicas share the work through the rows' locks. {@link #stop} ends it and waits for a run in
 * progress, so that a stopping replica's pool outlives its last transaction.
 */
public final class ScheduleRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ScheduleRunner.class);

    private final Vertx vertx;
    private final ScheduleService schedules;
    private final Duration pollInterval;
    private final Duration lateAfter;
    private final Function<Callable<Integer>, Future<Integer>> onVirtualThread;
    private boolean stopped;
    private long timer = -1;
    private Future<Integer> running = Future.succeededFuture(0);

    /**
     * @param pollInterval the wait between the end of a run and the next ({@code schedules.poll-interval})
     * @param lateAfter a schedule applied more than this after its due time is marked late
     *     ({@code schedules.late-after})
     * @param onVirtualThread runs a sequential task on a virtual thread (the admin API's {@code AdminThreads}), never
     *     on an event loop
     */
    public ScheduleRunner(Vertx vertx, ScheduleService schedules, Duration pollInterval, Duration lateAfter,
            Function<Callable<Integer>, Future<Integer>> onVirtualThread) {
        this.vertx = vertx;
        this.schedules = schedules;
        this.pollInterval = pollInterval;
        this.lateAfter = lateAfter;
        this.onVirtualThread = onVirtualThread;
    }

    /** Starts the runs: the first at once (what fell due while every replica was down is applied now, late). */
    public synchronized void start() {
        timer = vertx.setTimer(1, id -> run());
    }

    private synchronized void run() {
        if (stopped) {
            return;
        }
        running = onVirtualThread.apply(this::drain).onComplete(done -> {
            if (done.failed()) {
                LOG.warn("a run of the schedule runner failed; the next one tries again", done.cause());
            }
            next();
        });
    }

    private synchronized void next() {
        if (!stopped) {
            timer = vertx.setTimer(Math.max(1, pollInterval.toMillis()), id -> run());
        }
    }

    /** Applies due schedules until none is left (or one must wait for a later run); answers how many it handled. */
    private int drain() {
        int handled = 0;
        while (!isStopped()) {
            ScheduleService.Outcome outcome = schedules.applyNext(lateAfter);
            if (outcome == ScheduleService.Outcome.NONE || outcome == ScheduleService.Outcome.DEFERRED) {
                break;
            }
            handled++;
        }
        return handled;
    }

    private synchronized boolean isStopped() {
        return stopped;
    }

    /** Stops the runs; completes when the run in progress, if any, has ended (after its current schedule). */
    public Future<Void> stop() {
        Future<Integer> last;
        synchronized (this) {
            stopped = true;
            vertx.cancelTimer(timer);
            last = running;
        }
        return last.<Void>mapEmpty().otherwiseEmpty();
    }
}
