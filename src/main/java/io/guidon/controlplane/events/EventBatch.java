package io.guidon.controlplane.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One batch of events from a sidecar, read and validated by {@link EventBatchReader}: evaluation counts per flag,
 * variant and minute, exposures, and conversions. Every key, name and time in it has been checked.
 */
public record EventBatch(UUID batchId, UUID sidecarId, Instant createdAt, List<Count> counts,
        List<Exposure> exposures, List<Conversion> conversions) {

    /** {@code count} evaluations of {@code flag} serving {@code variant} in the minute starting at {@code minute}. */
    public record Count(String flag, String variant, Instant minute, long count) {
    }

    /** {@code flag} served {@code variant} to {@code targetingKey} at {@code timestamp}. */
    public record Exposure(String flag, String variant, String targetingKey, Instant timestamp) {
    }

    /** {@code targetingKey} did {@code event} (with an optional {@code value}) at {@code timestamp}. */
    public record Conversion(String targetingKey, String event, Double value, Instant timestamp) {
    }

    /** Counts + exposures + conversions. */
    public int events() {
        return counts.size() + exposures.size() + conversions.size();
    }
}
