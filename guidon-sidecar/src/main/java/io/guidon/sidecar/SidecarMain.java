package io.guidon.sidecar;

import io.guidon.common.metrics.Metrics;
import io.guidon.engine.Evaluator;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.sidecar.connected.ConnectedFlagSource;
import io.guidon.sidecar.connected.ControlPlaneClient;
import io.guidon.sidecar.connected.DiskSpool;
import io.guidon.sidecar.connected.EventUploader;
import io.guidon.sidecar.connected.FileSnapshotStore;
import io.guidon.sidecar.connected.UpstreamEventSink;
import io.guidon.sidecar.http.OfrepAnswers;
import io.guidon.sidecar.http.SidecarVerticle;
import io.guidon.telemetry.EvaluationEvents;
import io.guidon.telemetry.OtlpEvaluationEvents;
import io.guidon.telemetry.TelemetryConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar's composition root: builds the metrics registry, Vert.x, the flag store, the flag source, the event
 * sink and the evaluation service with constructors, deploys one HTTP verticle per event loop, and shuts all of it
 * down in order.
 */
public final class SidecarMain {

    private static final Logger log = LoggerFactory.getLogger(SidecarMain.class);

    private final SidecarConfig config;
    private final Clock clock;
    private final PrometheusMeterRegistry registry;
    private final Vertx vertx;
    private final FlagStore store;
    private final SidecarMetrics metrics;
    private final Evaluations evaluations;
    private final OfrepAnswers answers;
    private final FlagSource source;
    private final UpstreamStatus upstream;
    private final EventUploader uploader;
    private final ControlPlaneClient controlPlane;
    /** Evaluation events over OTLP (ADR 0205), or null when {@code otel.enabled} is false. */
    private final OtlpEvaluationEvents otel;
    /**
     * The OpenTelemetry SDK's java.util.logging logger, held so that its handler (records to SLF4J, so they are
     * JSON lines like every other) stays set: JUL keeps loggers only weakly.
     */
    private final java.util.logging.Logger otelSdkLog;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final List<SidecarVerticle> verticles = new ArrayList<>();
    private volatile String deploymentId;
    private volatile String backgroundId;
    private volatile String managementId;
    private volatile io.guidon.common.ops.ManagementServer management;

