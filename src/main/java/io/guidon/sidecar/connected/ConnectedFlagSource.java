package io.guidon.sidecar.connected;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.common.retry.Backoff;
import io.guidon.engine.Compilation;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.sidecar.FlagSource;
import io.guidon.sidecar.FlagStore;
import io.guidon.sidecar.SidecarConfig;
import io.guidon.sidecar.SidecarMetrics;
import io.guidon.sidecar.Snapshot;
import io.guidon.sidecar.UpstreamStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connected mode: the environment's flags from the control plane, kept current by Redis notifications and a
 * polling safety net, and kept across restarts by a {@link SnapshotStore}.
 *
 * <p>On start it serves the cached document at once (ready, but stale) if there is one, then fetches the
 * current one. A notification with a newer version, a Redis (re)connection, or the poll timer each ask for
 * {@code ?since=<held version>}; requests that arrive while one is in flight coalesce into one more fetch after it.
 * A delta is applied to the held document and the result compiled whole; a delta that does not follow the held
 * version or does not compile falls back to a full fetch. Failures back off exponentially; nothing that fails
 * upstream ever replaces the set being served. All of it runs on one event-loop context (compilation on a
 * worker). A notification announcing a version that the control plane does not serve yet (its replica has not
 * heard of it) is asked for again with backoff for a while, rather than left to the poll.
 */
public final class ConnectedFlagSource implements FlagSource, UpstreamStatus {

    private static final Logger log = LoggerFactory.getLogger(ConnectedFlagSource.class);

    /** How long a version announced by a notification is asked for again before it is left to the poll. */
    static final long ANNOUNCED_WAIT_MS = 10_000;

    private final Vertx vertx;
    private final SidecarConfig config;
    private final Backoff retryBackoff;
    private final ControlPlaneClient client;
    private final SnapshotStore cache;
    private final FlagDocumentCompiler compiler;
    private final FlagStore store;
    private final SidecarMetrics metrics;
    private final Clock clock;
    private final RedisChangeSubscriber redis;
    private final Counter fetchOk;
    private final Counter fetchFailed;
    private final long announcedWaitMs;

    private String tenant;
    private String environment;
    private boolean fetching;
    private boolean again;
    private boolean forceFull;
    private boolean stale = true;
    private boolean stopped;
    private int failures;
    private long retryTimer = -1;
    private long pollTimer = -1;
    private long lastSync;
    private String lastError;
    /** The newest version a notification announced and no fetch has brought yet (-1: none). */
    private long announced = -1;
    private long announcedAt;
    private int announcedChecks;

    public ConnectedFlagSource(Vertx vertx, SidecarConfig config, ControlPlaneClient client, SnapshotStore cache,
            FlagDocumentCompiler compiler, FlagStore store, SidecarMetrics metrics, MeterRegistry registry,
            Clock clock) {
        this(vertx, config, client, cache, compiler, store, metrics, registry, clock, ANNOUNCED_WAIT_MS);
    }

    /** With another wait for announced versions (tests). */
    ConnectedFlagSource(Vertx vertx, SidecarConfig config, ControlPlaneClient client, SnapshotStore cache,
            FlagDocumentCompiler compiler, FlagStore store, SidecarMetrics metrics, MeterRegistry registry,
            Clock clock, long announcedWaitMs) {
        this.announcedWaitMs = announcedWaitMs;
        this.vertx = vertx;
        this.config = config;
        this.retryBackoff = new Backoff(config.controlPlane().retryMin(), config.controlPlane().retryMax());
        this.client = client;
        this.cache = cache;
        this.compiler = compiler;
        this.store = store;
        this.metrics = metrics;
        this.clock = clock;
        this.redis = config.redis().url() == null ? null
                : new RedisChangeSubscriber(vertx, config.redis(), () -> fetch("redis connected"), this::onMessage);
        this.fetchOk = Counter.builder("guidon.upstream.fetches").tag("result", "ok")
                .description("Fetches of flags from the control plane").register(registry);
        this.fetchFailed = Counter.builder("guidon.upstream.fetches").tag("result", "failed")
                .description("Fetches of flags from the control plane").register(registry);
        Gauge.builder("guidon.upstream.control.plane.up", this, s -> s.failures == 0 && s.lastSync > 0 ? 1 : 0)
                .description("1 when the last call to the control plane succeeded").register(registry);
        Gauge.builder("guidon.upstream.redis.connected", this,
                        s -> s.redis != null && s.redis.state() == RedisChangeSubscriber.State.CONNECTED ? 1 : 0)
                .description("1 while the Redis change subscription is up").register(registry);
        Gauge.builder("guidon.flagset.stale", this, s -> s.stale ? 1 : 0)
                .description("1 while serving a cached flag set not yet confirmed by the control plane")
                .register(registry);
        Gauge.builder("guidon.upstream.last.sync.age.seconds", this,
                        s -> s.lastSync == 0 ? -1 : (clock.millis() - s.lastSync) / 1000.0)
                .description("Seconds since the control plane last confirmed the flag set (-1: never)")
                .register(registry);
    }

