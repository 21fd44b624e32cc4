package io.guidon.sidecar.connected;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.engine.EvaluationContext;
import io.guidon.engine.EvaluationResult;
import io.guidon.engine.Evaluator;
import io.guidon.engine.FlagSet;
import io.guidon.engine.Reason;
import io.guidon.sidecar.FlagStore;
import io.guidon.sidecar.TrackEvent;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UpstreamEventSinkTest {

    private static final long MINUTE = 1_700_000_040_000L;
    private static final EvaluationContext USER_1 = EvaluationContext.of(Map.of("targetingKey", "user-1"));
    private static final EvaluationContext USER_42 = EvaluationContext.of(Map.of("targetingKey", "user-42"));

    private final Evaluator evaluator = new Evaluator();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger fullCalls = new AtomicInteger();
    private FlagStore store;

    @BeforeEach
    void setUp() {
        store = new FlagStore(10, Clock.systemUTC());
        store.publish(Docs.compile(Docs.base()), "test");
    }

    private UpstreamEventSink sink(int batchEvents, int maxQueued, int maxSeen, long windowMillis) {
        return new UpstreamEventSink(store, batchEvents, maxQueued, maxSeen, windowMillis, registry,
                fullCalls::incrementAndGet);
    }

    private EvaluationResult eval(String flag, EvaluationContext ctx) {
        return evaluator.evaluate(store.current().flags(), flag, ctx);
    }

    private static Map<String, Long> byFlagVariant(List<UpstreamEventSink.Count> counts) {
        Map<String, Long> m = new HashMap<>();
        for (UpstreamEventSink.Count c : counts) {
            m.merge(c.flag() + "/" + c.variant(), c.count(), Long::sum);
        }
        return m;
    }

    @Test
    void countsOneFlagAndVariantAcrossReasonsStampedWithTheMinute() {
        UpstreamEventSink sink = sink(100, 100, 100, 0);
        EvaluationResult targeted = eval("b", USER_42);
        EvaluationResult fallthrough = eval("b", USER_1);
        assertThat(targeted.reason()).isEqualTo(Reason.TARGETING_MATCH);
        assertThat(fallthrough.reason()).isNotEqualTo(Reason.TARGETING_MATCH);
        assertThat(targeted.variantKey()).isEqualTo(fallthrough.variantKey()).isEqualTo("on");

        for (int i = 0; i < 3; i++) {
            sink.count(targeted);
        }
        for (int i = 0; i < 4; i++) {
            sink.count(fallthrough);
        }
        sink.count(eval("a", USER_1));

        UpstreamEventSink.Drained d = sink.drain(System.currentTimeMillis(), MINUTE);
        assertThat(d.counts()).containsExactlyInAnyOrder(
                new UpstreamEventSink.Count("b", "on", MINUTE, 7),
                new UpstreamEventSink.Count("a", "off", MINUTE, 1));
        assertThat(d.exposures()).as("a count is no exposure").isEmpty();
        assertThat(sink.queued()).isZero();
        assertThat(sink.drain(System.currentTimeMillis(), MINUTE).counts()).as("reset by the drain").isEmpty();
    }

    /**
     * The split of ADR 0203: a bulk evaluation only counts, a read only exposes (a single read calls both); neither
     * does the other's work, so a bulk request's flags cost one adder each and queue nothing.
     */
    @Test
    void aCountQueuesNoExposureAndAnExposureCountsNothing() {
        UpstreamEventSink sink = sink(100, 100, 100, 3_600_000);
        EvaluationResult r = eval("b", USER_1);

        for (int i = 0; i < 200; i++) {
            sink.count(r);
        }
        sink.exposure(r, "user-1", 5);

        UpstreamEventSink.Drained d = sink.drain(System.currentTimeMillis(), MINUTE);
        assertThat(d.counts()).containsExactly(new UpstreamEventSink.Count("b", "on", MINUTE, 200));
        assertThat(d.exposures()).containsExactly(new UpstreamEventSink.Exposure("b", "on", "user-1", 5));

        sink.exposure(eval("b", USER_42), "user-42", 6);
        UpstreamEventSink.Drained next = sink.drain(System.currentTimeMillis(), MINUTE);
        assertThat(next.counts()).as("an exposure alone is not an evaluation").isEmpty();
        assertThat(next.exposures()).containsExactly(new UpstreamEventSink.Exposure("b", "on", "user-42", 6));
    }

    /**
     * Four threads evaluate like requests do (each takes the current snapshot), while another drains in a tight
     * loop and replaces the flag set now and then: the drained counts add up exactly, and each
     * (flag, variant, targetingKey) is exposed once.
     */
    @Test
    void concurrentExposuresAreCountedExactlyAcrossConcurrentDrainsAndReloads() throws Exception {
        UpstreamEventSink sink = sink(1_000_000, 1_000_000, 1_000_000, 3_600_000);
        int threads = 4;
        int perThread = 200_000;
        String[] flags = {"a", "b", "c"};
        EvaluationContext[] contexts = {USER_1, USER_42};
        List<Map<String, Long>> expected = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Map<String, Long> mine = new HashMap<>();
            expected.add(mine);
            int seed = t;
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    EvaluationContext ctx = contexts[(i + seed) % 2];
                    EvaluationResult r = evaluator.evaluate(store.current().flags(), flags[i % 3], ctx);
                    sink.count(r);
                    sink.exposure(r, ctx.targetingKey(), i);
                    mine.merge(r.flagKey() + "/" + r.variantKey(), 1L, Long::sum);
                }
            }, "hammer-" + t);
            w.start();
            workers.add(w);
        }
        Map<String, Long> drained = new HashMap<>();
        List<UpstreamEventSink.Exposure> exposures = new ArrayList<>();
        int drains = 0;
        start.countDown();
        while (workers.stream().anyMatch(Thread::isAlive)) {
            UpstreamEventSink.Drained d = sink.drain(System.currentTimeMillis(), MINUTE);
            byFlagVariant(d.counts()).forEach((k, v) -> drained.merge(k, v, Long::sum));
            exposures.addAll(d.exposures());
            if (++drains % 50 == 0) {
                // A new set (a changed description) retires every result object of the previous one.
                var doc = Docs.base();
                doc.withObjectProperty("flags").withObjectProperty("a").put("description", "reload " + drains);
                store.publish(Docs.compile(doc), "reload");
            }
        }
        for (Thread w : workers) {
            w.join();
        }
        UpstreamEventSink.Drained last = sink.drain(System.currentTimeMillis(), MINUTE);
        byFlagVariant(last.counts()).forEach((k, v) -> drained.merge(k, v, Long::sum));
        exposures.addAll(last.exposures());

        Map<String, Long> total = new HashMap<>();
        expected.forEach(m -> m.forEach((k, v) -> total.merge(k, v, Long::sum)));
        assertThat(total.values().stream().mapToLong(Long::longValue).sum()).isEqualTo((long) threads * perThread);
        assertThat(drained).as("after %d concurrent drains", drains).isEqualTo(total);
        assertThat(exposures).extracting(x -> x.flag() + "/" + x.variant() + "/" + x.targetingKey())
                .containsExactlyInAnyOrder("a/off/user-1", "a/on/user-42", "b/on/user-1", "b/on/user-42",
                        "c/on/user-1", "c/off/user-42");
        assertThat(sink.queued()).isZero();
    }

    @Test
    void exposuresAreDeduplicatedWithinTheWindowAndSentAgainOnceItHasPassed() {
        long window = 10_000;
        UpstreamEventSink sink = sink(100, 100, 100, window);
        long t0 = System.currentTimeMillis();
        EvaluationResult targeted = eval("b", USER_42);
        EvaluationResult fallthrough = eval("b", USER_1);

        sink.exposure(fallthrough, "user-1", t0);
        sink.exposure(fallthrough, "user-1", t0 + 1);
        sink.exposure(fallthrough, "user-2", t0 + 2);
        sink.exposure(targeted, "user-1", t0 + 3); // same flag, variant and key by another reason
        UpstreamEventSink.Drained first = sink.drain(t0 + 10, MINUTE);
        assertThat(first.exposures()).containsExactly(
                new UpstreamEventSink.Exposure("b", "on", "user-1", t0),
                new UpstreamEventSink.Exposure("b", "on", "user-2", t0 + 2));
        assertThat(first.counts()).as("exposures are not counts").isEmpty();

        sink.exposure(fallthrough, "user-1", t0 + 20);
        assertThat(sink.drain(t0 + window, MINUTE).exposures()).as("within the window").isEmpty();
        // The window rotated once: what was seen in it is still remembered for one more window.
        sink.exposure(fallthrough, "user-1", t0 + window + 1);
        assertThat(sink.drain(t0 + window + 2, MINUTE).exposures()).as("less than a window after the last one")
                .isEmpty();

        sink.exposure(fallthrough, "user-1", t0 + 2 * window);
        assertThat(sink.drain(t0 + 2 * window + 1, MINUTE).exposures()).as("one exposure per window at most")
                .isEmpty();
        sink.exposure(fallthrough, "user-1", t0 + 2 * window + 2);
        assertThat(sink.drain(t0 + 2 * window + 3, MINUTE).exposures()).as("two rotations later it is sent again")
                .containsExactly(new UpstreamEventSink.Exposure("b", "on", "user-1", t0 + 2 * window + 2));
    }

    @Test
    void theExposureMemoryRotatesWhenFullAndNoTargetingKeyMeansNoExposure() {
        UpstreamEventSink sink = sink(100, 100, 2, 3_600_000);
        EvaluationResult r = eval("b", USER_1);
        long now = System.currentTimeMillis();
        sink.exposure(r, "k1", now);
        sink.exposure(r, "k2", now);
        sink.exposure(r, null, now);
        assertThat(sink.drain(now, MINUTE).exposures()).hasSize(2); // and rotates: 2 keys >= max 2
        sink.exposure(r, "k3", now);
        sink.exposure(r, "k4", now);
        assertThat(sink.drain(now, MINUTE).exposures()).hasSize(2); // rotates again: k1, k2 forgotten
        sink.exposure(r, "k1", now);
        UpstreamEventSink.Drained d = sink.drain(now, MINUTE);
        assertThat(d.exposures()).extracting(UpstreamEventSink.Exposure::targetingKey).containsExactly("k1");
        assertThat(d.counts()).isEmpty();
    }

    @Test
    void conversionsAreQueuedTheBoundDropsAndCountsAndOnFullFiresOncePerBatch() {
        UpstreamEventSink sink = sink(3, 5, 100, 0);
        for (int i = 1; i <= 7; i++) {
            sink.track(new TrackEvent("user-" + i, "purchase", i * 1.5, 1000L + i));
            assertThat(fullCalls.get()).as("after %d events", i).isEqualTo(i >= 3 ? 1 : 0);
        }
        assertThat(sink.queued()).isEqualTo(5);
        assertThat(registry.scrape()).contains("guidon_events_dropped_total{where=\"sink\"} 2.0");

        UpstreamEventSink.Drained d = sink.drain(System.currentTimeMillis(), MINUTE);
        assertThat(d.conversions()).extracting(TrackEvent::targetingKey)
                .containsExactly("user-1", "user-2", "user-3", "user-4", "user-5");
        assertThat(d.conversions().get(0)).isEqualTo(new TrackEvent("user-1", "purchase", 1.5, 1001L));
        assertThat(d.size()).isEqualTo(5);
        assertThat(sink.queued()).isZero();

        for (int i = 0; i < 3; i++) {
            sink.track(new TrackEvent("user-x", "signup", null, 2000L));
        }
        assertThat(fullCalls.get()).as("a second batch's worth").isEqualTo(2);
        assertThat(registry.scrape()).contains("guidon_events_dropped_total{where=\"sink\"} 2.0");
    }

    @Test
    void exposuresShareTheQueueBoundWithConversions() {
        UpstreamEventSink sink = sink(100, 2, 100, 3_600_000);
        EvaluationResult r = eval("b", USER_1);
        sink.track(new TrackEvent("u", "e", null, 1));
        sink.exposure(r, "k1", 1);
        sink.exposure(r, "k2", 1);
        UpstreamEventSink.Drained d = sink.drain(System.currentTimeMillis(), MINUTE);
        assertThat(d.exposures()).extracting(UpstreamEventSink.Exposure::targetingKey).containsExactly("k1");
        assertThat(d.counts()).as("exposures count nothing").isEmpty();
        assertThat(registry.scrape()).contains("guidon_events_dropped_total{where=\"sink\"} 1.0");
    }

    @Test
    void resultsOfAReplacedFlagSetArePrunedWithoutLosingCounts() {
        UpstreamEventSink sink = sink(100, 100, 100, 0);
        EvaluationResult old = eval("b", USER_1);
        for (int i = 0; i < 5; i++) {
            sink.count(old);
        }
        var doc = Docs.base();
        doc.withObjectProperty("flags").withObjectProperty("b").put("description", "changed");
        FlagSet next = Docs.compile(doc);
        store.publish(next, "reload");
        EvaluationResult current = eval("b", USER_1);
        assertThat(current).isNotSameAs(old);
        for (int i = 0; i < 3; i++) {
            sink.count(old); // requests still running on the previous set
        }
        sink.count(current);
        sink.count(current);

        long t = System.currentTimeMillis();
        assertThat(sink.drain(t, MINUTE).counts()).containsExactly(new UpstreamEventSink.Count("b", "on", MINUTE, 10));
        assertThat(sink.countedResults()).isEqualTo(2);
        assertThat(sink.drain(t + 1, MINUTE).counts()).isEmpty();
        assertThat(sink.countedResults()).as("retired, but not for long: a late request may still count")
                .isEqualTo(2);

        sink.count(old); // a very late one
        long later = t + UpstreamEventSink.PRUNE_AFTER_MILLIS + 1;
        assertThat(sink.drain(later, MINUTE).counts()).containsExactly(new UpstreamEventSink.Count("b", "on", MINUTE, 1));
        assertThat(sink.countedResults()).as("counted this drain, so kept").isEqualTo(2);
        assertThat(sink.drain(later + 1, MINUTE).counts()).isEmpty();
        assertThat(sink.countedResults()).as("the retired result is pruned; the current one stays").isEqualTo(1);

        sink.count(old); // even later: counted afresh
        assertThat(sink.drain(later + 2, MINUTE).counts()).containsExactly(new UpstreamEventSink.Count("b", "on", MINUTE, 1));
    }
}
