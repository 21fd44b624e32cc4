package io.guidon.controlplane.snapshots;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.domain.SidecarSighting;
import io.guidon.controlplane.domain.Sighting;
import io.guidon.controlplane.store.SightingLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The coalescing of sidecar fetches in memory: one entry per environment and instance however often it fetches
 * (first seen at the first fetch, the rest from the last), bounded with the drops counted, written whole by one
 * flush, kept across a failed write, pruned at most once an hour.
 */
class SightingBufferTest {

    static final UUID KEY = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        Instant now = T0;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    /** The log in memory: what each write got; a write fails while {@code failing}, or waits for {@code gate}. */
    static final class MemoryLog implements SightingLog {
        final List<List<Sighting>> writes = new ArrayList<>();
        final List<Instant> prunes = new ArrayList<>();
        boolean failing;
        Promise<Void> gate;

        @Override
        public Future<Void> write(List<Sighting> sightings) {
            List<Sighting> sorted = new ArrayList<>(sightings);
            sorted.sort(Comparator.comparingLong(Sighting::environmentId).thenComparing(Sighting::instance));
            writes.add(sorted);
            if (failing) {
                return Future.failedFuture(new IllegalStateException("database away"));
            }
            return gate == null ? Future.succeededFuture() : gate.future();
        }

        @Override
        public Future<Long> prune(Instant cutoff) {
            prunes.add(cutoff);
            return Future.succeededFuture(0L);
        }

        @Override
        public Future<List<SidecarSighting>> list(long tenantId, Long environmentId, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Future<Long> count(long tenantId, Long environmentId) {
            throw new UnsupportedOperationException();
        }
    }

    final TestClock clock = new TestClock();
    final MemoryLog log = new MemoryLog();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    SightingBuffer buffer(int maxPending) {
        return new SightingBuffer(log, clock, maxPending, Duration.ofDays(7), registry);
    }

    static int flush(SightingBuffer b) throws Exception {
        return b.flush().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    double dropped() {
        return registry.get("guidon.sidecar.sightings.dropped").counter().count();
    }

    @Test
    void manyFetchesOfOneInstanceAreOneSightingFirstSeenAtTheFirstWithTheLastVersion() throws Exception {
        SightingBuffer b = buffer(100);
        for (int v = 1; v <= 50; v++) {
            b.record(1, 10, "pod-a", KEY, "prod sidecar", "guidon-sidecar/1.0", v, "10.0.0.5");
            clock.advance(Duration.ofSeconds(1));
        }

        assertThat(b.pending()).isEqualTo(1);
        assertThat(flush(b)).isEqualTo(1);

        assertThat(log.writes).hasSize(1);
        Sighting s = log.writes.get(0).get(0);
        assertThat(s.instance()).isEqualTo("pod-a");
        assertThat(s.version()).isEqualTo(50);
        assertThat(s.firstSeen()).isEqualTo(T0);
        assertThat(s.lastSeen()).isEqualTo(T0.plusSeconds(49));
        assertThat(s.userAgent()).isEqualTo("guidon-sidecar/1.0");
        assertThat(s.keyId()).isEqualTo(KEY);
        assertThat(s.keyName()).isEqualTo("prod sidecar");
        assertThat(s.tenantId()).isEqualTo(1);
        assertThat(s.address()).isEqualTo("10.0.0.5");
        assertThat(b.pending()).isZero();
        assertThat(registry.get("guidon.sidecar.sightings.written").counter().count()).isEqualTo(1);
    }

    @Test
    void instancesAreToldApartPerEnvironmentAndByAddressWhenTheyNameNoneOrAnInvalidOne() throws Exception {
        SightingBuffer b = buffer(100);
        b.record(1, 10, "pod-a", KEY, "k", "ua", 3, "10.0.0.5");
        b.record(1, 11, "pod-a", KEY, "k", "ua", 7, "10.0.0.5");
        b.record(1, 10, "pod-b", KEY, "k", "ua", 3, "10.0.0.5");
        b.record(1, 10, null, KEY, "k", null, 3, "10.0.0.6");
        b.record(1, 10, "<script>", KEY, "k", "evil\u0000agent\n", 3, "10.0.0.7");
        b.record(1, 10, "x".repeat(129), KEY, "k", "ua", 3, null);

        flush(b);

        List<Sighting> written = log.writes.get(0);
        assertThat(written).extracting(s -> s.environmentId() + "/" + s.instance()).containsExactly(
                "10/10.0.0.6", "10/10.0.0.7", "10/pod-a", "10/pod-b", "10/unknown", "11/pod-a");
        Sighting unnamed = written.get(0);
        assertThat(unnamed.userAgent()).isEmpty();
        Sighting evil = written.get(1);
        assertThat(evil.userAgent()).isEqualTo("evil?agent?");
        assertThat(written.get(5).version()).isEqualTo(7);
    }

    @Test
    void beyondTheBoundNewInstancesAreDroppedAndCountedWhileKnownOnesStillMove() throws Exception {
        SightingBuffer b = buffer(2);
        b.record(1, 10, "pod-a", KEY, "k", "ua", 1, "a");
        b.record(1, 10, "pod-b", KEY, "k", "ua", 1, "b");
        b.record(1, 10, "pod-c", KEY, "k", "ua", 1, "c");
        b.record(1, 11, "pod-a", KEY, "k", "ua", 1, "a");
        b.record(1, 10, "pod-a", KEY, "k", "ua", 2, "a");

        assertThat(b.pending()).isEqualTo(2);
        assertThat(dropped()).isEqualTo(2);
        flush(b);
        assertThat(log.writes.get(0)).extracting(Sighting::instance, Sighting::version)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("pod-a", 2L),
                        org.assertj.core.groups.Tuple.tuple("pod-b", 1L));

        // A flush makes room: the dropped instance is noted at its next fetch.
        b.record(1, 10, "pod-c", KEY, "k", "ua", 2, "c");
        flush(b);
        assertThat(log.writes.get(1)).extracting(Sighting::instance).containsExactly("pod-c");
    }

