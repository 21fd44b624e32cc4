package io.guidon.controlplane.events;

/**
 * Whose events a batch holds: the tenant and environment of the sidecar key that sent it, by id (what the event
 * tables store) and by key (what messages to Kafka and exports name).
 */
public record EventSource(long tenantId, String tenantKey, long environmentId, String environmentKey) {
}
