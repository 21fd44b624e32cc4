package io.guidon.controlplane;

import io.guidon.controlplane.api.AdminThreads;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * What a test of services or repositories needs without the HTTP layer: a test database, the control plane's
 * configuration for it, Vert.x, a connection pool as the server makes it, and the admin API's virtual threads to run
 * services on as the HTTP layer does. {@link #close()} closes them in reverse and drops the database.
 */
public final class ServiceRig implements AutoCloseable {

    public final TestDatabase db;
    public final ControlPlaneConfig config;
    public final Vertx vertx;
    public final Pool pool;
    public final AdminThreads threads;

    private ServiceRig(TestDatabase db, ControlPlaneConfig config, Vertx vertx, Pool pool, AdminThreads threads) {
        this.db = db;
        this.config = config;
        this.vertx = vertx;
        this.pool = pool;
        this.threads = threads;
    }

    /**
     * @param db the test's database (closed with the rig)
     * @param name the Redis prefix and application name of the settings ({@link Harness#settings})
     * @param threadInstances how many admin-thread verticles to deploy
     */
    public static ServiceRig start(TestDatabase db, String name, int threadInstances) throws Exception {
        ControlPlaneConfig config = ControlPlaneConfig.load(null, Map.of(), Harness.settings(db, name, Map.of()))
                .config();
        Vertx vertx = Vertx.vertx();
        Pool pool = ControlPlaneMain.pool(vertx, config.database());
        AdminThreads threads = AdminThreads.deploy(vertx, threadInstances).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        return new ServiceRig(db, config, vertx, pool, threads);
    }

    /** Runs {@code work} on a virtual thread, as the HTTP layer runs services; rethrows what it threw (2 min at most). */
    public <T> T run(Callable<T> work) throws Exception {
        try {
            return threads.run(work).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    @Override
    public void close() {
        pool.close().await();
        vertx.close().await();
        db.close();
    }
}
