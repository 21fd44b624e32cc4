package io.guidon.controlplane.ui;

import io.guidon.controlplane.api.Reply;
import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a UI handler answers: an HTML page or fragment with its status, or a redirect (for htmx requests an
 * {@code HX-Location}/{@code HX-Redirect}, for others a 303), or a download streamed in chunks ({@link #download});
 * plus headers of its own.
 */
public record UiResult(int status, Buffer html, String redirect, Map<String, String> headers, Reply.Streamer stream) {

    public UiResult(int status, Buffer html, String redirect, Map<String, String> headers) {
        this(status, html, redirect, headers, null);
    }

    /**
     * A file of any size, 200, written by {@code stream} in chunks (the same streamer as the API's), saved by the
     * browser under the name {@code disposition} gives.
     */
    public static UiResult download(String contentType, String disposition, Reply.Streamer stream) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        headers.put("Content-Disposition", disposition);
        return new UiResult(200, null, null, headers, stream);
    }

    /** A page or fragment, 200. */
    public static UiResult html(Buffer html) {
        return new UiResult(200, html, null, new LinkedHashMap<>());
    }

    /** A page or fragment with {@code status} (a form with errors: 422; a stale form: 412). */
    public static UiResult html(int status, Buffer html) {
        return new UiResult(status, html, null, new LinkedHashMap<>());
    }

    /** Go to {@code location} (a path under /ui) after a change: Post/Redirect/Get. */
    public static UiResult redirect(String location) {
        return new UiResult(303, null, location, new LinkedHashMap<>());
    }

    /** This result with the header {@code name} set. */
    public UiResult header(String name, String value) {
        headers.put(name, value);
        return this;
    }
}