    public SidecarMain(SidecarConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.registry = Metrics.newRegistry();
        // Files are the sidecar's own (flag file, flag cache, event spool), never classpath resources: without
        // classpath resolving Vert.x keeps no file cache, whose JVM shutdown hook would otherwise remove it on
        // SIGTERM while the stop still writes (every file operation then fails, and the spill of events with it).
        this.vertx = Metrics.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(config.http().instances(), 1))
                .setFileSystemOptions(new FileSystemOptions().setClassPathResolvingEnabled(false)
                        .setFileCachingEnabled(false)), registry);
        this.store = new FlagStore(config.stream().history(), clock);
        this.answers = new OfrepAnswers(store);
        this.metrics = new SidecarMetrics(registry, store, config.metrics().perFlag(), clock);
        FlagDocumentCompiler compiler = new FlagDocumentCompiler();
        this.otelSdkLog = config.otel().enabled() ? otelSdkLog() : null;
        this.otel = config.otel().enabled() ? otelEvents(config.otel().export(), registry) : null;
        EvaluationEvents evaluationEvents = otel == null ? EvaluationEvents.OFF : otel;
        if (config.connected()) {
            SidecarConfig.Events events = config.events();
            this.controlPlane = new ControlPlaneClient(vertx, config.controlPlane(), registry);
            EventUploader[] uploaderRef = new EventUploader[1];
            UpstreamEventSink sink = new UpstreamEventSink(store, events.maxBatchEvents(), events.maxBatchEvents() * 4,
                    events.maxExposureKeys(), events.exposureWindow().toMillis(), registry,
                    () -> uploaderRef[0].flushSoon());
            this.uploader = new EventUploader(vertx, config, sink, controlPlane,
                    new DiskSpool(vertx, config.cache().dir().resolve("events"), events.maxDiskBytes(), registry),
                    registry);
            uploaderRef[0] = uploader;
            ConnectedFlagSource connected = new ConnectedFlagSource(vertx, config, controlPlane,
                    new FileSnapshotStore(vertx, config.cache().dir()), compiler, store, metrics, registry, clock);
            // An upload that fails between two polls says the control plane is away as a failed fetch does.
            uploader.onDelivery(connected::eventDelivery);
            this.source = connected;
            this.upstream = connected;
            this.evaluations = new Evaluations(new Evaluator(clock), sink, metrics, evaluationEvents);
        } else {
            this.controlPlane = null;
            this.uploader = null;
            this.source = flagSource(compiler);
            this.upstream = UpstreamStatus.STANDALONE;
            this.evaluations = new Evaluations(new Evaluator(clock),
                    new CountingEventSink(registry, config.metrics().perFlag()), metrics, evaluationEvents);
        }
        store.onPublish(s -> vertx.eventBus().publish(SidecarVerticle.CHANGES_ADDRESS, new JsonObject()
                .put("version", s.version())
                .put("event", io.guidon.sidecar.http.ChangeEvents.flagsChanged(s))));
    }

    /**
     * The OTLP pipeline and its metrics: {@code guidon_otel_events_total{result}} (exported, dropped: the queue was
     * full, failed: the collector refused or was away, sampled_out) and {@code guidon_otel_events_queued}. The
     * flag set id is read by the export thread, per batch, from the upstream status (set later in this constructor).
     */
    private static java.util.logging.Logger otelSdkLog() {
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("io.opentelemetry");
        jul.setUseParentHandlers(false);
        jul.addHandler(new org.slf4j.bridge.SLF4JBridgeHandler());
        return jul;
    }

    private OtlpEvaluationEvents otelEvents(TelemetryConfig export, PrometheusMeterRegistry registry) {
        OtlpEvaluationEvents events = new OtlpEvaluationEvents(export, "guidon", "io.guidon.sidecar", () -> {
            UpstreamStatus u = upstream;
            return u == null ? null : u.flagSetId();
        }, Map.of());
        String description = "feature_flag.evaluation events for OpenTelemetry, by outcome";
        FunctionCounter.builder("guidon.otel.events", events, OtlpEvaluationEvents::exported).tag("result", "exported")
                .description(description).register(registry);
        FunctionCounter.builder("guidon.otel.events", events, OtlpEvaluationEvents::dropped).tag("result", "dropped")
                .description(description).register(registry);
        FunctionCounter.builder("guidon.otel.events", events, OtlpEvaluationEvents::failed).tag("result", "failed")
                .description(description).register(registry);
        FunctionCounter.builder("guidon.otel.events", events, OtlpEvaluationEvents::sampledOut)
                .tag("result", "sampled_out").description(description).register(registry);
        Gauge.builder("guidon.otel.events.queued", events, OtlpEvaluationEvents::queued)
                .description("feature_flag.evaluation events waiting for export").register(registry);
        log.info("evaluation events to {} over {} (service.name {}, sampling ratio {}, queue {})", export.exportUrl(),
                export.protocol().setting(), export.serviceName(), export.samplingRatio(), events.capacity());
        return events;
    }

    private FlagSource flagSource(FlagDocumentCompiler compiler) {
        Path file = config.flags().file();
        if (file == null) {
            Path local = Path.of("config", "flags.json");
            if (!Files.isRegularFile(local)) {
                return new BundledFlagSource(vertx, compiler, store, metrics);
            }
            file = local;
        }
        return new FileFlagSource(vertx, file, config.flags().watchInterval(), compiler, store, metrics);
    }

    /** Starts the flag source, the event uploader and the HTTP verticles; completes when the server listens. */
    public Future<Void> start() {
        DeploymentOptions options = new DeploymentOptions().setInstances(config.http().instances());
        BackgroundVerticle background = new BackgroundVerticle(
                () -> source.start().compose(v -> uploader == null ? Future.succeededFuture() : uploader.start()),
                () -> (uploader == null ? Future.<Void>succeededFuture() : uploader.stop())
                        .eventually(source::stop)
                        .eventually(() -> controlPlane == null ? Future.succeededFuture() : controlPlane.close()));
        return vertx.deployVerticle(background)
                .compose(id -> {
                    backgroundId = id;
                    return vertx.deployVerticle(() -> {
                    SidecarVerticle verticle = new SidecarVerticle(config, store, evaluations, answers, registry,
                            draining::get, upstream, clock);
                    synchronized (verticles) {
                        verticles.add(verticle);
                    }
                    return verticle;
                }, options);
                })
                .compose(id -> {
                    deploymentId = id;
                    io.guidon.common.ops.MetricsEndpoint metricsEndpoint = new io.guidon.common.ops.MetricsEndpoint(
                            vertx, registry, config.management().metricsMaxAge());
                    io.guidon.sidecar.http.OpsApi ops = new io.guidon.sidecar.http.OpsApi(store, draining::get,
                            upstream, clock);
                    management = new io.guidon.common.ops.ManagementServer(config.management().host(),
                            config.management().port(), io.guidon.common.ops.ErrorBody.OFREP,
                            ops.managementRoutes(metricsEndpoint));
                    return vertx.deployVerticle(management);
                })
                .map(id -> {
                    managementId = id;
                    log.info("sidecar listening on http://{}:{} with {} event loop(s), management (/metrics, "
                            + "/healthz, /readyz) on http://{}:{}, flags from {}", config.http().host(), port(),
                            config.http().instances(), config.management().host(), managementPort(),
                            source.describe());
                    return null;
                });
    }

    /** The port the server bound (differs from the configured one when that is 0). */
    public int port() {
        synchronized (verticles) {
            return verticles.isEmpty() ? -1 : verticles.get(0).port();
        }
    }

    /** The port of /metrics, /healthz and /readyz ({@code management.port}; the bound one when that is 0). */
    public int managementPort() {
        return management == null ? -1 : management.port();
    }

    /**
     * Graceful stop: readiness turns 503, the streams end, the server stops accepting and finishes requests in
     * flight (up to the grace period), then the flag source and the event uploader stop (spilling undelivered
     * events to disk). Vert.x itself stays up; see {@link #shutdown}.
     */
    public synchronized Future<Void> stop() {
        if (draining.getAndSet(true)) {
            return Future.succeededFuture();
        }
        // The management port stays up while the API drains, so probes see /readyz turn 503; it closes last.
        Future<Void> undeploy = deploymentId == null ? Future.succeededFuture() : vertx.undeploy(deploymentId);
        return undeploy.eventually(() -> otel == null ? Future.succeededFuture()
                        // No evaluation runs any more: what waits is exported (bounded by otel.timeout).
                        : vertx.<Void>executeBlocking(() -> {
                            otel.close();
                            return null;
                        }))
                .eventually(() -> backgroundId == null ? Future.succeededFuture()
                : vertx.undeploy(backgroundId))
                .eventually(() -> managementId == null ? Future.succeededFuture() : vertx.undeploy(managementId));
    }

    /**
     * {@link #stop}, then closes Vert.x; blocks, so call it from a thread of its own (a shutdown hook, a test),
     * never from an event loop. Vert.x is closed from here rather than in the future chain because a close
     * completed on one of its own, by then terminated, event loops would never be delivered.
     */
    public void shutdown(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            stop().toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            long left = Math.max(1_000, (deadline - System.nanoTime()) / 1_000_000);
            vertx.close().toCompletionStage().toCompletableFuture().get(left, TimeUnit.MILLISECONDS);
        }
    }

    public FlagStore store() {
        return store;
    }

    public Vertx vertx() {
        return vertx;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }
}
