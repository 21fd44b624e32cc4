package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.json.Pointer;
import io.vertx.core.http.HttpMethod;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Request bodies checked against the served OpenAPI document, reported in the handlers' words with pointers. */
class ContractValidationTest {

    private static final ContractValidation CONTRACT = load();

    private static ContractValidation load() {
        try (InputStream in = ContractValidationTest.class.getClassLoader()
                .getResourceAsStream("controlplane/openapi.json")) {
            return new ContractValidation(in.readAllBytes());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String text) {
        return Json.parse(text);
    }

    @Test
    void aBodyIsCheckedAgainstItsOperationsSchemaWithAPointerForEachViolation() {
        ContractValidation.Route route = CONTRACT.route(HttpMethod.POST, "/api/v1/flags", true);

        List<FieldError> errors = route.body(json("{\"key\":5,\"colour\":1,\"variants\":{},\"tags\":[\"\",2]}"));

        assertThat(route.operationId()).isEqualTo("createFlag");
        assertThat(errors).containsExactlyInAnyOrder(
                new FieldError("colour", "unknown field (allowed: description, key, metadata, name, offVariant, salt,"
                        + " tags, variants)", Pointer.of("colour")),
                new FieldError("key", "must be a string, not a number", Pointer.of("key")),
                new FieldError("tags[0]", "must not be empty", Pointer.of("tags").index(0)),
                new FieldError("tags[1]", "must be a string, not a number", Pointer.of("tags").index(1)),
                new FieldError("variants", "must not be empty", Pointer.of("variants")));
    }

    @Test
    void requiredMembersAndNestedPlacesAreNamedWhereTheProblemIs() {
        ContractValidation.Route route = CONTRACT.route(HttpMethod.PUT, "/api/v1/environments/:env/flags/:flag",
                true);

        List<FieldError> errors = route.body(json("{\"enabled\":\"yes\",\"rules\":[{},3],\"a.b\":1}"));

        assertThat(errors).extracting(FieldError::path).containsExactlyInAnyOrder("[\"a.b\"]", "enabled",
                "fallthrough", "offVariant", "rules[1]");
        assertThat(errors).extracting(e -> e.pointer().toString()).containsExactlyInAnyOrder("/a.b", "/enabled",
                "/fallthrough", "/offVariant", "/rules/1");
        assertThat(errors).filteredOn(e -> e.path().equals("offVariant")).extracting(FieldError::message)
                .containsExactly("required");
        assertThat(errors).filteredOn(e -> e.path().equals("enabled")).extracting(FieldError::message)
                .containsExactly("must be true or false, not a string");
    }

    @Test
    void whatTheHandlersAcceptTheContractAcceptsNullsAndMembersSentBackAsRead() {
        ContractValidation.Route update = CONTRACT.route(HttpMethod.PUT, "/api/v1/flags/:flag", true);

        assertThat(update.body(json("{\"key\":\"f\",\"description\":null,\"tags\":null,\"variants\":{\"on\":true},"
                + "\"metadata\":null,\"salt\":null,\"revision\":3,\"createdAt\":\"x\",\"updatedAt\":\"y\"}"))).isEmpty();
        assertThat(CONTRACT.route(HttpMethod.PUT, "/api/v1/environments/:env/flags/:flag/rollout", true)
                .body(json("{\"percentage\":10.5,\"bucketBy\":null}"))).isEmpty();
    }

    @Test
    void theEventRouteAndOperationsWithoutABodyAreNotCheckedForOne() {
        assertThat(CONTRACT.route(HttpMethod.POST, "/api/v1/events", false).body(json("{\"x\":1}"))).isEmpty();
        assertThat(CONTRACT.route(HttpMethod.GET, "/api/v1/flags", true).body(json("{\"x\":1}"))).isEmpty();
        assertThat(CONTRACT.route(HttpMethod.GET, "/api/v1/no-such-route", true)).isNull();
    }

    @Test
    void theContractsViolationsAreTheHandlersProblemsUntilItReportsTheSamePlaceInItsOwnWords() {
        ObjectNode body = (ObjectNode) json("{\"key\":5,\"salt\":1}");
        FieldError key = new FieldError("key", "must be a string, not a number", Pointer.of("key"));
        FieldError salt = new FieldError("salt", "must be a string or null, not a number", Pointer.of("salt"));

        Fields f = new Fields(body, List.of(key, salt));
        f.error("key", "must be 1 to 128 of a-z, ...");

        assertThat(f.errors()).containsExactly(salt, new FieldError("key", "must be 1 to 128 of a-z, ..."));
        assertThatThrownBy(new Fields(body, List.of(salt))::done).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(422));
    }

