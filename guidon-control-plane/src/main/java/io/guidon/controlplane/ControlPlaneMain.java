package io.guidon.controlplane;

import io.guidon.controlplane.service.SessionService;
import io.guidon.controlplane.store.SessionRepository;
import io.guidon.controlplane.ui.Assets;
import io.guidon.controlplane.ui.Templates;
import io.guidon.controlplane.ui.UiRouter;
import io.guidon.controlplane.ui.UiRoutes;
import io.vertx.ext.web.Router;
import java.util.function.Consumer;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.guidon.common.metrics.Metrics;
import io.guidon.controlplane.api.AdminThreads;
import io.guidon.controlplane.api.ApiRouter;
import io.guidon.controlplane.api.Responses;
import io.guidon.controlplane.service.Services;
import io.guidon.controlplane.api.ControlPlaneServer;
import io.guidon.controlplane.api.EventRoutes;
import io.guidon.controlplane.events.ExposureReports;
import io.guidon.controlplane.api.Routes;
import io.guidon.controlplane.api.ExperimentResultRoutes;
import io.guidon.controlplane.api.RolloutPlanRoutes;
import io.guidon.controlplane.api.ScheduleRoutes;
import io.guidon.controlplane.service.ExperimentResultsService;
import io.guidon.controlplane.service.ReplicaTask;
import io.guidon.controlplane.service.RolloutPlanService;
import io.guidon.controlplane.service.ScheduleRunner;
import io.guidon.controlplane.auth.ApiKeys;
import io.guidon.controlplane.auth.Authenticator;
import io.guidon.controlplane.db.Migrations;
import io.guidon.protocol.events.EventBatchDecoder;
import io.guidon.controlplane.events.EventIngest;
import io.guidon.controlplane.events.EventPartitions;
import io.guidon.controlplane.events.PgEventStore;
import io.guidon.controlplane.events.EventForwarder;
import io.guidon.controlplane.events.EventPublisher;
import io.guidon.controlplane.events.KafkaEventPublisher;
import io.guidon.controlplane.events.PgEventOutbox;
import io.guidon.controlplane.publish.RedisChangePublisher;
import io.guidon.controlplane.ratelimit.FailoverRateLimiter;
import io.guidon.controlplane.ratelimit.LocalRateLimiter;
import io.guidon.controlplane.ratelimit.RedisRateLimiter;
import io.guidon.controlplane.snapshots.ChangeListener;
import io.guidon.controlplane.snapshots.SightingBuffer;
import io.guidon.controlplane.snapshots.SnapshotCache;
import io.guidon.controlplane.store.ExperimentAnalysisRepository;
import io.guidon.controlplane.store.KeyRepository;
import io.guidon.controlplane.store.PgAuditLog;
import io.guidon.controlplane.store.PgSightingLog;
import io.guidon.engine.FlagDocumentCompiler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of the control plane: migrates the schema (before Vert.x starts, over JDBC), then builds
 * every part with its constructor and starts the HTTP servers. Nothing else creates services; nothing is static.
 */
