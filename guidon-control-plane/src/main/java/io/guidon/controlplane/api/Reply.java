package io.guidon.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A successful response: status, JSON body (or none) and headers such as ETag and Location; or a body streamed in
 * chunks after the status and headers ({@link #streamed}).
 */
public record Reply(int status, JsonNode body, byte[] raw, Map<String, String> headers, Streamer stream) {

    /** Writes a streamed body to the response (chunked, status and headers already set), ending it when done. */
    @FunctionalInterface
    public interface Streamer {
        /**
         * Writes the body; a failure once bytes are sent cannot become a problem response: the connection is reset
         * so that the client sees a truncated body as an error, never as a complete one.
         */
        io.vertx.core.Future<Void> write(io.vertx.core.http.HttpServerResponse response);
    }

    public Reply(int status, JsonNode body, byte[] raw, Map<String, String> headers) {
        this(status, body, raw, headers, null);
    }

    /** A body of any size written by {@code stream} in chunks; set its Content-Type with {@link #header}. */
    public static Reply streamed(int status, Streamer stream) {
        return new Reply(status, null, null, new LinkedHashMap<>(), stream);
    }

    public static Reply ok(JsonNode body) {
        return new Reply(200, body, null, new LinkedHashMap<>());
    }

    public static Reply of(int status, JsonNode body) {
        return new Reply(status, body, null, new LinkedHashMap<>());
    }

    public static Reply created(JsonNode body, String location) {
        Reply r = new Reply(201, body, null, new LinkedHashMap<>());
        r.headers.put("Location", location);
        return r;
    }

    public static Reply noContent() {
        return new Reply(204, null, null, new LinkedHashMap<>());
    }

    /** A body already serialized (the sidecar documents, kept as bytes in memory). */
    public static Reply raw(int status, byte[] body) {
        return new Reply(status, null, body, new LinkedHashMap<>());
    }

    public Reply etag(long revision) {
        headers.put("ETag", "\"" + revision + "\"");
        return this;
    }

    public Reply header(String name, String value) {
        headers.put(name, value);
        return this;
    }
}
