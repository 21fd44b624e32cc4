package io.guidon.sidecar;

import io.guidon.engine.EvaluationContext;
import io.guidon.engine.EvaluationResult;
import io.guidon.engine.Evaluator;
import io.guidon.engine.Flag;
import io.guidon.engine.FlagSet;

/**
 * Every evaluation the sidecar serves goes through here, whatever the endpoint, so that each one is counted in
 * the metrics and handed to the event sink as an exposure.
 */
public final class Evaluations {

    private final Evaluator evaluator;
    private final EventSink sink;
    private final SidecarMetrics metrics;

    public Evaluations(Evaluator evaluator, EventSink sink, SidecarMetrics metrics) {
        this.evaluator = evaluator;
        this.sink = sink;
        this.metrics = metrics;
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
            sink.exposure(result, ctx.targetingKey(), System.currentTimeMillis());
        }
        return result;
    }

    public void track(TrackEvent event) {
        sink.track(event);
    }
}
