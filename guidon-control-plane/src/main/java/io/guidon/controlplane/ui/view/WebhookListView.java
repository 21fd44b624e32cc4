package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.domain.WebhookSubscription;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code /ui/webhooks}: the tenant's subscriptions (URL, events, state, health) and the form that makes one.
 *
 * @param groups the event types to choose from, by resource
 * @param next the cursor of the next page, or null
 */
public record WebhookListView(Shell shell, WebhookForm form, Map<String, List<String>> groups,
        List<WebhookSubscription> webhooks, long total, String notice, String error, String next, boolean firstPage,
        Instant now) {

    /** "3 min ago" for {@code t}. */
    public String ago(java.time.OffsetDateTime t) {
        return Moments.ago(t, now);
    }
}
