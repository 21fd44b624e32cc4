package io.guidon.openfeature;

import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.EventProvider;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.Metadata;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.ProviderEventDetails;
import dev.openfeature.sdk.TrackingEventDetails;
import dev.openfeature.sdk.Value;
import io.guidon.engine.EvaluationResult;
import io.guidon.engine.Evaluator;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.protocol.ClientIdentity;
import io.guidon.engine.FlagSet;
import io.guidon.protocol.EventRules;
import io.guidon.telemetry.FeatureFlagEvents;
import io.guidon.telemetry.OtlpEvaluationEvents;
import io.guidon.telemetry.TelemetryConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenFeature provider that evaluates Guidon flags inside the application with the Guidon engine: an evaluation
 * reads one volatile reference to the current compiled flag set and runs the engine on the caller's thread, with no
 * I/O, no lock and no HTTP call. Flags come from one source, chosen with the {@link #builder()}:
 * <ul>
 *   <li>{@link Builder#flagFile a flag file}, re-read when it changes;</li>
 *   <li>{@link Builder#sidecar a sidecar}: its document ({@code GET /v1/flags}), followed through its change stream
 *       ({@code GET /v1/stream}, Server-Sent Events) and polled as a safety net;</li>
 *   <li>{@link Builder#controlPlane the control plane} with a sidecar key: the environment's snapshot, then its
 *       deltas ({@code GET /api/v1/sidecar/flags?since=N}), polled.</li>
 * </ul>
 *
 * <p>Results are those the sidecar's OFREP API serves for the same document and context: the engine's value,
 * variant and reason (OpenFeature's reasons: STATIC, DEFAULT, TARGETING_MATCH, SPLIT, DISABLED, ERROR), the
 * flag's metadata, and the engine's error codes (FLAG_NOT_FOUND, TARGETING_KEY_MISSING, GENERAL) with their details.
 * A flag asked for as another type than it serves is TYPE_MISMATCH with the caller's default, as typed OFREP
 * clients report it: an integer flag is not a double nor a double flag an integer, and an integer beyond
 * {@code int} is no {@code Integer} (its object evaluation is a {@link Value} holding the exact {@code Long}). An
 * object evaluation serves every flag, as OFREP does: its value as a {@link Value} (precomputed per variant). Every
 * answer about a flag that exists carries the flag's metadata, errors (TYPE_MISMATCH, the engine's) included.
 *
 * <p>Failures are fail-static: when the source cannot be read the last good flag set keeps being served and
 * PROVIDER_STALE is emitted; a source answering with a document that does not compile is PROVIDER_ERROR (with
 * PARSE_ERROR), the last good set served likewise; the next successful exchange with the source emits
 * PROVIDER_READY again, whether it brings a new set or says the one served is current (a 304). A new set emits
 * PROVIDER_CONFIGURATION_CHANGED listing the keys of the flags whose evaluation may differ
 * ({@link FlagSet#changedSince}).
 *
 * <p>Events: with the control plane source, evaluations and {@code track} calls are reported as a sidecar reports
 * them ({@code POST /api/v1/events}: per-minute counts, first exposures per targeting key, conversions), batched
 * and at least once. Each evaluation is the application reading one flag, so it is an exposure (with a targeting
 * key; without one it is counted only), as a single-flag evaluation at the sidecar is (ADR 0203). With the sidecar
 * source {@code track} calls go to its {@code POST /v1/track}, and evaluations are not recorded: the sidecar's
 * {@code POST /v1/exposures} evaluates each reported flag again for the whole context, which the provider would
 * have to keep per read until delivery. The file source records nothing. Nothing on the
 * evaluation path waits: events go through a bounded lock-free queue; what does not fit is dropped and counted.
 *
 * <p>One instance per source; {@link #shutdown} stops its threads (one scheduler, plus one reader for a sidecar's
 * stream) and delivers what was recorded.
 */
public final class GuidonProvider extends EventProvider {

    private static final Logger log = LoggerFactory.getLogger(GuidonProvider.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final EvaluationContext EMPTY_CONTEXT = new ImmutableContext();
    /**
     * What a static flag ({@link io.guidon.engine.Flag#isStatic}: every context gets the same value) is evaluated
     * with: it reads no attribute, so the application's context need not be adapted (nothing allocated for it).
     */
    private static final io.guidon.engine.EvaluationContext NO_CONTEXT = attribute -> null;

    /** The provider's name in OpenFeature's metadata. */
    public static final String NAME = "guidon";

    private enum Health { OK, STALE, ERROR }

    private final Evaluator evaluator;
    private final FlagSource source;
    private final EventRecorder recorder;
    private final EventFlusher flusher;
    /** OpenTelemetry evaluation events (ADR 0205), or null when the builder did not ask for them. */
    private final OtlpEvaluationEvents otel;
    private final Duration initTimeout;
    private final ScheduledExecutorService scheduler;
    private final CountDownLatch firstLoad = new CountDownLatch(1);
    private final Object transitions = new Object();

    /** The flag set served: one reference, swapped whole. Null until the first load. */
    private volatile LoadedFlags current;
    private volatile boolean initialized;
    private volatile String lastFailure;
    private Health health = Health.OK;
    private volatile boolean started;
    private volatile boolean closed;

    private GuidonProvider(Builder b) {
        this.evaluator = new Evaluator(b.clock);
        this.initTimeout = b.initTimeout;
        int id = INSTANCES.incrementAndGet();
        this.scheduler = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "guidon-openfeature-" + id);
            t.setDaemon(true);
            return t;
        });
        HttpClient http = b.kind == Kind.FILE ? null : HttpClient.newBuilder()
                .connectTimeout(b.timeout).version(HttpClient.Version.HTTP_1_1).build();
        FlagDocumentCompiler compiler = new FlagDocumentCompiler();
        EventDelivery delivery;
        boolean exposures;
        switch (b.kind) {
            case FILE -> {
                this.source = new FileFlagSource(b.file, b.pollInterval, compiler, scheduler);
                delivery = EventDelivery.NONE;
                exposures = false;
            }
            case SIDECAR -> {
                this.source = new SidecarFlagSource(b.uri, b.pollInterval, b.timeout, compiler, http, scheduler,
                        "guidon-openfeature-" + id + "-stream");
                delivery = new SidecarTrackDelivery(b.uri, http, b.timeout);
                exposures = false;
            }
            case CONTROL_PLANE -> {
                // One id for this provider's fetches and uploads, as a sidecar process has one (the protocol's
                // ClientIdentity): the control plane lists it among the environment's sidecars.
                String instance = ClientIdentity.newInstanceId();
                this.source = new ControlPlaneFlagSource(b.uri, b.sidecarKey, b.environment, b.pollInterval,
                        b.timeout, compiler, http, scheduler, instance);
                delivery = new ControlPlaneEventDelivery(b.uri, b.sidecarKey, http, b.timeout, instance);
                exposures = b.exposures;
            }
            default -> throw new IllegalStateException("no source");
        }
        this.recorder = new EventRecorder(exposures, b.eventQueueCapacity, b.maxExposureKeys,
                b.exposureWindow.toMillis());
        this.flusher = delivery == EventDelivery.NONE ? null
                : new EventFlusher(recorder, delivery, b.eventFlushInterval.toMillis(), b.maxPendingBatches);
        FlagSource flagSource = source;
        this.otel = b.telemetry == null ? null : new OtlpEvaluationEvents(b.telemetry, NAME, "io.guidon.openfeature",
                flagSource::flagSetId, java.util.Map.of());
    }

    /** A builder: choose one source ({@code flagFile}, {@code sidecar} or {@code controlPlane}), then options. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Metadata getMetadata() {
        return () -> NAME;
    }

    /**
     * Starts the source and waits (up to the builder's {@code initTimeout}) for the first flag set. Throws when none
     * came: the SDK then reports the provider in ERROR; the source keeps trying, and PROVIDER_READY follows its
     * first good set.
     */
    @Override
    public void initialize(EvaluationContext evaluationContext) throws Exception {
        synchronized (transitions) {
            if (!started) {
                started = true;
                source.start(new Listener());
                if (flusher != null) {
                    flusher.start(scheduler);
                }
            }
        }
        firstLoad.await(initTimeout.toMillis(), TimeUnit.MILLISECONDS);
        synchronized (transitions) {
            // From here on the SDK knows the provider's state; what changes it is an event. Without flags yet, the
            // SDK reports ERROR, and the first set that comes later is a PROVIDER_READY.
            initialized = true;
            if (current == null) {
                throw new dev.openfeature.sdk.exceptions.GeneralError("no flags from " + source.describe()
                        + " within " + initTimeout.toMillis() + " ms" + (lastFailure == null ? "" : ": "
                        + lastFailure) + "; still trying");
            }
        }
    }

    /** Stops the source and the scheduler, and delivers the events recorded (one last attempt). */
    @Override
    public void shutdown() {
        synchronized (transitions) {
            if (closed) {
                return;
            }
            closed = true;
        }
        source.close();
        if (flusher != null) {
            try {
                scheduler.submit(flusher::stop).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.warn("the last delivery of events did not finish: {}", e.toString());
            }
        }
        scheduler.shutdownNow();
        if (otel != null) {
            otel.close(); // what waits is exported, bounded by the export timeout
        }
        super.shutdown();
    }

    // ------------------------------------------------------------------ evaluation

    @Override
    public ProviderEvaluation<Boolean> getBooleanEvaluation(String key, Boolean defaultValue, EvaluationContext ctx) {
        return evaluate(key, defaultValue, ctx, Asked.BOOLEAN);
    }

    @Override
    public ProviderEvaluation<String> getStringEvaluation(String key, String defaultValue, EvaluationContext ctx) {
        return evaluate(key, defaultValue, ctx, Asked.STRING);
    }

    /** An integer flag's value; TYPE_MISMATCH for a float flag, or for a value beyond a Java int. */
    @Override
    public ProviderEvaluation<Integer> getIntegerEvaluation(String key, Integer defaultValue, EvaluationContext ctx) {
        return evaluate(key, defaultValue, ctx, Asked.INTEGER);
    }

    /** A float flag's value; TYPE_MISMATCH for an integer flag (the flag format tells them apart: 2 and 2.0). */
    @Override
    public ProviderEvaluation<Double> getDoubleEvaluation(String key, Double defaultValue, EvaluationContext ctx) {
        return evaluate(key, defaultValue, ctx, Asked.DOUBLE);
    }

    @Override
    public ProviderEvaluation<Value> getObjectEvaluation(String key, Value defaultValue, EvaluationContext ctx) {
        return evaluate(key, defaultValue, ctx, Asked.OBJECT);
    }

    /** The OpenFeature type an evaluation asks for, as named in a TYPE_MISMATCH message. */
    private enum Asked {
        BOOLEAN("boolean"), STRING("string"), INTEGER("integer"), DOUBLE("double"), OBJECT("object");

        final String word;

        Asked(String word) {
            this.word = word;
        }
    }

    /**
     * One evaluation: the flag set read once, one key lookup, the engine's (precomputed) result, the value as the
     * asked type, the exposure queued without waiting. Every failure is an answer with the default value.
     */
    private <T> ProviderEvaluation<T> evaluate(String key, T defaultValue, EvaluationContext ctx, Asked asked) {
        LoadedFlags flags = current;
        if (flags == null) {
            ProviderEvaluation<T> e = notReady(defaultValue);
            if (otel != null) {
                otel.failed(key, FeatureFlagEvents.PROVIDER_NOT_READY, e.getErrorMessage(), targetingKey(ctx), -1,
                        System.currentTimeMillis());
            }
            return e;
        }
        LoadedFlags.Extras flag = flags.extras().get(key);
        if (flag == null) {
            EvaluationResult notFound = Evaluator.notFound(key);
            event(notFound, ctx, flags);
            return error(defaultValue, notFound, ImmutableMetadata.EMPTY);
        }
        EvaluationResult r = evaluator.evaluate(flag.flag(), flag.isStatic() ? NO_CONTEXT : context(ctx));
        if (r.isError()) {
            event(r, ctx, flags);
            return error(defaultValue, r, flag.metadata());
        }
        Object v = r.value();
        Object value = null;
        switch (asked) {
            case BOOLEAN -> value = v instanceof Boolean ? v : null;
            case STRING -> value = v instanceof String ? v : null;
            case DOUBLE -> value = v instanceof Double ? v : null;
            case INTEGER -> {
                if (v instanceof Long l) {
                    if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
                        return mismatched(ProviderEvaluation.<T>builder().value(defaultValue).reason(Reason.ERROR)
                                .errorCode(ErrorCode.TYPE_MISMATCH).errorMessage("flag '" + key + "' serves " + l
                                        + ", beyond a Java int: read it with getObjectValue (a Value holding the "
                                        + "exact Long: asObject(); asDouble() rounds beyond 2^53) or as a string "
                                        + "flag").flagMetadata(flag.metadata()).build(), key, ctx, flags);
                    }
                    value = (int) (long) l;
                }
            }
            case OBJECT -> {
                // Any JSON value is a Value, as the OFREP provider serves it: precomputed per variant.
                Value o = flag.values().get(r.variantKey());
                value = o == null ? LoadedFlags.value(v) : o;
            }
        }
        if (value == null) {
            return mismatched(mismatch(defaultValue, r, asked.word, flag.metadata()), key, ctx, flags);
        }
        @SuppressWarnings("unchecked")
        T typed = (T) value;
        event(r, ctx, flags);
        return served(flag, r, typed, ctx);
    }

    /** The evaluation event of {@code r} (ADR 0205), when events are on: references handed off, nothing waited for. */
    private void event(EvaluationResult r, EvaluationContext ctx, LoadedFlags flags) {
        if (otel != null) {
            otel.evaluated(r, targetingKey(ctx), flags.version(), System.currentTimeMillis());
        }
    }

    /** A TYPE_MISMATCH answer, recorded as a failed evaluation event when events are on. */
    private <T> ProviderEvaluation<T> mismatched(ProviderEvaluation<T> answer, String key, EvaluationContext ctx,
            LoadedFlags flags) {
        if (otel != null) {
            otel.failed(key, FeatureFlagEvents.TYPE_MISMATCH, answer.getErrorMessage(), targetingKey(ctx),
                    flags.version(), System.currentTimeMillis());
        }
        return answer;
    }

    private static String targetingKey(EvaluationContext ctx) {
        return ctx == null ? null : ctx.getTargetingKey();
    }

    /**
     * {@code track}: a conversion or custom event for the context's targeting key, with the details' numeric value
     * if any. Checked against {@link EventRules} (an event the control plane would refuse is dropped here and
     * logged) and queued without waiting; delivered by the source (see the class comment).
     */
    @Override
    public void track(String eventName, EvaluationContext ctx, TrackingEventDetails details) {
        String key = ctx == null ? null : ctx.getTargetingKey();
        Double value = null;
        if (details != null && details.getValue().isPresent()) {
            value = details.getValue().get().doubleValue();
        }
        EventRules.Problem p = key == null ? EventRules.Problem.EMPTY : EventRules.targetingKey(key);
        if (p == null) {
            p = eventName == null ? EventRules.Problem.NOT_AN_EVENT_NAME : EventRules.eventName(eventName);
        }
        if (p == null && value != null) {
            p = EventRules.value(value);
        }
        if (p != null) {
            log.warn("track(\"{}\") not recorded: {}", eventName, p.message());
            return;
        }
        recorder.track(new EventRecorder.Conversion(key, eventName, value, System.currentTimeMillis()));
    }

    private <T> ProviderEvaluation<T> served(LoadedFlags.Extras flag, EvaluationResult r, T value,
            EvaluationContext ctx) {
        if (recorder.recordsEvaluations()) {
            recorder.read(r, ctx == null ? null : ctx.getTargetingKey(), System.currentTimeMillis());
        }
        return new ProviderEvaluation<>(value, r.variantKey(), r.reason().name(), null, null,
                flag.metadata());
    }

    private static io.guidon.engine.EvaluationContext context(EvaluationContext ctx) {
        return new OpenFeatureContext(ctx == null ? EMPTY_CONTEXT : ctx);
    }

    /** An error answer; {@code metadata} is the flag's when it exists (as OFREP carries it), else empty. */
    private static <T> ProviderEvaluation<T> error(T defaultValue, EvaluationResult r, ImmutableMetadata metadata) {
        return ProviderEvaluation.<T>builder().value(defaultValue).reason(Reason.ERROR)
                .errorCode(ErrorCode.valueOf(r.errorCode().name())).errorMessage(r.errorDetails())
                .flagMetadata(metadata).build();
    }

    private static <T> ProviderEvaluation<T> mismatch(T defaultValue, EvaluationResult r, String asked,
            ImmutableMetadata metadata) {
        String served = r.flag().type().jsonName();
        if (r.value() instanceof Long) {
            served = "integer";
        } else if (r.value() instanceof Double) {
            served = "double";
        }
        return ProviderEvaluation.<T>builder().value(defaultValue).reason(Reason.ERROR)
                .errorCode(ErrorCode.TYPE_MISMATCH).errorMessage("flag '" + r.flagKey() + "' is " + article(served)
                        + " " + served + " flag, asked for as " + asked).flagMetadata(metadata).build();
    }

    /** "a" or "an" before a type name (boolean, string, integer, double, object). */
    private static String article(String word) {
        return !word.isEmpty() && "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }

    private <T> ProviderEvaluation<T> notReady(T defaultValue) {
        return ProviderEvaluation.<T>builder().value(defaultValue).reason(Reason.ERROR)
                .errorCode(ErrorCode.PROVIDER_NOT_READY).errorMessage("no flags loaded yet from " + source.describe()
                        + (lastFailure == null ? "" : ": " + lastFailure)).build();
    }

    /** OpenFeature's reason for errors (the engine's names match OpenFeature's for the rest). */
    private static final class Reason {
        static final String ERROR = dev.openfeature.sdk.Reason.ERROR.name();
    }

    // ------------------------------------------------------------------ state

    /** The version of the flag set served (the source's), or -1 before the first. For tests and diagnostics. */
    public long version() {
        LoadedFlags l = current;
        return l == null ? -1 : l.version();
    }

    /** Events dropped because the queue was full, since the start. */
    public long droppedEvents() {
        return recorder.dropped();
    }

    /**
     * OpenTelemetry evaluation events (builder's {@link Builder#evaluationEvents}) dropped because their queue was
     * full, since the start; 0 when they are off. Applications put it in their own metrics (a Micrometer
     * {@code FunctionCounter}, an OpenTelemetry asynchronous counter).
     */
    public long droppedEvaluationEvents() {
        return otel == null ? 0 : otel.dropped();
    }

    /** OpenTelemetry evaluation events exported (accepted by the collector), since the start; 0 when off. */
    public long exportedEvaluationEvents() {
        return otel == null ? 0 : otel.exported();
    }

    /** OpenTelemetry evaluation events whose export failed (collector away or refusing), since the start. */
    public long failedEvaluationEvents() {
        return otel == null ? 0 : otel.failed();
    }

    /** Drains and delivers recorded events now (normally every flush interval); blocks until that attempt ends. */
    public void flushEvents() throws Exception {
        if (flusher != null) {
            scheduler.submit(flusher::flush).get(30, TimeUnit.SECONDS);
        }
    }

    private final class Listener implements FlagSource.Listener {

        @Override
        public void loaded(FlagSet flags, long version, String origin) {
            LoadedFlags next = LoadedFlags.of(flags, version, origin);
            synchronized (transitions) {
                if (closed) {
                    return;
                }
                LoadedFlags previous = current;
                current = next;
                lastFailure = null;
                if (previous == null) {
                    log.info("serving {} flag(s) (version {}) from {}", flags.size(), version, origin);
                    firstLoad.countDown();
                    if (initialized) {
                        emitProviderReady(ProviderEventDetails.builder().message("flags loaded from " + origin)
                                .build());
                    }
                    return;
                }
                Set<String> changed = flags.changedSince(previous.flags());
                log.info("serving version {} from {}: {} flag(s) changed", version, origin, changed.size());
                if (!initialized) {
                    return;
                }
                if (health != Health.OK) {
                    health = Health.OK;
                    emitProviderReady(ProviderEventDetails.builder().message("flags from " + origin + " again")
                            .build());
                }
                if (!changed.isEmpty()) {
                    emitProviderConfigurationChanged(ProviderEventDetails.builder().flagsChanged(List.copyOf(changed))
                            .message("version " + version + " from " + origin).build());
                }
            }
        }

        @Override
        public void unchanged(String origin) {
            synchronized (transitions) {
                if (closed || current == null) {
                    return;
                }
                lastFailure = null;
                if (!initialized || health == Health.OK) {
                    return;
                }
                health = Health.OK;
                log.info("{} answers again; serving version {} (unchanged)", origin, current.version());
                emitProviderReady(ProviderEventDetails.builder().message("flags from " + origin + " again (version "
                        + current.version() + ", unchanged)").build());
            }
        }

        @Override
        public void failed(String message, boolean invalid) {
            synchronized (transitions) {
                if (closed) {
                    return;
                }
                lastFailure = message;
                if (!initialized || current == null) {
                    // Before the first flags the SDK reports the failed initialization (ERROR) already; STALE would
                    // claim there are flags to serve.
                    return;
                }
                Health next = invalid ? Health.ERROR : Health.STALE;
                if (health == next) {
                    return;
                }
                health = next;
                String served = "serving the last good flags (version " + current.version() + ")";
                if (invalid) {
                    log.warn("{}; {}", message, served);
                    emitProviderError(ProviderEventDetails.builder().errorCode(ErrorCode.PARSE_ERROR)
                            .message(message + "; " + served).build());
                } else {
                    log.warn("{}; {}", message, served);
                    emitProviderStale(ProviderEventDetails.builder().message(message + "; " + served).build());
                }
            }
        }
    }

    private enum Kind { FILE, SIDECAR, CONTROL_PLANE }

    /**
     * Builds a {@link GuidonProvider}. Exactly one source; every option has a default:
     * poll interval 1 s for a file, 30 s for a sidecar (its stream pushes changes; the poll is a safety net),
     * 5 s for the control plane; HTTP timeout 5 s; initialization timeout 10 s; event flush interval 10 s;
     * exposure reporting on (control plane source only); an event queue of 10,000; exposures of one
     * (flag, variant, targeting key) reported once per hour (at most 100,000 keys remembered per window).
     */
    public static final class Builder {
        private Kind kind;
        private Path file;
        private URI uri;
        private String sidecarKey;
        private String environment;
        private Duration pollInterval;
        private Duration timeout = Duration.ofSeconds(5);
        private Duration initTimeout = Duration.ofSeconds(10);
        private Duration eventFlushInterval = Duration.ofSeconds(10);
        private Duration exposureWindow = Duration.ofHours(1);
        private int maxExposureKeys = 100_000;
        private int eventQueueCapacity = 10_000;
        private int maxPendingBatches = 100;
        private boolean exposures = true;
        private TelemetryConfig telemetry;
        private java.time.InstantSource clock = java.time.InstantSource.system();

        private Builder() {
        }

        private Builder source(Kind k) {
            if (kind != null) {
                throw new IllegalStateException("a provider has one source; already " + kind);
            }
            kind = k;
            return this;
        }

        /** Flags from a flag document file (docs/flag-format.md), re-read when its content changes. */
        public Builder flagFile(Path file) {
            this.file = Objects.requireNonNull(file, "file");
            return source(Kind.FILE);
        }

        /**
         * Flags from a Guidon sidecar at {@code baseUrl} (such as {@code http://127.0.0.1:8080}; the sidecar answers
         * loopback names only unless its {@code http.allowed-hosts} lists others).
         */
        public Builder sidecar(URI baseUrl) {
            this.uri = Objects.requireNonNull(baseUrl, "baseUrl");
            return source(Kind.SIDECAR);
        }

        /**
         * Flags straight from the control plane at {@code baseUrl} with a sidecar key (role {@code sidecar}; the key
         * names its environment). {@code environment}, when not null, is checked against the key's: a key of another
         * environment is then a failure rather than silently serving that environment's flags.
         */
        public Builder controlPlane(URI baseUrl, String sidecarKey, String environment) {
            this.uri = Objects.requireNonNull(baseUrl, "baseUrl");
            this.sidecarKey = Objects.requireNonNull(sidecarKey, "sidecarKey");
            this.environment = environment;
            return source(Kind.CONTROL_PLANE);
        }

        /** {@link #controlPlane(URI, String, String)} without an environment check. */
        public Builder controlPlane(URI baseUrl, String sidecarKey) {
            return controlPlane(baseUrl, sidecarKey, null);
        }

        /** How often the source is checked for a new version (a file's content, a sidecar's or the control plane's). */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = positive(interval, "pollInterval");
            return this;
        }

        /** Bound of one HTTP exchange (connect, send, whole answer). */
        public Builder timeout(Duration timeout) {
            this.timeout = positive(timeout, "timeout");
            return this;
        }

        /** How long {@code initialize} (OpenFeature's {@code setProviderAndWait}) waits for the first flags. */
        public Builder initTimeout(Duration timeout) {
            this.initTimeout = positive(timeout, "initTimeout");
            return this;
        }

        /** How often recorded events are sent (they are also sent at every minute boundary). */
        public Builder eventFlushInterval(Duration interval) {
            this.eventFlushInterval = positive(interval, "eventFlushInterval");
            return this;
        }

        /** Whether evaluations are reported (counts and exposures) to the control plane; {@code track} always is. */
        public Builder exposureReporting(boolean on) {
            this.exposures = on;
            return this;
        }

        /** How long one (flag, variant, targeting key) exposure is reported once. */
        public Builder exposureWindow(Duration window) {
            this.exposureWindow = positive(window, "exposureWindow");
            return this;
        }

        /** Exposures plus {@code track} events held between two flushes before new ones are dropped (counted). */
        public Builder eventQueueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("eventQueueCapacity must be at least 1");
            }
            this.eventQueueCapacity = capacity;
            return this;
        }

        /**
         * Emit an OpenTelemetry {@code feature_flag.evaluation} event for every evaluation (ADR 0205), exported over
         * OTLP as {@code config} says ({@link TelemetryConfig#defaults} and its {@code with...} methods: endpoint,
         * protocol, headers, service name, sampling ratio, queue and batch). Off by default. The evaluation only
         * hands references to a bounded queue; one thread of the provider's exports; what does not fit is dropped
         * and counted ({@link GuidonProvider#droppedEvaluationEvents}). Applications that already run an OpenFeature
         * OpenTelemetry hook need not turn this on: the hook emits the same event for every provider.
         */
        public Builder evaluationEvents(TelemetryConfig config) {
            this.telemetry = Objects.requireNonNull(config, "config");
            return this;
        }

        /** "Now" for the engine's time operators (olderThan, newerThan); the system clock by default. */
        public Builder clock(java.time.InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public GuidonProvider build() {
            if (kind == null) {
                throw new IllegalStateException("choose a source: flagFile(Path), sidecar(URI) or controlPlane(URI, "
                        + "sidecarKey, environment)");
            }
            if (pollInterval == null) {
                pollInterval = switch (kind) {
                    case FILE -> Duration.ofSeconds(1);
                    case SIDECAR -> Duration.ofSeconds(30);
                    case CONTROL_PLANE -> Duration.ofSeconds(5);
                };
            }
            return new GuidonProvider(this);
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, not " + d);
            }
            return d;
        }
    }
}
