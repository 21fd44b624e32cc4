package io.guidon.engine;

/**
 * One named value of a flag. {@code value} is a JSON-shaped Java object ({@link Boolean}, {@link String},
 * {@link Long}, {@link Double}, or an unmodifiable {@link java.util.Map}); {@code json} is its serialized form,
 * computed once at load so that servers can write it without serializing it again.
 */
public record Variant(String key, Object value, String json) {
}
