package io.guidon.sidecar;

import io.guidon.protocol.EventRules;
import io.guidon.engine.EvaluationContext;
import io.guidon.engine.EvaluationResult;
import io.guidon.engine.Evaluator;
import io.guidon.engine.Flag;
import io.guidon.engine.FlagSet;
import io.guidon.telemetry.EvaluationEvents;
import io.micrometer.core.instrument.Counter;
import java.util.EnumMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every evaluation the sidecar serves goes through here, whatever the endpoint, so that each one is counted in the
 * metrics and the event sink, and the flags an application read become exposures (ADR 0203):
 * <ul>
 *   <li>{@link #read}: a single-flag evaluation (OFREP's {@code /ofrep/v1/evaluate/flags/{key}}, native
 *       {@code GET /v1/flags/{key}}): the application asked for this flag to use it, so it is counted and, with a
 *       targeting key, an exposure;</li>
 *   <li>{@link #inBulk}: a flag of a bulk evaluation (OFREP's {@code /ofrep/v1/evaluate/flags}, native
 *       {@code POST /v1/evaluate}, {@code GET /users/{id}/flags}): counted, never an exposure, since fetching
 *       every flag shows the user none of them; the application reports what it read with {@link #reported};</li>
 *   <li>{@link #reported}: a flag the application says it read after a bulk fetch ({@code POST /v1/exposures}),
 *       evaluated again now: an exposure of the variant it gives now, not counted (it served nothing).</li>
 * </ul>
 *
 * <p>An evaluation without a targeting key is counted but is no exposure: an anonymous read cannot be attributed
 * to anyone. A single read whose targeting key the control plane would refuse in an exposure
 * ({@link EventRules#targetingKey}: empty, over 256 characters, NUL, an unpaired surrogate) is still served and
 * counted, but its exposure is not recorded: it is counted in
 * {@code guidon_events_unrecordable_total{kind="exposure",reason}} and logged at most every
 * {@value #LOG_EVERY_MILLIS} ms (recording it would only have it refused upstream). Bulk evaluations record no
 * exposure, so they never count there. The check reads the key's characters and allocates nothing.
 */
public final class Evaluations {

    private static final Logger log = LoggerFactory.getLogger(Evaluations.class);
    static final long LOG_EVERY_MILLIS = 10_000;

    private final Evaluator evaluator;
    private final EventSink sink;
    private final SidecarMetrics metrics;
    private final EvaluationEvents otel;
    private final boolean otelOn;
    private final EnumMap<EventRules.Problem, Counter> unrecordable = new EnumMap<>(EventRules.Problem.class);
    private final AtomicLong lastLogged = new AtomicLong();
    private final AtomicLong unlogged = new AtomicLong();

    public Evaluations(Evaluator evaluator, EventSink sink, SidecarMetrics metrics) {
        this(evaluator, sink, metrics, EvaluationEvents.OFF);
    }

    /**
     * With {@code otel}: every single-flag evaluation ({@link #read}) is also handed to it as a
     * {@code feature_flag.evaluation} event (ADR 0205), without waiting or allocating.
     */
    public Evaluations(Evaluator evaluator, EventSink sink, SidecarMetrics metrics, EvaluationEvents otel) {
        this.evaluator = evaluator;
        this.sink = sink;
        this.metrics = metrics;
        this.otel = otel;
        this.otelOn = otel != EvaluationEvents.OFF;
        for (EventRules.Problem p : new EventRules.Problem[] {EventRules.Problem.EMPTY, EventRules.Problem.TOO_LONG,
                EventRules.Problem.NUL, EventRules.Problem.UNPAIRED_SURROGATE}) {
            unrecordable.put(p, Counter.builder("guidon.events.unrecordable").tag("kind", "exposure")
                    .tag("reason", p.label())
                    .description("Events served or received but not recorded because the control plane would refuse"
                            + " them, by kind and reason")
                    .register(metrics.registry()));
        }
    }

    /**
     * A single-flag evaluation against {@code snapshot}: counted, an exposure when the context has a (recordable)
     * targeting key, and an evaluation event (errors included) when OpenTelemetry events are on.
     */
    public EvaluationResult read(Snapshot snapshot, String key, EvaluationContext ctx) {
        EvaluationResult result = evaluator.evaluate(snapshot.flags(), key, ctx);
        count(result);
        String subject = ctx.targetingKey();
        boolean exposes = subject != null && !result.isError();
        // The clock is read only when something records the time: an anonymous read with events off reads none.
        long now = exposes || otelOn ? System.currentTimeMillis() : 0;
        if (exposes) {
            expose(result, subject, now);
        }
        if (otelOn) {
            otel.evaluated(result, subject, snapshot.version(), now);
        }
        return result;
    }

    /** One flag of a bulk evaluation: counted only. Allocates nothing beyond what the engine does. */
    public EvaluationResult inBulk(Flag flag, EvaluationContext ctx) {
        return count(evaluator.evaluate(flag, ctx));
    }

    /** One named flag of a bulk evaluation ({@code POST /v1/evaluate} with {@code "flags"}): counted only. */
    public EvaluationResult inBulk(FlagSet flags, String key, EvaluationContext ctx) {
        return count(evaluator.evaluate(flags, key, ctx));
    }

    /** One flag of a bulk evaluation with its explanation ({@code "explain": true}): counted only. */
    public Evaluator.Explanation explainInBulk(FlagSet flags, String key, EvaluationContext ctx) {
        Evaluator.Explanation e = evaluator.explain(flags, key, ctx);
        count(e.result());
        return e;
    }

    /**
     * A flag the application reports it read after a bulk fetch, for the subject {@code targetingKey} (required and
     * already checked by the caller): evaluated against {@code flags} now and, unless that fails (an unknown flag,
     * say), recorded as an exposure of the variant it gives now, whatever the application was served earlier. Not
     * counted as an evaluation: the bulk fetch was.
     */
    public EvaluationResult reported(FlagSet flags, String key, EvaluationContext ctx, String targetingKey) {
        EvaluationResult result = evaluator.evaluate(flags, key, ctx);
        if (!result.isError()) {
            sink.exposure(result, targetingKey, System.currentTimeMillis());
        }
        return result;
    }

    private EvaluationResult count(EvaluationResult result) {
        metrics.evaluated(result);
        if (!result.isError()) {
            sink.count(result);
        }
        return result;
    }

    private void expose(EvaluationResult result, String subject, long now) {
        if (subject == null) {
            return;
        }
        EventRules.Problem problem = EventRules.targetingKey(subject);
        if (problem != null) {
            unrecordable(problem, subject, result);
            return;
        }
        sink.exposure(result, subject, now);
    }

    private void unrecordable(EventRules.Problem problem, String subject, EvaluationResult result) {
        unrecordable.get(problem).increment();
        long now = System.currentTimeMillis();
        long last = lastLogged.get();
        if (now - last < LOG_EVERY_MILLIS || !lastLogged.compareAndSet(last, now)) {
            unlogged.incrementAndGet();
            return;
        }
        long more = unlogged.getAndSet(0);
        log.warn("served {} = {} but did not record the exposure: the targeting key ({} characters) {}{}",
                result.flagKey(), result.variantKey(), subject.codePointCount(0, subject.length()),
                problem.describe(subject),
                more == 0 ? "" : " (and " + more + " more such exposures since the last message)");
    }

    /** A conversion or custom event that passed {@link EventRules}; see {@code NativeApi.track}. */
    public void track(TrackEvent event) {
        sink.track(event);
    }
}
