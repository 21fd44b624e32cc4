package io.guidon.common.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CachedTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<Promise<String>> started = new ArrayList<>();

    private Cached<String> cached(Duration maxAge) {
        return new Cached<>(() -> {
            Promise<String> p = Promise.promise();
            synchronized (started) {
                started.add(p);
            }
            return p.future();
        }, maxAge, now::get);
    }

    @Test
    void callersWhileAComputationRunsShareIt() {
        Cached<String> c = cached(Duration.ZERO);

        Future<String> a = c.get();
        Future<String> b = c.get();
        started.get(0).complete("x");

        assertThat(a).isSameAs(b);
        assertThat(a.result()).isEqualTo("x");
        assertThat(c.computations()).isEqualTo(1);
    }

    @Test
    void aResultIsSharedForMaxAgeFromItsStartThenComputedAgain() {
        Cached<String> c = cached(Duration.ofSeconds(1));
        c.get();
        started.get(0).complete("first");

        now.addAndGet(999_000_000L);
        assertThat(c.get().result()).isEqualTo("first");
        now.addAndGet(1_000_000L);
        Future<String> next = c.get();
        started.get(1).complete("second");

        assertThat(next.result()).isEqualTo("second");
        assertThat(c.computations()).isEqualTo(2);
    }

    @Test
    void aFailureIsSharedToo() {
        Cached<String> c = cached(Duration.ofSeconds(1));
        c.get();
        started.get(0).fail("database down");

        assertThat(c.get().cause()).hasMessage("database down");
        assertThat(c.computations()).isEqualTo(1);
    }

    @Test
    void aComputationThatThrowsIsAFailedResult() {
        Cached<String> c = new Cached<>(() -> {
            throw new IllegalStateException("boom");
        }, Duration.ZERO, now::get);

        assertThat(c.get().cause()).hasMessage("boom");
    }

    @Test
    void aFloodFromManyThreadsCostsOneComputation() throws Exception {
        AtomicInteger computations = new AtomicInteger();
        Cached<String> c = new Cached<>(() -> Future.succeededFuture("n" + computations.incrementAndGet()),
                Duration.ofMinutes(1));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<java.util.concurrent.Future<String>> results = new ArrayList<>();
        try {
            for (int i = 0; i < 1000; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return c.get().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                }));
            }
            go.countDown();
            for (java.util.concurrent.Future<String> r : results) {
                assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo("n1");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(computations.get()).isEqualTo(1);
    }
}
