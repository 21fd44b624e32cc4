package io.guidon.controlplane.api;

import io.guidon.json.Pointer;

/**
 * One problem with a request: where ({@code rules[0].serve.variant}, {@code limit}) and what is wrong. {@code pointer}
 * is where as an RFC 6901 JSON Pointer into the body ({@code /rules/0/serve/variant}), or the parameter
 * ({@code /limit}), when the checker knew it as such; null when only the text is known (the answer then derives it
 * from the text, see {@link ContractValidation#pointerOf}).
 */
public record FieldError(String path, String message, Pointer pointer) {

    /** A problem known by its text path only. */
    public FieldError(String path, String message) {
        this(path, message, null);
    }
}
