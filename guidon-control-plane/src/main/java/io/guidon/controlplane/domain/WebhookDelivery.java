package io.guidon.controlplane.domain;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * One event for one subscription (V15 {@code webhook_deliveries}): its {@code webhook-id} ({@code messageId}), event
 * type, the audit entry it came from, status ({@code pending}, {@code delivered}, {@code failed}), attempts made,
 * when the next one is due, the last answer, and (when read one by one) its attempts, oldest first.
 */
public record WebhookDelivery(long id, long subscriptionId, String messageId, String eventType, long auditId,
        String status, int attempts, OffsetDateTime nextAttemptAt, Integer lastStatus, String lastError,
        OffsetDateTime createdAt, OffsetDateTime deliveredAt, OffsetDateTime failedAt, String payload,
        List<Attempt> attemptLog) {

    /** The statuses of a delivery. */
    public static final List<String> STATUSES = List.of("pending", "delivered", "failed");

    /**
     * One HTTP request of a delivery: when, the HTTP status (null: no answer, {@code error} says why), how long it
     * took, the first 1 KiB of the answer's body, and the replica that made it.
     */
    public record Attempt(long id, OffsetDateTime at, Integer status, String error, int latencyMs, String response,
            String replica) {
    }

    /** This delivery with its attempts. */
    public WebhookDelivery withAttempts(List<Attempt> attempts) {
        return new WebhookDelivery(id, subscriptionId, messageId, eventType, auditId, status, this.attempts,
                nextAttemptAt, lastStatus, lastError, createdAt, deliveredAt, failedAt, payload, attempts);
    }
}
