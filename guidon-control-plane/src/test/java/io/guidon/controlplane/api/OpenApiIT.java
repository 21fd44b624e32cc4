package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The served OpenAPI document describes exactly the router's routes, each with the role the router enforces. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiIT {

    Harness cp;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of());
    }

    @AfterAll
    void stop() throws Exception {
        cp.close();
    }

    @Test
    void theDocumentListsEveryRouteOfTheRouterAndNothingElseWithItsRole() {
        JsonNode doc = cp.get("/api/v1/openapi.json", null).json();
        assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");

        Map<String, String> documented = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            String routerPath = path.getKey().replaceAll("\\{([a-z]+)}", ":$1");
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext();) {
                Map.Entry<String, JsonNode> op = ops.next();
                documented.put(op.getKey().toUpperCase() + " " + routerPath, op.getValue().get("x-guidon-role").asText());
                for (JsonNode p : op.getValue().path("parameters")) {
                    if (p.get("in").asText().equals("path")) {
                        assertThat(path.getKey()).contains("{" + p.get("name").asText() + "}");
                    }
                }
            }
        }
        Map<String, String> routed = new TreeMap<>();
        for (ApiRouter.RouteSpec r : cp.running.routes()) {
            routed.put(r.method().name() + " " + r.path(), r.role() == null ? "none" : r.role().jsonName());
        }

        assertThat(documented).isEqualTo(routed);
    }

    @Test
    void theDocumentedQueryParametersOfEveryRouteAreExactlyThoseItAccepts() {
        JsonNode doc = cp.get("/api/v1/openapi.json", null).json();
        Map<String, java.util.Set<String>> documented = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            String routerPath = path.getKey().replaceAll("\\{([a-z]+)}", ":$1");
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext();) {
                Map.Entry<String, JsonNode> op = ops.next();
                java.util.Set<String> names = new java.util.TreeSet<>();
                for (JsonNode p : op.getValue().path("parameters")) {
                    if (p.get("in").asText().equals("query")) {
                        names.add(p.get("name").asText());
                    }
                }
                documented.put(op.getKey().toUpperCase() + " " + routerPath, names);
            }
        }
        Map<String, java.util.Set<String>> accepted = new TreeMap<>();
        for (ApiRouter.RouteSpec r : cp.running.routes()) {
            accepted.put(r.method().name() + " " + r.path(), new java.util.TreeSet<>(r.query()));
        }

        assertThat(documented).isEqualTo(accepted);
    }

    @Test
    void everyReferencedSchemaAndResponseExists() {
        JsonNode doc = cp.get("/api/v1/openapi.json", null).json();
        java.util.List<String> refs = doc.findValuesAsText("$ref");

        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            String[] parts = ref.substring(2).split("/");
            JsonNode target = doc;
            for (String part : parts) {
                target = target.path(part);
            }
            assertThat(target.isMissingNode()).as(ref).isFalse();
        }
    }
}
