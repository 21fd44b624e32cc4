package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Signed page cursors: one round-trips only unchanged and only for the tenant it was issued to; any other (changed
 * in any bit or character, truncated, another tenant's, another installation's, an unsigned cursor of before) is a
 * 400 naming {@code cursor} that does not repeat the cursor's content.
 */
class CursorsTest {

    static final long ACME = 1;
    static final long GLOBEX = 2;
    static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    static final Base64.Decoder UNB64 = Base64.getUrlDecoder();
    /** What an export cursor carries (ExportRoutes.cursor). */
    static final String EXPORT = "e1|exposures|production|2026-11-01T00:00:00Z|2026-11-02T00:00:00Z"
            + "|2026-11-01T00:00:00.113Z|0b6c3d1e-6f8a-4c0e-9d2b-5a7e1f3c9b40|17";

    final Cursors cursors = new Cursors(key(7));

    static byte[] key(int seed) {
        byte[] k = new byte[Cursors.KEY_BYTES];
        new Random(seed).nextBytes(k);
        return k;
    }

    static void refused(Cursors cursors, long tenant, String cursor) {
        assertThatThrownBy(() -> cursors.decode(tenant, cursor)).as(cursor)
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.errors()).extracting(FieldError::path).containsExactly("cursor");
                    // One fixed message, whatever the cursor: nothing of its content is repeated.
                    assertThat(e.errors().get(0).message()).isEqualTo(Cursors.REFUSED)
                            .startsWith("not a cursor this server issued for this key's tenant");
                });
    }

    @Test
    void aCursorRoundTripsForItsTenantAndIsUrlSafe() {
        String c = cursors.encode(ACME, EXPORT);
        assertThat(c).matches("[A-Za-z0-9_-]+");
        assertThat(cursors.decode(ACME, c)).isEqualTo(EXPORT);
        assertThat(new Cursors(key(7)).decode(ACME, c)).as("another replica, the same key").isEqualTo(EXPORT);
        assertThat(cursors.encode(ACME, null)).isNull();
        assertThat(cursors.decode(ACME, null)).isNull();
        assertThat(cursors.decode(ACME, "")).isNull();
    }

    @Test
    void anotherTenantsOrAnotherKeysCursorIsA400() {
        String c = cursors.encode(ACME, EXPORT);
        refused(cursors, GLOBEX, c);
        refused(new Cursors(key(8)), ACME, c);
    }

    @Test
    void unsignedCursorsOfBeforeAndGarbageAreA400() {
        String old = B64.encodeToString(("c1:" + EXPORT).getBytes(StandardCharsets.UTF_8));
        for (String bad : new String[] {old, "garbage!", "ZmxhZy1h", "YzE6", "YzI6", "a", "====",
                B64.encodeToString(new byte[64])}) {
            refused(cursors, ACME, bad);
        }
    }

    @Test
    void aSignedCursorHoldingNulIsStillA400NotADatabaseError() {
        refused(cursors, ACME, cursors.encode(ACME, "a\u0000b"));
    }

    @Test
    void theContentEditedUnderTheOldSignatureIsA400() {
        String c = cursors.encode(ACME, EXPORT);
        byte[] token = UNB64.decode(c);
        byte[] mac = Arrays.copyOfRange(token, token.length - 32, token.length);
        String payload = new String(token, 0, token.length - 32, StandardCharsets.UTF_8);
        for (String edited : new String[] {payload.replace("production", "staging"),
                payload.replace("2026-11-01T00:00:00Z", "2020-01-01T00:00:00Z"), payload.replace("|17", "|-5"),
                payload.replace("2026-11-01T00:00:00.113Z", "2026-11-01T00:00:00Z")}) {
            assertThat(edited).isNotEqualTo(payload);
            byte[] p = edited.getBytes(StandardCharsets.UTF_8);
            byte[] forged = Arrays.copyOf(p, p.length + 32);
            System.arraycopy(mac, 0, forged, p.length, 32);
            refused(cursors, ACME, B64.encodeToString(forged));
        }
    }

    @Test
    void everySingleBitFlipOfTheTokenIsA400() {
        String c = cursors.encode(ACME, EXPORT);
        byte[] token = UNB64.decode(c);
        for (int bit = 0; bit < token.length * 8; bit++) {
            byte[] flipped = token.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            refused(cursors, ACME, B64.encodeToString(flipped));
        }
    }

    @Test
    void randomChangesOfBytesOrCharactersAreA400() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try {
            randomChanges(random);
        } catch (AssertionError e) {
            throw new AssertionError("with the seed " + seed + ": " + e.getMessage(), e);
        }
    }

    void randomChanges(Random random) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int n = 0; n < 2_000; n++) {
            String content = EXPORT.substring(0, 1 + random.nextInt(EXPORT.length()));
            long tenant = 1 + random.nextInt(1000);
            String c = cursors.encode(tenant, content);
            assertThat(cursors.decode(tenant, c)).isEqualTo(content);
            // Bytes: one to four random bytes XORed with a non-zero value.
            byte[] token = UNB64.decode(c);
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                token[random.nextInt(token.length)] ^= (byte) (1 + random.nextInt(255));
            }
            if (!Arrays.equals(token, UNB64.decode(c))) {
                refused(cursors, tenant, B64.encodeToString(token));
            }
            // Characters: one replaced by another of the alphabet (the last one's unused bits included),
            // one dropped, or one added.
            StringBuilder s = new StringBuilder(c);
            int at = random.nextInt(s.length());
            switch (random.nextInt(3)) {
                case 0 -> {
                    char other;
                    do {
                        other = alphabet.charAt(random.nextInt(alphabet.length()));
                    } while (other == s.charAt(at));
                    s.setCharAt(at, other);
                }
                case 1 -> s.deleteCharAt(at);
                default -> s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
            }
            refused(cursors, tenant, s.toString());
            refused(cursors, tenant + 1, c);
        }
    }
}
