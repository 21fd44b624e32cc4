package io.guidon.sidecar.connected;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.engine.EvaluationContext;
import io.guidon.engine.EvaluationResult;
import io.guidon.engine.Evaluator;
import io.guidon.sidecar.FlagStore;
import io.guidon.sidecar.SidecarConfig;
import io.guidon.sidecar.TrackEvent;
import io.guidon.testing.Poll;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class EventUploaderTest {

    @TempDir
    Path cacheDir;

    private Vertx vertx;
    private FakeControlPlane cp;
    private MeterRegistry registry;
    private FlagStore store;
    private final List<Running> running = new ArrayList<>();

    /** One uploader with everything it needs, on a context of its own. */
    private final class Running {
        final Context context = vertx.getOrCreateContext();
        final ControlPlaneClient client;
        final DiskSpool spool;
        final UpstreamEventSink sink;
        final EventUploader uploader;
        boolean stopped;

        Running(String... overrides) throws Exception {
            SidecarConfig config = Docs.config(cp.url(), cacheDir, overrides);
            EventUploader[] ref = new EventUploader[1];
            client = new ControlPlaneClient(vertx, config.controlPlane());
            spool = new DiskSpool(vertx, cacheDir.resolve("events"), config.events().maxDiskBytes(), registry);
            sink = new UpstreamEventSink(store, config.events().maxBatchEvents(), config.events().maxBatchEvents() * 4,
                    1000, config.events().exposureWindow().toMillis(), registry, () -> ref[0].flushSoon());
            uploader = new EventUploader(vertx, config, sink, client, spool, registry);
            ref[0] = uploader;
            running.add(this);
            Await.on(context, uploader::start);
        }

        /** Records conversions named {@code events} and flushes them into one batch. */
        void batch(String... events) throws Exception {
            for (String e : events) {
                sink.track(new TrackEvent("user-1", e, null, 1_700_000_000_000L));
            }
            Await.run(context, uploader::flush);
        }

        int pending() throws Exception {
            return Await.on(context, () -> Future.succeededFuture(uploader.pendingBatches()));
        }

        /** Waits until every batch is settled (the client has seen each answer). */
        void awaitNothingPending() {
            Poll.until("nothing pending", () -> {
                try {
                    return pending() == 0;
                } catch (Exception e) {
                    return false;
                }
            });
        }

        void stop() throws Exception {
            stopUploader();
            Await.result(client.close());
        }

        /** Stops the uploader but leaves its client open, so that anything it still tried to send would go out. */
        void stopUploader() throws Exception {
            if (!stopped) {
                stopped = true;
                Await.on(context, uploader::stop);
            }
        }
    }

    @BeforeEach
    void setUp(Vertx vertx) throws Exception {
        this.vertx = vertx;
        this.cp = new FakeControlPlane(vertx).start();
        this.registry = new SimpleMeterRegistry();
        this.store = new FlagStore(10, Clock.systemUTC());
        store.publish(Docs.compile(Docs.base()), "test");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Running r : running) {
            r.stop();
        }
        cp.close();
    }

    private double batches(String result) {
        return registry.get("guidon.events.batches").tag("result", result).counter().count();
    }

    private List<String> spoolFiles() throws Exception {
        Path dir = cacheDir.resolve("events");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private void awaitStored(String... conversions) {
        Poll.until("stored conversions " + List.of(conversions),
                () -> cp.conversionEvents().size() >= conversions.length);
        assertThat(cp.conversionEvents()).containsExactly(conversions);
    }

    /** Every accepted post of one batch id carried the same body. */
    private void assertRetriesAreIdentical() {
        Map<String, Set<JsonNode>> bodies = new HashMap<>();
        for (FakeControlPlane.Batch b : cp.accepted()) {
            bodies.computeIfAbsent(b.batchId(), k -> new HashSet<>()).add(b.body());
        }
        assertThat(bodies.values()).allSatisfy(set -> assertThat(set).hasSize(1));
    }

    @Test
    void batchesAreDeliveredInOrderGzippedWithUniqueIdsAndTheContractsFields() throws Exception {
        Running r = new Running();
        Evaluator evaluator = new Evaluator();
        EvaluationResult on = evaluator.evaluate(store.current().flags(), "b",
                EvaluationContext.of(Map.of("targetingKey", "user-1")));
        r.sink.count(on);
        r.sink.exposure(on, "user-1", 1_700_000_001_000L);
        r.sink.count(on);
        r.sink.exposure(on, "user-1", 1_700_000_002_000L);
        r.sink.track(new TrackEvent("user-1", "purchase", 9.5, 1_700_000_003_000L));
        Await.run(r.context, r.uploader::flush);
        for (int i = 2; i <= 5; i++) {
            r.batch("e" + i + "a", "e" + i + "b");
        }

        Poll.until("five batches", () -> cp.batches().size() == 5);
        List<FakeControlPlane.Batch> got = cp.batches();
        assertThat(got).extracting(FakeControlPlane.Batch::batchId).doesNotHaveDuplicates();
        assertThat(cp.conversionEvents()).containsExactly("purchase", "e2a", "e2b", "e3a", "e3b", "e4a", "e4b",
                "e5a", "e5b");
        assertThat(got).extracting(b -> b.body().path("sidecarId").asText()).containsOnly(
                got.get(0).body().path("sidecarId").asText()).allSatisfy(id -> assertThat(id).isNotBlank());

        JsonNode first = got.get(0).body();
        assertThat(Instant.parse(first.path("createdAt").asText())).isNotNull();
        assertThat(first.path("counts")).hasSize(1);
        JsonNode count = first.path("counts").get(0);
        assertThat(count.path("flag").asText()).isEqualTo("b");
        assertThat(count.path("variant").asText()).isEqualTo("on");
        assertThat(count.path("count").asLong()).isEqualTo(2);
        assertThat(Instant.parse(count.path("minute").asText()).toEpochMilli() % 60_000).isZero();
        assertThat(first.path("exposures")).hasSize(1);
        assertThat(first.path("exposures").get(0).toString()).isEqualTo(
                "{\"flag\":\"b\",\"variant\":\"on\",\"targetingKey\":\"user-1\",\"timestamp\":\""
                        + Instant.ofEpochMilli(1_700_000_001_000L) + "\"}");
        assertThat(first.path("conversions").get(0).toString()).isEqualTo(
                "{\"targetingKey\":\"user-1\",\"event\":\"purchase\",\"value\":9.5,\"timestamp\":\""
                        + Instant.ofEpochMilli(1_700_000_003_000L) + "\"}");
        assertThat(got.get(1).body().path("conversions").get(0).has("value")).isFalse();

        r.awaitNothingPending();
        assertThat(batches("delivered")).isEqualTo(5);
        assertThat(registry.get("guidon.events.delivered").counter().count()).isEqualTo(3 + 8);
        assertThat(cp.duplicatePosts()).isZero();
    }

    /** Remembers the Vert.x context of every counter increment, to see where the uploader's work ran. */
    private static final class ContextRecordingRegistry extends SimpleMeterRegistry {
        final List<Context> incrementedOn = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        protected io.micrometer.core.instrument.Counter newCounter(io.micrometer.core.instrument.Meter.Id id) {
            io.micrometer.core.instrument.Counter counter = super.newCounter(id);
            return new io.micrometer.core.instrument.Counter() {
                @Override
                public void increment(double amount) {
                    if (id.getName().equals("guidon.events.batches")) {
                        incrementedOn.add(Vertx.currentContext());
                    }
                    counter.increment(amount);
                }

                @Override
                public double count() {
                    return counter.count();
                }

                @Override
                public Id getId() {
                    return counter.getId();
                }
            };
        }
    }

    @Test
    void aFullBatchIsSentWithoutWaitingForTheTimerOnTheUploadersContextWhateverThreadFilledIt() throws Exception {
        ContextRecordingRegistry recording = new ContextRecordingRegistry();
        registry = recording;
        Running r = new Running("events.max-batch-events=3");
        // Filled from another event loop, as the HTTP verticles do, and from a plain thread.
        Context http = vertx.getOrCreateContext();
        Await.run(http, () -> {
            for (int i = 1; i <= 3; i++) {
                r.sink.track(new TrackEvent("user-1", "t" + i, null, 1L));
            }
        });
        awaitStored("t1", "t2", "t3");
        Thread producer = new Thread(() -> {
            for (int i = 4; i <= 6; i++) {
                r.sink.track(new TrackEvent("user-1", "t" + i, null, 1L));
            }
        });
        producer.start();
        producer.join();
        awaitStored("t1", "t2", "t3", "t4", "t5", "t6");
        r.awaitNothingPending();
        assertThat(batches("delivered")).isEqualTo(2);
        assertThat(recording.incrementedOn).hasSize(2).allSatisfy(c -> assertThat(c).isSameAs(r.context));
    }

    @Test
    void whileTheControlPlaneAnswers503BatchesWaitAndAllArriveOnceItRecovers() throws Exception {
        cp.eventsStatus(b -> 503);
        Running r = new Running();
        r.batch("e1");
        r.batch("e2", "e3");
        r.batch("e4");
        Poll.until("several refused attempts", () -> cp.eventPosts() >= 3);
        assertThat(cp.batches()).isEmpty();
        assertThat(r.pending()).isEqualTo(3);

        cp.eventsStatus(b -> 202);
        awaitStored("e1", "e2", "e3", "e4");
        r.awaitNothingPending();
        assertRetriesAreIdentical();
        assertThat(cp.eventAnswers()).startsWith(503).endsWith(202, 202, 202);
        assertThat(batches("delivered")).isEqualTo(3);
    }

    @Test
    void pastTheMemoryBoundTheOldestSpillToDiskAndAreSentFirstOnceTheControlPlaneIsBack() throws Exception {
        int port = cp.port();
        cp.stop();
        Running r = new Running("events.max-memory-batches=2");
        for (int i = 1; i <= 5; i++) {
            r.batch("e" + i);
        }
        Poll.until("three spilled batches written", () -> {
            try {
                return spoolFiles().size() == 3;
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(r.pending()).isEqualTo(5);
        assertThat(Await.on(r.context, () -> Future.succeededFuture(r.spool.batches()))).isEqualTo(3);
        assertThat(batches("spilled")).isEqualTo(3);

        cp.start(port);
        awaitStored("e1", "e2", "e3", "e4", "e5");
        Poll.until("the spool is emptied", () -> {
            try {
                return spoolFiles().isEmpty() && r.pending() == 0;
            } catch (Exception e) {
                return false;
            }
        });
        assertRetriesAreIdentical();
    }

    @Test
    void aBatchTheControlPlaneRefusesWith400IsDroppedAndTheNextIsSent() throws Exception {
        cp.eventsStatus(b -> b.conversionEvents().contains("poison") ? 400 : 202);
        Running r = new Running();
        r.batch("poison");
        r.batch("good");
        awaitStored("good");
        r.awaitNothingPending();
        assertThat(cp.eventAnswers()).containsExactly(400, 202);
        assertThat(batches("refused")).isEqualTo(1);
        assertThat(batches("delivered")).isEqualTo(1);
        assertThat(registry.get("guidon.events.rejected").tag("kind", "batch").counter().count()).isEqualTo(1);
    }

    @Test
    void eventsTheControlPlaneLeftOutAreCountedByKindAndTheirBatchIsNotSentAgain() throws Exception {
        cp.eventsBody(b -> !b.conversionEvents().contains("too-old") ? "{}" : "{\"batchId\":\"" + b.batchId() + "\",\"accepted\":true,\"duplicate\":false,\"events\":2,"
                + "\"rejected\":[{\"path\":\"conversions[0].timestamp\",\"reason\":\"older than events.max-event-age\"}],"
                + "\"rejectedEvents\":{\"counts\":0,\"exposures\":0,\"conversions\":1}}");
        Running r = new Running();
        r.batch("too-old", "fine", "fine-too");
        r.awaitNothingPending();
        r.batch("next");
        awaitStored("too-old", "fine", "fine-too", "next");
        r.awaitNothingPending();

        assertThat(cp.eventPosts()).isEqualTo(2);
        assertThat(registry.get("guidon.events.rejected").tag("kind", "conversions").counter().count()).isEqualTo(1);
        assertThat(registry.get("guidon.events.rejected").tag("kind", "exposures").counter().count()).isZero();
        assertThat(registry.get("guidon.events.delivered").counter().count()).isEqualTo(3 - 1 + 1);
        assertThat(batches("delivered")).isEqualTo(2);
        assertThat(batches("refused")).isZero();
    }

    @Test
    void anEventTheControlPlaneWouldRefuseIsLeftOutOfItsDrainAndTheRestDelivered() throws Exception {
        Running r = new Running();
        // Not through /v1/track (which answers 400): straight into the sink, as a bug might.
        r.sink.track(new TrackEvent("user-\ud800", "lone-surrogate", null, System.currentTimeMillis()));
        r.sink.track(new TrackEvent("user-1", "huge", 1e308 * 10, System.currentTimeMillis()));
        r.batch("good");

        awaitStored("good");
        r.awaitNothingPending();
        assertThat(registry.get("guidon.events.unrecordable").tag("kind", "conversion")
                .tag("reason", "unpaired-surrogate").counter().count()).isEqualTo(1);
        assertThat(registry.get("guidon.events.unrecordable").tag("kind", "conversion").tag("reason", "not-finite")
                .counter().count()).isEqualTo(1);
        assertThat(batches("refused")).isZero();
    }

    @Test
    void anUnauthorizedSidecarKeepsItsBatchesAndRetries() throws Exception {
        Running r = new Running("control-plane.sidecar-key=revoked");
        r.batch("e1");
        Poll.until("retried", () -> cp.eventPosts() >= 2);
        assertThat(cp.eventAnswers()).containsOnly(401);
        assertThat(r.pending()).isEqualTo(1);
        assertThat(batches("refused")).isZero();
    }

    @Test
    void stopSpillsWhatIsInMemoryAndTheNextRunDeliversIt() throws Exception {
        int port = cp.port();
        cp.stop();
        Running before = new Running();
        before.batch("e1");
        before.batch("e2");
        before.sink.track(new TrackEvent("user-1", "e3", null, 1L)); // not flushed yet: stop() does it
        before.stop();
        assertThat(spoolFiles()).hasSize(3);

        cp.start(port);
        Running after = new Running();
        awaitStored("e1", "e2", "e3");
        after.awaitNothingPending();
        Poll.until("the spool is emptied", () -> {
            try {
                return spoolFiles().isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void aBatchInFlightWhenStoppingIsSentAgainByTheNextRunAndCountedOnce() throws Exception {
        cp.holdEvents(true);
        Running before = new Running();
        before.batch("e1");
        Poll.until("e1 in flight", () -> cp.heldEvents() == 1);
        before.batch("e2");
        before.sink.track(new TrackEvent("user-1", "e3", null, 1L));
        before.stopUploader();
        assertThat(spoolFiles()).as("e1 (in flight), e2, e3").hasSize(3);

        cp.releaseEvents(); // e1 arrives after all
        awaitStored("e1");
        Poll.stays("a stopped uploader sends nothing more", Duration.ofMillis(300), () -> cp.eventPosts() == 1);

        Running after = new Running();
        awaitStored("e1", "e2", "e3");
        Poll.until("every post answered", () -> cp.eventAnswers().size() == 4);
        assertThat(cp.duplicatePosts()).isEqualTo(1);
        assertThat(cp.accepted()).extracting(FakeControlPlane.Batch::batchId)
                .containsExactly(cp.batches().get(0).batchId(), cp.batches().get(0).batchId(),
                        cp.batches().get(1).batchId(), cp.batches().get(2).batchId());
        assertRetriesAreIdentical();
        Poll.until("the spool is emptied", () -> {
            try {
                return spoolFiles().isEmpty() && after.pending() == 0;
            } catch (Exception e) {
                return false;
            }
        });
    }
}
