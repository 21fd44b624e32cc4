package io.guidon.controlplane.api;

import io.guidon.controlplane.domain.DomainException;
import java.util.List;
import java.util.Map;

/**
 * A problem the HTTP layer answers, as RFC 9457 {@code application/problem+json}: status, type, title, detail, the
 * {@code errors} with where and what, and headers. The HTTP layer throws it for what only HTTP knows (a malformed
 * body, a JSON limit, a parameter, a media type, a method); a domain error ({@link DomainException}, thrown by the
 * layers below) becomes one in {@link Problems}. The failure handler of {@link ApiRouter} writes it; nothing else
 * writes error responses.
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
        this(status, type, title, detail, errors, headers, null);
    }

    /** A problem answering {@code cause}, the domain error it was mapped from ({@link Problems}). */
    ApiException(int status, String type, String title, String detail, List<FieldError> errors,
            Map<String, String> headers, DomainException cause) {
        super(detail, cause, false, false);
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

    /** The problem type's name, the last segment of {@link #type()} ({@code not-found}). */
    String typeName() {
        return type;
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

    /**
     * A path or query parameter refused (out of bounds, not a cursor, repeated, not percent-encoded UTF-8...):
     * the one problem type {@code invalid-parameter}, whose title never changes (RFC 9457).
     */
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

    /*
     * The problems below answer domain errors: each is Problems.of(a DomainException), so that the status, type and
     * title of a DomainException.Kind are written in one place. These factories remain for the layers below the API
     * that have not yet moved to DomainException themselves (store, events, sidecar snapshots); new code throws
     * DomainException.
     */

    /** A {@link DomainException.Kind#UNAUTHENTICATED} (401 with {@code WWW-Authenticate}). */
    public static ApiException unauthorized(String detail) {
        return Problems.of(DomainException.unauthenticated(detail));
    }

    /** A {@link DomainException.Kind#FORBIDDEN} (403). */
    public static ApiException forbidden(String detail) {
        return Problems.of(DomainException.forbidden(detail));
    }

    /** A {@link DomainException.Kind#NOT_FOUND} (404). */
    public static ApiException notFound(String detail) {
        return Problems.of(DomainException.notFound(detail));
    }

    /** A {@link DomainException.Kind#CONFLICT} (409). */
    public static ApiException conflict(String detail) {
        return Problems.of(DomainException.conflict(detail));
    }

    /** A {@link DomainException.Kind#STALE} (412). */
    public static ApiException stale(String detail) {
        return Problems.of(DomainException.stale(detail));
    }

    /** A {@link DomainException.Kind#PRECONDITION_REQUIRED} (428). */
    public static ApiException preconditionRequired(String detail) {
        return Problems.of(DomainException.preconditionRequired(detail));
    }

    /** A {@link DomainException.Kind#TOO_LARGE} (413). */
    public static ApiException tooLarge(String detail) {
        return Problems.of(DomainException.tooLarge(detail));
    }

    /** A {@link DomainException.Kind#RATE_LIMITED} (429 with {@code Retry-After}). */
    public static ApiException tooManyRequests(long retryAfterSeconds) {
        return Problems.of(DomainException.rateLimited((int) Math.min(Integer.MAX_VALUE, retryAfterSeconds)));
    }

    /** A {@link DomainException.Kind#UNAVAILABLE} with {@code Retry-After: 1}: something a retry soon may cure. */
    public static ApiException unavailable(String detail) {
        return unavailable(detail, 1);
    }

    /** A {@link DomainException.Kind#UNAVAILABLE} (503 with {@code Retry-After}). */
    public static ApiException unavailable(String detail, int retryAfterSeconds) {
        return Problems.of(DomainException.unavailable(detail, retryAfterSeconds));
    }

    /** 415: a body that is not JSON, or is encoded in a way the route does not read. */
    public static ApiException unsupportedMediaType(String detail) {
        return new ApiException(415, "unsupported-media-type", "Unsupported media type", detail);
    }

    /** 405 with {@code Allow}: the path exists, but not with this method. */
    public static ApiException methodNotAllowed(String detail, String allow) {
        return new ApiException(405, "method-not-allowed", "Method not allowed", detail, List.of(),
                Map.of("Allow", allow));
    }
}
