package io.guidon.controlplane.domain;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One event an application sent with {@code POST /v1/track}, as stored by event ingest ({@code conversion_events}):
 * when, by whom ({@code targetingKey}), which event, its value (null: none) and the batch that brought it.
 */
public record Conversion(OffsetDateTime occurredAt, String targetingKey, String event, Double value, UUID batchId) {
}
