package io.guidon.sidecar.connected;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.sidecar.SidecarConfig;
import io.guidon.testing.Poll;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The subscriber against a real Redis of its own ({@link PrivateRedis}), which the tests stop, freeze and restart. */
@ExtendWith(VertxExtension.class)
class RedisChangeSubscriberIT {

    private static final String CHANNEL = io.guidon.protocol.changes.ChangeNotification.channel("guidon", "acme", "prod");
    private static final long PING_MS = 100;

    private static PrivateRedis redis;

    private Context context;
    private RedisChangeSubscriber subscriber;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> messages = new CopyOnWriteArrayList<>();

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

    private static int publish(String payload) throws IOException {
        return redis.publish(CHANNEL, payload);
    }

    @BeforeEach
    void subscribe(Vertx vertx) throws Exception {
        assertThat(redis.running()).as("the private redis-server runs").isTrue();
        context = vertx.getOrCreateContext();
        SidecarConfig.Redis config = new SidecarConfig.Redis(redis.url(), "guidon",
                Duration.ofMillis(20), Duration.ofMillis(200));
        subscriber = new RedisChangeSubscriber(vertx, config, connections::incrementAndGet, messages::add, PING_MS);
        Await.run(context, () -> subscriber.subscribe(CHANNEL));
    }

    @AfterEach
    void stopSubscriber() throws Exception {
        Await.run(context, subscriber::stop);
        redis.restart(); // a failed test must not leave the others without Redis
    }

    private RedisChangeSubscriber.State state() throws Exception {
        return Await.on(context, () -> Future.succeededFuture(subscriber.state()));
    }

    private void awaitState(RedisChangeSubscriber.State expected) {
        Poll.until("state " + expected, () -> {
            try {
                return state() == expected;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private void awaitConnections(int n) throws Exception {
        Poll.until(n + " connection(s)", () -> connections.get() == n);
        awaitState(RedisChangeSubscriber.State.CONNECTED);
    }

    /** Publishes {@code payload} once the server counts a subscriber, and waits for it to arrive. */
    private void publishAndReceive(String payload) throws Exception {
        Poll.until("a subscriber on " + CHANNEL, () -> {
            try {
                return publish(payload) == 1;
            } catch (IOException e) {
                return false;
            }
        });
        Poll.until("message " + payload, () -> messages.contains(payload));
    }

    @Test
    void messagesOnTheChannelArriveInOrderAndTheHealthCheckKeepsTheConnection() throws Exception {
        assertThat(CHANNEL).isEqualTo("guidon:changes:acme:prod");
        awaitConnections(1);
        assertThat(subscriber.channel()).isEqualTo(CHANNEL);
        publishAndReceive("{\"tenant\":\"acme\",\"environment\":\"prod\",\"version\":1,\"changed\":[\"a\"]}");
        for (int v = 2; v <= 5; v++) {
            assertThat(publish("{\"version\":" + v + "}")).isEqualTo(1);
        }
        Poll.until("all messages", () -> messages.size() == 5);
        assertThat(messages.subList(1, 5)).containsExactly("{\"version\":2}", "{\"version\":3}", "{\"version\":4}",
                "{\"version\":5}");
        assertThat(redis.command("PUBLISH", "guidon:changes:acme:staging", "{}")).as("other channels are not heard")
                .isEqualTo(":0");

        // Several PINGs (every 100 ms) are answered in subscribed mode: the connection is kept.
        Poll.stays("connected once", Duration.ofMillis(600), () -> connections.get() == 1);
        assertThat(state()).isEqualTo(RedisChangeSubscriber.State.CONNECTED);
    }

    @Test
    void afterRedisRestartsItReconnectsByItselfAndMessagesFlowAgain() throws Exception {
        awaitConnections(1);
        publishAndReceive("before");

        redis.stop();
        awaitState(RedisChangeSubscriber.State.DISCONNECTED);
        assertThat(connections.get()).isEqualTo(1);

        redis.restart();
        awaitConnections(2);
        publishAndReceive("after");
        assertThat(messages).containsExactly("before", "after");
    }

    @Test
    void aRedisThatStopsAnsweringIsDetectedByThePingAndReplaced() throws Exception {
        awaitConnections(1);
        redis.signal("STOP");
        try {
            Poll.until("the frozen connection is given up", () -> {
                try {
                    return state() != RedisChangeSubscriber.State.CONNECTED;
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            redis.signal("CONT");
        }
        awaitConnections(2);
        publishAndReceive("thawed");
    }

    @Test
    void onceStoppedItListensNoMore() throws Exception {
        awaitConnections(1);
        publishAndReceive("one");
        Await.run(context, subscriber::stop);
        assertThat(state()).isEqualTo(RedisChangeSubscriber.State.STOPPED);
        Poll.until("the server forgets the subscriber", () -> {
            try {
                return publish("two") == 0;
            } catch (IOException e) {
                return false;
            }
        });
        assertThat(messages).containsExactly("one");
        assertThat(connections.get()).isEqualTo(1);
    }
}
