package io.guidon.controlplane.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * The {@code server_keys} table (V19): secrets every control-plane replica shares, one per purpose, generated once by
 * whichever replica starts first. SQL only: the caller supplies the random candidate.
 */
public final class ServerKeyRepository {

    private final Pool pool;

    public ServerKeyRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * The key named {@code name}: {@code candidate} if there was none (inserted now), otherwise the one kept. Replicas
     * starting together agree: the insert does nothing when another committed first, and the read follows it.
     *
     * @param candidate at least 32 random bytes, used only when no key of that name exists
     */
    public Future<byte[]> getOrCreate(String name, byte[] candidate) {
        return pool.preparedQuery("INSERT INTO server_keys (name, key) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
                .execute(Tuple.of(name, Buffer.buffer(candidate)))
                .compose(r -> pool.preparedQuery("SELECT key FROM server_keys WHERE name = $1").execute(Tuple.of(name)))
                .map(rows -> rows.iterator().next().getBuffer(0).getBytes());
    }
}
