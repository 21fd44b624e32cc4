package io.guidon.controlplane.ui.pages;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The one-time tokens of the forms whose answer shows a secret once (a new API key, a new webhook): 18 random bytes,
 * URL-safe base64. A resent form carries a used token, which {@code UiRouter.firstUseOfForm} refuses, so a reload
 * creates nothing and shows no secret.
 */
final class FormTokens {

    private final SecureRandom random = new SecureRandom();

    /** A new token. */
    String next() {
        byte[] b = new byte[18];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
