package io.guidon.engine;

/** 64-bit FNV-1a fingerprints of definitions, so that {@link FlagSet#changedSince} compares numbers, not JSON. */
final class Fingerprint {

    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private Fingerprint() {
    }

    static long of(String text) {
        long h = OFFSET;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            h = (h ^ (c & 0xff)) * PRIME;
            h = (h ^ (c >>> 8)) * PRIME;
        }
        return h;
    }

    static long combine(long h, long other) {
        for (int i = 0; i < 8; i++) {
            h = (h ^ ((other >>> (8 * i)) & 0xff)) * PRIME;
        }
        return h;
    }
}