    @Override
    public Future<Void> start() {
        return cache.load().recover(e -> Future.succeededFuture(null)).compose(cached -> {
            if (cached == null) {
                return Future.succeededFuture();
            }
            return vertx.executeBlocking(() -> compiler.compile(cached.documentJson()), false).map(c -> {
                if (c.ok()) {
                    tenant = cached.tenant();
                    environment = cached.environment();
                    store.publish(c.flagSet(), cached.version(), "cache (saved " + cached.savedAt() + ")");
                    log.info("serving cached flags version {} of {}/{} until the control plane confirms them",
                            cached.version(), tenant, environment);
                    subscribe();
                } else {
                    log.warn("ignoring the flag cache: it no longer compiles ({} problems)", c.errors().size());
                }
                return null;
            });
        }).onComplete(ignored -> {
            fetch("start");
            schedulePoll();
        }).mapEmpty();
    }

    private void onMessage(String payload) {
        long version = -1;
        try {
            JsonNode node = compiler.mapper().readTree(payload);
            version = node.path("version").asLong(-1);
        } catch (Exception e) {
            log.warn("ignoring an unreadable change message: {}", payload.length() > 200 ? payload.substring(0, 200)
                    : payload);
        }
        Snapshot held = store.current();
        if (version < 0 || held == null || version > held.version()) {
            if (version > announced) {
                announced = version;
                announcedAt = clock.millis();
                announcedChecks = 0;
            }
            fetch("notified of version " + version);
        }
    }

    /**
     * After a successful fetch: a notification is a hint that can run ahead of the replica that answered (one whose
     * own notification lags learns of another replica's commit only when its version check expires, after the
     * control plane's {@code sidecar.max-staleness}), so while the version held is older than one announced, ask
     * again, backing off from retry-min to retry-max, for up to {@link #ANNOUNCED_WAIT_MS}; then leave it to the poll.
     */
    private void checkAnnounced() {
        Snapshot held = store.current();
        if (announced < 0 || held != null && held.version() >= announced) {
            announced = -1;
            return;
        }
        if (clock.millis() - announcedAt > announcedWaitMs) {
            log.warn("notified of flags version {}, but the control plane still serves {}; leaving it to the poll",
                    announced, held == null ? "none" : held.version());
            announced = -1;
            return;
        }
        if (stopped || retryTimer >= 0 || again) {
            return; // a fetch is coming anyway
        }
        long delay = retryBackoff.delayMillis(announcedChecks);
        announcedChecks++;
        retryTimer = vertx.setTimer(delay, id -> {
            retryTimer = -1;
            fetch("notified of version " + announced + ", not served yet");
        });
    }

    /** Asks the control plane for what changed; coalesces with a fetch in flight. */
    void fetch(String why) {
        if (stopped) {
            return;
        }
        if (fetching) {
            again = true;
            return;
        }
        fetching = true;
        Snapshot held = store.current();
        long since = held == null || forceFull ? -1 : held.version();
        client.fetchFlags(since)
                .compose(this::apply)
                .onSuccess(v -> {
                    fetchOk.increment();
                    if (failures > 0) {
                        log.info("the control plane answers again; serving version {}",
                                store.current() == null ? "none" : store.current().version());
                    }
                    failures = 0;
                    lastError = null;
                    stale = false;
                    lastSync = clock.millis();
                    checkAnnounced();
                })
                .onFailure(e -> {
                    fetchFailed.increment();
                    lastError = e.getMessage();
                    if (failures == 0) {
                        log.warn("cannot fetch flags from the control plane ({}): {}; serving {}", why,
                                e.getMessage(), store.current() == null ? "nothing yet (not ready)"
                                        : "version " + store.current().version());
                    }
                    failures++;
                    scheduleRetry();
                })
                .onComplete(ar -> {
                    fetching = false;
                    if (again) {
                        again = false;
                        fetch("coalesced");
                    }
                });
    }

    private Future<Void> apply(ControlPlaneClient.FlagsResponse r) {
        if (r.notModified()) {
            return Future.succeededFuture();
        }
        boolean otherEnvironment = false;
        if (r.tenant() != null && r.environment() != null) {
            otherEnvironment = tenant != null && (!r.tenant().equals(tenant) || !r.environment().equals(environment));
            tenant = r.tenant();
            environment = r.environment();
            subscribe();
        }
        Snapshot held = store.current();
        if (r.full()) {
            if (r.document() == null || !r.document().isObject()) {
                return Future.failedFuture("the control plane sent no document");
            }
            // The control plane is the source of truth: a whole document from it replaces what is held even when
            // its version is lower (a database restored from a backup) or it is another environment's (the key
            // changed since the cache was written). Only one fetch is ever in flight, so it cannot be a stale answer.
            boolean authoritative = held != null && (otherEnvironment || r.version() < held.version());
            if (held != null && r.version() == held.version() && !forceFull && !otherEnvironment) {
                return Future.succeededFuture();
            }
            if (authoritative) {
                log.warn("the control plane serves {}/{} version {} while version {}{} is held; following it",
                        tenant, environment, r.version(), held.version(), otherEnvironment ? " of another environment"
                                : "");
            }
            forceFull = false;
            return compileAndPublish(r.document(), r.version(), "control plane", authoritative);
        }
        if (held != null && r.version() <= held.version()) {
            return Future.succeededFuture();
        }
        if (held == null || r.since() != held.version()) {
            log.info("the delta since {} does not follow the held version {}; fetching everything", r.since(),
                    held == null ? "none" : held.version());
            forceFull = true;
            again = true;
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> merge(held.flags().documentJson(), r), false)
                .compose(doc -> compileAndPublish(doc, r.version(), "control plane (delta since " + r.since() + ")", false))
                .recover(e -> {
                    // Like a gap, not like an outage: the control plane answered, so ask it for everything now
                    // (a whole document that does not compile either is then a failure, retried with backoff).
                    log.warn("the delta from version {} to {} does not apply ({}); fetching everything", r.since(),
                            r.version(), e.getMessage());
                    forceFull = true;
                    again = true;
                    return Future.succeededFuture();
                });
    }

