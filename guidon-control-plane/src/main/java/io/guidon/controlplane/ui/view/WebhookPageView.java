package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.domain.WebhookDelivery;
import io.guidon.controlplane.domain.WebhookSubscription;
import java.time.Instant;
import java.util.List;

/**
 * {@code /ui/webhooks/{id}}: a subscription, why it was disabled if the server did, its endpoint's health, and its
 * delivery log (newest first, each with its attempts; a button to send one again, and a form to send again every
 * failed one in a time range).
 *
 * @param status the log's status filter, or null
 * @param next the cursor of the log's next page, or null
 */
public record WebhookPageView(Shell shell, WebhookSubscription webhook, List<WebhookDelivery> deliveries, long total,
        String status, String next, boolean firstPage, String notice, String error, Instant now) {

    /** "3 min ago" for {@code t}. */
    public String ago(java.time.OffsetDateTime t) {
        return Moments.ago(t, now);
    }

    /** The delivery log's URL with status filter {@code s} (null: all). */
    public String filter(String s) {
        return "/ui/webhooks/" + webhook.id() + (s == null ? "" : "?status=" + s);
    }
}
