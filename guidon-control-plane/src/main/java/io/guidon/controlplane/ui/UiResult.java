package io.guidon.controlplane.ui;

import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a UI handler answers: an HTML page or fragment with its status, or a redirect (for htmx requests an
 * {@code HX-Location}/{@code HX-Redirect}, for others a 303), plus headers of its own.
 */
public record UiResult(int status, Buffer html, String redirect, Map<String, String> headers) {

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
