package io.guidon.sidecar.connected;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.common.retry.Backoff;
import io.guidon.engine.Compilation;
import io.guidon.engine.ValidationError;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.protocol.ProtocolException;
import io.guidon.protocol.changes.ChangeNotification;
import io.guidon.protocol.snapshots.FullSnapshot;
import io.guidon.protocol.snapshots.SnapshotAnswer;
import io.guidon.protocol.snapshots.SnapshotDelta;
import io.guidon.sidecar.FlagSource;
import io.guidon.sidecar.FlagStore;
import io.guidon.sidecar.SidecarConfig;
import io.guidon.sidecar.SidecarMetrics;
import io.guidon.sidecar.Snapshot;
import io.guidon.sidecar.UpstreamStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
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
 *
 * <p>What other threads read ({@code /healthz} on the HTTP event loops, gauges on the scraping thread) is one
 * immutable {@link Health} value in a volatile field, replaced whole on the source's context: a reader always sees
 * a consistent, fully published state. Every other mutable field is confined to that context.
 *
 * <p>Notifications that never arrive are detected: when a fetch brings a version that no Redis message announced,
 * although the sidecar was subscribed since before the previous confirmed version, and no message announces it
 * within a short grace either, the notifications are "missing" (typically the sidecar listens on another prefix than
 * the one the control plane publishes on). It is said in {@code /healthz}, counted in
 * {@code guidon_upstream_notifications_missed_total} and logged (rate-limited) until a notification arrives again.
 */
public final class ConnectedFlagSource implements FlagSource, UpstreamStatus {

    private static final Logger log = LoggerFactory.getLogger(ConnectedFlagSource.class);

    /** How long a version announced by a notification is asked for again before it is left to the poll. */
    static final long ANNOUNCED_WAIT_MS = 10_000;
    /** How long a version found by polling may wait for its notification before notifications count as missing. */
    static final long NOTIFICATION_GRACE_MS = 5_000;
    /** Repeated warnings about missing notifications: at most one per this interval. */
    static final long MISSING_LOG_EVERY_MS = 10 * 60_000;

    /**
     * Everything about upstream that other threads read, published whole through a volatile field.
     * {@code lastSync} is a {@code clock.millis()} (0: never); {@code authStatus} the HTTP status of a refused key
     * (0: none); {@code notifications} UNKNOWN, OK or MISSING; {@code notificationsHint} says why when MISSING.
     */
    record Health(String tenant, String environment, boolean stale, long lastSync, int failures, String lastError,
            int authStatus, String notifications, long notificationsMissed, String notificationsHint) {

        static final Health INITIAL = new Health(null, null, true, 0, 0, null, 0, "UNKNOWN", 0, null);

        Health environment(String tenant, String environment) {
            return new Health(tenant, environment, stale, lastSync, failures, lastError, authStatus, notifications,
                    notificationsMissed, notificationsHint);
        }

        /** A call other than a flag fetch succeeded: the control plane answers (nothing said about the flags). */
        Health reached() {
            return failures == 0 && authStatus == 0 ? this : new Health(tenant, environment, stale, lastSync, 0, null,
                    0, notifications, notificationsMissed, notificationsHint);
        }

        Health synced(long at) {
            return new Health(tenant, environment, false, at, 0, null, 0, notifications, notificationsMissed,
                    notificationsHint);
        }

        Health failed(String error, int auth) {
            return new Health(tenant, environment, stale, lastSync, failures + 1, error, auth, notifications,
                    notificationsMissed, notificationsHint);
        }

        Health notifications(String state, long missed, String hint) {
            return new Health(tenant, environment, stale, lastSync, failures, lastError, authStatus, state, missed,
                    hint);
        }
    }

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
    private final Counter notificationsMissed;
    private final long announcedWaitMs;
    private final long notificationGraceMs;

    /** Read from any thread; written only on the source's context. */
    private volatile Health health = Health.INITIAL;

    // ---- confined to the source's context
    private boolean fetching;
    private boolean again;
    private boolean forceFull;
    private boolean stopped;
    private long retryTimer = -1;
    private long pollTimer = -1;
    /** When the fetch in flight started, and when the one that last succeeded did (clock millis; -1: none). */
    private long fetchStartedAt = -1;
    private long confirmedFrom = -1;
    /** When the Redis subscription last came up (clock millis; -1: never). */
    private long subscribedAt = -1;
    /** The newest version any notification named (-1: none yet). */
    private long lastNotified = -1;
    /** A version fetched that no notification announced yet, waiting for the grace to end (-1: none). */
    private long unannounced = -1;
    private long graceTimer = -1;
    private long lastMissingLog = -1;
    /** The newest version a notification announced and no fetch has brought yet (-1: none). */
    private long announced = -1;
    private long announcedAt;
    private int announcedChecks;

