package io.guidon.controlplane.domain;

import java.util.List;

/**
 * The one error type of the control plane below its HTTP layer (services, repositories, authentication, event
 * ingest): what went wrong in the domain's terms, never a status code. The HTTP layer maps each {@link Kind} to
 * one RFC 9457 problem ({@code api.Problems}); the command line maps it to a message and an exit code.
 *
 * <p>Thrown (or failed into a Future) by services; carries no stack trace, since it is an answer, not a bug.
 */
public final class DomainException extends RuntimeException {

    /** What kind of failure: each maps to one HTTP status and problem type at the edge. */
    public enum Kind {
        /** The input breaks a rule; {@link #violations()} says where and what (422). */
        INVALID,
        /** A query or path parameter breaks a rule; {@link #violations()} says which (400). */
        INVALID_PARAMETER,
        /**
         * An event batch refused whole: its envelope cannot be used (not JSON or not gzip, too large once inflated,
         * too many events, a missing or malformed batch id...); {@link #violations()} says where, and nothing of it
         * was stored (400). A bad event alone never refuses its batch.
         */
        INVALID_EVENT_BATCH,
        /** The resource named does not exist, or is not the caller's to see (404). */
        NOT_FOUND,
        /** The change contradicts the current state: a duplicate key, a resource in use (409). */
        CONFLICT,
        /** The version the caller based the change on is no longer current (412). */
        STALE,
        /** The change must name the version it is based on, and did not (428). */
        PRECONDITION_REQUIRED,
        /** No credentials, or credentials that are not valid (401). */
        UNAUTHENTICATED,
        /** Valid credentials that may not do this (403). */
        FORBIDDEN,
        /** The input is larger than a limit allows (413). */
        TOO_LARGE,
        /** Too many requests from this caller; {@link #retryAfterSeconds()} says when to try again (429). */
        RATE_LIMITED,
        /** A dependency is down or busy, or a change kept conflicting; retry after {@link #retryAfterSeconds()} (503). */
        UNAVAILABLE,
        /**
         * A change of an environment that requires approvals, made without any: it must be proposed as a change
         * request ({@link #requiredApprovals()} says how many it needs). The direct routes turn it into one (202);
         * elsewhere it is a 409.
         */
        APPROVAL_REQUIRED
    }

    private final Kind kind;
    private final List<Violation> violations;
    private final int retryAfterSeconds;

    private DomainException(Kind kind, String detail, List<Violation> violations, int retryAfterSeconds) {
        super(detail, null, false, false);
        this.kind = kind;
        this.violations = List.copyOf(violations);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Kind kind() {
        return kind;
    }

    /** The plain-words explanation for the caller. */
    public String detail() {
        return getMessage();
    }

    /** For {@link Kind#INVALID} and {@link Kind#INVALID_PARAMETER}: each problem, where and what; else empty. */
    public List<Violation> violations() {
        return violations;
    }

    /** For {@link Kind#RATE_LIMITED} and {@link Kind#UNAVAILABLE}: seconds to wait; else 0. */
    public int retryAfterSeconds() {
        return kind == Kind.APPROVAL_REQUIRED ? 0 : retryAfterSeconds;
    }

    /** For {@link Kind#APPROVAL_REQUIRED}: how many approvals the change needs; else 0. */
    public int requiredApprovals() {
        return kind == Kind.APPROVAL_REQUIRED ? retryAfterSeconds : 0;
    }

    /** A change that needs {@code approvals} approvals, made without: {@code detail} says where and why. */
    public static DomainException approvalRequired(int approvals, String detail) {
        return new DomainException(Kind.APPROVAL_REQUIRED, detail, List.of(), approvals);
    }

    /** Input that breaks rules, each violation with where and what; {@code violations} must not be empty. */
    public static DomainException invalid(List<Violation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an invalid input has at least one violation");
        }
        return new DomainException(Kind.INVALID, summary(violations), violations, 0);
    }

    public static DomainException invalid(Violation violation) {
        return invalid(List.of(violation));
    }

    /** Query or path parameters that break rules; {@code violations} must not be empty. */
    public static DomainException invalidParameter(List<Violation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an invalid parameter has at least one violation");
        }
        return new DomainException(Kind.INVALID_PARAMETER, summary(violations), violations, 0);
    }

    /**
     * An event batch refused whole, with {@code detail} saying so in one sentence and each problem of its envelope;
     * {@code violations} must not be empty.
     */
    public static DomainException invalidEventBatch(String detail, List<Violation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("a refused batch has at least one violation");
        }
        return new DomainException(Kind.INVALID_EVENT_BATCH, detail, violations, 0);
    }

    public static DomainException notFound(String detail) {
        return new DomainException(Kind.NOT_FOUND, detail, List.of(), 0);
    }

    public static DomainException conflict(String detail) {
        return new DomainException(Kind.CONFLICT, detail, List.of(), 0);
    }

    public static DomainException stale(String detail) {
        return new DomainException(Kind.STALE, detail, List.of(), 0);
    }

    public static DomainException preconditionRequired(String detail) {
        return new DomainException(Kind.PRECONDITION_REQUIRED, detail, List.of(), 0);
    }

    public static DomainException unauthenticated(String detail) {
        return new DomainException(Kind.UNAUTHENTICATED, detail, List.of(), 0);
    }

    public static DomainException forbidden(String detail) {
        return new DomainException(Kind.FORBIDDEN, detail, List.of(), 0);
    }

    public static DomainException tooLarge(String detail) {
        return new DomainException(Kind.TOO_LARGE, detail, List.of(), 0);
    }

    public static DomainException rateLimited(int retryAfterSeconds) {
        return new DomainException(Kind.RATE_LIMITED,
                "rate limit exceeded; retry after " + retryAfterSeconds + " s", List.of(), retryAfterSeconds);
    }

    public static DomainException unavailable(String detail, int retryAfterSeconds) {
        return new DomainException(Kind.UNAVAILABLE, detail, List.of(), retryAfterSeconds);
    }

    private static String summary(List<Violation> violations) {
        if (violations.size() == 1) {
            Violation v = violations.get(0);
            return v.where().text() + ": " + v.message();
        }
        return violations.size() + " problems; see errors";
    }
}