    @Test
    void aViolationReportedElsewhereAtTheSamePlaceIsAnsweredOnceInTheOtherWords() {
        FieldError contract = new FieldError("rules[0].when.op", "must be one of ...", Pointer.parse("/rules/0/when/op"));
        FieldError engine = new FieldError("rules[0].when.op", "unknown operator 'like'");
        FieldError alone = new FieldError("colour", "unknown field", Pointer.of("colour"));

        ApiException answered = ContractValidation.withoutRepeats(ApiException.invalid(List.of(contract, alone,
                engine)), List.of(contract, alone));

        assertThat(answered.errors()).containsExactly(alone, engine);
        assertThat(answered.status()).isEqualTo(422);
    }

    @Test
    void thePointerOfAnErrorIsReadFromItsTextWhenTheCheckerGaveNone() {
        assertThat(ptr("rules[0].serve.variant")).isEqualTo("/rules/0/serve/variant");
        assertThat(ptr("flags[\"a.b\"].on")).isEqualTo("/flags/a.b/on");
        assertThat(ptr("environments.production.flags.existing.offVariant"))
                .isEqualTo("/environments/production/flags/existing/offVariant");
        assertThat(ptr("variants" + "[0]".repeat(3))).isEqualTo("/variants/0/0/0");
        assertThat(ptr("limit")).isEqualTo("/limit");
        assertThat(ptr("")).isEmpty();
        assertThat(ptr("a..b")).isNull();
        assertThat(ptr("a[x]")).isNull();
        assertThat(ContractValidation.pointerOf(new FieldError("x.y", "m", Pointer.of("x.y"))))
                .isEqualTo(Pointer.of("x.y"));
    }

    @Test
    void aParametersPointerIsItsNameAsOneToken() {
        FieldError parameter = FieldError.named("a.b", "m");
        FieldError member = new FieldError("a.b", "m");

        assertThat(ContractValidation.pointerOf(ApiException.invalidParameter(List.of(parameter)), parameter))
                .isEqualTo(Pointer.of("a.b"));
        assertThat(ContractValidation.pointerOf(ApiException.invalid(List.of(member)), member))
                .isEqualTo(Pointer.of("a", "b"));
    }

    private static String ptr(String text) {
        Pointer p = ContractValidation.pointerOf(new FieldError(text, "m"));
        return p == null ? null : p.toString();
    }

    @Test
    void theDocumentIsReadInADialectThatKnowsItsMembersSoNoneIsLoggedAsAnUnknownKeyword() throws Exception {
        JsonNode doc;
        byte[] bytes;
        try (InputStream in = ContractValidationTest.class.getClassLoader()
                .getResourceAsStream("controlplane/openapi.json")) {
            bytes = in.readAllBytes();
        }
        doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(bytes);
        // UnknownKeywordFactory warns once per keyword and JVM, so the test asks the validator's own dialect:
        // every top-level member of the document is one of its keywords (in plain 2020-12, none is).
        com.networknt.schema.JsonMetaSchema dialect = new ContractValidation(bytes).documentDialect();
        assertThat(dialect.getIri()).isEqualTo(ContractValidation.openApiDialect().getIri());
        assertThat(dialect.getKeywords().keySet()).containsAll(() -> doc.fieldNames())
                .contains("discriminator", "example", "$ref", "properties");
        assertThat(com.networknt.schema.JsonMetaSchema.getV202012().getKeywords().keySet())
                .doesNotContain("paths", "components");
    }
}
