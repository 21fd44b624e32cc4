package io.guidon.controlplane.api;

import java.util.List;
import java.util.Map;

/**
 * The one error type of the control plane's API. The failure handler of {@link ApiRouter} turns it into an
 * RFC 9457 {@code application/problem+json} response; nothing else writes error responses.
 */
public final class ApiException extends RuntimeException {

    /** The URI every problem {@code type} starts with; the management port's problems use the same. */
    public static final String TYPE_BASE = io.guidon.common.ops.ErrorBody.PROBLEM_TYPE_BASE;

    private final int status;
    private final String type;
    private final String title;
    private final List<FieldError> errors;
    private final Map<String, String> headers;

    public ApiException(int status, String type, String title, String detail, List<FieldError> errors,
            Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.headers = Map.copyOf(headers);
    }

    public ApiException(int status, String type, String title, String detail) {
        this(status, type, title, detail, List.of(), Map.of());
    }

    public int status() {
        return status;
    }

    /** The problem type URI. */
    public String type() {
        return TYPE_BASE + type;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public static ApiException malformed(String detail) {
        return new ApiException(400, "malformed-request", "Malformed request", detail);
    }

    public static ApiException invalid(List<FieldError> errors) {
        return new ApiException(422, "validation", "Invalid request",
                errors.size() == 1 ? errors.get(0).path() + ": " + errors.get(0).message()
                        : errors.size() + " problems; see errors",
                errors, Map.of());
    }

    public static ApiException invalidQuery(List<FieldError> errors) {
        return new ApiException(400, "invalid-parameter", "Invalid query parameter",
                errors.get(0).path() + ": " + errors.get(0).message(), errors, Map.of());
    }

    /** A path or query parameter that no store can hold (U+0000) or that is not percent-encoded UTF-8. */
    public static ApiException invalidParameter(List<FieldError> errors) {
        return new ApiException(400, "invalid-parameter", "Invalid parameter",
                errors.get(0).path() + ": " + errors.get(0).message(), errors, Map.of());
    }

    /** A body beyond a limit of the JSON parser (depth, entries, length), with where. */
    public static ApiException limitExceeded(String detail, List<FieldError> errors) {
        return new ApiException(400, "limit-exceeded", "Request exceeds a limit", detail, errors, Map.of());
    }

    /**
     * A body holding text or numbers that cannot be kept exactly (U+0000, unpaired surrogates, numbers beyond the
     * double range or that underflow to zero), each with its path.
     */
    public static ApiException unsupportedValues(String detail, List<FieldError> errors) {
        return new ApiException(400, "unsupported-value", "Value not accepted", detail, errors, Map.of());
    }

    public static ApiException unauthorized(String detail) {
        return new ApiException(401, "unauthorized", "Unauthorized", detail, List.of(),
                Map.of("WWW-Authenticate", "Bearer realm=\"guidon\""));
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(403, "forbidden", "Forbidden", detail);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(404, "not-found", "Not found", detail);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(409, "conflict", "Conflict", detail);
    }

    public static ApiException stale(String detail) {
        return new ApiException(412, "stale", "Precondition failed", detail);
    }

    public static ApiException preconditionRequired(String detail) {
        return new ApiException(428, "precondition-required", "Precondition required", detail);
    }

    public static ApiException tooLarge(String detail) {
        return new ApiException(413, "too-large", "Request body too large", detail);
    }

    public static ApiException tooManyRequests(long retryAfterSeconds) {
        return new ApiException(429, "rate-limited", "Too many requests",
                "rate limit exceeded; retry after " + retryAfterSeconds + " s", List.of(),
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    /** 503 with {@code Retry-After: 1}: something a retry soon may cure. */
    public static ApiException unavailable(String detail) {
        return unavailable(detail, 1);
    }

    /** 503 with {@code Retry-After}: a dependency is down or busy, or a change kept conflicting with others. */
    public static ApiException unavailable(String detail, int retryAfterSeconds) {
        return new ApiException(503, "unavailable", "Service unavailable", detail, List.of(),
                Map.of("Retry-After", Integer.toString(retryAfterSeconds)));
    }
}
