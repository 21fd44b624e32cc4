package io.guidon.sidecar.http;

import io.guidon.engine.FlagSet;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The ETag of a bulk OFREP answer (ADR 0207): MurmurHash3 x64 128 of the 32 bytes of the document's content hash
 * (the SHA-256 of its content, {@link FlagSet#contentHash()}) followed by the request body's bytes, as
 * {@code "} + 22 characters of unpadded base64url + {@code "}. The same content and the same body always give the
 * same tag (also across restarts and between sidecars); a different document content or a different body gives a
 * different tag but for an accidental 128-bit collision (about 2<sup>-64</sup> after 2<sup>32</sup> distinct
 * contexts of one client). It is not a cryptographic hash: a client able to find two bodies with the same tag only
 * makes its own poll answer 304 where a 200 was due, which it could do by sending a stale tag; POST answers are
 * not kept by shared caches. The content hash itself stays SHA-256, computed once per document.
 *
 * <p>Not thread-safe: one instance per event loop. The hash state after the content hash is computed once per set.
 */
final class BulkEtag {

    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final int PREFIX_LENGTH = 32;

    private FlagSet flags;
    /** The hash state after the content hash's 32 bytes (two whole blocks) of {@link #flags}. */
    private final long[] prefix = new long[2];
    private final long[] state = new long[2];
    private final byte[] digest = new byte[16];
    /** 16 bytes are 22 base64 characters without padding, quoted. */
    private final byte[] tag = new byte[22];
    private final byte[] quoted = new byte[24];

    /** The quoted ETag of a bulk answer from {@code flags} to a request whose body is {@code body}. */
    String of(FlagSet flags, byte[] body) {
        return of(flags, body, 0);
    }

    /**
     * {@link #of(FlagSet, byte[])} for an answer that also depends on something the body does not say (the
     * {@code eventStreams} address, from the request's {@code Host}): {@code salt}, a hash of it, starts the hash
     * state (as MurmurHash3's seed does); 0 is no salt.
     */
    String of(FlagSet flags, byte[] body, long salt) {
        if (flags != this.flags) {
            byte[] content = Base64.getUrlDecoder().decode(flags.contentHash());
            prefix[0] = 0;
            prefix[1] = 0;
            blocks(prefix, content, content.length);
            this.flags = flags;
        }
        state[0] = prefix[0] ^ salt;
        state[1] = prefix[1] ^ salt;
        finish(state, body, PREFIX_LENGTH + (long) body.length);
        LONG_LE.set(digest, 0, state[0]);
        LONG_LE.set(digest, 8, state[1]);
        int n = Base64.getUrlEncoder().withoutPadding().encode(digest, tag);
        quoted[0] = '"';
        System.arraycopy(tag, 0, quoted, 1, n);
        quoted[n + 1] = '"';
        return new String(quoted, 0, n + 2, StandardCharsets.US_ASCII);
    }

    /**
     * MurmurHash3 x64 128 (seed 0) of {@code head} followed by {@code body}, as {h1, h2}; {@code head}'s length must
     * be a multiple of 16 (whole blocks). {@link #of} is this with the content hash as {@code head}, its blocks
     * hashed once per set.
     */
    static long[] hash128(byte[] head, byte[] body) {
        if (head.length % 16 != 0) {
            throw new IllegalArgumentException("the head must be whole 16-byte blocks");
        }
        long[] h = new long[2];
        blocks(h, head, head.length);
        finish(h, body, (long) head.length + body.length);
        return h;
    }

    /** Mixes the whole 16-byte blocks of {@code data[0..length)} into {@code h}. */
    private static void blocks(long[] h, byte[] data, int length) {
        long h1 = h[0];
        long h2 = h[1];
        for (int i = 0, end = length - 15; i < end; i += 16) {
            h1 = mixH1(h1, h2, (long) LONG_LE.get(data, i));
            h2 = mixH2(h1, h2, (long) LONG_LE.get(data, i + 8));
        }
        h[0] = h1;
        h[1] = h2;
    }

    /** Mixes {@code data}'s blocks and tail into {@code h} and finalizes it for a message of {@code total} bytes. */
    private static void finish(long[] h, byte[] data, long total) {
        blocks(h, data, data.length);
        long h1 = h[0];
        long h2 = h[1];
        int tail = data.length & ~15;
        int rest = data.length & 15;
        if (rest > 8) {
            // Bytes 8 to 14 of the tail, little-endian, into k2.
            long k2 = 0;
            for (int i = rest - 1; i >= 8; i--) {
                k2 = (k2 << 8) | (data[tail + i] & 0xff);
            }
            k2 *= C2;
            k2 = Long.rotateLeft(k2, 33);
            k2 *= C1;
            h2 ^= k2;
        }
        if (rest > 0) {
            long k1 = 0;
            for (int i = Math.min(rest, 8) - 1; i >= 0; i--) {
                k1 = (k1 << 8) | (data[tail + i] & 0xff);
            }
            k1 *= C1;
            k1 = Long.rotateLeft(k1, 31);
            k1 *= C2;
            h1 ^= k1;
        }
        h1 ^= total;
        h2 ^= total;
        h1 += h2;
        h2 += h1;
        h1 = fmix(h1);
        h2 = fmix(h2);
        h1 += h2;
        h2 += h1;
        h[0] = h1;
        h[1] = h2;
    }

    private static long mixH1(long h1, long h2, long k1) {
        k1 *= C1;
        k1 = Long.rotateLeft(k1, 31);
        k1 *= C2;
        h1 ^= k1;
        h1 = Long.rotateLeft(h1, 27);
        h1 += h2;
        return h1 * 5 + 0x52dce729;
    }

    private static long mixH2(long h1, long h2, long k2) {
        k2 *= C2;
        k2 = Long.rotateLeft(k2, 33);
        k2 *= C1;
        h2 ^= k2;
        h2 = Long.rotateLeft(h2, 31);
        h2 += h1;
        return h2 * 5 + 0x38495ab5;
    }

    private static long fmix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
