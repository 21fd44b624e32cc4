package io.guidon.sidecar;

import io.guidon.engine.EvaluationResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The standalone sink: nothing leaves the process, but what would have is counted in the metrics
 * ({@code guidon_sink_exposures_total} by flag and variant: exposures with a subject, before the per-window
 * deduplication a connected sidecar applies; {@code guidon_sink_track_events_total} by event, with at most
 * {@value #MAX_EVENT_NAMES} distinct event names before the rest count as {@code other}). Evaluation counts are
 * already {@code guidon_evaluations_total} ({@link SidecarMetrics}), so {@link #count} does nothing here.
 */
public final class CountingEventSink implements EventSink {

    static final int MAX_EVENT_NAMES = 200;

    private final MeterRegistry registry;
    private final boolean perFlag;
    private final ConcurrentHashMap<EvaluationResult, Counter> exposures = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> tracks = new ConcurrentHashMap<>();
    private final Counter allExposures;

    public CountingEventSink(MeterRegistry registry, boolean perFlag) {
        this.registry = registry;
        this.perFlag = perFlag;
        this.allExposures = perFlag ? null : Counter.builder("guidon.sink.exposures")
                .description("Exposures recorded by the standalone event sink").tags("flag", "all", "variant", "all")
                .register(registry);
    }

    /** Nothing: {@link SidecarMetrics#evaluated} counts every evaluation already. */
    @Override
    public void count(EvaluationResult result) {
    }

    @Override
    public void exposure(EvaluationResult result, String targetingKey, long timestampMillis) {
        if (!perFlag) {
            allExposures.increment();
            return;
        }
        // Keyed by the result object (one per flag and outcome, compared by identity); the registry hands back the
        // same counter for the same tags, so counts continue across reloads, and the map is dropped if reloads
        // ever grow it large.
        Counter c = exposures.get(result);
        if (c == null) {
            c = Counter.builder("guidon.sink.exposures").description("Exposures recorded by the standalone event sink")
                    .tags("flag", result.flagKey(), "variant", result.variantKey()).register(registry);
            if (exposures.size() > 100_000) {
                exposures.clear();
            }
            exposures.put(result, c);
        }
        c.increment();
    }

    @Override
    public void track(TrackEvent event) {
        Counter c = tracks.get(event.event());
        if (c == null) {
            boolean full = tracks.size() >= MAX_EVENT_NAMES;
            c = Counter.builder("guidon.sink.track.events").description("Tracked events recorded by the standalone sink")
                    .tag("event", full ? "other" : event.event()).register(registry);
            if (!full) {
                tracks.putIfAbsent(event.event(), c);
            }
        }
        c.increment();
    }
}
