package io.guidon.controlplane.domain;

import java.time.OffsetDateTime;

/**
 * A metric as stored (V13 {@code metrics}): what it measures ({@link MetricSpec}) and its version, which every edit
 * raises (the experiments using it are then recomputed: their own version rises in the same transaction).
 *
 * @param id the row's id (experiment_metrics refers to it)
 * @param version 1 when made, plus one per edit; the resource's ETag
 */
public record Metric(long id, MetricSpec spec, long version, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    /** The audit log's resource type of a metric (its resource key is the metric's key). */
    public static final String RESOURCE_TYPE = "metric";

    /** The metric's key. */
    public String key() {
        return spec.key();
    }
}
