package io.guidon.controlplane.domain;

import java.time.OffsetDateTime;

/**
 * An environment row: its document version and change-log floor, and its own revision (the resource's ETag).
 * {@code protectedEnvironment} marks an environment whose changes deserve a second look (production): consoles ask
 * for a confirmation naming it; the API treats it like any other.
 */
public record Environment(long id, String key, String name, String description, boolean protectedEnvironment,
        long version, long logFloor, int revision, OffsetDateTime createdAt, OffsetDateTime updatedAt) {
}
