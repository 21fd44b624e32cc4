package io.guidon.sidecar.connected;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Blocking helpers for tests that drive single-context components from the JUnit thread: run work on a given
 * context and wait for its future, and poll a condition until a deadline.
 */
final class Await {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

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

    static void until(String what, BooleanSupplier condition) {
        until(what, TIMEOUT, condition);
    }

    static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    /**
     * Checks for {@code during} that {@code condition} keeps holding: for the few "nothing more happens" claims,
     * where there is no event to wait for. Keep {@code during} short.
     */
    static void stays(String what, Duration during, BooleanSupplier condition) {
        long deadline = System.nanoTime() + during.toNanos();
        do {
            if (!condition.getAsBoolean()) {
                throw new AssertionError("no longer true: " + what);
            }
            LockSupport.parkNanos(2_000_000);
        } while (System.nanoTime() < deadline);
    }

    /** Polls {@code value} until it satisfies {@code accept}, and returns that value. */
    static <T> T until(String what, Supplier<T> value, java.util.function.Predicate<T> accept) {
        Object[] last = new Object[1];
        until(what, TIMEOUT, () -> {
            T v = value.get();
            last[0] = v;
            return accept.test(v);
        });
        @SuppressWarnings("unchecked")
        T t = (T) last[0];
        return t;
    }
}
