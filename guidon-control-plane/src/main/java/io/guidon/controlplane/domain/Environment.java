package io.guidon.controlplane.domain;

import java.time.OffsetDateTime;

/**
 * An environment row: its document version and change-log floor, and its own revision (the resource's ETag).
 * {@code protectedEnvironment} marks an environment whose changes deserve a second look (production): consoles ask
 * for a confirmation naming it; the API treats it like any other. {@code requiredApprovals} (0 to
 * {@link #MAX_APPROVALS}, admins set it): how many approvals a change of what it serves needs (0: none, changes apply
 * at once; docs/adr/0115-approvals.md).
 */
public record Environment(long id, String key, String name, String description, boolean protectedEnvironment,
        long version, long logFloor, int revision, OffsetDateTime createdAt, OffsetDateTime updatedAt,
        int requiredApprovals) {

    /** The most approvals an environment may require (the table's check too). */
    public static final int MAX_APPROVALS = 10;

    /** An environment whose changes apply at once. */
    public Environment(long id, String key, String name, String description, boolean protectedEnvironment,
            long version, long logFloor, int revision, OffsetDateTime createdAt, OffsetDateTime updatedAt) {
        this(id, key, name, description, protectedEnvironment, version, logFloor, revision, createdAt, updatedAt, 0);
    }

    /** Whether its changes need approvals. */
    public boolean gated() {
        return requiredApprovals > 0;
    }
}