    public ConnectedFlagSource(Vertx vertx, SidecarConfig config, ControlPlaneClient client, SnapshotStore cache,
            FlagDocumentCompiler compiler, FlagStore store, SidecarMetrics metrics, MeterRegistry registry,
            Clock clock) {
        this(vertx, config, client, cache, compiler, store, metrics, registry, clock, ANNOUNCED_WAIT_MS,
                NOTIFICATION_GRACE_MS);
    }

    /** With another wait for announced versions (tests). */
    ConnectedFlagSource(Vertx vertx, SidecarConfig config, ControlPlaneClient client, SnapshotStore cache,
            FlagDocumentCompiler compiler, FlagStore store, SidecarMetrics metrics, MeterRegistry registry,
            Clock clock, long announcedWaitMs) {
        this(vertx, config, client, cache, compiler, store, metrics, registry, clock, announcedWaitMs,
                NOTIFICATION_GRACE_MS);
    }

    /** With other waits for announced versions and for the notification of a polled version (tests). */
    ConnectedFlagSource(Vertx vertx, SidecarConfig config, ControlPlaneClient client, SnapshotStore cache,
            FlagDocumentCompiler compiler, FlagStore store, SidecarMetrics metrics, MeterRegistry registry,
            Clock clock, long announcedWaitMs, long notificationGraceMs) {
        this.announcedWaitMs = announcedWaitMs;
        this.notificationGraceMs = notificationGraceMs;
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
                : new RedisChangeSubscriber(vertx, config.redis(), this::onRedisConnected, this::onMessage);
        this.fetchOk = Counter.builder("guidon.upstream.fetches").tag("result", "ok")
                .description("Fetches of flags from the control plane").register(registry);
        this.fetchFailed = Counter.builder("guidon.upstream.fetches").tag("result", "failed")
                .description("Fetches of flags from the control plane").register(registry);
        this.notificationsMissed = Counter.builder("guidon.upstream.notifications.missed")
                .description("Versions found by polling that no Redis notification announced although subscribed "
                        + "(the sidecar's Redis prefix differs from the control plane's, or it does not publish)")
                .register(registry);
        Gauge.builder("guidon.upstream.control.plane.up", this,
                        s -> s.health.failures() == 0 && s.health.lastSync() > 0 ? 1 : 0)
                .description("1 when the last call to the control plane succeeded").register(registry);
        Gauge.builder("guidon.upstream.control.plane.auth.failed", this, s -> s.health.authStatus() != 0 ? 1 : 0)
                .description("1 while the control plane refuses the sidecar key (401 or 403)").register(registry);
        Gauge.builder("guidon.upstream.notifications.missing", this,
                        s -> "MISSING".equals(s.health.notifications()) ? 1 : 0)
                .description("1 while versions arrive by polling only, not announced on the Redis channel")
                .register(registry);
        Gauge.builder("guidon.upstream.redis.connected", this,
                        s -> s.redis != null && s.redis.state() == RedisChangeSubscriber.State.CONNECTED ? 1 : 0)
                .description("1 while the Redis change subscription is up").register(registry);
        Gauge.builder("guidon.flagset.stale", this, s -> s.health.stale() ? 1 : 0)
                .description("1 while serving a cached flag set not yet confirmed by the control plane")
                .register(registry);
        Gauge.builder("guidon.upstream.last.sync.age.seconds", this,
                        s -> s.health.lastSync() == 0 ? -1 : (clock.millis() - s.health.lastSync()) / 1000.0)
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
                    update(h -> h.environment(cached.tenant(), cached.environment()));
                    store.publish(c.flagSet(), cached.version(), "cache (saved " + cached.savedAt() + ")");
                    log.info("serving cached flags version {} of {}/{} until the control plane confirms them",
                            cached.version(), cached.tenant(), cached.environment());
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
            version = ChangeNotification.decode(payload).version();
        } catch (ProtocolException e) {
            log.warn("ignoring an unreadable change message ({}): {}", e.getMessage(), payload.length() > 200
                    ? payload.substring(0, 200) : payload);
        }
        if (version >= 0) {
            notified(version);
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
        fetchStartedAt = clock.millis();
        Snapshot held = store.current();
        long since = held == null || forceFull ? -1 : held.version();
        client.fetchFlags(since)
                .compose(this::apply)
                .onSuccess(v -> {
                    fetchOk.increment();
                    if (health.failures() > 0) {
                        log.info("the control plane answers again; serving version {}",
                                store.current() == null ? "none" : store.current().version());
                    }
                    checkNotified(held, store.current());
                    confirmedFrom = fetchStartedAt;
                    long at = clock.millis();
                    update(h -> h.synced(at));
                    checkAnnounced();
                })
                .onFailure(this::failed)
                .onComplete(ar -> {
                    fetching = false;
                    if (again) {
                        again = false;
                        fetch("coalesced");
                    }
                });
    }

