package io.guidon.sidecar.connected;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.engine.EvaluationContext;
import io.guidon.engine.Evaluator;
import io.guidon.engine.FlagSet;
import io.guidon.sidecar.FlagStore;
import io.guidon.sidecar.SidecarConfig;
import io.guidon.sidecar.SidecarMetrics;
import io.guidon.sidecar.Snapshot;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class ConnectedFlagSourceTest {

    @TempDir
    Path cacheDir;

    private Vertx vertx;
    private Context context;
    private FakeControlPlane cp;
    private MeterRegistry registry;
    private FlagStore store;
    private final List<Snapshot> published = new CopyOnWriteArrayList<>();
    private ControlPlaneClient client;
    private ConnectedFlagSource source;

    @BeforeEach
    void setUp(Vertx vertx) throws Exception {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.cp = new FakeControlPlane(vertx).start();
        this.registry = new SimpleMeterRegistry();
        this.store = new FlagStore(100, Clock.systemUTC());
        store.onPublish(published::add);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (source != null) {
            Await.on(context, source::stop);
        }
        if (client != null) {
            Await.result(client.close());
        }
        cp.close();
    }

    private ConnectedFlagSource source(String... overrides) {
        SidecarConfig config = Docs.config(cp.url(), cacheDir, overrides);
        client = new ControlPlaneClient(vertx, config.controlPlane(), registry);
        source = new ConnectedFlagSource(vertx, config, client, new FileSnapshotStore(vertx, cacheDir),
                Docs.COMPILER, store, new SidecarMetrics(registry, store, true, Clock.systemUTC()), registry,
                Clock.systemUTC());
        return source;
    }

    private void start(String... overrides) throws Exception {
        ConnectedFlagSource s = source(overrides);
        Await.on(context, s::start);
    }

    private void fetch() throws Exception {
        Await.run(context, () -> source.fetch("test"));
    }

    private Map<String, Object> status() throws Exception {
        return Await.on(context, () -> Future.succeededFuture(source.status()));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> controlPlaneStatus() throws Exception {
        return (Map<String, Object>) status().get("controlPlane");
    }

    private double fetches(String result) {
        return registry.get("guidon.upstream.fetches").tag("result", result).counter().count();
    }

    private Snapshot awaitVersion(long version) {
        return Poll.until("flags version " + version, store::current, s -> s != null && s.version() == version);
    }

    private static void assertSameDocument(FlagSet actual, ObjectNode expected) {
        FlagSet full = Docs.compile(expected);
        assertThat(Docs.tree(actual.documentJson())).isEqualTo(Docs.tree(full.documentJson()));
        assertThat(actual.changedSince(full)).isEmpty();
        assertThat(full.changedSince(actual)).isEmpty();
    }

    private SnapshotStore.Cached cached() throws Exception {
        FileSnapshotStore files = new FileSnapshotStore(vertx, cacheDir);
        return Await.on(context, files::load);
    }

    private SnapshotStore.Cached cachedOrNull() {
        try {
            return cached();
        } catch (Exception e) {
            return null;
        }
    }

    private List<String> cacheFiles() throws Exception {
        try (Stream<Path> s = Files.list(cacheDir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void withoutACacheItFetchesTheWholeDocumentAndCachesIt() throws Exception {
        cp.publish(Docs.base());
        start();

        Snapshot s = awaitVersion(1);
        assertSameDocument(s.flags(), Docs.base());
        assertThat(s.origin()).isEqualTo("control plane");
        assertThat(cp.flagCalls()).containsExactly(new FakeControlPlane.FlagsCall(null, null, "full", 1));
        Poll.until("the fetch is recorded", () -> fetches("ok") == 1);
        Map<String, Object> status = status();
        assertThat(status).containsEntry("mode", "connected").containsEntry("tenant", "acme")
                .containsEntry("environment", "prod").containsEntry("stale", false)
                .extractingByKey("redis").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("state", "DISABLED");
        assertThat(controlPlaneStatus()).containsEntry("state", "UP").containsEntry("consecutiveFailures", 0)
                .containsEntry("circuitBreaker", "CLOSED");

        SnapshotStore.Cached c = cached();
        assertThat(c.version()).isEqualTo(1);
        assertThat(c.tenant()).isEqualTo("acme");
        assertThat(Docs.tree(c.documentJson())).isEqualTo(Docs.tree(s.flags().documentJson()));
    }

    @Test
    void aFailedEventUploadSaysTheControlPlaneIsDownAndADeliveredOneThatItIsBack() throws Exception {
        cp.publish(Docs.base());
        start();
        awaitVersion(1);
        Poll.until("the fetch is recorded", () -> fetches("ok") == 1);
        assertThat(controlPlaneStatus()).containsEntry("state", "UP");

        // On another thread than the source's, as the uploader's context is.
        source.eventDelivery(new IllegalStateException("Connection refused: localhost/127.0.0.1:1"));
        assertThat(controlPlaneStatus()).containsEntry("state", "DOWN").containsEntry("consecutiveFailures", 1)
                .containsEntry("lastError", "delivering events: Connection refused: localhost/127.0.0.1:1");
        assertThat(registry.get("guidon.upstream.control.plane.up").gauge().value()).isZero();

        source.eventDelivery(new ControlPlaneClient.Rejected(401, "revoked"));
        assertThat(controlPlaneStatus()).containsEntry("state", "AUTH_FAILED").containsEntry("consecutiveFailures", 2);
        assertThat((String) controlPlaneStatus().get("lastError")).startsWith("delivering events: HTTP 401");

        source.eventDelivery(null);
        assertThat(controlPlaneStatus()).containsEntry("state", "UP").containsEntry("consecutiveFailures", 0)
                .containsEntry("lastError", null);
        assertThat(registry.get("guidon.upstream.control.plane.up").gauge().value()).isEqualTo(1);
        // The flags themselves were not confirmed by an upload: their staleness is the fetch's to say.
        assertThat(status()).containsEntry("stale", false);
    }

    @Test
    void aCachedDocumentServesAtOnceMarkedStaleUntilTheControlPlaneAnswers() throws Exception {
        for (int v = 1; v <= 5; v++) {
            ObjectNode doc = Docs.base();
            doc.withObjectProperty("flags").withObjectProperty("a").put("description", "version " + v);
            cp.publish(doc);
        }
        SnapshotStore.Cached old = new SnapshotStore.Cached("acme", "prod", 3, cp.documentAt(3).toString(),
                Instant.parse("2025-01-01T00:00:00Z"));
        Await.on(context, () -> new FileSnapshotStore(vertx, cacheDir).save(old));
        cp.hold(true);

        start();
        // Served before the control plane has said anything.
        Snapshot first = store.current();
        assertThat(first).isNotNull();
        assertThat(first.version()).isEqualTo(3);
        assertThat(first.origin()).startsWith("cache");
        assertSameDocument(first.flags(), cp.documentAt(3));
        assertThat(status()).containsEntry("stale", true).containsEntry("tenant", "acme");
        assertThat(controlPlaneStatus()).containsEntry("state", "UNKNOWN");

        Poll.until("the fetch reaches the control plane", () -> cp.heldCount() == 1);
        cp.releaseAll();
        Snapshot fetched = awaitVersion(5);
        assertSameDocument(fetched.flags(), cp.documentAt(5));
        assertThat(cp.flagCalls()).containsExactly(new FakeControlPlane.FlagsCall(3L, "\"3\"", "delta", 5));
        Poll.until("no longer stale", () -> {
            try {
                return Boolean.FALSE.equals(status().get("stale"));
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(published).extracting(Snapshot::version).containsExactly(3L, 5L);
    }

    @Test
    void aControlPlaneWhoseVersionWentBackIsFollowed() throws Exception {
        cp.publish(Docs.base());
        ObjectNode restored = Docs.base();
        restored.withObjectProperty("flags").withObjectProperty("a").put("description", "restored");
        cp.publish(restored);
        // The cache says version 9: the control plane's database was restored to a backup at version 2 since.
        Await.on(context, () -> new FileSnapshotStore(vertx, cacheDir).save(new SnapshotStore.Cached("acme", "prod", 9,
                Docs.base().toString(), Instant.now())));
        start();

        Snapshot s = awaitVersion(2);
        assertSameDocument(s.flags(), restored);
        assertThat(s.origin()).isEqualTo("control plane");
        Poll.until("the cache follows", () -> cachedOrNull() != null && cachedOrNull().version() == 2);
    }

    @Test
    void anotherEnvironmentsCacheIsReplacedWhateverItsVersion() throws Exception {
        cp.publish(Docs.base());
        ObjectNode staging = Docs.base();
        staging.withObjectProperty("flags").withObjectProperty("a").put("description", "staging");
        // Left by a key of another environment; the sidecar's key now names acme/prod, at version 1.
        Await.on(context, () -> new FileSnapshotStore(vertx, cacheDir).save(new SnapshotStore.Cached("acme",
                "staging", 40, staging.toString(), Instant.now())));
        start();

        Snapshot s = awaitVersion(1);
        assertSameDocument(s.flags(), Docs.base());
        assertThat(status()).containsEntry("environment", "prod");
        Poll.until("the cache follows", () -> cachedOrNull() != null && "prod".equals(cachedOrNull().environment()));
    }

    @Test
    void aNewVersionWithTheSameDocumentIsStillHeld() throws Exception {
        cp.publish(Docs.base());
        start();
        awaitVersion(1);
        cp.publish(Docs.base());

        fetch();

        Snapshot s = awaitVersion(2);
        assertThat(s.changed()).isEmpty();
        Poll.until("the cache follows", () -> cachedOrNull() != null && cachedOrNull().version() == 2);
    }

    @Test
    void anUnchangedVersionIsConfirmedWith304AndNothingIsRepublished() throws Exception {
        cp.publish(Docs.base());
        Await.on(context, () -> new FileSnapshotStore(vertx, cacheDir).save(new SnapshotStore.Cached("acme", "prod", 1,
                cp.documentAt(1).toString(), Instant.now())));
        start();
        Poll.until("confirmed", () -> fetches("ok") == 1);
        assertThat(cp.flagCalls()).containsExactly(new FakeControlPlane.FlagsCall(1L, "\"1\"", "304", 1));
        assertThat(status()).containsEntry("stale", false);
        assertThat(published).extracting(Snapshot::version).containsExactly(1L);
    }

    @Test
    void aCacheThatNoLongerCompilesIsIgnored() throws Exception {
        ObjectNode broken = Docs.base();
        broken.withObjectProperty("flags").set("a", Docs.brokenFlag());
        Await.on(context, () -> new FileSnapshotStore(vertx, cacheDir).save(new SnapshotStore.Cached("acme", "prod", 9,
                broken.toString(), Instant.now())));
        cp.publish(Docs.base());
        start();
        assertThat(awaitVersion(1).origin()).isEqualTo("control plane");
        assertThat(cp.flagCalls()).extracting(FakeControlPlane.FlagsCall::since).containsExactly((Long) null);
    }

    @Test
    void aDeltaGivesTheSameFlagSetAsTheWholeDocument() throws Exception {
        cp.publish(Docs.base());
        start();
        awaitVersion(1);

        ObjectNode next = Docs.base();
        next.withObjectProperty("flags").set("a", Docs.booleanFlag("on")); // changed
        next.withObjectProperty("flags").remove("b"); // deleted
        next.withObjectProperty("flags").set("d", Docs.segmentFlag("gamma")); // added, with a new segment
        next.withObjectProperty("segments").set("beta", Docs.segment("user-1", "user-2")); // changed: flag c depends on it
        next.withObjectProperty("segments").set("gamma", Docs.segment("user-3"));
        cp.publish(next);
        fetch();

        Snapshot s = awaitVersion(2);
        assertThat(cp.flagCalls().get(1)).isEqualTo(new FakeControlPlane.FlagsCall(1L, "\"1\"", "delta", 2));
        assertSameDocument(s.flags(), next);
        assertThat(s.changed()).containsExactly("a", "b", "c", "d");
        Evaluator evaluator = new Evaluator();
        assertThat(evaluator.evaluate(s.flags(), "c", EvaluationContext.of(Map.of("targetingKey", "user-2")))
                .variantKey()).isEqualTo("on");
        assertThat(s.flags().flag("b")).isNull();
        Poll.until("the delta's result is cached", () -> {
            try {
                return cached().version() == 2;
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(Docs.tree(cached().documentJson())).isEqualTo(Docs.tree(s.flags().documentJson()));
    }

    @Test
    void aDeltaThatDoesNotFollowTheHeldVersionLeadsToAFullFetch() throws Exception {
        cp.publish(Docs.base());
        start();
        awaitVersion(1);
        ObjectNode v2 = Docs.base();
        v2.withObjectProperty("flags").set("a", Docs.booleanFlag("on"));
        cp.publish(v2);
        ObjectNode v3 = v2.deepCopy();
        v3.withObjectProperty("flags").remove("b");
        cp.publish(v3);
        // The control plane answers with changes since 2, which the sidecar never had.
        cp.script(since -> cp.deltaBody(2, cp.documentAt(2)));
        fetch();

        Snapshot s = awaitVersion(3);
        assertSameDocument(s.flags(), v3);
        assertThat(cp.flagCalls()).extracting(FakeControlPlane.FlagsCall::since, FakeControlPlane.FlagsCall::answer)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(null, "full"),
                        org.assertj.core.groups.Tuple.tuple(1L, "scripted"),
                        org.assertj.core.groups.Tuple.tuple(null, "full"));
        assertThat(published).extracting(Snapshot::version).containsExactly(1L, 3L);
    }

    @Test
    void aDeltaThatDoesNotCompileIsNeverPublishedAndLeadsToAFullFetch() throws Exception {
        cp.publish(Docs.base());
        start();
        awaitVersion(1);
        ObjectNode v2 = Docs.base();
        v2.withObjectProperty("flags").set("a", Docs.booleanFlag("on"));
        cp.publish(v2);
        cp.script(since -> {
            ObjectNode delta = cp.deltaBody(1, cp.documentAt(1));
            delta.withObjectProperty("changed").withObjectProperty("flags").set("a", Docs.brokenFlag());
            return delta;
        });
        fetch();

        Snapshot s = awaitVersion(2);
        assertSameDocument(s.flags(), v2);
        assertThat(cp.flagCalls()).extracting(FakeControlPlane.FlagsCall::since, FakeControlPlane.FlagsCall::answer)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(null, "full"),
                        org.assertj.core.groups.Tuple.tuple(1L, "scripted"),
                        org.assertj.core.groups.Tuple.tuple(null, "full"));
        assertThat(published).extracting(Snapshot::version).containsExactly(1L, 2L);
        assertThat(registry.get("guidon.flagset.reloads").tag("result", "rejected").counter().count()).isEqualTo(1);
        assertThat(fetches("failed")).as("the control plane did answer").isZero();
        assertThat(controlPlaneStatus()).containsEntry("state", "UP");
    }

    @Test
    void aWholeDocumentThatDoesNotCompileKeepsTheLastGoodSetAndIsRetried() throws Exception {
        cp.publish(Docs.base());
        start();
        awaitVersion(1);
        ObjectNode broken = Docs.base();
        broken.withObjectProperty("flags").set("a", Docs.brokenFlag());
        cp.publish(broken);
        cp.deltas(false);
        fetch();

        Poll.until("retried", () -> cp.flagRequests() >= 3);
        assertThat(store.current().version()).isEqualTo(1);
        assertThat(published).extracting(Snapshot::version).containsExactly(1L);

        ObjectNode fixed = Docs.base();
        fixed.withObjectProperty("flags").set("a", Docs.booleanFlag("on"));
        cp.publish(fixed);
        assertSameDocument(awaitVersion(3).flags(), fixed);
        assertThat(published).extracting(Snapshot::version).containsExactly(1L, 3L);
    }

    @Test
    void aBurstOfFetchesWhileOneIsInFlightCoalescesIntoOneMore() throws Exception {
        cp.publish(Docs.base());
        start();
        awaitVersion(1);
        Poll.until("the first fetch is done", () -> fetches("ok") == 1);

        cp.hold(true);
        ObjectNode v2 = Docs.base();
        v2.withObjectProperty("flags").set("a", Docs.booleanFlag("on"));
        cp.publish(v2);
        fetch();
        Poll.until("the fetch is in flight", () -> cp.heldCount() == 1);
        Await.run(context, () -> {
            for (int i = 0; i < 10; i++) {
                source.fetch("burst " + i);
            }
        });
        cp.releaseOne();
        Poll.until("the coalesced fetch is in flight", () -> cp.heldCount() == 1);
        // While it is held nothing else can start: 1 (start) + 1 (in flight) + 1 (the whole burst).
        assertThat(cp.flagRequests()).isEqualTo(3);
        assertThat(store.current().version()).isEqualTo(2);

        ObjectNode v3 = v2.deepCopy();
        v3.withObjectProperty("flags").remove("b");
        cp.publish(v3);
        cp.releaseAll();
        awaitVersion(3);
        Poll.until("the last fetch is done", () -> fetches("ok") == 3);
        Poll.stays("no further fetch", Duration.ofMillis(300), () -> cp.flagRequests() == 3);
        assertThat(cp.flagCalls()).containsExactly(new FakeControlPlane.FlagsCall(null, null, "full", 1),
                new FakeControlPlane.FlagsCall(1L, "\"1\"", "delta", 2),
                new FakeControlPlane.FlagsCall(2L, "\"2\"", "delta", 3));
    }

    @Test
    void whileTheControlPlaneIsDownItKeepsServingBacksOffAndRecovers() throws Exception {
        cp.publish(Docs.base());
        start("control-plane.breaker-failures=3", "control-plane.breaker-reset-timeout=1s");
        awaitVersion(1);
        Poll.until("the first fetch is done", () -> fetches("ok") == 1);

        cp.flagsStatus(503);
        ObjectNode v2 = Docs.base();
        v2.withObjectProperty("flags").set("a", Docs.booleanFlag("on"));
        cp.publish(v2);
        long t0 = System.nanoTime();
        fetch();
        Poll.until("five failures in a row", () -> fetches("failed") >= 5);
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        // Retries wait at least half of 40, 80, 160, 200 ms (retry-min 20 ms doubling, retry-max 200 ms).
        assertThat(elapsedMs).as("backed off").isGreaterThanOrEqualTo(240);
        assertThat(store.current().version()).as("still serving").isEqualTo(1);
        Map<String, Object> cpStatus = controlPlaneStatus();
        assertThat(cpStatus).containsEntry("state", "DOWN");
        assertThat((Integer) cpStatus.get("consecutiveFailures")).isGreaterThanOrEqualTo(5);
        assertThat((String) cpStatus.get("lastError")).isNotBlank();
        // Three failures open the breaker; until its reset timeout the retries fail without calling.
        assertThat(cpStatus).containsEntry("circuitBreaker", "OPEN");
        assertThat(cp.flagRequests()).as("the open breaker spares the control plane").isEqualTo(1 + 3);

        cp.flagsStatus(200);
        assertSameDocument(awaitVersion(2).flags(), v2);
        Poll.until("up again", () -> {
            try {
                return "UP".equals(controlPlaneStatus().get("state"));
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(controlPlaneStatus()).containsEntry("consecutiveFailures", 0).containsEntry("lastError", null);
    }

    @Test
    void withNoCacheAndNoControlPlaneItStaysEmptyAndKeepsTrying() throws Exception {
        int port = cp.port();
        cp.stop();
        start();

        Poll.until("several failed attempts", () -> fetches("failed") >= 3);
        assertThat(store.current()).as("not ready").isNull();
        assertThat(controlPlaneStatus()).containsEntry("state", "DOWN");
        assertThat(status()).containsEntry("stale", true);

        cp.publish(Docs.base());
        cp.start(port);
        assertSameDocument(awaitVersion(1).flags(), Docs.base());
        assertThat(cp.flagCalls()).extracting(FakeControlPlane.FlagsCall::answer).containsExactly("full");
    }

    @Test
    void theWrongKeyIsAFailureNamingTheStatus() throws Exception {
        cp.publish(Docs.base());
        source("control-plane.sidecar-key=wrong");
        Await.on(context, source::start);
        Poll.until("a failed attempt", () -> fetches("failed") >= 1);
        assertThat(store.current()).isNull();
        assertThat((String) controlPlaneStatus().get("lastError")).contains("401");
    }

    @Test
    void aRevokedKeyShowsAsAnAuthFailureNamingTheStatusNotAsAnOpenCircuit() throws Exception {
        cp.publish(Docs.base());
        start("control-plane.breaker-failures=2", "control-plane.breaker-reset-timeout=10s");
        awaitVersion(1);
        Poll.until("the first fetch is done", () -> fetches("ok") == 1);

        cp.flagsStatus(401); // the key was revoked
        fetch();
        Poll.until("several refused attempts", () -> fetches("failed") >= 4);
        Map<String, Object> cpStatus = controlPlaneStatus();
        assertThat(cpStatus).containsEntry("state", "AUTH_FAILED").containsEntry("circuitBreaker", "CLOSED");
        assertThat((String) cpStatus.get("lastError")).contains("HTTP 401 Unauthorized")
                .contains("control-plane.sidecar-key");
        assertThat(cp.flagRequests()).as("every retry asked the control plane (no open breaker in between)")
                .isEqualTo(1 + (int) fetches("failed"));
        assertThat(registry.get("guidon.upstream.control.plane.auth.failed").gauge().value()).isEqualTo(1);
        assertThat(registry.get("guidon.upstream.auth.failures").tag("call", "flags").counter().count())
                .isGreaterThanOrEqualTo(4);
        assertThat(store.current().version()).as("still serving").isEqualTo(1);

        cp.flagsStatus(403);
        Poll.until("a 403 is named too", () -> String.valueOf(controlPlaneStatusOrEmpty().get("lastError"))
                .contains("HTTP 403 Forbidden"));

        cp.flagsStatus(200); // a new key was configured on the control plane side
        Poll.until("up again", () -> "UP".equals(controlPlaneStatusOrEmpty().get("state")));
        assertThat(registry.get("guidon.upstream.control.plane.auth.failed").gauge().value()).isZero();
    }

    @Test
    void anOpenBreakerKeepsSayingWhatTheCallsFailedWith() throws Exception {
        cp.publish(Docs.base());
        start("control-plane.breaker-failures=2", "control-plane.breaker-reset-timeout=10s");
        awaitVersion(1);
        cp.flagsStatus(503);
        fetch();
        Poll.until("the breaker opens", () -> "OPEN".equals(controlPlaneStatusOrEmpty().get("circuitBreaker")));
        Poll.until("a call refused by the open breaker", () -> fetches("failed") >= 3);
        assertThat((String) controlPlaneStatus().get("lastError")).contains("503")
                .endsWith(ConnectedFlagSource.FLAGS_REFUSED);
    }

    @Test
    void theBreakerStateIsReadLiveAndTheLastErrorClaimsNoState() throws Exception {
        cp.publish(Docs.base());
        // One failure opens the breaker; it turns HALF_OPEN by itself after 300 ms, long before the next retry.
        start("control-plane.breaker-failures=1", "control-plane.breaker-reset-timeout=300ms",
                "control-plane.retry-min=10s", "control-plane.retry-max=10s");
        awaitVersion(1);
        cp.flagsStatus(503);
        fetch();
        Poll.until("the breaker opens", () -> "OPEN".equals(controlPlaneStatusOrEmpty().get("circuitBreaker")));
        fetch(); // refused by the open breaker
        Poll.until("a call refused by the breaker", () -> String.valueOf(controlPlaneStatusOrEmpty().get("lastError"))
                .endsWith(ConnectedFlagSource.FLAGS_REFUSED));
        Poll.until("the breaker half-opens by itself",
                () -> "HALF_OPEN".equals(controlPlaneStatusOrEmpty().get("circuitBreaker")));
        Map<String, Object> cpStatus = controlPlaneStatus();
        assertThat(cpStatus).containsEntry("circuitBreaker", "HALF_OPEN").containsEntry("eventsCircuitBreaker",
                "CLOSED");
        assertThat((String) cpStatus.get("lastError")).contains("503")
                .doesNotContainIgnoringCase("open").doesNotContainIgnoringCase("closed");
    }

    @Test
    void theStatusReadFromAnotherThreadIsAlwaysOneConsistentState() throws Exception {
        cp.publish(Docs.base());
        start("control-plane.breaker-failures=1000", "control-plane.retry-min=10ms", "control-plane.retry-max=20ms");
        awaitVersion(1);
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        List<String> inconsistent = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                Map<String, Object> cpStatus = controlPlaneStatusFromThisThread();
                Object state = cpStatus.get("state");
                int failures = (Integer) cpStatus.get("consecutiveFailures");
                Object error = cpStatus.get("lastError");
                boolean ok = "UP".equals(state) ? failures == 0 && error == null
                        : "DOWN".equals(state) ? failures > 0 && error != null : "UNKNOWN".equals(state);
                if (!ok) {
                    inconsistent.add(cpStatus.toString());
                }
                reads.incrementAndGet();
            }
        }, "healthz-reader");
        reader.start();
        try {
            for (int round = 0; round < 20; round++) {
                cp.flagsStatus(503);
                fetch();
                double failed = fetches("failed");
                Poll.until("a failure", () -> fetches("failed") > failed);
                cp.flagsStatus(200);
                double ok = fetches("ok");
                Poll.until("a success", () -> fetches("ok") > ok);
            }
        } finally {
            done.set(true);
            reader.join(10_000);
        }
        assertThat(reads.get()).isGreaterThan(100);
        assertThat(inconsistent).isEmpty();
    }

    /** Called on the JUnit or a reader thread, never on the source's context: what /healthz does. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> controlPlaneStatusFromThisThread() {
        return (Map<String, Object>) source.status().get("controlPlane");
    }

    private Map<String, Object> controlPlaneStatusOrEmpty() {
        try {
            return controlPlaneStatus();
        } catch (Exception e) {
            return Map.of();
        }
    }

    @Test
    void thePollFindsNewVersionsWithoutBeingTold() throws Exception {
        cp.publish(Docs.base());
        start("control-plane.poll-interval=200ms", "control-plane.poll-jitter=50ms");
        awaitVersion(1);
        ObjectNode v2 = Docs.base();
        v2.withObjectProperty("flags").set("a", Docs.booleanFlag("on"));
        cp.publish(v2);
        assertSameDocument(awaitVersion(2).flags(), v2);
        assertThat(cp.flagCalls()).extracting(FakeControlPlane.FlagsCall::answer).contains("delta");
    }

    @Test
    void everyAppliedVersionIsCachedAtomically() throws Exception {
        cp.publish(Docs.base());
        start();
        awaitVersion(1);
        for (int v = 2; v <= 4; v++) {
            ObjectNode doc = Docs.base();
            doc.withObjectProperty("flags").withObjectProperty("a").put("description", "version " + v);
            cp.publish(doc);
            fetch();
            awaitVersion(v);
            long version = v;
            Poll.until("version " + v + " is cached", () -> fetches("ok") == version);
            SnapshotStore.Cached c = cached();
            assertThat(c.version()).isEqualTo(v);
            assertThat(Docs.tree(c.documentJson())).isEqualTo(Docs.tree(store.current().flags().documentJson()));
            assertThat(cacheFiles()).containsExactly("flags-cache.json");
        }
    }
}
