package io.guidon.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** A successful response: status, JSON body (or none) and headers such as ETag and Location. */
public record Reply(int status, JsonNode body, byte[] raw, Map<String, String> headers) {

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
