package io.guidon.controlplane.domain;

import java.time.OffsetDateTime;

/** An environment row: its document version and change-log floor, and its own revision (the resource's ETag). */
public record Environment(long id, String key, String name, String description, long version, long logFloor, int revision,
        OffsetDateTime createdAt, OffsetDateTime updatedAt) {
}
