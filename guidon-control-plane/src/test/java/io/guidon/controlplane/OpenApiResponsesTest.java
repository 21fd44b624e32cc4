package io.guidon.controlplane;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The response check the ITs run catches each kind of drift from the document, and names where. */
class OpenApiResponsesTest {

    private final OpenApiResponses openApi = OpenApiResponses.load();
    private static final Map<String, List<String>> JSON = Map.of("Content-Type", List.of("application/json"));
    private static final Map<String, List<String>> PROBLEM = Map.of("Content-Type",
            List.of("application/problem+json"));
    private static final String ENV = "{\"key\":\"production\",\"name\":\"production\",\"description\":\"\","
            + "\"protected\":false,\"requiredApprovals\":0,\"version\":1,\"revision\":1,\"createdAt\":\"2026-01-31T12:00:00Z\",\"updatedAt\":\"2026-01-31T12:00:00Z\"}";
    private static final String PROBLEM_BODY = "{\"type\":\"https://guidon.io/problems/not-found\",\"title\":\"Not"
            + " found\",\"status\":404,\"detail\":\"no\",\"instance\":\"urn:guidon:request:x\",\"requestId\":\"x\"}";

    @Test
    void anAnswerAsDocumentedPasses() {
        assertThatCode(() -> openApi.check("GET", "/api/v1/environments/production", 200, JSON, ENV))
                .doesNotThrowAnyException();
        assertThatCode(() -> openApi.check("GET", "/api/v1/environments/production", 404, PROBLEM, PROBLEM_BODY))
                .doesNotThrowAnyException();
        assertThatCode(() -> openApi.check("DELETE", "/api/v1/environments/production", 204, Map.of(), ""))
                .doesNotThrowAnyException();
        assertThatCode(() -> openApi.check("GET", "/api/v1/nothing-here", 404, PROBLEM, PROBLEM_BODY))
                .doesNotThrowAnyException();
    }

    @Test
    void aStatusTheOperationDoesNotDeclareFails() {
        assertThatThrownBy(() -> openApi.check("GET", "/api/v1/environments/production", 409, PROBLEM,
                PROBLEM_BODY)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("getEnvironment").hasMessageContaining("409")
                .hasMessageContaining("not declared");
    }

    @Test
    void aBodyThatDoesNotMatchItsSchemaFailsWithThePointerOfEachViolation() {
        String drifted = ENV.replace("\"version\":1", "\"version\":\"1\"").replace("\"name\":\"production\",", "")
                .replace("}", ",\"colour\":\"red\"}");

        assertThatThrownBy(() -> openApi.check("GET", "/api/v1/environments/production", 200, JSON, drifted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("getEnvironment: GET /api/v1/environments/production answered 200")
                .hasMessageContaining("/version").hasMessageContaining("name").hasMessageContaining("colour");
    }

    @Test
    void aProblemThatDoesNotMatchTheProblemSchemaFails() {
        assertThatThrownBy(() -> openApi.check("GET", "/api/v1/environments/production", 404, PROBLEM,
                "{\"title\":\"Not found\",\"status\":\"404\"}")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("/status").hasMessageContaining("type");
        assertThatThrownBy(() -> openApi.check("GET", "/api/v1/nothing-here", 404, JSON, "{}"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("application/problem+json");
    }

    @Test
    void aContentTypeOrABodyTheDocumentDoesNotDeclareFails() {
        assertThatThrownBy(() -> openApi.check("GET", "/api/v1/environments/production", 404, JSON, PROBLEM_BODY))
                .isInstanceOf(AssertionError.class).hasMessageContaining("Content-Type application/json");
        assertThatThrownBy(() -> openApi.check("DELETE", "/api/v1/environments/production", 204, JSON, "{}"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("declares none");
        assertThatThrownBy(() -> openApi.check("GET", "/api/v1/environments/production", 200, JSON, ""))
                .isInstanceOf(AssertionError.class).hasMessageContaining("without a body");
    }
}
