package io.guidon.controlplane.domain;

import java.util.UUID;

/**
 * Who makes a change, for the audit log: the tenant, the key (id and name; no id for {@code guidon admin bootstrap},
 * which has no key yet) and the request id.
 */
public record Actor(long tenantId, String tenantKey, UUID keyId, String keyName, String requestId) {
}
