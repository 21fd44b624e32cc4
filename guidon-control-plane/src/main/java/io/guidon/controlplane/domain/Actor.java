package io.guidon.controlplane.domain;

import io.guidon.controlplane.auth.Principal;
import java.util.UUID;

/** Who makes a change, for the audit log: the tenant, the key (id and name) and the request id. */
public record Actor(long tenantId, String tenantKey, UUID keyId, String keyName, String requestId) {

    public static Actor of(Principal p, String requestId) {
        return new Actor(p.tenantId(), p.tenantKey(), p.keyId(), p.keyName(), requestId);
    }
}
