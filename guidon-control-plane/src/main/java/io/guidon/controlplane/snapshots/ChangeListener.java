package io.guidon.controlplane.snapshots;

import io.guidon.controlplane.ControlPlaneConfig;
import io.guidon.protocol.changes.ChangeNotification;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens to the change notifications ({@link ChangeNotification}) of every replica
 * ({@code PSUBSCRIBE <prefix>:changes:*}) on a connection of
 * its own, so that this replica's {@link SnapshotCache} learns new versions committed elsewhere at once instead of
 * after {@code sidecar.max-staleness}. Reconnects by itself with backoff (100 ms doubling to 5 s); while it is
 * disconnected, the staleness bound still holds.
 */
public final class ChangeListener {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeListener.class);

    private final Vertx vertx;
    private final ControlPlaneConfig.Redis config;
    private final SnapshotCache cache;
    private final Redis client;
    private volatile boolean stopped;
    private volatile RedisConnection connection;
    private long backoffMillis = 100;
    private boolean scheduled;

    public ChangeListener(Vertx vertx, ControlPlaneConfig.Redis config, SnapshotCache cache) {
        this.vertx = vertx;
        this.config = config;
        this.cache = cache;
        this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(config.url())
                .setNetClientOptions(new io.vertx.core.net.NetClientOptions().setMetricsName("redis-subscriber")
                        .setConnectTimeout((int) config.commandTimeout().toMillis())));
    }

    public void start() {
        connect();
    }

    public void stop() {
        stopped = true;
        RedisConnection c = connection;
        if (c != null) {
            c.close();
        }
        client.close();
    }

    private void connect() {
        if (stopped) {
            return;
        }
        client.connect().onSuccess(conn -> {
            connection = conn;
            conn.handler(this::message);
            conn.exceptionHandler(e -> retry("connection failed: " + e.getMessage()));
            conn.endHandler(v -> retry("connection closed"));
            conn.send(Request.cmd(Command.PSUBSCRIBE).arg(ChangeNotification.everyChannel(config.prefix())))
                    .onSuccess(r -> {
                        backoffMillis = 100;
                        LOG.debug("listening to change notifications of every replica");
                    })
                    .onFailure(e -> retry("subscribe failed: " + e.getMessage()));
        }).onFailure(e -> retry("cannot connect: " + e.getMessage()));
    }

    private synchronized void retry(String why) {
        if (stopped || scheduled) {
            return;
        }
        scheduled = true;
        RedisConnection c = connection;
        connection = null;
        if (c != null) {
            c.close();
        }
        LOG.debug("change listener: {}; reconnecting in {} ms", why, backoffMillis);
        long delay = backoffMillis;
        backoffMillis = Math.min(5000, backoffMillis * 2);
        vertx.setTimer(delay, id -> {
            synchronized (this) {
                scheduled = false;
            }
            connect();
        });
    }

    private void message(Response r) {
        try {
            if (r.size() == 4 && "pmessage".equals(r.get(0).toString())) {
                ChangeNotification m = ChangeNotification.decode(r.get(3).toString());
                cache.notified(m.tenant(), m.environment(), m.version());
            }
        } catch (RuntimeException e) {
            LOG.debug("ignored a change notification that does not parse: {}", e.getMessage());
        }
    }
}
