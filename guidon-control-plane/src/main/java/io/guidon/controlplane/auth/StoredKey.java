package io.guidon.controlplane.auth;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A key's row as authentication needs it: the hash to compare, whether it is revoked, and who it is. */
public record StoredKey(UUID id, String name, Role role, long tenantId, String tenantKey, Long environmentId,
        String environmentKey, byte[] hash, OffsetDateTime revokedAt) {

    public Principal principal() {
        return new Principal(id, name, role, tenantId, tenantKey, environmentId, environmentKey);
    }
}
