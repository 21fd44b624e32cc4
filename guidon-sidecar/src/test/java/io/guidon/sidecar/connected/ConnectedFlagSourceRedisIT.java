package io.guidon.sidecar.connected;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connected source with a real Redis ({@link PrivateRedis}) and the fake control plane, the safety-net poll
 * switched off (1 h): notifications alone bring new versions, and a (re)connection checks the version at once.
 */
@ExtendWith(VertxExtension.class)
class ConnectedFlagSourceRedisIT {

    private static final String CHANNEL = io.guidon.protocol.changes.ChangeNotification.channel("guidon", FakeControlPlane.TENANT,
            FakeControlPlane.ENVIRONMENT);

    private static PrivateRedis redis;

    @TempDir
    Path cacheDir;

    private Context context;
    private FakeControlPlane cp;
    private MeterRegistry registry;
    private FlagStore store;
    private ControlPlaneClient client;
    private ConnectedFlagSource source;

    @BeforeAll
    static void startPrivateRedis() throws Exception {
        redis = PrivateRedis.start();
    }

    @AfterAll
    static void stopPrivateRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        context = vertx.getOrCreateContext();
        cp = new FakeControlPlane(vertx).start();
        cp.publish(Docs.base());
        registry = new SimpleMeterRegistry();
        store = new FlagStore(100, Clock.systemUTC());
        SidecarConfig config = Docs.config(cp.url(), cacheDir, "redis.url=" + redis.url());
        client = new ControlPlaneClient(vertx, config.controlPlane());
        source = new ConnectedFlagSource(vertx, config, client, new FileSnapshotStore(vertx, cacheDir), Docs.COMPILER,
                store, new SidecarMetrics(registry, store, true, Clock.systemUTC()), registry, Clock.systemUTC());
        Await.on(context, source::start);
        Poll.until("version 1", () -> store.current() != null && store.current().version() == 1);
        awaitRedis("CONNECTED");
        // Connecting checks the version at once (nothing new: 304).
        Poll.until("the check on connecting", () -> cp.flagRequests() == 2 && fetchesOk() == 2);
        assertThat(cp.flagCalls().get(1).answer()).isEqualTo("304");
    }

    @AfterEach
    void stop() throws Exception {
        Await.on(context, source::stop);
        Await.result(client.close());
        cp.close();
        redis.restart();
    }

    private double fetchesOk() {
        return registry.get("guidon.upstream.fetches").tag("result", "ok").counter().count();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> redisStatus() throws Exception {
        return (Map<String, Object>) Await.on(context, () -> Future.succeededFuture(source.status())).get("redis");
    }

    private void awaitRedis(String state) {
        Poll.until("Redis " + state, () -> {
            try {
                return state.equals(redisStatus().get("state"));
            } catch (Exception e) {
                return false;
            }
        });
    }

    private Snapshot awaitVersion(long version) {
        return Poll.until("flags version " + version, store::current, s -> s != null && s.version() == version);
    }

    private static ObjectNode changed(String variant) {
        ObjectNode doc = Docs.base();
        doc.withObjectProperty("flags").set("a", Docs.booleanFlag(variant));
        return doc;
    }

    @Test
    void aNotificationOfANewerVersionIsFetchedAtOnceAndOlderOnesAreIgnored() throws Exception {
        assertThat(redisStatus()).containsEntry("channel", "guidon:changes:acme:prod");
        assertThat(registry.get("guidon.upstream.redis.connected").gauge().value()).isEqualTo(1);

        cp.publish(changed("on"));
        assertThat(redis.publish(CHANNEL,
                "{\"tenant\":\"acme\",\"environment\":\"prod\",\"version\":2,\"changed\":[\"a\"]}")).isEqualTo(1);
        awaitVersion(2);
        assertThat(cp.flagCalls().get(2)).isEqualTo(new FakeControlPlane.FlagsCall(1L, "\"1\"", "delta", 2));

        redis.publish(CHANNEL, "{\"tenant\":\"acme\",\"environment\":\"prod\",\"version\":2,\"changed\":[\"a\"]}");
        redis.publish(CHANNEL, "{\"tenant\":\"acme\",\"environment\":\"prod\",\"version\":1,\"changed\":[\"a\"]}");
        Poll.stays("versions already held are not fetched", Duration.ofMillis(300), () -> cp.flagRequests() == 3);

        // A message it cannot read might have been news: it checks.
        redis.publish(CHANNEL, "not json");
        Poll.until("a check", () -> cp.flagRequests() == 4);
    }

    @Test
    void aChangeMissedWhileRedisWasDownArrivesWhenItReconnects() throws Exception {
        redis.stop();
        awaitRedis("DISCONNECTED");
        assertThat(registry.get("guidon.upstream.redis.connected").gauge().value()).isZero();
        cp.publish(changed("on")); // its notification is lost: nobody listens
        assertThat(store.current().version()).as("still serving").isEqualTo(1);

        redis.restart();
        awaitRedis("CONNECTED");
        awaitVersion(2);
        assertThat(cp.flagCalls().get(cp.flagCalls().size() - 1).answer()).isEqualTo("delta");
    }

    @Test
    void aNotifiedVersionTheControlPlaneDoesNotServeYetIsAskedForAgainUntilItDoes() throws Exception {
        // The replica that answers has not heard of version 2 yet (its own notification lags): "not modified".
        redis.publish(CHANNEL, "{\"tenant\":\"acme\",\"environment\":\"prod\",\"version\":2,\"changed\":[\"a\"]}");
        Poll.until("the notified fetch", () -> cp.flagRequests() >= 3);
        assertThat(cp.flagCalls().get(2).answer()).isEqualTo("304");
        Poll.until("asked again", () -> cp.flagRequests() >= 4);

        cp.publish(changed("on")); // now it knows
        awaitVersion(2);
        int calls = cp.flagRequests();
        Poll.stays("no more asking once version 2 is held", Duration.ofMillis(500),
                () -> cp.flagRequests() == calls);
    }

    @Test
    void aNotifiedVersionThatNeverComesIsLeftToThePollAfterAWhile(Vertx vertx) throws Exception {
        // The same source with a 1 s wait instead of 10 s.
        Await.on(context, source::stop);
        SidecarConfig config = Docs.config(cp.url(), cacheDir, "redis.url=" + redis.url());
        source = new ConnectedFlagSource(vertx, config, client, new FileSnapshotStore(vertx, cacheDir), Docs.COMPILER,
                store, new SidecarMetrics(registry, store, true, Clock.systemUTC()), registry, Clock.systemUTC(),
                1_000);
        Await.on(context, source::start);
        awaitRedis("CONNECTED");
        Poll.until("the start and connection checks", () -> cp.flagRequests() == 4);

        redis.publish(CHANNEL, "{\"tenant\":\"acme\",\"environment\":\"prod\",\"version\":9,\"changed\":[\"a\"]}");
        Poll.until("asked again", () -> cp.flagRequests() >= 6);
        // Backing off from 20 ms to retry-max (200 ms), it asks a few times within the second, then stops.
        Poll.until("it gives up", Duration.ofSeconds(5), () -> {
            int before = cp.flagRequests();
            Poll.stays("(quiet for 400 ms)", Duration.ofMillis(400), () -> true);
            return cp.flagRequests() == before;
        });
        assertThat(cp.flagRequests()).isBetween(4 + 4, 4 + 10);
        assertThat(store.current().version()).isEqualTo(1);
    }

    /**
     * Replaces the source with one polling every 300 ms, waiting {@code graceMillis} for late notifications, on
     * {@code prefix}.
     */
    private void restartPolling(Vertx vertx, String prefix, long graceMillis) throws Exception {
        Await.on(context, source::stop);
        SidecarConfig config = Docs.config(cp.url(), cacheDir, "redis.url=" + redis.url(),
                "redis.prefix=" + prefix, "control-plane.poll-interval=300ms");
        registry = new SimpleMeterRegistry();
        source = new ConnectedFlagSource(vertx, config, client, new FileSnapshotStore(vertx, cacheDir), Docs.COMPILER,
                store, new SidecarMetrics(registry, store, true, Clock.systemUTC()), registry, Clock.systemUTC(),
                ConnectedFlagSource.ANNOUNCED_WAIT_MS, graceMillis);
        Await.on(context, source::start);
        awaitRedis("CONNECTED");
    }

    private double missed() {
        return registry.get("guidon.upstream.notifications.missed").counter().count();
    }

    @Test
    void aSidecarListeningOnAnotherPrefixThanTheControlPlaneSaysNotificationsAreMissing(Vertx vertx)
            throws Exception {
        restartPolling(vertx, "wrong", 300);
        assertThat(redisStatus()).containsEntry("channel", "wrong:changes:acme:prod")
                .containsEntry("notifications", "UNKNOWN");
        // Let the subscription settle: a version found by the check on connecting is not judged.
        long before = cp.flagRequests();
        Poll.until("a poll after subscribing", () -> cp.flagRequests() >= before + 2);

        // The control plane commits version 2 and publishes on its own prefix: nobody listens there.
        cp.publish(changed("on"));
        assertThat(redis.publish(CHANNEL, "{\"tenant\":\"acme\",\"environment\":\"prod\",\"version\":2}"))
                .isZero();
        awaitVersion(2); // by polling alone
        Poll.until("notifications reported missing", () -> {
            try {
                return "MISSING".equals(redisStatus().get("notifications"));
            } catch (Exception e) {
                return false;
            }
        });
        Map<String, Object> status = redisStatus();
        assertThat(status).containsEntry("state", "CONNECTED").containsEntry("notificationsMissed", 1L);
        assertThat((String) status.get("hint")).contains("version 2").contains("wrong:changes:acme:prod")
                .contains("redis.prefix");
        assertThat(missed()).isEqualTo(1);
        assertThat(registry.get("guidon.upstream.notifications.missing").gauge().value()).isEqualTo(1);

        cp.publish(changed("off"));
        redis.publish(CHANNEL, "{\"tenant\":\"acme\",\"environment\":\"prod\",\"version\":3}");
        awaitVersion(3);
        Poll.until("a second miss counted", () -> missed() == 2);

        // A notification on the channel it listens on: notifications arrive after all.
        assertThat(redis.publish("wrong:changes:acme:prod",
                "{\"tenant\":\"acme\",\"environment\":\"prod\",\"version\":3}")).isEqualTo(1);
        Poll.until("notifications OK again", () -> {
            try {
                return "OK".equals(redisStatus().get("notifications"));
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(redisStatus()).doesNotContainKey("hint");
        assertThat(registry.get("guidon.upstream.notifications.missing").gauge().value()).isZero();
    }

    @Test
    void notificationsOnTheRightPrefixAreNeverMissedEvenWhenThePollIsFaster(Vertx vertx) throws Exception {
        // A grace long enough that a loaded machine's late notification still falls inside it.
        restartPolling(vertx, "guidon", 2_000);
        long before = cp.flagRequests();
        Poll.until("a poll after subscribing", () -> cp.flagRequests() >= before + 2);
        for (int v = 2; v <= 6; v++) {
            cp.publish(changed(v % 2 == 0 ? "on" : "off"));
            if (v % 2 == 0) {
                awaitVersion(v); // the poll is first; the notification follows late, within the grace
            }
            assertThat(redis.publish(CHANNEL,
                    "{\"tenant\":\"acme\",\"environment\":\"prod\",\"version\":" + v + "}")).isEqualTo(1);
            awaitVersion(v);
        }
        Poll.stays("no miss over the grace", Duration.ofMillis(2_500), () -> missed() == 0);
        assertThat(redisStatus()).containsEntry("notifications", "OK").containsEntry("notificationsMissed", 0L);
    }
}
