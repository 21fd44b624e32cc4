package io.guidon.controlplane.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Opaque page cursors. A cursor is the sort key of the last item of a page, base64url-encoded with a version
 * tag so that clients do not build or edit them, and so that the encoding can change later.
 */
public final class Cursors {

    private static final String TAG = "c1:";

    private Cursors() {
    }

    public static String encode(String after) {
        return after == null ? null
                : Base64.getUrlEncoder().withoutPadding().encodeToString((TAG + after).getBytes(StandardCharsets.UTF_8));
    }

    /** The sort key in a cursor; a 400 when it is not one this server made. */
    public static String decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (s.startsWith(TAG) && s.length() > TAG.length()) {
                return s.substring(TAG.length());
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw ApiException.invalidQuery(List.of(new FieldError("cursor",
                "not a cursor from this API: pass the nextCursor of the previous page unchanged")));
    }
}
