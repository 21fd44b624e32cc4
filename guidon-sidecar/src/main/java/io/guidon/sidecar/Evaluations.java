package io.guidon.sidecar;

import io.guidon.protocol.EventRules;
import io.guidon.engine.EvaluationContext;
import io.guidon.engine.EvaluationResult;
import io.guidon.engine.Evaluator;
import io.guidon.engine.Flag;
import io.guidon.engine.FlagSet;
import io.micrometer.core.instrument.Counter;
import java.util.EnumMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every evaluation the sidecar serves goes through here, whatever the endpoint, so that each one is counted in
 * the metrics and handed to the event sink as an exposure.
 *
 * <p>An evaluation whose targeting key the control plane would refuse in an exposure ({@link EventRules#targetingKey}:
 * empty, over 256 characters, NUL, an unpaired surrogate) is still served and still counted per flag and variant,
 * but its exposure is not recorded (the sink gets no subject): it is counted in
 * {@code guidon_events_unrecordable_total{kind="exposure",reason}} and logged at most every
 * {@value #LOG_EVERY_MILLIS} ms. Recording it would only have it refused upstream. The check reads the key's
 * characters and allocates nothing.
 */
public final class Evaluations {

    private static final Logger log = LoggerFactory.getLogger(Evaluations.class);
    static final long LOG_EVERY_MILLIS = 10_000;

    private final Evaluator evaluator;
    private final EventSink sink;
    private final SidecarMetrics metrics;
    private final EnumMap<EventRules.Problem, Counter> unrecordable = new EnumMap<>(EventRules.Problem.class);
    private final AtomicLong lastLogged = new AtomicLong();
    private final AtomicLong unlogged = new AtomicLong();

    public Evaluations(Evaluator evaluator, EventSink sink, SidecarMetrics metrics) {
        this.evaluator = evaluator;
        this.sink = sink;
        this.metrics = metrics;
        for (EventRules.Problem p : new EventRules.Problem[] {EventRules.Problem.EMPTY, EventRules.Problem.TOO_LONG,
                EventRules.Problem.NUL, EventRules.Problem.UNPAIRED_SURROGATE}) {
            unrecordable.put(p, Counter.builder("guidon.events.unrecordable").tag("kind", "exposure")
                    .tag("reason", p.label())
                    .description("Events served or received but not recorded because the control plane would refuse"
                            + " them, by kind and reason")
                    .register(metrics.registry()));
        }
    }

    public EvaluationResult evaluate(FlagSet flags, String key, EvaluationContext ctx) {
        return record(evaluator.evaluate(flags, key, ctx), ctx);
    }

    public EvaluationResult evaluate(Flag flag, EvaluationContext ctx) {
        return record(evaluator.evaluate(flag, ctx), ctx);
    }

    public Evaluator.Explanation explain(FlagSet flags, String key, EvaluationContext ctx) {
        Evaluator.Explanation e = evaluator.explain(flags, key, ctx);
        record(e.result(), ctx);
        return e;
    }

    private EvaluationResult record(EvaluationResult result, EvaluationContext ctx) {
        metrics.evaluated(result);
        if (!result.isError()) {
            String subject = ctx.targetingKey();
            if (subject != null) {
                EventRules.Problem problem = EventRules.targetingKey(subject);
                if (problem != null) {
                    unrecordable(problem, subject, result);
                    subject = null;
                }
            }
            sink.exposure(result, subject, System.currentTimeMillis());
        }
        return result;
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