public final class ControlPlaneMain {

    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneMain.class);

    /** A started control plane. {@link #close()} stops it (writing last-used times and sidecar sightings first). */
    public static final class Running implements AutoCloseable {
        private final Vertx vertx;
        private final Pool pool;
        private final Authenticator authenticator;
        private final int port;
        private final int managementPort;
        private final PrometheusMeterRegistry registry;
        private final List<ApiRouter.RouteSpec> routes;
        private final ChangeListener listener;
        private final EventPartitions partitions;
        private final SightingBuffer sightings;
        private final ScheduleRunner scheduleRunner;
        private final ReplicaTask rolloutChecks;
        private final ReplicaTask experimentRefresh;
        private final io.guidon.controlplane.service.WebhookDispatcher webhookDispatcher;
        private final io.guidon.controlplane.publish.HttpWebhookSender webhookSender;
        private final ReplicaTask webhookUpkeep;
        private final ReplicaTask kafkaForwarding;
        private final EventPublisher kafka;

        Running(Vertx vertx, Pool pool, Authenticator authenticator, int port, int managementPort,
                PrometheusMeterRegistry registry, List<ApiRouter.RouteSpec> routes, ChangeListener listener,
                EventPartitions partitions, SightingBuffer sightings, ScheduleRunner scheduleRunner,
                ReplicaTask rolloutChecks, ReplicaTask experimentRefresh,
                io.guidon.controlplane.service.WebhookDispatcher webhookDispatcher,
                io.guidon.controlplane.publish.HttpWebhookSender webhookSender, ReplicaTask webhookUpkeep,
                ReplicaTask kafkaForwarding, EventPublisher kafka) {
            this.kafkaForwarding = kafkaForwarding;
            this.kafka = kafka;
            this.vertx = vertx;
            this.pool = pool;
            this.authenticator = authenticator;
            this.port = port;
            this.managementPort = managementPort;
            this.registry = registry;
            this.routes = routes;
            this.listener = listener;
            this.partitions = partitions;
            this.sightings = sightings;
            this.scheduleRunner = scheduleRunner;
            this.rolloutChecks = rolloutChecks;
            this.experimentRefresh = experimentRefresh;
            this.webhookDispatcher = webhookDispatcher;
            this.webhookSender = webhookSender;
            this.webhookUpkeep = webhookUpkeep;
        }

        /** The sidecar sightings noted in memory (written on their own every {@code sidecar.sightings-flush-interval}). */
        public SightingBuffer sightings() {
            return sightings;
        }

        /** The event partition maintenance (which also runs on its own, every {@code events.maintenance-interval}). */
        public EventPartitions eventPartitions() {
            return partitions;
        }

        public int port() {
            return port;
        }

        /** The port of /metrics, /healthz and /readyz ({@code management.port}; the bound one when that is 0). */
        public int managementPort() {
            return managementPort;
        }

        public Vertx vertx() {
            return vertx;
        }

        public PrometheusMeterRegistry registry() {
            return registry;
        }

        public List<ApiRouter.RouteSpec> routes() {
            return routes;
        }

        @Override
        public void close() {
            listener.stop();
            try {
                try {
                    // The schedule in progress ends (commits or rolls back) before the pool closes.
                    scheduleRunner.stop().recover(e -> Future.succeededFuture())
                            .compose(x -> rolloutChecks.stop()).recover(e -> Future.succeededFuture())
                            .compose(x -> experimentRefresh.stop()).recover(e -> Future.succeededFuture())
                            // Requests in flight end (each within its timeout) and their outcomes are written.
                            .compose(x -> webhookDispatcher == null ? Future.<Void>succeededFuture()
                                    : webhookDispatcher.stop()).recover(e -> Future.succeededFuture())
                            .compose(x -> webhookSender.close()).recover(e -> Future.succeededFuture())
                            .compose(x -> webhookUpkeep.stop()).recover(e -> Future.succeededFuture())
                            // The Kafka round in progress ends (its batches removed or left) before the pool closes.
                            .compose(x -> kafkaForwarding == null ? Future.succeededFuture() : kafkaForwarding.stop())
                            .recover(e -> Future.succeededFuture())
                            .compose(x -> authenticator.flushLastUsed()).recover(e -> Future.succeededFuture())
                            .compose(x -> sightings.flush()).recover(e -> Future.succeededFuture())
                            .eventually(pool::close)
                            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                } finally {
                    if (kafka != null) {
                        kafka.close();
                    }
                    // Awaited on its own: a callback chained to a context of this Vert.x could not run once it closed.
                    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping", e);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("could not stop cleanly: " + e, e);
            }
        }
    }

    private ControlPlaneMain() {
    }

    /** Migrates (or checks) the schema, starts every part, and returns once the server listens. */
    public static Running start(ControlPlaneConfig config) throws Exception {
        Migrations migrations = new Migrations(config.database());
        if (config.database().migrateAtStart()) {
            migrations.migrate();
        } else {
            migrations.requireUpToDate();
        }
        String schemaVersion = migrations.latestKnown();

        PrometheusMeterRegistry registry = Metrics.newRegistry();
        VertxOptions options = new VertxOptions();
        int eventLoops = config.http().eventLoops() > 0 ? config.http().eventLoops()
                : VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
        options.setEventLoopPoolSize(eventLoops);
        Vertx vertx = Metrics.vertx(options, registry);
        try {
            Pool pool = pool(vertx, config.database());
            Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(config.redis().url())
                    .setNetClientOptions(new NetClientOptions().setMetricsName("redis")
                            .setConnectTimeout((int) config.redis().commandTimeout().toMillis()))
                    .setMaxPoolSize(16).setMaxPoolWaiting(1024).setMaxWaitingHandlers(4096));

            FlagDocumentCompiler compiler = new FlagDocumentCompiler();
            Clock clock = Clock.systemUTC();
            // Every audit entry of an event type writes its webhook deliveries in its transaction (ADR 0120).
            PgAuditLog audit = new PgAuditLog(pool, new io.guidon.controlplane.store.WebhookOutbox());
            SnapshotCache snapshots = new SnapshotCache(pool, config.sidecar().maxStaleness(), registry);
            // Sidecars' fetches are noted in memory on the event loop and written in batches (never on their path).
            PgSightingLog sightingLog = new PgSightingLog(pool);
            SightingBuffer sightings = new SightingBuffer(sightingLog, clock,
                    config.sidecar().sightingsMaxPending(), config.sidecar().sightingsRetention(), registry);
            RedisChangePublisher publisher = new RedisChangePublisher(vertx, redis, config.redis().prefix(),
                    config.redis().commandTimeout(), config.redis().publishRetries(), config.redis().publishBackoff(),
                    registry);
            Services services = Services.create(vertx, pool, compiler, audit, publisher, snapshots,
                    config.sidecar().changeLogRetention(), new Responses(), new ApiKeys(), sightingLog,
                    config.rollouts());
            // The admin API's handlers run on virtual threads, one context per event loop (ADR 0110).
            AdminThreads adminThreads = AdminThreads.deploy(vertx, eventLoops).toCompletionStage()
                    .toCompletableFuture().get(60, TimeUnit.SECONDS);
            // Authentication reads keys from their table directly, on the event loop (no service: nothing to decide).
            Authenticator authenticator = new Authenticator(new KeyRepository(pool), config.auth().cacheTtl());
            FailoverRateLimiter limiter = new FailoverRateLimiter(
                    new RedisRateLimiter(redis, config.redis().prefix(), config.rateLimit().window(),
                            config.redis().commandTimeout()),
                    new LocalRateLimiter(config.rateLimit().window()), config.rateLimit().redisRetryAfter(), registry);
            Routes routes = new Routes(services, snapshots, sightings, authenticator, adminThreads);
            ControlPlaneConfig.Events events = config.events();
            PgEventStore eventStore = new PgEventStore(pool, events.totalsStripes());
            EventPartitions partitions = new EventPartitions(pool, events, clock, registry);
            EventIngest ingest = new EventIngest(vertx, new EventBatchDecoder(new EventBatchDecoder.Limits(
                    events.maxDecompressedSize(), events.maxBatchEvents())), eventStore, partitions, events, clock,
                    registry, config.kafka().enabled());
            ExposureReports exposureReports = new ExposureReports(eventStore, services.environments(),
                    services.flags(), events.maxQueryDays());
            EventRoutes eventRoutes = new EventRoutes(ingest, exposureReports, adminThreads, clock,
                    events.maxBodySize());
            ScheduleRoutes scheduleRoutes = new ScheduleRoutes(services.schedules(), services.changeRequests(),
                    adminThreads);
            io.guidon.controlplane.api.ChangeRequestRoutes changeRequestRoutes =
                    new io.guidon.controlplane.api.ChangeRequestRoutes(services.changeRequests(), adminThreads);
            RolloutPlanRoutes rolloutPlanRoutes = new RolloutPlanRoutes(services.rollouts(), services.changeRequests(),
                    adminThreads);
            ControlPlaneConfig.Webhooks webhookConfig = config.webhooks();
            io.guidon.controlplane.publish.HttpWebhookSender webhookSender =
                    new io.guidon.controlplane.publish.HttpWebhookSender(vertx,
                            io.guidon.controlplane.domain.AddressPolicy.of(webhookConfig.allowedAddresses()),
                            webhookConfig.maxInFlightPerEndpoint());
            io.guidon.controlplane.store.WebhookRepository webhookRepository =
                    new io.guidon.controlplane.store.WebhookRepository(pool);
            io.guidon.controlplane.service.WebhookService webhooks = new io.guidon.controlplane.service.WebhookService(
                    pool, webhookRepository, audit, new Responses(), webhookSender, webhookConfig.secretOverlap(),
                    new java.security.SecureRandom());
            io.guidon.controlplane.api.WebhookRoutes webhookRoutes = new io.guidon.controlplane.api.WebhookRoutes(
                    webhooks, adminThreads, webhookConfig.timeout());
            ExperimentResultsService experimentResults = new ExperimentResultsService(
                    new ExperimentAnalysisRepository(pool), new io.guidon.controlplane.store.ExperimentStateRepository(),
                    config.experiments().resultsMaxAge());
            ExperimentResultRoutes experimentResultRoutes = new ExperimentResultRoutes(experimentResults,
                    adminThreads);
            io.guidon.controlplane.api.ExperimentRoutes experimentRoutes = new io.guidon.controlplane.api
                    .ExperimentRoutes(services.metrics(), services.experiments(), adminThreads);
            io.guidon.controlplane.api.ConversionRoutes conversionRoutes = new io.guidon.controlplane.api
                    .ConversionRoutes(new io.guidon.controlplane.service.ConversionService(
                            new io.guidon.controlplane.store.ConversionRepository(pool), services.environments(),
                            services.flags()), adminThreads, clock, events.maxQueryDays());
            io.guidon.controlplane.api.ExportRoutes exportRoutes = new io.guidon.controlplane.api.ExportRoutes(
                    new io.guidon.controlplane.service.EventExportService(
                            new io.guidon.controlplane.store.EventExportRepository(pool), services.environments()),
                    adminThreads, clock, config.export().defaultPageRows(), config.export().maxPageRows(),
                    config.export().fetchRows());
            // Page cursors are signed with a key every replica shares, made by the first to start (ADR 0122).
            byte[] candidate = new byte[io.guidon.controlplane.api.Cursors.KEY_BYTES];
            new java.security.SecureRandom().nextBytes(candidate);
            io.guidon.controlplane.api.Cursors cursors = new io.guidon.controlplane.api.Cursors(
                    new io.guidon.controlplane.store.ServerKeyRepository(pool)
                            .getOrCreate(io.guidon.controlplane.api.Cursors.KEY_NAME, candidate)
                            .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS));
            // The partitions for the events accepted now exist before the first batch can arrive.
            partitions.maintain().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            byte[] openApi = resource("controlplane/openapi.json");
            // The document is the contract of the admin API's requests (ADR 0111): compiled once for every router.
            io.guidon.controlplane.api.ContractValidation contract = new io.guidon.controlplane.api.ContractValidation(
                    openApi);
            // Shared for management.readiness-max-age by every probe on both ports: a flood of /readyz costs at most
            // one PostgreSQL query and one Redis PING per interval.
            io.guidon.common.ops.Cached<Map<String, Object>> readinessCheck = new io.guidon.common.ops.Cached<>(
                    () -> readiness(pool, redis, schemaVersion, config), config.management().readinessMaxAge());
            io.micrometer.core.instrument.FunctionCounter.builder("guidon.readiness.checks", readinessCheck,
                            io.guidon.common.ops.Cached::computations)
                    .description("Readiness checks made against PostgreSQL and Redis (probes within "
                            + "management.readiness-max-age share one)")
                    .register(registry);
            ApiRouter.Readiness readiness = readinessCheck::get;
            ChangeListener listener = new ChangeListener(vertx, config.redis(), snapshots);
            listener.start();

            // The admin UI (ADR 0112): the same services, its own sessions.
            SessionService uiSessions = new SessionService(new SessionRepository(pool),
                    config.ui().sessionIdleTimeout(), config.ui().sessionMaxAge());
            UiRoutes uiPages = new UiRoutes(services, experimentResults, exposureReports, clock, webhooks,
                    webhookConfig.timeout());
            Templates templates = new Templates();
            Assets assets = config.ui().enabled() ? Assets.resolve() : null;
            Consumer<Router> ui = !config.ui().enabled() ? r -> { } : r -> new UiRouter(uiSessions, authenticator,
                    adminThreads, templates, assets, config.http().trustedProxies(), config.http().maxBodySize(),
                    config.http().requestTimeout().toMillis()).mount(r, uiPages::register);
            if (config.ui().enabled()) {
                vertx.setPeriodic(600_000, id -> adminThreads.run(uiSessions::purge)
                        .onFailure(e -> LOG.warn("could not delete ended UI sessions", e)));
            }

            AtomicReference<List<ApiRouter.RouteSpec>> routeTable = new AtomicReference<>();
            AtomicReference<ControlPlaneServer> first = new AtomicReference<>();
            vertx.deployVerticle(() -> {
                ControlPlaneServer s = new ControlPlaneServer(config, api -> {
                    routes.register(api);
                    eventRoutes.register(api);
                    scheduleRoutes.register(api);
                    changeRequestRoutes.register(api);
                    rolloutPlanRoutes.register(api);
                    experimentResultRoutes.register(api);
                    experimentRoutes.register(api);
                    conversionRoutes.register(api);
                    webhookRoutes.register(api);
                    exportRoutes.register(api);
                }, authenticator, limiter,
                        null, readiness, () -> openApi, routeTable::set, contract, cursors, ui);
                first.compareAndSet(null, s);
                return s;
            }, new DeploymentOptions().setInstances(eventLoops)).toCompletionStage().toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
            io.guidon.common.ops.MetricsEndpoint metrics = new io.guidon.common.ops.MetricsEndpoint(vertx, registry,
                    config.management().metricsMaxAge());
            io.guidon.common.ops.ManagementServer management = new io.guidon.common.ops.ManagementServer(
                    config.management().host(), config.management().port(),
                    io.guidon.common.ops.ErrorBody.PROBLEM,
                    ApiRouter.managementRoutes(readiness, config.http().requestTimeout().toMillis(), metrics));
            vertx.deployVerticle(management).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            vertx.setPeriodic(config.auth().lastUsedFlushInterval().toMillis(), id -> authenticator.flushLastUsed());
            partitions.schedule(vertx);
            sightings.schedule(vertx, config.sidecar().sightingsFlushInterval());
            // Due schedules are applied by every replica's runner, on virtual threads (each claimed once, ADR 0114).
            ScheduleRunner scheduleRunner = new ScheduleRunner(vertx, services.schedules(),
                    config.schedules().pollInterval(), config.schedules().lateAfter(), adminThreads::run);
            scheduleRunner.start();
            // Due checks of rollout plans likewise (each claimed once, ADR 0116).
            ReplicaTask rolloutChecks = new ReplicaTask(vertx, "rollout plan checks", config.rollouts().checkInterval(),
                    () -> services.rollouts().checkNext() == RolloutPlanService.Outcome.CHECKED, adminThreads::run);
            rolloutChecks.start();
            // Experiments' snapshots kept fresh, and each completed day's computed once (ADR 0119).
            ReplicaTask experimentRefresh = new ReplicaTask(vertx, "experiment results",
                    config.experiments().refreshInterval(), experimentResults::refreshNext, adminThreads::run);
            experimentRefresh.start();
            // Due webhook deliveries are sent by every replica that delivers (each claimed once, ADR 0120).
            io.guidon.controlplane.service.WebhookDispatcher webhookDispatcher = !webhookConfig.deliver() ? null
                    : new io.guidon.controlplane.service.WebhookDispatcher(vertx, pool, webhookRepository, audit,
                            webhookSender, webhookConfig, replicaName(), adminThreads::run, registry);
            if (webhookDispatcher != null) {
                webhookDispatcher.start();
            }
            // Every replica's webhook upkeep: finished deliveries past webhooks.retention deleted in chunks, and the
            // delivery gauges refreshed; every ten poll intervals (10 s by default), a cheap indexed look each time.
            ReplicaTask webhookUpkeep = new ReplicaTask(vertx, "webhook upkeep",
                    webhookConfig.pollInterval().multipliedBy(10),
                    new io.guidon.controlplane.service.WebhookUpkeep(webhookRepository, webhookConfig.retention(),
                            registry)::step, adminThreads::run);
            webhookUpkeep.start();
            // The Kafka sink (ADR 0122): every replica tries the outbox, one at a time publishes; on a virtual-thread
            // context of its own, since a send may block while no broker answers.
            EventPublisher kafka = null;
            ReplicaTask kafkaForwarding = null;
            if (config.kafka().enabled()) {
                kafka = new KafkaEventPublisher(config.kafka());
                AdminThreads sinkThread = AdminThreads.deploy(vertx, 1).toCompletionStage().toCompletableFuture()
                        .get(60, TimeUnit.SECONDS);
                EventForwarder forwarder = new EventForwarder(new PgEventOutbox(pool,
                        config.kafka().deliveryTimeout().plusSeconds(30)), kafka, config.kafka().batchesPerRound(),
                        clock, registry);
                kafkaForwarding = new ReplicaTask(vertx, "Kafka sink", config.kafka().pollInterval(),
                        forwarder::step, sinkThread::run);
                kafkaForwarding.start();
            }
            int port = first.get().port();
            LOG.info("control plane listening", kv("host", config.http().host()), kv("port", port),
                    kv("managementHost", config.management().host()), kv("managementPort", management.port()),
                    kv("schema", schemaVersion),
                    kv("eventLoops", eventLoops), kv("database", config.database().toString()),
                    kv("redis", config.redis().toString()));
            return new Running(vertx, pool, authenticator, port, management.port(), registry, routeTable.get(),
                    listener, partitions, sightings, scheduleRunner, rolloutChecks,
                    experimentRefresh, webhookDispatcher, webhookSender, webhookUpkeep, kafkaForwarding, kafka);
        } catch (Exception | Error e) {
            vertx.close();
            throw e;
        }
    }

    /** This replica's name in the webhooks' delivery log: {@code pid@host} and a random suffix (one per start). */
    private static String replicaName() {
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getName() + "-"
                + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    /** A sized pool whose idle and old connections are closed and replaced (stale ones detected by keep-alive). */
    public static Pool pool(Vertx vertx, ControlPlaneConfig.Database db) {
        PgConnectOptions connect = new PgConnectOptions()
                .setHost(db.host()).setPort(db.port()).setDatabase(db.name())
                .setUser(db.user()).setPassword(db.password())
                .setCachePreparedStatements(true)
                .addProperty("application_name", "guidon-control-plane")
                .addProperty("statement_timeout", Long.toString(db.statementTimeout().toMillis()))
                .addProperty("idle_in_transaction_session_timeout",
                        Long.toString(Math.max(1000, db.statementTimeout().toMillis() * 2)));
        // TCP keep-alive finds connections that died silently (a restarted PostgreSQL, a dropped NAT entry).
        NetClientOptions net = new NetClientOptions().setConnectTimeout((int) db.connectionTimeout().toMillis())
                .setTcpKeepAlive(true).setMetricsName("postgresql");
        PoolOptions pool = new PoolOptions()
                .setName("guidon-pg")
                .setMaxSize(db.poolSize())
                .setMaxWaitQueueSize(db.maxWaitQueue())
                .setIdleTimeout((int) db.idleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setMaxLifetime((int) db.maxLifetime().toMillis()).setMaxLifetimeUnit(TimeUnit.MILLISECONDS)
                .setConnectionTimeout((int) db.connectionTimeout().toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
                .setPoolCleanerPeriod(1000);
        return PgBuilder.pool().with(pool).with(net).connectingTo(connect).using(vertx).build();
    }

    private static Future<Map<String, Object>> readiness(Pool pool, Redis redis, String schemaVersion,
            ControlPlaneConfig config) {
        Future<String> schema = pool.query("SELECT version FROM " + Migrations.HISTORY_TABLE
                        + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1").execute()
                .map(rs -> rs.size() == 0 ? "none" : rs.iterator().next().getString(0))
                .compose(v -> v.equals(schemaVersion) ? Future.succeededFuture(v)
                        : Future.failedFuture("database schema is at " + v + ", this build needs " + schemaVersion));
        Future<String> redisUp = redis.send(Request.cmd(Command.PING))
                .timeout(config.redis().commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .map("UP").otherwise("DOWN (notifications are retried; rate limits are per replica)");
        return schema.compose(v -> redisUp.map(r -> {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("database", "UP");
            details.put("schema", v);
            details.put("redis", r);
            // Shared by every probe within management.readiness-max-age, on any event loop: never changed again.
            return java.util.Collections.unmodifiableMap(details);
        }));
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = ControlPlaneMain.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return in.readAllBytes();
        }
    }
}
