package io.guidon.controlplane.auth;

import java.util.UUID;

/**
 * The caller of a request: the key it authenticated with, its tenant, and for a sidecar key its environment.
 * Every query the server makes on the caller's behalf filters by {@link #tenantId()}.
 */
public record Principal(UUID keyId, String keyName, Role role, long tenantId, String tenantKey,
        Long environmentId, String environmentKey) {
}
