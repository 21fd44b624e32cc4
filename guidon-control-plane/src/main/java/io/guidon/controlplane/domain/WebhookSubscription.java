package io.guidon.controlplane.domain;

import java.time.OffsetDateTime;

/**
 * A webhook subscription as stored (V15 {@code webhook_subscriptions}): what it asks for ({@link WebhookSpec}), its
 * version (its ETag, raised by every change), why the server disabled it (or null), whether a rotation's previous
 * secret still signs and until when, and its endpoint's health (the circuit breaker's state, since when every
 * attempt failed, the last success). The secrets themselves are never part of it: {@code store} reads them for
 * signing only.
 */
public record WebhookSubscription(long id, WebhookSpec spec, long version, String disabledReason,
        OffsetDateTime disabledAt, OffsetDateTime previousSecretUntil, int consecutiveFailures,
        OffsetDateTime circuitOpenUntil, OffsetDateTime failingSince, OffsetDateTime lastSuccessAt,
        OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    /** The audit log's resource type of a subscription (its resource key is its id). */
    public static final String RESOURCE_TYPE = "webhook";
}
