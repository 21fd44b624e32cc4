package io.guidon.engine;

/** OpenFeature's error codes, as the engine and the sidecar report them. */
public enum ErrorCode {
    FLAG_NOT_FOUND,
    TARGETING_KEY_MISSING,
    PARSE_ERROR,
    INVALID_CONTEXT,
    TYPE_MISMATCH,
    GENERAL
}