    private void failed(Throwable e) {
        fetchFailed.increment();
        Health h = health;
        String serving = store.current() == null ? "nothing yet (not ready)" : "version " + store.current().version();
        if (ControlPlaneClient.isAuthFailure(e)) {
            int status = ((ControlPlaneClient.Rejected) e).status();
            if (h.authStatus() != status) {
                log.error("the control plane refuses this sidecar's key (HTTP {}); serving {}; retrying with "
                        + "backoff up to {} ms", status, serving, config.controlPlane().retryMax().toMillis());
            }
        } else if (!(e instanceof OpenCircuitException) && h.failures() == 0) {
            log.warn("cannot fetch flags from the control plane: {}; serving {}", e.getMessage(), serving);
        }
        update(now -> unreachable(now, e, ""));
        scheduleRetry();
    }

    /** {@code h} after a failed call: a refused key, an open breaker (keeping the error it opened on), or else. */
    private static Health unreachable(Health h, Throwable e, String what) {
        if (ControlPlaneClient.isAuthFailure(e)) {
            int status = ((ControlPlaneClient.Rejected) e).status();
            return h.failed(what + authError(status), status);
        }
        if (e instanceof OpenCircuitException) {
            // The breaker only says that earlier calls failed: keep saying what they failed with. The words tell
            // what happened to this call, not the breaker's state: that changes on its own (OPEN turns HALF_OPEN
            // after breaker-reset-timeout), and /healthz reads it live in circuitBreaker/eventsCircuitBreaker.
            String refused = what.isEmpty() ? FLAGS_REFUSED : EVENTS_REFUSED;
            String cause = h.lastError() == null ? what + "earlier calls failed" : h.lastError();
            if (cause.endsWith(FLAGS_REFUSED)) {
                cause = cause.substring(0, cause.length() - FLAGS_REFUSED.length());
            } else if (cause.endsWith(EVENTS_REFUSED)) {
                cause = cause.substring(0, cause.length() - EVENTS_REFUSED.length());
            }
            return h.failed(cause + refused, h.authStatus());
        }
        return h.failed(what + e.getMessage(), 0);
    }

    /**
     * Called by the {@link EventUploader} (on its own context) after each delivery attempt: an event upload that
     * fails says the control plane is unreachable just as a failed flag fetch does (between two polls it is often
     * the only call), and one that succeeds says it answers again. Flag fetches and uploads update the same
     * {@link Health}, so {@code /healthz} and {@code guidon_upstream_control_plane_up} tell the latest outcome of
     * either.
     */
    public void eventDelivery(Throwable failure) {
        if (failure == null) {
            update(Health::reached);
        } else {
            update(h -> unreachable(h, failure, "delivering events: "));
        }
    }

    /**
     * Replaces the health whole. Written from two contexts (this source's and the uploader's), so each
     * read-modify-write holds the lock; readers read the volatile field without it.
     */
    private synchronized void update(java.util.function.UnaryOperator<Health> change) {
        health = change.apply(health);
    }

    /** Appended to the error a refused call keeps: what the breaker did, never what state it is in now. */
    static final String FLAGS_REFUSED = " (the latest flag fetch was refused by the flags circuit breaker after "
            + "repeated failures, without calling the control plane)";
    static final String EVENTS_REFUSED = " (the latest event upload was refused by the events circuit breaker "
            + "after repeated failures, without calling the control plane)";

    private static String authError(int status) {
        return "HTTP " + status + (status == 401 ? " Unauthorized" : " Forbidden")
                + " from the control plane: it refuses this sidecar's key (revoked, mistyped, or not a sidecar key "
                + "of this environment); create a sidecar key for the environment and set control-plane.sidecar-key"
                + ". Retrying with backoff; the last good flag set keeps serving";
    }