    @Test
    void aFlushWithNothingNotedWritesNothing() throws Exception {
        SightingBuffer b = buffer(10);

        assertThat(flush(b)).isZero();

        assertThat(log.writes).isEmpty();
    }

    @Test
    void aFailedWriteKeepsItsSightingsMergedWithNewerOnesForTheNextFlush() throws Exception {
        SightingBuffer b = buffer(10);
        b.record(1, 10, "pod-a", KEY, "k", "ua/1", 1, "a");
        b.record(1, 10, "pod-b", KEY, "k", "ua/1", 1, "b");
        log.failing = true;

        assertThat(flush(b)).isZero();

        assertThat(registry.get("guidon.sidecar.sightings.flush.failures").counter().count()).isEqualTo(1);
        assertThat(b.pending()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(5));
        b.record(1, 10, "pod-a", KEY, "k", "ua/2", 2, "a");
        log.failing = false;

        assertThat(flush(b)).isEqualTo(2);

        List<Sighting> retried = log.writes.get(1);
        assertThat(retried).hasSize(2);
        Sighting a = retried.get(0);
        assertThat(a.version()).isEqualTo(2);
        assertThat(a.userAgent()).isEqualTo("ua/2");
        assertThat(a.firstSeen()).isEqualTo(T0);
        assertThat(a.lastSeen()).isEqualTo(T0.plusSeconds(5));
        assertThat(retried.get(1).version()).isEqualTo(1);
        assertThat(b.pending()).isZero();
    }

    @Test
    void aFetchDuringAFlushIsKeptForTheNextOneAndConcurrentFlushesShareOneWrite() throws Exception {
        SightingBuffer b = buffer(10);
        b.record(1, 10, "pod-a", KEY, "k", "ua", 1, "a");
        log.gate = Promise.promise();

        Future<Integer> first = b.flush();
        Future<Integer> second = b.flush();
        b.record(1, 10, "pod-a", KEY, "k", "ua", 2, "a");
        log.gate.complete();

        assertThat(first.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(second).isSameAs(first);
        assertThat(log.writes).hasSize(1);
        log.gate = null;
        assertThat(flush(b)).isEqualTo(1);
        assertThat(log.writes.get(1).get(0).version()).isEqualTo(2);
    }

    @Test
    void oldInstancesArePrunedAtTheFirstFlushThenAtMostOnceAnHour() throws Exception {
        SightingBuffer b = buffer(10);

        flush(b);
        clock.advance(Duration.ofMinutes(59));
        flush(b);
        clock.advance(Duration.ofMinutes(1));
        flush(b);

        assertThat(log.prunes).containsExactly(T0.minus(Duration.ofDays(7)),
                T0.plus(Duration.ofHours(1)).minus(Duration.ofDays(7)));
    }

    @Test
    void recordsFromManyThreadsLoseNoInstanceAndStayWithinTheBound() throws Exception {
        SightingBuffer b = buffer(500);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch done = new CountDownLatch(4);
        try {
            for (int t = 0; t < 4; t++) {
                int thread = t;
                pool.execute(() -> {
                    for (int round = 0; round < 100; round++) {
                        for (int i = 0; i < 100; i++) {
                            b.record(1, 10, "pod-" + thread + "-" + i, KEY, "k", "ua", round, "a");
                        }
                    }
                    done.countDown();
                });
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }

        assertThat(b.pending()).isEqualTo(400);
        assertThat(dropped()).isZero();
        flush(b);
        assertThat(log.writes.get(0)).hasSize(400).allSatisfy(s -> assertThat(s.version()).isEqualTo(99));
    }
}
