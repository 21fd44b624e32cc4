package io.guidon.controlplane.snapshots;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.store.ConfigService;
import io.guidon.controlplane.store.EnvDocument;
import io.guidon.controlplane.store.Sql;
import io.guidon.controlplane.store.VersionListener;
import io.guidon.protocol.snapshots.FullSnapshot;
import io.guidon.protocol.snapshots.SnapshotCodec;
import io.guidon.protocol.snapshots.SnapshotDelta;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The flag documents served to sidecars ({@code GET /api/v1/sidecar/flags}), kept in memory per environment as the
 * protocol's {@link FullSnapshot} and encoded once per version by its {@link SnapshotCodec}.
 *
 * <p>The version of each environment is known without asking the database: commits on this replica report it
 * ({@link #committed}), notifications from other replicas too ({@link #notified}), and a version older than
 * {@code maxStaleness} is re-read with one small query (one in flight per environment). A request for the version
 * held in memory is answered from memory. When the version moved, the first request loads the document (one
 * consistent read: environment, flags, segments and change log in a repeatable-read transaction) and every
 * request arriving meanwhile waits for that same load, so a burst of sidecars costs one database read.
 */
public final class SnapshotCache implements VersionListener {

    /** One change-log entry: the flags and segments a version changed directly. */
    record LogEntry(long version, String[] flags, String[] segments) {
    }

    /**
     * An environment's document at one version as the protocol's {@link FullSnapshot}, its encoded answer, and its
     * change log, from which {@link #delta} answers {@code ?since=}. Immutable but for the answers it caches.
     */
    public static final class CachedSnapshot {
        final long environmentId;
        final FullSnapshot snapshot;
        final long logFloor;
        final List<LogEntry> log;
        final byte[] fullBody;
        private volatile byte[] fullGzip;
        private final Map<Long, byte[]> deltas = new ConcurrentHashMap<>();

        CachedSnapshot(long environmentId, String tenant, String environment, long version, long logFloor,
                ObjectNode document, List<LogEntry> log) {
            this.environmentId = environmentId;
            this.snapshot = new FullSnapshot(tenant, environment, version, document);
            this.logFloor = logFloor;
            this.log = log;
            this.fullBody = SnapshotCodec.encode(snapshot);
        }

        public long version() {
            return snapshot.version();
        }

        String tenant() {
            return snapshot.tenant();
        }

        String environment() {
            return snapshot.environment();
        }

        /** Whether the change log covers everything after {@code since}. */
        public boolean covers(long since) {
            return since >= logFloor && since <= snapshot.version();
        }

        public byte[] full() {
            return fullBody;
        }

        /**
         * The full body gzip-compressed, made once per version: compressing a large document for every sidecar
         * that asks would cost far more than serving it.
         */
        public byte[] fullGzip() {
            byte[] g = fullGzip;
            if (g == null) {
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(fullBody.length / 8 + 64);
                try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
                    gz.write(fullBody);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                g = out.toByteArray();
                fullGzip = g;
            }
            return g;
        }

        /** What changed after {@code since} (which {@link #covers}), as the protocol's {@link SnapshotDelta}. */
        public SnapshotDelta deltaSince(long since) {
            TreeSet<String> flags = new TreeSet<>();
            TreeSet<String> segments = new TreeSet<>();
            for (LogEntry e : log) {
                if (e.version > since) {
                    flags.addAll(List.of(e.flags));
                    segments.addAll(List.of(e.segments));
                }
            }
            return new SnapshotDelta(snapshot.tenant(), snapshot.environment(), snapshot.version(), since,
                    changes(flags, snapshot.document().get("flags")),
                    changes(segments, snapshot.document().get("segments")));
        }

        private static Map<String, JsonNode> changes(TreeSet<String> keys, JsonNode section) {
            Map<String, JsonNode> out = new LinkedHashMap<>();
            for (String key : keys) {
                JsonNode v = section.get(key);
                out.put(key, v == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : v);
            }
            return out;
        }

        /** {@link #deltaSince} as the response body, encoded once per {@code since} (up to 256 of them). */
        public byte[] delta(long since) {
            byte[] cached = deltas.get(since);
            if (cached != null) {
                return cached;
            }
            byte[] bytes = SnapshotCodec.encode(deltaSince(since));
            if (deltas.size() < 256) {
                deltas.put(since, bytes);
            }
            return bytes;
        }
    }

    private record Known(long version, long checkedAtNanos) {
    }

    private final Pool pool;
    private final long maxStalenessNanos;
    private final Map<Long, Known> known = new ConcurrentHashMap<>();
    private final Map<Long, CachedSnapshot> snapshots = new ConcurrentHashMap<>();
    private final Map<Long, Future<CachedSnapshot>> loading = new ConcurrentHashMap<>();
    private final Map<Long, Future<Long>> checking = new ConcurrentHashMap<>();
    private final Map<String, Long> idsByName = new ConcurrentHashMap<>();
    private final Counter loads;
    private final Counter hits;

    public SnapshotCache(Pool pool, Duration maxStaleness, MeterRegistry registry) {
        this.pool = pool;
        this.maxStalenessNanos = maxStaleness.toNanos();
        this.loads = Counter.builder("guidon.snapshot.loads")
                .description("Flag documents read from the database for sidecars").register(registry);
        this.hits = Counter.builder("guidon.snapshot.hits")
                .description("Sidecar requests answered from memory").register(registry);
    }

    @Override
    public void committed(long environmentId, long version) {
        known.merge(environmentId, new Known(version, System.nanoTime()),
                (a, b) -> b.version >= a.version ? b : new Known(a.version, b.checkedAtNanos));
    }

    /** A change notification from any replica (tenant and environment keys, as published). */
    public void notified(String tenant, String environment, long version) {
        Long id = idsByName.get(tenant + "\u0000" + environment);
        if (id != null) {
            committed(id, version);
        }
    }

    /** The current snapshot of the environment of a sidecar key. */
    public Future<CachedSnapshot> current(long tenantId, long environmentId) {
        return currentVersion(tenantId, environmentId).compose(version -> {
            CachedSnapshot s = snapshots.get(environmentId);
            if (s != null && s.version() >= version) {
                hits.increment();
                return Future.succeededFuture(s);
            }
            // A load that was already in flight may predate this version: then load once more.
            return load(tenantId, environmentId).compose(loaded -> loaded.version() >= version
                    ? Future.succeededFuture(loaded) : load(tenantId, environmentId));
        });
    }

    private Future<Long> currentVersion(long tenantId, long environmentId) {
        Known k = known.get(environmentId);
        if (k != null && System.nanoTime() - k.checkedAtNanos < maxStalenessNanos) {
            return Future.succeededFuture(k.version);
        }
        return coalesce(checking, environmentId, () -> Sql.one(pool,
                        "SELECT version FROM environments WHERE id = $1 AND tenant_id = $2", r -> r.getLong(0),
                        environmentId, tenantId)
                .compose(v -> v == null ? Future.failedFuture(DomainException.notFound("the key's environment is gone"))
                        : Future.succeededFuture(v))
                .onSuccess(v -> committed(environmentId, v)));
    }

    private Future<CachedSnapshot> load(long tenantId, long environmentId) {
        return coalesce(loading, environmentId, () -> {
            loads.increment();
            return pool.withTransaction(c -> c.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY").execute()
                    .compose(x -> Sql.one(c, "SELECT e.key, e.version, e.log_floor, t.key AS tenant FROM environments e"
                                    + " JOIN tenants t ON t.id = e.tenant_id WHERE e.id = $1 AND e.tenant_id = $2",
                            r -> new Object[] {r.getString("key"), r.getLong("version"), r.getLong("log_floor"),
                                    r.getString("tenant")}, environmentId, tenantId))
                    .compose(env -> {
                        if (env == null) {
                            return Future.failedFuture(DomainException.notFound("the key's environment is gone"));
                        }
                        Future<EnvDocument> doc = ConfigService.loadDocument(c, tenantId, environmentId);
                        Future<List<LogEntry>> log = Sql.list(c, "SELECT version, flags, segments FROM change_log"
                                        + " WHERE environment_id = $1 ORDER BY version",
                                r -> new LogEntry(r.getLong(0), r.getArrayOfStrings(1), r.getArrayOfStrings(2)),
                                environmentId);
                        return Future.all(doc, log).map(x -> new CachedSnapshot(environmentId, (String) env[3],
                                (String) env[0], (Long) env[1], (Long) env[2], doc.result().toJson(),
                                new ArrayList<>(log.result())));
                    }))
                    .onSuccess(s -> {
                        snapshots.merge(environmentId, s, (a, b) -> b.version() >= a.version() ? b : a);
                        idsByName.put(s.tenant() + "\u0000" + s.environment(), environmentId);
                        committed(environmentId, s.version());
                    });
        });
    }

    /** Runs {@code work} unless one for the same key is in flight, in which case its future is shared. */
    private static <T> Future<T> coalesce(Map<Long, Future<T>> inFlight, long key,
            java.util.function.Supplier<Future<T>> work) {
        Future<T>[] started = newArray();
        Future<T> f = inFlight.computeIfAbsent(key, k -> {
            Future<T> w = work.get();
            started[0] = w;
            return w;
        });
        if (started[0] != null) {
            // Removed when done; if it finished before being stored, remove it now.
            f.onComplete(x -> inFlight.remove(key, f));
            if (f.isComplete()) {
                inFlight.remove(key, f);
            }
        }
        return f;
    }

    @SuppressWarnings("unchecked")
    private static <T> Future<T>[] newArray() {
        return (Future<T>[]) new Future<?>[1];
    }
}
