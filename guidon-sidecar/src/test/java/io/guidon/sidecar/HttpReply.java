package io.guidon.sidecar;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

/** A response as the test saw it: status, headers and the whole body as text. */
public record HttpReply(int status, MultiMap headers, String body) {

    public JsonObject json() {
        return new JsonObject(body);
    }

    public String header(String name) {
        return headers.get(name);
    }

    @Override
    public String toString() {
        return status + " " + body;
    }
}
