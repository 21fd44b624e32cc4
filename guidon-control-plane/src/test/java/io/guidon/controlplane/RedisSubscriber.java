package io.guidon.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real Redis subscriber to one channel pattern, collecting messages for tests to wait for. */
public final class RedisSubscriber implements AutoCloseable {

    public record Message(String channel, JsonNode body) {
    }

    private final Vertx vertx = Vertx.vertx();
    private final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    private final RedisConnection connection;

    public RedisSubscriber(String pattern) throws Exception {
        Redis redis = Redis.createClient(vertx, "redis://" + Harness.REDIS_HOST + ":" + Harness.REDIS_PORT);
        connection = redis.connect().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        connection.handler(r -> {
            if (r.size() == 4 && "pmessage".equals(r.get(0).toString())) {
                try {
                    messages.add(new Message(r.get(2).toString(), Harness.JSON.readTree(r.get(3).toString())));
                } catch (Exception e) {
                    messages.add(new Message(r.get(2).toString(), null));
                }
            }
        });
        connection.send(Request.cmd(Command.PSUBSCRIBE).arg(pattern)).toCompletionStage().toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
    }

    /** The next message, waiting up to {@code timeout}; fails the test when none arrives. */
    public Message next(Duration timeout) throws InterruptedException {
        Message m = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new AssertionError("no Redis message within " + timeout);
        }
        return m;
    }

    public Message poll() {
        return messages.poll();
    }

    @Override
    public void close() {
        connection.close();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not close the subscriber's Vert.x", e);
        }
    }
}
