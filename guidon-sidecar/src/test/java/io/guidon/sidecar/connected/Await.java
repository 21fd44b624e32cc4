package io.guidon.sidecar.connected;

import io.guidon.testing.Poll;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Blocking helpers for tests that drive single-context components from the JUnit thread: run work on a given
 * context and wait for its future (conditions are polled with {@link Poll}).
 */
final class Await {

    static final Duration TIMEOUT = Poll.TIMEOUT;

    private Await() {
    }

    /** Waits for {@code future}, rethrowing its failure. */
    static <T> T result(Future<T> future) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    /** Runs {@code work} on {@code context} (so everything it starts belongs to that context) and waits for it. */
    static <T> T on(Context context, Supplier<Future<T>> work) throws Exception {
        CompletableFuture<T> done = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                work.get().onComplete(ar -> {
                    if (ar.succeeded()) {
                        done.complete(ar.result());
                    } else {
                        done.completeExceptionally(ar.cause());
                    }
                });
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        try {
            return done.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    /** Runs {@code action} on {@code context} and waits until it (and everything queued before it) has run. */
    static void run(Context context, Runnable action) throws Exception {
        on(context, () -> {
            action.run();
            return Future.succeededFuture();
        });
    }
}
