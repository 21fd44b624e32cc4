package io.guidon.controlplane.api;

/** One problem with a request: where ({@code rules[0].serve.variant}, {@code limit}) and what is wrong. */
public record FieldError(String path, String message) {
}
