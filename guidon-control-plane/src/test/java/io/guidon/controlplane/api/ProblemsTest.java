package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Violation;
import io.guidon.json.Pointer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one mapping from domain errors to problems answers exactly what the API has always answered. */
class ProblemsTest {

    private static void assertProblem(ApiException p, int status, String type, String title, String detail,
            Map<String, String> headers) {
        assertThat(p.status()).isEqualTo(status);
        assertThat(p.type()).isEqualTo(ApiException.TYPE_BASE + type);
        assertThat(p.title()).isEqualTo(title);
        assertThat(p.detail()).isEqualTo(detail);
        assertThat(p.headers()).isEqualTo(headers);
    }

    @Test
    void everyKindHasItsStatusTypeTitleAndHeaders() {
        assertProblem(Problems.of(DomainException.notFound("no flag 'x'")), 404, "not-found", "Not found",
                "no flag 'x'", Map.of());
        assertProblem(Problems.of(DomainException.conflict("exists")), 409, "conflict", "Conflict", "exists",
                Map.of());
        assertProblem(Problems.of(DomainException.stale("at 3")), 412, "stale", "Precondition failed", "at 3",
                Map.of());
        assertProblem(Problems.of(DomainException.preconditionRequired("send If-Match")), 428,
                "precondition-required", "Precondition required", "send If-Match", Map.of());
        assertProblem(Problems.of(DomainException.unauthenticated("no key")), 401, "unauthorized", "Unauthorized",
                "no key", Map.of("WWW-Authenticate", "Bearer realm=\"guidon\""));
        assertProblem(Problems.of(DomainException.forbidden("viewer")), 403, "forbidden", "Forbidden", "viewer",
                Map.of());
        assertProblem(Problems.of(DomainException.tooLarge("the body exceeds 10 bytes")), 413, "too-large",
                "Request body too large", "the body exceeds 10 bytes", Map.of());
        assertProblem(Problems.of(DomainException.rateLimited(7)), 429, "rate-limited", "Too many requests",
                "rate limit exceeded; retry after 7 s", Map.of("Retry-After", "7"));
        assertProblem(Problems.of(DomainException.unavailable("the database is busy", 5)), 503, "unavailable",
                "Service unavailable", "the database is busy", Map.of("Retry-After", "5"));
        assertProblem(Problems.of(DomainException.approvalRequired(2, "production requires 2 approvals")), 409,
                "approval-required", "Approval required", "production requires 2 approvals", Map.of());
        ApiException batch = Problems.of(DomainException.invalidEventBatch("the batch has no id",
                List.of(io.guidon.controlplane.domain.Violation.of("batchId", "required"))));
        assertProblem(batch, 400, "invalid-event-batch", "Invalid event batch", "the batch has no id", Map.of());
        assertThat(batch.errors()).extracting(FieldError::path, FieldError::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("batchId", "required"));
        for (DomainException.Kind kind : DomainException.Kind.values()) {
            assertThat(kind.name()).isIn(List.of("INVALID", "INVALID_PARAMETER", "INVALID_EVENT_BATCH", "NOT_FOUND", "CONFLICT", "STALE",
                    "PRECONDITION_REQUIRED", "UNAUTHENTICATED", "FORBIDDEN", "TOO_LARGE", "RATE_LIMITED",
                    "UNAVAILABLE", "APPROVAL_REQUIRED"));
        }
    }

    @Test
    void theLegacyFactoriesAnswerTheSameProblemsAndKeepTheDomainErrorAsCause() {
        ApiException p = ApiException.conflict("tenant 'acme' already exists");
        assertProblem(p, 409, "conflict", "Conflict", "tenant 'acme' already exists", Map.of());
        assertThat(p.getCause()).isInstanceOfSatisfying(DomainException.class,
                d -> assertThat(d.kind()).isEqualTo(DomainException.Kind.CONFLICT));
        assertProblem(ApiException.unavailable("busy"), 503, "unavailable", "Service unavailable", "busy",
                Map.of("Retry-After", "1"));
        assertProblem(ApiException.tooManyRequests(2), 429, "rate-limited", "Too many requests",
                "rate limit exceeded; retry after 2 s", Map.of("Retry-After", "2"));
    }

    @Test
    void violationsAreAnsweredWithTheirPathAsTextAndAsJsonPointer() {
        Pointer where = Pointer.of("flags", "a.b").field("rules").index(0).field("serve");
        ApiException p = Problems.of(DomainException.invalid(List.of(new Violation(where, "no such variant"),
                Violation.of("key", "required"))));

        assertProblem(p, 422, "validation", "Invalid request", "2 problems; see errors", Map.of());
        assertThat(p.errors()).extracting(FieldError::path).containsExactly("flags[\"a.b\"].rules[0].serve", "key");
        assertThat(p.errors()).extracting(e -> e.pointer().toString())
                .containsExactly("/flags/a.b/rules/0/serve", "/key");
        assertThat(p.errors()).extracting(FieldError::message).containsExactly("no such variant", "required");

        ApiException one = Problems.of(DomainException.invalid(new Violation(where, "no such variant")));
        assertThat(one.detail()).isEqualTo("flags[\"a.b\"].rules[0].serve: no such variant");
    }

    @Test
    void anInvalidParameterNamesTheFirstParameterInItsDetail() {
        ApiException p = Problems.of(DomainException.invalidParameter(List.of(
                Violation.of("from", "must be an ISO-8601 instant"),
                Violation.of("to", "must be an ISO-8601 instant"))));

        assertProblem(p, 400, "invalid-parameter", "Invalid parameter", "from: must be an ISO-8601 instant",
                Map.of());
        assertThat(p.errors()).extracting(e -> e.pointer().toString()).containsExactly("/from", "/to");
    }

    @Test
    void onlyTheApisOwnErrorsAndDomainErrorsAreKnown() {
        assertThat(Problems.known(ApiException.malformed("x")).status()).isEqualTo(400);
        assertThat(Problems.known(DomainException.notFound("x")).status()).isEqualTo(404);
        assertThat(Problems.known(new IllegalStateException("bug"))).isNull();
        assertThat(Problems.known(null)).isNull();
    }
}
