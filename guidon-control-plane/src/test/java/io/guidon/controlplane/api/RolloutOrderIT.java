package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The order of a rollout's variants is its bucket order (docs/flag-format.md, "Order"): the control plane keeps it
 * as sent, in what it answers and in what sidecars receive. (Stored as jsonb, {@code {"off": 75, "on": 25}} came
 * back as {@code {"on": 25, "off": 75}}: other buckets than the same flag in a file.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RolloutOrderIT {

    Harness cp;
    String admin;
    String sidecar;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of());
        admin = cp.bootstrap("acme");
        cp.post("/api/v1/environments", admin, Map.of("key", "production"));
        cp.post("/api/v1/flags", admin, Map.of("key", "checkout", "variants",
                Map.of("on", true, "off", false, "holdout", false)));
        sidecar = cp.createKey(admin, "sidecar", "sidecar", "production").json().get("key").asText();
    }

    @AfterAll
    void stop() {
        cp.close();
    }

    @Test
    void aRolloutsVariantsKeepTheOrderTheyWereSentInThroughTheApiAndToSidecars() {
        String etag = cp.get("/api/v1/environments/production/flags/checkout", admin).header("ETag");
        Harness.Resp put = cp.call("PUT", "/api/v1/environments/production/flags/checkout", admin,
                "{\"enabled\": true, \"offVariant\": \"off\", \"rules\": [{\"id\": \"r\", \"when\": {\"attribute\":"
                        + " \"country\", \"op\": \"in\", \"values\": [\"FR\"]}, \"serve\": {\"rollout\": {\"holdout\": 5,"
                        + " \"on\": 45, \"off\": 50}}}], \"fallthrough\": {\"rollout\": {\"off\": 75, \"on\": 25}}}",
                "If-Match", etag);
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(names(put.json().at("/fallthrough/rollout"))).containsExactly("off", "on");

        JsonNode read = cp.get("/api/v1/environments/production/flags/checkout", admin).json();
        assertThat(names(read.at("/fallthrough/rollout"))).containsExactly("off", "on");
        assertThat(names(read.at("/rules/0/serve/rollout"))).containsExactly("holdout", "on", "off");

        JsonNode snapshot = cp.get("/api/v1/sidecar/flags", sidecar).json();
        JsonNode flag = snapshot.at("/document/flags/checkout").isMissingNode() ? find(snapshot, "checkout")
                : snapshot.at("/document/flags/checkout");
        assertThat(names(flag.at("/fallthrough/rollout"))).containsExactly("off", "on");
        assertThat(names(flag.at("/rules/0/serve/rollout"))).containsExactly("holdout", "on", "off");
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** The flag {@code key} wherever the snapshot's document keeps its flags. */
    private static JsonNode find(JsonNode node, String key) {
        if (node.isObject()) {
            if (node.has(key) && node.get(key).has("fallthrough")) {
                return node.get(key);
            }
            for (JsonNode child : node) {
                JsonNode found = find(child, key);
                if (found != null && !found.isMissingNode()) {
                    return found;
                }
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
}
