package io.guidon.controlplane.domain;

import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * A stored analysis of an experiment ({@code experiment_snapshots}): its sums as of an instant.
 *
 * @param day null for the current snapshot; else the UTC day whose end {@code asOf} is (the results over time)
 * @param asOf the instant the exposures and conversions were counted up to (exclusive), at most the experiment's end
 * @param computedAt when it was computed (the database's clock)
 * @param experimentVersion the experiment's version it was computed for
 * @param durationMs how long the computation took, in milliseconds
 */
public record ExperimentSnapshot(LocalDate day, OffsetDateTime asOf, OffsetDateTime computedAt,
        long experimentVersion, long durationMs, AnalysisSums sums) {
}
