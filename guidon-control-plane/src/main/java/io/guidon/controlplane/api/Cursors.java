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
            // Strictly: a cursor this server made is UTF-8 text without U+0000 (it is a key the database held).
            String s = StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(Base64.getUrlDecoder().decode(cursor))).toString();
            if (s.startsWith(TAG) && s.length() > TAG.length()
                    && io.guidon.json.ValueChecks.textProblem(s) == null) {
                return s.substring(TAG.length());
            }
        } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
            // reported below
        }
        throw ApiException.invalidParameter(List.of(FieldError.named("cursor",
                "not a cursor from this API: pass the nextCursor of the previous page unchanged")));
    }
}
