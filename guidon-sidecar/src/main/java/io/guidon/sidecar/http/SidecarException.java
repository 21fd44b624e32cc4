package io.guidon.sidecar.http;

/**
 * The sidecar's one error type: an HTTP status and an OpenFeature error code ({@code PARSE_ERROR},
 * {@code INVALID_CONTEXT}, {@code FLAG_NOT_FOUND}, {@code TARGETING_KEY_MISSING}, {@code GENERAL}) with details
 * that say what was wrong. {@link ErrorHandler} turns it into the response. No stack trace: it is a client's
 * mistake, not ours.
 */
public final class SidecarException extends RuntimeException {

    private final int status;
    private final String errorCode;
    private final String flagKey;

    public SidecarException(int status, String errorCode, String details) {
        this(status, errorCode, details, null);
    }

    public SidecarException(int status, String errorCode, String details, String flagKey) {
        super(details, null, false, false);
        this.status = status;
        this.errorCode = errorCode;
        this.flagKey = flagKey;
    }

    public int status() {
        return status;
    }

    public String errorCode() {
        return errorCode;
    }

    /** The flag the request was about, echoed as {@code key} in OFREP error bodies; may be null. */
    public String flagKey() {
        return flagKey;
    }

    static SidecarException parse(String details) {
        return new SidecarException(400, "PARSE_ERROR", details);
    }

    static SidecarException invalidContext(String details) {
        return new SidecarException(400, "INVALID_CONTEXT", details);
    }
}
