package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.domain.ApiKey;

/**
 * The page shown once, as the answer to the form's POST, after a key is created: its whole text (the secret),
 * which is never stored and never shown again, with a copy button.
 *
 * @param key the key as listed
 * @param secret the whole key text {@code gdn_<prefix>_<secret>}
 */
public record KeyCreatedView(Shell shell, ApiKey key, String secret) {
}
