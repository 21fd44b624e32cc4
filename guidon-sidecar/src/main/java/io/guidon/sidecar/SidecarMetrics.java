package io.guidon.sidecar;

import io.guidon.engine.ErrorCode;
import io.guidon.engine.EvaluationResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sidecar's own meters: evaluations by flag, variant and reason; evaluation errors by code; the served flag
 * set's version, size, load time and age; reloads applied and rejected. Counter lookups on the evaluation path
 * are one map read keyed by the engine's shared result objects.
 */
public final class SidecarMetrics {

    private final MeterRegistry registry;
    private final boolean perFlag;
    private final ConcurrentHashMap<EvaluationResult, Counter> evaluations = new ConcurrentHashMap<>();
    private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
    private final Counter reloadsApplied;
    private final Counter reloadsRejected;

    public SidecarMetrics(MeterRegistry registry, FlagStore store, boolean perFlag, Clock clock) {
        this.registry = registry;
        this.perFlag = perFlag;
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(code, Counter.builder("guidon.evaluation.errors").description("Evaluations that failed, by code")
                    .tag("code", code.name()).register(registry));
        }
        reloadsApplied = Counter.builder("guidon.flagset.reloads").description("Flag documents loaded")
                .tag("result", "applied").register(registry);
        reloadsRejected = Counter.builder("guidon.flagset.reloads")
                .description("Flag documents loaded, or rejected as invalid (the last good set kept serving)")
                .tag("result", "rejected").register(registry);
        Gauge.builder("guidon.flagset.version", store, s -> s.current() == null ? 0 : s.current().version())
                .description("Version of the flag set being served (0: none yet)").register(registry);
        Gauge.builder("guidon.flagset.flags", store, s -> s.current() == null ? 0 : s.current().flags().size())
                .description("Flags in the set being served").register(registry);
        Gauge.builder("guidon.flagset.loaded.timestamp.seconds", store,
                        s -> s.current() == null ? 0 : s.current().loadedAt().toEpochMilli() / 1000.0)
                .description("When the set being served was loaded (Unix time)").register(registry);
        Gauge.builder("guidon.flagset.age.seconds", store,
                        s -> s.current() == null ? -1 : (clock.millis() - s.current().loadedAt().toEpochMilli()) / 1000.0)
                .description("Seconds since the set being served was loaded (-1: none yet)").register(registry);
    }

    public void evaluated(EvaluationResult result) {
        if (result.isError()) {
            errors.get(result.errorCode()).increment();
            return;
        }
        Counter c = evaluations.get(result);
        if (c == null) {
            c = Counter.builder("guidon.evaluations").description("Evaluations served, by flag, variant and reason")
                    .tags("flag", perFlag ? result.flagKey() : "all", "variant", perFlag ? result.variantKey() : "all",
                            "reason", result.reason().name())
                    .register(registry);
            if (evaluations.size() > 100_000) {
                evaluations.clear();
            }
            evaluations.put(result, c);
        }
        c.increment();
    }

    public void reloadApplied() {
        reloadsApplied.increment();
    }

    public void reloadRejected() {
        reloadsRejected.increment();
    }

    public MeterRegistry registry() {
        return registry;
    }
}
