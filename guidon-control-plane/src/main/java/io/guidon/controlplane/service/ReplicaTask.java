package io.guidon.controlplane.service;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A periodic task that every control-plane replica runs, sharing the work through rows claimed in PostgreSQL
 * ({@code FOR UPDATE SKIP LOCKED} in the transaction that does the work, so that each piece is done once however many
 * replicas run): due schedules ({@link ScheduleRunner}), due checks of rollout plans
 * ({@link RolloutPlanService#checkNext}). Once at start and then {@code interval} after each run ends, it calls
 * {@code step} on a virtual thread until the step says nothing more is to be done now. Runs never overlap on a replica.
 * {@link #stop} ends it and waits for a run in progress, so that a stopping replica's pool outlives its last
 * transaction.
 */
public final class ReplicaTask {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaTask.class);

    private final Vertx vertx;
    private final String name;
    private final Duration interval;
    private final BooleanSupplier step;
    private final Function<Callable<Integer>, Future<Integer>> onVirtualThread;
    private boolean stopped;
    private long timer = -1;
    private Future<Integer> running = Future.succeededFuture(0);
    /** A {@link #wake} came during a run: the next run starts as soon as this one ends. */
    private boolean woken;

    /**
     * @param name what the task does, for the log
     * @param interval the wait between the end of a run and the next
     * @param step does one piece of work (claims one row and handles it) on a virtual thread; true when it did one
     *     and the run should go on, false when none is left (or the rest must wait for a later run)
     * @param onVirtualThread runs a sequential task on a virtual thread (the admin API's {@code AdminThreads}), never
     *     on an event loop
     */
    public ReplicaTask(Vertx vertx, String name, Duration interval, BooleanSupplier step,
            Function<Callable<Integer>, Future<Integer>> onVirtualThread) {
        this.vertx = vertx;
        this.name = name;
        this.interval = interval;
        this.step = step;
        this.onVirtualThread = onVirtualThread;
    }

    /** Starts the runs: the first at once (what fell due while every replica was down is done now). */
    public synchronized void start() {
        timer = vertx.setTimer(1, id -> run());
    }

    /**
     * Runs again now rather than after {@code interval}: at once when no run is in progress, else as soon as the
     * run in progress ends (work it could not see may have become due, such as the next delivery of a resource
     * whose delivery just ended).
     */
    public synchronized void wake() {
        if (stopped) {
            return;
        }
        if (running.isComplete()) {
            vertx.cancelTimer(timer);
            timer = vertx.setTimer(1, id -> run());
        } else {
            woken = true;
        }
    }

    private synchronized void run() {
        // A cancelled timer may have fired already: one run at a time (the run in progress schedules the next).
        if (stopped || !running.isComplete()) {
            return;
        }
        running = onVirtualThread.apply(this::drain).onComplete(done -> {
            if (done.failed()) {
                LOG.warn("a run of the {} failed; the next one tries again", name, done.cause());
            }
            next();
        });
    }

    private synchronized void next() {
        if (!stopped) {
            long delay = woken ? 1 : Math.max(1, interval.toMillis());
            woken = false;
            timer = vertx.setTimer(delay, id -> run());
        }
    }

    /** Steps until none is left; answers how many pieces of work it did. */
    private int drain() {
        int handled = 0;
        while (!isStopped() && step.getAsBoolean()) {
            handled++;
        }
        return handled;
    }

    private synchronized boolean isStopped() {
        return stopped;
    }

    /** Stops the runs; completes when the run in progress, if any, has ended (after its current step). */
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
