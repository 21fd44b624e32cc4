package io.guidon.sidecar;

import io.guidon.engine.ErrorCode;
import io.guidon.engine.EvaluationResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sidecar's own meters: evaluations by flag, variant and reason; evaluation errors by code; the served flag
 * set's version, size, load time and age; reloads applied and rejected. Counting an evaluation is one map read
 * keyed by the engine's shared result objects and one add to the event loop's own counts ({@link ThreadCounts},
 * ADR 0207), which {@code guidon_evaluations_total} sums when it is read.
 */
public final class SidecarMetrics {

    private final MeterRegistry registry;
    private final boolean perFlag;
    private final ConcurrentHashMap<EvaluationResult, Slot> evaluations = new ConcurrentHashMap<>();
    /** Each set of tags of {@code guidon.evaluations} once (several results may share one without per-flag tags). */
    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
    private final AtomicInteger nextSlot = new AtomicInteger();
    private final ThreadCounts counts = new ThreadCounts();
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
        Slot slot = evaluations.get(result);
        if (slot == null) {
            slot = slot(perFlag ? result.flagKey() : "all", perFlag ? result.variantKey() : "all",
                    result.reason().name());
            if (evaluations.size() > 100_000) {
                evaluations.clear();
            }
            evaluations.put(result, slot);
        }
        counts.increment(slot.id);
    }

    /** The count of one set of tags of {@code guidon.evaluations}, and the counter that reads it. */
    private record Slot(int id) {
    }

    /**
     * The slot of these tags, registering its counter the first time: a function counter reading the per-thread
     * counts ({@link ThreadCounts}), so that no two event loops add to the same memory.
     */
    private Slot slot(String flag, String variant, String reason) {
        return slots.computeIfAbsent(flag + '\u0000' + variant + '\u0000' + reason, k -> {
            int id = nextSlot.getAndIncrement();
            // The registry holds "counts" weakly; this instance holds it for the life of the process.
            FunctionCounter.builder("guidon.evaluations", counts, c -> c.sum(id))
                    .description("Evaluations served, by flag, variant and reason")
                    .tags("flag", flag, "variant", variant, "reason", reason)
                    .register(registry);
            return new Slot(id);
        });
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