    private void onRedisConnected() {
        subscribedAt = clock.millis();
        fetch("redis connected");
    }

    /** A notification named {@code version}: notifications arrive. */
    private void notified(long version) {
        lastNotified = Math.max(lastNotified, version);
        if (unannounced >= 0 && lastNotified >= unannounced) {
            unannounced = -1; // late, but it came
        }
        Health h = health;
        if (!"OK".equals(h.notifications())) {
            if ("MISSING".equals(h.notifications())) {
                log.info("Redis notifications arrive again on {}", redis == null ? null : redis.channel());
            }
            update(now -> now.notifications("OK", now.notificationsMissed(), null));
        }
    }

    /**
     * After a successful fetch that moved from {@code before} to {@code after}: a newer version no notification
     * named, although subscribed since before the previous confirmed fetch started, must be announced within the
     * grace, or notifications are missing.
     */
    private void checkNotified(Snapshot before, Snapshot after) {
        if (redis == null || before == null || after == null || after.version() <= before.version()
                || lastNotified >= after.version() || redis.state() != RedisChangeSubscriber.State.CONNECTED
                || subscribedAt < 0 || confirmedFrom < 0 || subscribedAt > confirmedFrom) {
            return;
        }
        unannounced = Math.max(unannounced, after.version());
        if (graceTimer >= 0 || stopped) {
            return;
        }
        graceTimer = vertx.setTimer(notificationGraceMs, id -> {
            graceTimer = -1;
            if (unannounced < 0 || stopped) {
                return;
            }
            missed(unannounced);
            unannounced = -1;
        });
    }

    private void missed(long version) {
        notificationsMissed.increment();
        Health h = health;
        String channel = redis.channel();
        String hint = "version " + version + " arrived by polling, not by a notification, although this sidecar is "
                + "subscribed to Redis channel " + channel + " (prefix \"" + config.redis().channelPrefix()
                + "\"); the control plane publishes on <its redis.prefix>:changes:<tenant>:<environment>: this "
                + "sidecar's Redis prefix must equal the control plane's redis.prefix, and the control plane must "
                + "use the same Redis (its redis.url). Until then changes arrive only by polling, every "
                + config.controlPlane().pollInterval().toSeconds() + " s";
        update(now -> now.notifications("MISSING", now.notificationsMissed() + 1, hint));
        long now = clock.millis();
        if (lastMissingLog < 0 || now - lastMissingLog >= MISSING_LOG_EVERY_MS) {
            lastMissingLog = now;
            log.warn("Redis notifications are missing: {}", hint);
        }
    }

    private Future<Void> apply(ControlPlaneClient.FlagsResponse response) {
        if (response.notModified()) {
            return Future.succeededFuture();
        }
        SnapshotAnswer r = response.answer();
        boolean otherEnvironment = false;
        String tenant = health.tenant();
        String environment = health.environment();
        if (r.tenant() != null && r.environment() != null) {
            otherEnvironment = tenant != null && (!r.tenant().equals(tenant) || !r.environment().equals(environment));
            tenant = r.tenant();
            environment = r.environment();
            String t = tenant;
            String env = environment;
            update(h -> h.environment(t, env));
            subscribe();
        }
        Snapshot held = store.current();
        if (r instanceof FullSnapshot full) {
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
            return compileAndPublish(full.document(), r.version(), "control plane", authoritative);
        }
        SnapshotDelta delta = (SnapshotDelta) r;
        if (held != null && r.version() <= held.version()) {
            return Future.succeededFuture();
        }
        if (held == null || delta.since() != held.version()) {
            log.info("the delta since {} does not follow the held version {}; fetching everything", delta.since(),
                    held == null ? "none" : held.version());
            forceFull = true;
            again = true;
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> merge(held.flags().documentJson(), delta), false)
                .compose(doc -> compileAndPublish(doc, r.version(), "control plane (delta since " + delta.since()
                        + ")", false))
                .recover(e -> {
                    // Like a gap, not like an outage: the control plane answered, so ask it for everything now
                    // (a whole document that does not compile either is then a failure, retried with backoff).
                    log.warn("the delta from version {} to {} does not apply ({}); fetching everything", delta.since(),
                            r.version(), e.getMessage());
                    forceFull = true;
                    again = true;
                    return Future.succeededFuture();
                });
    }

