package io.guidon.sidecar.connected;

import io.guidon.common.retry.Backoff;
import io.guidon.sidecar.SidecarConfig;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens to the environment's change channel on a connection of its own (a subscribed connection can do nothing
 * else) and hands each message's payload, a {@link io.guidon.protocol.changes.ChangeNotification} as JSON, to
 * {@code onMessage} as is (the caller decodes it). Redis forgets messages published while nobody listens, so every (re)connection calls {@code onConnected}
 * and the caller checks the version at once. A lost connection (closed, failed, or not answering the periodic
 * PING) is replaced with exponential backoff and jitter, for as long as the sidecar runs. Runs on one context;
 * {@link #state()}, {@link #channel()} and {@link #connectedSince()} may be read from any thread (volatile).
 */
public final class RedisChangeSubscriber {

    private static final Logger log = LoggerFactory.getLogger(RedisChangeSubscriber.class);
    private static final long PING_EVERY_MS = 5_000;

    public enum State { CONNECTING, CONNECTED, DISCONNECTED, STOPPED }

    private final Vertx vertx;
    private final long pingEveryMs;
    private final SidecarConfig.Redis config;
    private final Backoff reconnectBackoff;
    private final Redis client;
    private final Runnable onConnected;
    private final Consumer<String> onMessage;
    private volatile String channel;
    private RedisConnection connection;
    private volatile State state = State.DISCONNECTED;
    private int attempts;
    private long pingTimer = -1;
    private long reconnectTimer = -1;
    private volatile long connectedSince;

    public RedisChangeSubscriber(Vertx vertx, SidecarConfig.Redis config, Runnable onConnected,
            Consumer<String> onMessage) {
        this(vertx, config, onConnected, onMessage, PING_EVERY_MS);
    }

    /** With another health-check interval (tests). */
    RedisChangeSubscriber(Vertx vertx, SidecarConfig.Redis config, Runnable onConnected, Consumer<String> onMessage,
            long pingEveryMs) {
        this.pingEveryMs = pingEveryMs;
        this.vertx = vertx;
        this.config = config;
        this.reconnectBackoff = new Backoff(config.reconnectMin(), config.reconnectMax());
        this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(config.url())
                .setMaxPoolSize(1).setMaxWaitingHandlers(16));
        this.onConnected = onConnected;
        this.onMessage = onMessage;
    }

    /**
     * Listens to {@code channel}. Calling it again with the same channel does nothing; with another one (the
     * sidecar's key now names another environment) the connection is replaced by one on the new channel.
     */
    public void subscribe(String channel) {
        if (state == State.STOPPED || channel.equals(this.channel)) {
            return;
        }
        boolean first = this.channel == null;
        this.channel = channel;
        if (first) {
            connect();
        } else if (connection != null) {
            lost(connection, "switching to channel " + channel);
        }
    }

    private void connect() {
        if (state == State.STOPPED) {
            return;
        }
        state = State.CONNECTING;
        client.connect().onSuccess(conn -> {
            connection = conn;
            conn.handler(this::onResponse);
            conn.exceptionHandler(e -> lost(conn, e.toString()));
            conn.endHandler(v -> lost(conn, "connection closed"));
            conn.send(Request.cmd(Command.SUBSCRIBE).arg(channel)).onSuccess(r -> {
                if (state == State.STOPPED) {
                    conn.close();
                    return;
                }
                if (attempts > 0) {
                    log.info("Redis is back: listening on {} again", channel);
                } else {
                    log.info("listening for flag changes on Redis channel {}", channel);
                }
                state = State.CONNECTED;
                attempts = 0;
                connectedSince = System.currentTimeMillis();
                pingTimer = vertx.setPeriodic(pingEveryMs, id -> ping(conn));
                onConnected.run();
            }).onFailure(e -> lost(conn, e.toString()));
        }).onFailure(e -> {
            if (attempts == 0) {
                log.warn("cannot connect to Redis at {}: {}; serving the last flag set and retrying", config.url(),
                        e.toString());
            }
            state = State.DISCONNECTED;
            scheduleReconnect();
        });
    }

    private void ping(RedisConnection conn) {
        conn.send(Request.cmd(Command.PING)).timeout(pingEveryMs, java.util.concurrent.TimeUnit.MILLISECONDS)
                .onFailure(e -> lost(conn, "no answer to PING: " + e.getMessage()));
    }

    private void onResponse(Response response) {
        // In subscribed mode, messages arrive as ["message", channel, payload] (a push or an array).
        if ((response.type() == ResponseType.PUSH || response.type() == ResponseType.MULTI) && response.size() == 3
                && "message".equals(response.get(0).toString())) {
            onMessage.accept(response.get(2).toString());
        }
    }

    private void lost(RedisConnection conn, String why) {
        if (conn != connection || state == State.STOPPED) {
            return;
        }
        if (state == State.CONNECTED) {
            log.warn("lost the Redis connection ({}); serving the last flag set, reconnecting", why);
        }
        connection = null;
        state = State.DISCONNECTED;
        if (pingTimer >= 0) {
            vertx.cancelTimer(pingTimer);
            pingTimer = -1;
        }
        conn.close();
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        if (state == State.STOPPED || reconnectTimer >= 0) {
            return;
        }
        long delay = reconnectBackoff.jittered(attempts);
        attempts++;
        reconnectTimer = vertx.setTimer(delay, id -> {
            reconnectTimer = -1;
            connect();
        });
    }

    public State state() {
        return state;
    }

    public long connectedSince() {
        return connectedSince;
    }

    public String channel() {
        return channel;
    }

    public void stop() {
        state = State.STOPPED;
        if (pingTimer >= 0) {
            vertx.cancelTimer(pingTimer);
        }
        if (reconnectTimer >= 0) {
            vertx.cancelTimer(reconnectTimer);
        }
        if (connection != null) {
            connection.close();
        }
        client.close();
    }
}
