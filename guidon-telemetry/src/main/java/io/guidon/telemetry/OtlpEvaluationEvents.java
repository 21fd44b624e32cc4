package io.guidon.telemetry;

import io.guidon.engine.EvaluationResult;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporterBuilder;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * Evaluation events exported over OTLP by the OpenTelemetry Java SDK (ADR 0205). The evaluation path only
 * {@linkplain EventRing#offer copies references into a preallocated ring} (no allocation, no lock, no waiting; a
 * full ring drops the event and counts it in {@link #dropped}). One daemon thread of its own drains the ring: it
 * turns each event into an SDK log record ({@code feature_flag.evaluation} with the conventions' attributes, see
 * {@link FeatureFlagEvents}) and exports them in batches of {@code batchSize}, at least every {@code flushInterval},
 * through the SDK's OTLP exporter (http/protobuf or grpc), waiting for each export (bounded by {@code timeout}):
 * while the collector is slow or away the ring fills and new events are dropped, counted, never waited for. A batch
 * whose export fails (after the exporter's own retries) is counted in {@link #failed} and logged (at most every
 * {@value #LOG_EVERY_MILLIS} ms).
 *
 * <p>Sampling happens before the hand-off: with a ratio below 1 each evaluation is kept with that probability
 * ({@link ThreadLocalRandom}, no allocation); the rest count in {@link #sampledOut}.
 */
public final class OtlpEvaluationEvents implements EvaluationEvents, AutoCloseable {

    private static final org.slf4j.Logger log = LoggerFactory.getLogger(OtlpEvaluationEvents.class);
    static final long LOG_EVERY_MILLIS = 10_000;
    /** How long the drain thread sleeps when the ring is empty: bounds an event's wait beyond the flush interval. */
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final TelemetryConfig config;
    private final String providerName;
    private final Supplier<String> flagSetId;
    private final EventRing ring;
    private final LongAdder dropped = new LongAdder();
    private final LongAdder sampledOut = new LongAdder();
    private final AtomicLong exported = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final SdkLoggerProvider loggerProvider;
    private final LogRecordExporter exporter;
    private final Logger logger;
    /** Filled by {@link Collector} on the drain thread while it emits; exported and cleared by the same thread. */
    private final List<LogRecordData> batch = new ArrayList<>();
    private final Thread drain;
    private volatile boolean stopping;
    private long lastFailureLog;
    private long unloggedFailures;

    /**
     * Builds the exporter and starts the drain thread. {@code providerName} is {@code feature_flag.provider.name};
     * {@code scope} the instrumentation scope's name; {@code flagSetId} is read by the drain thread once per batch
     * ({@code feature_flag.set.id}; null: none); {@code resource} adds to the SDK's default resource and
     * {@code service.name}.
     */
    public OtlpEvaluationEvents(TelemetryConfig config, String providerName, String scope, Supplier<String> flagSetId,
            Map<String, String> resource) {
        this(config, providerName, scope, flagSetId, resource, exporter(config));
    }

    OtlpEvaluationEvents(TelemetryConfig config, String providerName, String scope, Supplier<String> flagSetId,
            Map<String, String> resource, LogRecordExporter exporter) {
        this.config = config;
        this.providerName = providerName;
        this.flagSetId = flagSetId;
        this.ring = new EventRing(config.queueSize());
        this.exporter = exporter;
        var attributes = Attributes.builder().put("service.name", config.serviceName());
        resource.forEach(attributes::put);
        this.loggerProvider = SdkLoggerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(attributes.build())))
                .addLogRecordProcessor(new Collector())
                .build();
        this.logger = loggerProvider.get(scope);
        this.drain = new Thread(this::run, "guidon-otel-events");
        drain.setDaemon(true);
        drain.start();
    }

    private static LogRecordExporter exporter(TelemetryConfig config) {
        if (config.protocol() == TelemetryConfig.Protocol.GRPC) {
            OtlpGrpcLogRecordExporterBuilder b = OtlpGrpcLogRecordExporter.builder()
                    .setEndpoint(config.exportUrl()).setTimeout(config.timeout());
            config.headers().forEach(b::addHeader);
            return b.build();
        }
        OtlpHttpLogRecordExporterBuilder b = OtlpHttpLogRecordExporter.builder()
                .setEndpoint(config.exportUrl()).setTimeout(config.timeout());
        config.headers().forEach(b::addHeader);
        return b.build();
    }

    // ------------------------------------------------------------------ the evaluation path

    @Override
    public void evaluated(EvaluationResult result, String contextId, long version, long epochMillis) {
        if (sampled()) {
            offer(result, result.flagKey(), null, null, contextId, version, epochMillis);
        }
    }

    @Override
    public void failed(String flagKey, String errorType, String message, String contextId, long version,
            long epochMillis) {
        if (sampled()) {
            offer(null, flagKey, errorType, message, contextId, version, epochMillis);
        }
    }

    private boolean sampled() {
        double ratio = config.samplingRatio();
        if (ratio >= 1.0 || ThreadLocalRandom.current().nextDouble() < ratio) {
            return true;
        }
        sampledOut.increment();
        return false;
    }

    private void offer(EvaluationResult result, String flagKey, String errorType, String message, String contextId,
            long version, long epochMillis) {
        if (stopping || !ring.offer(result, flagKey, errorType, message, contextId, version, epochMillis)) {
            dropped.increment();
        }
    }

    // ------------------------------------------------------------------ counters

    /** Events exported (the collector accepted their batch). */
    public long exported() {
        return exported.get();
    }

    /** Events dropped because the queue was full (or arrived after {@link #close}). */
    public long dropped() {
        return dropped.sum();
    }

    /** Events whose export failed (the collector refused or could not be reached, after the exporter's retries). */
    public long failed() {
        return failed.get();
    }

    /** Evaluations left out by the sampling ratio. */
    public long sampledOut() {
        return sampledOut.sum();
    }

    /** Events waiting for export or being exported. */
    public int queued() {
        return ring.size() + batchSizeNow;
    }

    /** The queue's capacity (the configured size rounded up to a power of two). */
    public int capacity() {
        return ring.capacity();
    }

    private volatile int batchSizeNow;

    // ------------------------------------------------------------------ the drain thread

    private void run() {
        long interval = config.flushInterval().toNanos();
        long nextFlush = System.nanoTime() + interval;
        String setId = flagSetId.get();
        while (true) {
            boolean last = stopping;
            int drained = 0;
            EventRing.Slot s;
            while (batch.size() < config.batchSize() && (s = ring.peek()) != null) {
                if (batch.isEmpty()) {
                    setId = flagSetId.get();
                }
                emit(s, setId);
                ring.release(s);
                drained++;
            }
            batchSizeNow = batch.size();
            long now = System.nanoTime();
            if (batch.size() >= config.batchSize() || (!batch.isEmpty() && (now - nextFlush >= 0 || last))) {
                export();
                nextFlush = System.nanoTime() + interval;
            } else if (batch.isEmpty() && now - nextFlush >= 0) {
                nextFlush = now + interval;
            }
            if (last && ring.peek() == null && batch.isEmpty()) {
                return;
            }
            if (drained == 0 && !last) {
                LockSupport.parkNanos(Math.max(1, Math.min(IDLE_PARK_NANOS, nextFlush - now)));
            }
            if (Thread.interrupted() && stopping) {
                dropped.add(ring.size() + batch.size());
                return;
            }
        }
    }

    /** One slot as a log record: emitted through the SDK, collected into {@link #batch} by {@link Collector}. */
    private void emit(EventRing.Slot s, String setId) {
        LogRecordBuilder b = logger.logRecordBuilder()
                .setEventName(FeatureFlagEvents.EVENT_NAME)
                .setContext(Context.root())
                .setTimestamp(s.epochMillis, TimeUnit.MILLISECONDS)
                .setAttribute(FeatureFlagEvents.KEY, s.flagKey)
                .setAttribute(FeatureFlagEvents.PROVIDER_NAME, providerName);
        EvaluationResult r = s.result;
        if (r != null && !r.isError()) {
            b.setAttribute(FeatureFlagEvents.RESULT_VARIANT, r.variantKey());
            b.setAttribute(FeatureFlagEvents.RESULT_REASON, FeatureFlagEvents.reason(r.reason()));
            if (config.value()) {
                value(b, r);
            }
        } else {
            String type = r != null ? FeatureFlagEvents.errorType(r.errorCode()) : s.errorType;
            String message = r != null ? r.errorDetails() : s.errorMessage;
            b.setAttribute(FeatureFlagEvents.RESULT_REASON, FeatureFlagEvents.reason(io.guidon.engine.Reason.ERROR));
            b.setAttribute(FeatureFlagEvents.ERROR_TYPE, type);
            if (message != null) {
                b.setAttribute(FeatureFlagEvents.ERROR_MESSAGE, message);
            }
        }
        if (config.contextId() && s.contextId != null) {
            b.setAttribute(FeatureFlagEvents.CONTEXT_ID, s.contextId);
        }
        if (setId != null) {
            b.setAttribute(FeatureFlagEvents.SET_ID, setId);
        }
        if (s.version >= 0) {
            b.setAttribute(FeatureFlagEvents.VERSION, Long.toString(s.version));
        }
        b.emit();
    }

    /**
     * {@code feature_flag.result.value}: booleans, strings, integers and doubles as attributes of their type; an
     * object (the conventions' "any") as its JSON text, which every backend can show.
     */
    private void value(LogRecordBuilder b, EvaluationResult r) {
        Object v = r.value();
        String name = FeatureFlagEvents.RESULT_VALUE;
        if (v instanceof Boolean x) {
            b.setAttribute(name, x);
        } else if (v instanceof String x) {
            b.setAttribute(name, x);
        } else if (v instanceof Long x) {
            b.setAttribute(name, (long) x);
        } else if (v instanceof Double x) {
            b.setAttribute(name, (double) x);
        } else if (r.variant() != null) {
            b.setAttribute(name, r.variant().json());
        }
    }

    private void export() {
        List<LogRecordData> records = List.copyOf(batch);
        batch.clear();
        CompletableResultCode result;
        try {
            result = exporter.export(records).join(config.timeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            result = CompletableResultCode.ofExceptionalFailure(e);
        }
        if (result.isSuccess()) {
            exported.addAndGet(records.size());
            batchSizeNow = 0;
            return;
        }
        failed.addAndGet(records.size());
        batchSizeNow = 0;
        long now = System.currentTimeMillis();
        if (now - lastFailureLog < LOG_EVERY_MILLIS) {
            unloggedFailures++;
            return;
        }
        lastFailureLog = now;
        Throwable cause = result.getFailureThrowable();
        log.warn("could not export {} evaluation event(s) to {} ({}): {}{}", records.size(), config.exportUrl(),
                config.protocol().setting(), cause == null ? (result.isDone() ? "refused" : "timed out after "
                        + config.timeout().toMillis() + " ms") : cause.toString(),
                unloggedFailures == 0 ? "" : " (and " + unloggedFailures + " more failed exports since the last"
                        + " message)");
        unloggedFailures = 0;
    }

    /**
     * Stops taking events, exports what waits (for at most {@code grace}; what is left then is counted as dropped)
     * and shuts the SDK down. Blocks; call it off any event loop.
     */
    public void close(Duration grace) {
        stopping = true;
        LockSupport.unpark(drain);
        try {
            drain.join(grace.toMillis());
            if (drain.isAlive()) {
                drain.interrupt();
                drain.join(1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loggerProvider.shutdown().join(1, TimeUnit.SECONDS);
        exporter.shutdown().join(1, TimeUnit.SECONDS);
    }

    /** {@link #close(Duration)} with the export timeout and a second. */
    @Override
    public void close() {
        close(config.timeout().plusSeconds(1));
    }

    /** Collects each record emitted by the drain thread into the batch it exports next. */
    private final class Collector implements LogRecordProcessor {
        @Override
        public void onEmit(Context context, ReadWriteLogRecord record) {
            batch.add(record.toLogRecordData());
        }
    }
}
