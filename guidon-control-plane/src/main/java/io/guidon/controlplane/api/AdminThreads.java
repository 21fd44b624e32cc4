package io.guidon.controlplane.api;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the admin API's handlers run: on Vert.x virtual threads (docs/adr/0110-admin-api-concurrency-model.md), so
 * that the services below read as plain sequential code that awaits each statement ({@link Future#await}). The
 * HTTP server, the sidecar's routes and event ingest stay on the event loops; an admin request hops to a
 * virtual-thread context here and its reply back to the request's event loop.
 *
 * <p>One virtual-thread context per event loop (contexts are taken in turn): a context runs one task at a time
 * between awaits, like an event loop, so several contexts let several requests' CPU work (parsing, JSON) proceed
 * side by side; the engine's compilation runs on the worker pool, as before.
 */
public final class AdminThreads {

    private final List<Context> contexts;
    private final AtomicInteger next = new AtomicInteger();

    private AdminThreads(List<Context> contexts) {
        this.contexts = List.copyOf(contexts);
    }

    /** Deploys {@code instances} virtual-thread verticles, one context each; completes when all are up. */
    public static Future<AdminThreads> deploy(Vertx vertx, int instances) {
        List<Context> contexts = new CopyOnWriteArrayList<>();
        return vertx.deployVerticle(() -> new AbstractVerticle() {
                    @Override
                    public void start() {
                        contexts.add(context);
                    }
                }, new DeploymentOptions().setThreadingModel(ThreadingModel.VIRTUAL_THREAD).setInstances(instances))
                .map(id -> new AdminThreads(contexts));
    }

    /**
     * Runs {@code work} on a virtual thread; its result or failure completes the returned future on the caller's
     * context (the request's event loop), so the reply is written from there.
     */
    public <T> Future<T> run(Callable<T> work) {
        Context caller = Vertx.currentContext();
        Promise<T> promise = Promise.promise();
        Context target = contexts.get(Math.floorMod(next.getAndIncrement(), contexts.size()));
        target.runOnContext(v -> {
            T value;
            try {
                value = work.call();
            } catch (Throwable e) {
                back(caller, () -> promise.fail(e));
                return;
            }
            back(caller, () -> promise.complete(value));
        });
        return promise.future();
    }

    private static void back(Context caller, Runnable r) {
        if (caller == null) {
            r.run();
        } else {
            caller.runOnContext(v -> r.run());
        }
    }
}
