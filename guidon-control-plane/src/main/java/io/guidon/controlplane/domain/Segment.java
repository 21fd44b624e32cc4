package io.guidon.controlplane.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;

/** A segment of one environment: its description and definition ({@code included}, {@code excluded}, {@code rules}). */
public record Segment(long id, String key, String description, ObjectNode definition, int revision,
        OffsetDateTime createdAt, OffsetDateTime updatedAt) {
}
