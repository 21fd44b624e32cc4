package io.guidon.controlplane.domain;

import java.util.UUID;

/**
 * Who makes a change, for the audit log: the tenant, the key (id and name; no id for {@code guidon admin bootstrap},
 * which has no key yet), the request id, and the {@code agent} that acted for the key, or null when the key's own
 * request made the change. An agent is the server acting later on a key's behalf: {@code "scheduler"} applying a
 * scheduled change, {@code "rollout-plan"} advancing or rolling back a plan, {@code "change-request"} applying an
 * approved request; the key is then the one that scheduled, started or applied it.
 */
public record Actor(long tenantId, String tenantKey, UUID keyId, String keyName, String requestId, String agent) {

    /** A key acting itself, in its own request. */
    public Actor(long tenantId, String tenantKey, UUID keyId, String keyName, String requestId) {
        this(tenantId, tenantKey, keyId, keyName, requestId, null);
    }

    /** This key's change made by {@code agent} on its behalf, under {@code requestId} (the agent's own run). */
    public Actor actingFor(String agent, String requestId) {
        return new Actor(tenantId, tenantKey, keyId, keyName, requestId, agent);
    }
}
