package io.guidon.controlplane.service;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The periodic task of each control-plane replica that applies due schedules (docs/adr/0114-scheduled-changes.md): a
 * {@link ReplicaTask} that, once at start and then {@code schedules.poll-interval} after each run ends, calls
 * {@link ScheduleService#applyNext} on a virtual thread until no due schedule is left. Runs never overlap on a
 * replica, and replicas share the work through the rows' locks. {@link #stop} ends it and waits for a run in
 * progress, so that a stopping replica's pool outlives its last transaction.
 */
public final class ScheduleRunner {

    private final ReplicaTask task;

    /**
     * @param pollInterval the wait between the end of a run and the next ({@code schedules.poll-interval})
     * @param lateAfter a schedule applied more than this after its due time is marked late
     *     ({@code schedules.late-after})
     * @param onVirtualThread runs a sequential task on a virtual thread (the admin API's {@code AdminThreads}), never
     *     on an event loop
     */
    public ScheduleRunner(Vertx vertx, ScheduleService schedules, Duration pollInterval, Duration lateAfter,
            Function<Callable<Integer>, Future<Integer>> onVirtualThread) {
        // NONE: nothing due; DEFERRED: the rest waits for a later run.
        this.task = new ReplicaTask(vertx, "schedule runner", pollInterval, () -> {
            ScheduleService.Outcome outcome = schedules.applyNext(lateAfter);
            return outcome != ScheduleService.Outcome.NONE && outcome != ScheduleService.Outcome.DEFERRED;
        }, onVirtualThread);
    }

    /** Starts the runs: the first at once (what fell due while every replica was down is applied now, late). */
    public void start() {
        task.start();
    }

    /** Stops the runs; completes when the run in progress, if any, has ended (after its current schedule). */
    public Future<Void> stop() {
        return task.stop();
    }
}
