package io.guidon.controlplane.domain;

import io.guidon.json.Pointer;

/**
 * One thing wrong with a request's input: where ({@link Pointer}, relative to the request body, or naming a
 * query or path parameter as a one-token pointer) and what, in plain words. The HTTP layer renders the pointer.
 */
public record Violation(Pointer where, String message) {

    /** A violation of the parameter or top-level member {@code name}. */
    public static Violation of(String name, String message) {
        return new Violation(Pointer.of(name), message);
    }
}
