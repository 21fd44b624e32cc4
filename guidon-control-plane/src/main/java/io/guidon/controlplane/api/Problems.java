package io.guidon.controlplane.api;

import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one mapping from the control plane's domain errors to HTTP: each {@link DomainException.Kind} to its RFC 9457
 * problem (status, {@code type}, {@code title}, headers). The layers below the API say what went wrong; only this
 * class says how it is answered.
 *
 * <table>
 *   <caption>Kinds and their problems</caption>
 *   <tr><th>Kind</th><th>Status</th><th>type</th><th>Headers</th></tr>
 *   <tr><td>INVALID</td><td>422</td><td>validation</td><td></td></tr>
 *   <tr><td>INVALID_PARAMETER</td><td>400</td><td>invalid-parameter</td><td></td></tr>
 *   <tr><td>NOT_FOUND</td><td>404</td><td>not-found</td><td></td></tr>
 *   <tr><td>CONFLICT</td><td>409</td><td>conflict</td><td></td></tr>
 *   <tr><td>STALE</td><td>412</td><td>stale</td><td></td></tr>
 *   <tr><td>TOO_LARGE</td><td>413</td><td>too-large</td><td></td></tr>
 *   <tr><td>PRECONDITION_REQUIRED</td><td>428</td><td>precondition-required</td><td></td></tr>
 *   <tr><td>UNAUTHENTICATED</td><td>401</td><td>unauthorized</td><td>WWW-Authenticate: Bearer</td></tr>
 *   <tr><td>FORBIDDEN</td><td>403</td><td>forbidden</td><td></td></tr>
 *   <tr><td>RATE_LIMITED</td><td>429</td><td>rate-limited</td><td>Retry-After</td></tr>
 *   <tr><td>UNAVAILABLE</td><td>503</td><td>unavailable</td><td>Retry-After</td></tr>
 *   <tr><td>APPROVAL_REQUIRED</td><td>409</td><td>approval-required</td><td></td></tr>
 * </table>
 *
 * <p>Each {@link Violation} becomes an item of {@code errors}: {@code path}, the place as people read it
 * ({@code flags.x.rules[0]}), {@code pointer}, the same place as an RFC 6901 JSON Pointer ({@code /flags/x/rules/0}),
 * and {@code message}. The text is made here, at the edge, never below.
 */
public final class Problems {

    /** Where {@code UNAUTHENTICATED} tells the client to authenticate (RFC 6750). */
    static final String WWW_AUTHENTICATE = "Bearer realm=\"guidon\"";

    private Problems() {
    }

    /** The problem that answers {@code e}. */
    public static ApiException of(DomainException e) {
        String detail = e.detail();
        ApiException problem = switch (e.kind()) {
            case INVALID -> ApiException.invalid(errors(e.violations()));
            // The detail names the first parameter, as it always has.
            case INVALID_PARAMETER -> ApiException.invalidParameter(errors(e.violations()));
            case INVALID_EVENT_BATCH -> new ApiException(400, "invalid-event-batch", "Invalid event batch", detail,
                    errors(e.violations()), Map.of());
            case NOT_FOUND -> new ApiException(404, "not-found", "Not found", detail);
            case CONFLICT -> new ApiException(409, "conflict", "Conflict", detail);
            case STALE -> new ApiException(412, "stale", "Precondition failed", detail);
            case PRECONDITION_REQUIRED -> new ApiException(428, "precondition-required", "Precondition required",
                    detail);
            case UNAUTHENTICATED -> new ApiException(401, "unauthorized", "Unauthorized", detail, List.of(),
                    Map.of("WWW-Authenticate", WWW_AUTHENTICATE));
            case FORBIDDEN -> new ApiException(403, "forbidden", "Forbidden", detail);
            case TOO_LARGE -> new ApiException(413, "too-large", "Request body too large", detail);
            case RATE_LIMITED -> new ApiException(429, "rate-limited", "Too many requests", detail, List.of(),
                    Map.of("Retry-After", Integer.toString(e.retryAfterSeconds())));
            case UNAVAILABLE -> new ApiException(503, "unavailable", "Service unavailable", detail, List.of(),
                    Map.of("Retry-After", Integer.toString(e.retryAfterSeconds())));
            case APPROVAL_REQUIRED -> new ApiException(409, "approval-required", "Approval required", detail);
        };
        return new ApiException(problem.status(), problem.typeName(), problem.title(), problem.detail(),
                problem.errors(), problem.headers(), e);
    }

    /** The problem that answers {@code failure} when it is one the API knows; null for anything else. */
    static ApiException known(Throwable failure) {
        if (failure instanceof ApiException api) {
            return api;
        }
        if (failure instanceof DomainException domain) {
            return of(domain);
        }
        return null;
    }

    /** Each violation as an item of {@code errors}, its place rendered here: text and JSON Pointer. */
    static List<FieldError> errors(List<Violation> violations) {
        List<FieldError> errors = new ArrayList<>(violations.size());
        for (Violation v : violations) {
            errors.add(FieldError.at(v.where(), v.message()));
        }
        return errors;
    }
}
