package io.guidon.controlplane.domain;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A sidecar instance as the control plane last saw it fetch environment {@code environment}'s flags: the version it
 * holds ({@code version}) next to the environment's current one ({@code environmentVersion}), so that a reader can
 * tell whether a change has reached it; its key, User-Agent and address; when it was first and last seen.
 */
public record SidecarSighting(String environment, String instance, UUID keyId, String keyName, String userAgent,
        long version, long environmentVersion, String address, OffsetDateTime firstSeen, OffsetDateTime lastSeen) {
}
