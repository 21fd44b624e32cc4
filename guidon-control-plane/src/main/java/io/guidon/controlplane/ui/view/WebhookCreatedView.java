package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.domain.WebhookSubscription;

/**
 * The page shown once, as the answer to the form's POST (or a rotation's), with a subscription's signing secret
 * ({@code whsec_...}): it is shown nowhere else, with a copy button.
 *
 * @param rotated whether the secret replaced another (which still signs until {@code previousSecretUntil})
 */
public record WebhookCreatedView(Shell shell, WebhookSubscription webhook, String secret, boolean rotated) {
}
