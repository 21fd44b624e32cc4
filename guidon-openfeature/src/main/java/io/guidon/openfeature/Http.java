package io.guidon.openfeature;

import java.nio.charset.StandardCharsets;

/** Small helpers for the sources' HTTP answers. */
final class Http {

    private Http() {
    }

    /** The start of an answer body, for a message: at most 300 characters, on one line. */
    static String excerpt(byte[] body) {
        if (body == null) {
            return "";
        }
        String s = new String(body, 0, Math.min(body.length, 600), StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
