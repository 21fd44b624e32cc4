package io.guidon.engine;

import java.nio.charset.StandardCharsets;

/**
 * The one documented bucketing algorithm (see docs/flag-format.md, "Percentage rollouts"):
 * {@code bucket = unsigned(MurmurHash3_x86_32(utf8(salt + "/" + value), seed 0)) mod 100000}.
 *
 * <p>Hand-written rather than taken from Guava or commons-codec because the hot path hashes the salt prefix
 * and the value as one stream without building the concatenated string or its byte array; the test suite
 * checks it against Guava's {@code murmur3_32_fixed} on random inputs, surrogates included.
 */
public final class Bucketing {

    /** Buckets per 100 %: a share of 12.345 % covers 12,345 buckets. */
    public static final int BUCKETS = 100_000;

    private static final int C1 = 0xcc9e2d51;
    private static final int C2 = 0x1b873593;

    private Bucketing() {
    }

    /** The bytes hashed before the value: {@code utf8(salt + "/")}, computed once per flag at load. */
    public static byte[] saltPrefix(String salt) {
        return (salt + "/").getBytes(StandardCharsets.UTF_8);
    }

    /** The bucket in {@code [0, 100000)} of {@code value} under {@code salt}. */
    public static int bucket(String salt, String value) {
        return bucket(saltPrefix(salt), value);
    }

    static int bucket(byte[] saltPrefix, String value) {
        return (int) (Integer.toUnsignedLong(murmur3(saltPrefix, value)) % BUCKETS);
    }

    /**
     * MurmurHash3_x86_32 with seed 0 of {@code prefix} followed by the UTF-8 encoding of {@code value}, encoded
     * exactly as {@link String#getBytes} with UTF-8 does (an unpaired surrogate becomes {@code '?'}).
     */
    static int murmur3(byte[] prefix, String value) {
        int h1 = 0;
        int pending = 0;
        int shift = 0;
        int length = 0;
        // The hash state lives in locals rather than a helper object so that hashing allocates nothing.
        for (int i = 0; i < prefix.length; i++) {
            pending |= (prefix[i] & 0xff) << shift;
            shift += 8;
            if (shift == 32) {
                h1 = mixH1(h1, pending);
                pending = 0;
                shift = 0;
            }
        }
        length += prefix.length;
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            int codePoint;
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                codePoint = Character.toCodePoint(c, value.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                codePoint = '?';
            } else {
                codePoint = c;
            }
            // The code point's UTF-8 bytes, first byte lowest, then fed to the hash one by one.
            int bytes;
            int count;
            if (codePoint < 0x80) {
                bytes = codePoint;
                count = 1;
            } else if (codePoint < 0x800) {
                bytes = (0xc0 | (codePoint >>> 6)) | (0x80 | (codePoint & 0x3f)) << 8;
                count = 2;
            } else if (codePoint < 0x10000) {
                bytes = (0xe0 | (codePoint >>> 12)) | (0x80 | ((codePoint >>> 6) & 0x3f)) << 8
                        | (0x80 | (codePoint & 0x3f)) << 16;
                count = 3;
            } else {
                bytes = (0xf0 | (codePoint >>> 18)) | (0x80 | ((codePoint >>> 12) & 0x3f)) << 8
                        | (0x80 | ((codePoint >>> 6) & 0x3f)) << 16 | (0x80 | (codePoint & 0x3f)) << 24;
                count = 4;
            }
            length += count;
            for (int k = 0; k < count; k++) {
                pending |= (bytes & 0xff) << shift;
                bytes >>>= 8;
                shift += 8;
                if (shift == 32) {
                    h1 = mixH1(h1, pending);
                    pending = 0;
                    shift = 0;
                }
            }
        }
        if (shift != 0) {
            h1 ^= mixK1(pending);
        }
        h1 ^= length;
        return fmix(h1);
    }

    private static int mixK1(int k1) {
        k1 *= C1;
        k1 = Integer.rotateLeft(k1, 15);
        return k1 * C2;
    }

    private static int mixH1(int h1, int k1) {
        h1 ^= mixK1(k1);
        h1 = Integer.rotateLeft(h1, 13);
        return h1 * 5 + 0xe6546b64;
    }

    private static int fmix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
