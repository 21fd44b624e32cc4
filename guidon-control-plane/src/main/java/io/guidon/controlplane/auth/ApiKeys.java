package io.guidon.controlplane.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API key format and hashing. A key is {@code gdn_<prefix>_<secret>}: the prefix (12 characters of a-z0-9) is
 * visible in listings and finds the key's row; the secret is 256 random bits in base64url. Only the SHA-256 of the
 * whole key is stored, and a presented key is compared with it in constant time. A fast hash is right here because
 * the secret is random and long, not a password: see docs/adr/0102-api-keys.md.
 */
public final class ApiKeys {

    private static final Pattern FORMAT = Pattern.compile("gdn_([a-z0-9]{12})_([A-Za-z0-9_-]{43})");
    private static final char[] PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final SecureRandom random = new SecureRandom();

    /** A newly generated key: the full text (shown once) and what is stored. */
    public record NewKey(String key, String prefix, byte[] hash) {
    }

    public NewKey generate() {
        char[] prefix = new char[12];
        for (int i = 0; i < prefix.length; i++) {
            prefix[i] = PREFIX_ALPHABET[random.nextInt(PREFIX_ALPHABET.length)];
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String p = new String(prefix);
        String key = "gdn_" + p + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new NewKey(key, p, hash(key));
    }

    /** The prefix of a well-formed key, or null when the text cannot be a key. */
    public static String prefixOf(String key) {
        if (key == null || key.length() > 100) {
            return null;
        }
        Matcher m = FORMAT.matcher(key);
        return m.matches() ? m.group(1) : null;
    }

    public static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Constant-time comparison of a presented key with a stored hash. */
    public static boolean matches(String key, byte[] storedHash) {
        return MessageDigest.isEqual(hash(key), storedHash);
    }
}