    private ObjectNode merge(String heldJson, SnapshotDelta delta) throws Exception {
        ObjectNode doc = (ObjectNode) compiler.mapper().readTree(heldJson);
        replace(doc, "flags", delta.flags());
        replace(doc, "segments", delta.segments());
        return doc;
    }

    private static void replace(ObjectNode doc, String section, Map<String, JsonNode> changes) {
        if (changes.isEmpty()) {
            return;
        }
        ObjectNode target = doc.has(section) && doc.get(section).isObject() ? (ObjectNode) doc.get(section)
                : doc.putObject(section);
        for (Map.Entry<String, JsonNode> e : changes.entrySet()) {
            if (e.getValue() == null || e.getValue().isNull()) {
                target.remove(e.getKey());
            } else {
                target.set(e.getKey(), e.getValue());
            }
        }
    }

    private Future<Void> compileAndPublish(JsonNode document, long version, String origin, boolean replace) {
        return vertx.executeBlocking(() -> compiler.compile(document), false).recover(thrown -> {
            // The compiler returns its own faults as errors; what still escapes it (an OutOfMemoryError) is a
            // rejection too, logged and counted like any other, never a silently dropped version.
            return Future.succeededFuture(new Compilation(null, List.of(new ValidationError("",
                    "the document could not be compiled: " + thrown))));
        }).compose(c -> {
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
        Health h = health;
        return cache.save(new SnapshotStore.Cached(h.tenant(), h.environment(), version, s.flags().documentJson(),
                Instant.now(clock))).recover(e -> Future.succeededFuture());
    }

    private void subscribe() {
        Health h = health;
        if (redis != null && h.tenant() != null && h.environment() != null) {
            redis.subscribe(ChangeNotification.channel(config.redis().channelPrefix(), h.tenant(),
                    h.environment()));
        }
    }

    private void scheduleRetry() {
        if (stopped || retryTimer >= 0) {
            return;
        }
        retryTimer = vertx.setTimer(retryBackoff.jittered(health.failures()), id -> {
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
        if (graceTimer >= 0) {
            vertx.cancelTimer(graceTimer);
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

    /** {@code <tenant>/<environment>} of the held snapshot (or the cache's), null before either. */
    @Override
    public String flagSetId() {
        Health h = health;
        return h.tenant() == null || h.environment() == null ? null : h.tenant() + "/" + h.environment();
    }

    /**
     * For /healthz, from any thread: connection states, the breakers' states at the time of reading
     * ({@code circuitBreaker} of flag fetches, {@code eventsCircuitBreaker} of event uploads: CLOSED, OPEN or
     * HALF_OPEN), the held version's staleness, a refused key
     * ({@code controlPlane.state} AUTH_FAILED, {@code lastError} naming the status and the fix) and whether Redis
     * notifications arrive ({@code redis.notifications}: UNKNOWN, OK or MISSING with a {@code hint}).
     */
    @Override
    public Map<String, Object> status() {
        Health h = health;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", "connected");
        m.put("tenant", h.tenant());
        m.put("environment", h.environment());
        m.put("stale", h.stale());
        Map<String, Object> cp = new LinkedHashMap<>();
        cp.put("url", config.controlPlane().url().toString());
        cp.put("state", h.authStatus() != 0 ? "AUTH_FAILED"
                : h.lastSync() == 0 && h.failures() == 0 ? "UNKNOWN" : h.failures() == 0 ? "UP" : "DOWN");
        // Read now, not remembered: a breaker moves from OPEN to HALF_OPEN by itself.
        cp.put("circuitBreaker", client.breaker().state().name());
        cp.put("eventsCircuitBreaker", client.eventsBreaker().state().name());
        cp.put("lastSyncAgeSeconds", h.lastSync() == 0 ? null : (clock.millis() - h.lastSync()) / 1000);
        cp.put("consecutiveFailures", h.failures());
        cp.put("lastError", h.lastError());
        m.put("controlPlane", cp);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("state", redis == null ? "DISABLED" : redis.state().name());
        r.put("channel", redis == null ? null : redis.channel());
        if (redis != null) {
            r.put("notifications", h.notifications());
            r.put("notificationsMissed", h.notificationsMissed());
            if (h.notificationsHint() != null) {
                r.put("hint", h.notificationsHint());
            }
        }
        m.put("redis", r);
        return m;
    }
}
