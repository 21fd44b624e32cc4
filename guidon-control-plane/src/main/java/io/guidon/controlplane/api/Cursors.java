package io.guidon.controlplane.api;

import io.guidon.json.ValueChecks;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The admin API's page cursors (listings' {@code nextCursor}, the export's {@code Next-Cursor}): opaque, URL-safe,
 * and signed, so that a cursor is accepted only unchanged and only from the tenant it was issued to (ADR 0122
 * "Cursors are signed"). A cursor is base64url (no padding) of {@code "c2:" + content} followed by the 32-byte
 * HMAC-SHA256 of the tenant's id and those bytes, under a key every replica shares ({@code server_keys} row
 * {@code cursors}, V19). The content is the route's own text (a sort key, or the export's range and position);
 * routes parse it only after the signature held. Thread-safe: a {@link Mac} per call.
 */
public final class Cursors {

    /** The {@code server_keys} name of the signing key. */
    public static final String KEY_NAME = "cursors";
    /** The signing key's length in bytes (256 bits, HMAC-SHA256's block-size-bounded key length of choice). */
    public static final int KEY_BYTES = 32;

    private static final String TAG = "c2:";
    private static final int MAC_BYTES = 32;
    /** Separates cursor MACs from any other use of the key, should it ever have one. */
    private static final byte[] DOMAIN = "guidon-cursor\0".getBytes(StandardCharsets.US_ASCII);
    /** The problem of a refused cursor: it says what went wrong without repeating the cursor. */
    static final String REFUSED = "not a cursor this server issued for this key's tenant: pass the cursor of"
            + " the previous page unchanged, with a key of the same tenant, or start again without a cursor";

    private final SecretKeySpec key;

    /** @param key at least {@link #KEY_BYTES} bytes, the same on every replica */
    public Cursors(byte[] key) {
        if (key.length < KEY_BYTES) {
            throw new IllegalArgumentException("a cursor key needs at least " + KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    /** The cursor that carries {@code content} for tenant {@code tenantId}; null for null (no next page). */
    public String encode(long tenantId, String content) {
        if (content == null) {
            return null;
        }
        byte[] payload = (TAG + content).getBytes(StandardCharsets.UTF_8);
        byte[] token = Arrays.copyOf(payload, payload.length + MAC_BYTES);
        System.arraycopy(mac(tenantId, payload), 0, token, payload.length, MAC_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    /**
     * The content of {@code cursor}, null for none (absent or empty). Anything but a cursor {@link #encode} made for
     * this tenant with this key (changed in any byte, another tenant's, an unsigned cursor of before) is a 400 naming
     * {@code cursor}, whose message does not repeat the cursor.
     */
    public String decode(long tenantId, String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            byte[] token = Base64.getUrlDecoder().decode(cursor);
            // Only the canonical spelling: base64's last character may carry unused bits a decoder ignores, and a
            // changed character must not be accepted because it decodes to the same bytes.
            if (token.length > MAC_BYTES + TAG.length()
                    && Base64.getUrlEncoder().withoutPadding().encodeToString(token).equals(cursor)) {
                byte[] payload = Arrays.copyOf(token, token.length - MAC_BYTES);
                byte[] given = Arrays.copyOfRange(token, payload.length, token.length);
                if (MessageDigest.isEqual(given, mac(tenantId, payload))) {
                    String s = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(payload)).toString();
                    if (s.startsWith(TAG) && s.length() > TAG.length() && ValueChecks.textProblem(s) == null) {
                        return s.substring(TAG.length());
                    }
                }
            }
        } catch (IllegalArgumentException | CharacterCodingException e) {
            // refused below
        }
        throw ApiException.invalidParameter(List.of(FieldError.named("cursor", REFUSED)));
    }

    private byte[] mac(long tenantId, byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(DOMAIN);
            mac.update(ByteBuffer.allocate(Long.BYTES).putLong(tenantId).array());
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            // HmacSHA256 is in every JDK (a required algorithm); a key of any length is valid for it.
            throw new IllegalStateException(e);
        }
    }
}