    private ObjectNode merge(String heldJson, ControlPlaneClient.FlagsResponse r) throws Exception {
        ObjectNode doc = (ObjectNode) compiler.mapper().readTree(heldJson);
        replace(doc, "flags", r.changedFlags());
        replace(doc, "segments", r.changedSegments());
        return doc;
    }

    private static void replace(ObjectNode doc, String section, JsonNode changes) {
        if (changes == null || !changes.isObject()) {
            return;
        }
        ObjectNode target = doc.has(section) && doc.get(section).isObject() ? (ObjectNode) doc.get(section)
                : doc.putObject(section);
        for (Iterator<Map.Entry<String, JsonNode>> it = changes.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue() == null || e.getValue().isNull()) {
                target.remove(e.getKey());
            } else {
                target.set(e.getKey(), e.getValue());
            }
        }
    }

    private Future<Void> compileAndPublish(JsonNode document, long version, String origin, boolean replace) {
        return vertx.executeBlocking(() -> compiler.compile(document), false).compose(c -> {
            if (!c.ok()) {
                metrics.reloadRejected();
                log.error("rejected flags version {} from the control plane: {} problem(s), first: {}", version,
                        c.errors().size(), c.errors().get(0));
                forceFull = true;
                return Future.failedFuture("version " + version + " does not compile");
            }
            return publish(c, version, origin, replace);
        });
    }

    private Future<Void> publish(Compilation c, long version, String origin, boolean replace) {
        Snapshot s = replace ? store.replace(c.flagSet(), version, origin) : store.publish(c.flagSet(), version, origin);
        if (s == null) {
            return Future.succeededFuture();
        }
        metrics.reloadApplied();
        log.info("applied flags version {} ({} flags, changed: {}) from {}", version, s.flags().size(),
                s.changed().size() > 20 ? s.changed().size() + " flags" : s.changed(), origin);
        return cache.save(new SnapshotStore.Cached(tenant, environment, version, s.flags().documentJson(),
                Instant.now(clock))).recover(e -> Future.succeededFuture());
    }

    private void subscribe() {
        if (redis != null && tenant != null && environment != null) {
            redis.subscribe(RedisChangeSubscriber.channel(config.redis().channelPrefix(), tenant, environment));
        }
    }

    private void scheduleRetry() {
        if (stopped || retryTimer >= 0) {
            return;
        }
        retryTimer = vertx.setTimer(retryBackoff.jittered(failures), id -> {
            retryTimer = -1;
            fetch("retry");
        });
    }

    private void schedulePoll() {
        if (stopped) {
            return;
        }
        long interval = config.controlPlane().pollInterval().toMillis();
        long jitter = config.controlPlane().pollJitter().toMillis();
        long delay = interval + (jitter > 0 ? ThreadLocalRandom.current().nextLong(jitter + 1) : 0);
        pollTimer = vertx.setTimer(delay, id -> {
            fetch("poll");
            schedulePoll();
        });
    }

    @Override
    public Future<Void> stop() {
        stopped = true;
        if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
        }
        if (pollTimer >= 0) {
            vertx.cancelTimer(pollTimer);
        }
        if (redis != null) {
            redis.stop();
        }
        return Future.succeededFuture();
    }

    @Override
    public String describe() {
        return "control plane " + config.controlPlane().url();
    }

    /** For /healthz: connection states, the held version and how stale it is. */
    @Override
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", "connected");
        m.put("tenant", tenant);
        m.put("environment", environment);
        m.put("stale", stale);
        Map<String, Object> cp = new LinkedHashMap<>();
        cp.put("url", config.controlPlane().url().toString());
        cp.put("state", lastSync == 0 && failures == 0 ? "UNKNOWN" : failures == 0 ? "UP" : "DOWN");
        cp.put("circuitBreaker", client.breaker().state().name());
        cp.put("lastSyncAgeSeconds", lastSync == 0 ? null : (clock.millis() - lastSync) / 1000);
        cp.put("consecutiveFailures", failures);
        cp.put("lastError", lastError);
        m.put("controlPlane", cp);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("state", redis == null ? "DISABLED" : redis.state().name());
        r.put("channel", redis == null ? null : redis.channel());
        m.put("redis", r);
        return m;
    }
}
