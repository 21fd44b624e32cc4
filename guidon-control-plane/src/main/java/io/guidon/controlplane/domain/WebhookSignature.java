package io.guidon.controlplane.domain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook signatures by the Standard Webhooks specification 1.0.0 (https://www.standardwebhooks.com, "Signature
 * scheme" and "Webhook headers"): a secret is {@code whsec_} followed by the base64 of 32 random bytes; a signature
 * is {@code v1,} followed by the base64 of HMAC-SHA256, keyed with the secret's decoded bytes, over
 * {@code <webhook-id>.<webhook-timestamp>.<body>}; the {@code webhook-signature} header lists one signature per
 * secret, separated by spaces (the current secret's first, then the previous one's during a rotation). Pure; the
 * HMAC is the JDK's ({@code javax.crypto}), see docs/adr/0120-webhooks.md.
 */
public final class WebhookSignature {

    /** The prefix of a symmetric secret, as the specification serializes it. */
    public static final String SECRET_PREFIX = "whsec_";
    /** Random bytes in a new secret (the specification asks for 24 to 64). */
    public static final int SECRET_BYTES = 32;
    private static final String HMAC = "HmacSHA256";

    private WebhookSignature() {
    }

    /** A new secret: {@code whsec_} and the base64 of {@link #SECRET_BYTES} bytes from {@code random}. */
    public static String newSecret(SecureRandom random) {
        byte[] b = new byte[SECRET_BYTES];
        random.nextBytes(b);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(b);
    }

    /**
     * The key bytes of {@code secret} ({@code whsec_<base64>}).
     *
     * @throws IllegalArgumentException when it is not such a secret
     */
    public static byte[] key(String secret) {
        if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
            throw new IllegalArgumentException("a webhook secret starts with " + SECRET_PREFIX);
        }
        byte[] key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
        if (key.length < 24 || key.length > 64) {
            throw new IllegalArgumentException("a webhook secret has 24 to 64 bytes, not " + key.length);
        }
        return key;
    }

    /**
     * The signature {@code v1,<base64>} of {@code body} sent as message {@code messageId} at {@code timestamp}
     * (Unix seconds) with {@code secret}.
     */
    public static String sign(String secret, String messageId, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key(secret), HMAC));
            mac.update((messageId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * The {@code webhook-signature} header: the signature with {@code secret}, then, when {@code previous} is not
     * null (a rotation's overlap), the one with {@code previous}, separated by a space.
     */
    public static String header(String secret, String previous, String messageId, long timestamp, byte[] body) {
        String current = sign(secret, messageId, timestamp, body);
        return previous == null ? current : current + " " + sign(previous, messageId, timestamp, body);
    }
}
