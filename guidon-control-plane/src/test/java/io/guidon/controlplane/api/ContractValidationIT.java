package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The served OpenAPI document is the contract of the requests: parameters and bodies are checked against it before
 * a handler acts, and every problem names its place as text and as a JSON Pointer (ADR 0111).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContractValidationIT {

    Harness cp;
    String admin;
    String sidecar;

    @BeforeAll
    void start() throws Exception {
        // Webhooks to loopback are allowed (never sent: no replica delivers here).
        cp = Harness.start(Map.of("webhooks.allowed-addresses", "127.0.0.1/32", "webhooks.deliver", "false"));
        admin = cp.bootstrap("acme");
        assertThat(cp.post("/api/v1/environments", admin, Map.of("key", "production")).status()).isEqualTo(201);
        assertThat(cp.post("/api/v1/flags", admin, Map.of("key", "f", "variants", Map.of("on", true, "off", false)))
                .status()).isEqualTo(201);
        assertThat(cp.post("/api/v1/environments/production/segments", admin, Map.of("key", "s")).status())
                .isEqualTo(201);
        sidecar = cp.createKey(admin, "sc", "sidecar", "production").json().get("key").asText();
        assertThat(cp.post("/api/v1/metrics", admin, Map.of("key", "m", "name", "M", "kind", "proportion", "event",
                "checkout", "direction", "higher_is_better")).status()).isEqualTo(201);
        // Experiment 1: the {id} every operation with a body is called with.
        assertThat(cp.post("/api/v1/experiments", admin, Map.of("key", "x", "name", "X", "environment", "production",
                "flag", "f", "controlVariant", "off", "variants", java.util.List.of(Map.of("key", "off"),
                        Map.of("key", "on")), "metrics", Map.of("primary", "m"))).json().get("id").asLong())
                .isEqualTo(1);
        // Webhook 1 likewise.
        assertThat(cp.post("/api/v1/webhooks", admin, Map.of("url", "http://127.0.0.1:9/hook", "eventTypes",
                java.util.List.of("flag.created"))).json().get("id").asLong()).isEqualTo(1);
    }

    @AfterAll
    void stop() {
        cp.close();
    }

    private static JsonNode onlyError(Resp r) {
        assertThat(r.json().get("errors")).as(r.body()).hasSize(1);
        return r.json().get("errors").get(0);
    }

    @Test
    void aQueryParameterItsSchemaRefusesIsA400NamingItWithItsPointer() {
        Resp r = cp.get("/api/v1/flags?limit=0", admin);

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("type").asText()).isEqualTo("https://guidon.io/problems/invalid-parameter");
        JsonNode e = onlyError(r);
        assertThat(e.get("path").asText()).isEqualTo("limit");
        assertThat(e.get("pointer").asText()).isEqualTo("/limit");
        // The handler checks a limit against the configured page size: one wording, whichever bound it misses.
        assertThat(e.get("message").asText()).isEqualTo("must be a whole number from 1 to 200, not '0'");
        assertThat(onlyError(cp.get("/api/v1/flags?limit=201", admin)).get("message").asText())
                .isEqualTo("must be a whole number from 1 to 200, not '201'");

        Resp word = cp.get("/api/v1/environments?limit=ten", admin);
        assertThat(onlyError(word).get("message").asText()).isEqualTo("must be a whole number from 1 to 200,"
                + " not 'ten'");
        Resp wordless = cp.get("/api/v1/sidecar/flags?since=abc", sidecar);
        assertThat(onlyError(wordless).get("message").asText()).isEqualTo("must be a version (a whole number of at"
                + " most 18 digits), not 'abc'");

        Resp type = cp.get("/api/v1/audit?resourceType=owner", admin);
        assertThat(type.status()).isEqualTo(400);
        assertThat(onlyError(type).get("message").asText())
                .isEqualTo("must be one of tenant, environment, flag, segment, key, schedule, change_request,"
                        + " rollout_plan, metric, experiment, webhook, not 'owner'");

        Resp since = cp.get("/api/v1/sidecar/flags?since=-1", sidecar);
        assertThat(since.status()).isEqualTo(400);
        assertThat(onlyError(since).get("pointer").asText()).isEqualTo("/since");
        assertThat(onlyError(since).get("message").asText()).isEqualTo("must be a version (a whole number of at"
                + " most 18 digits), not '-1'");
    }

    @Test
    void everyRefusedParameterIsOneProblemTypeWithOneTitle() {
        for (String uri : List.of("/api/v1/flags?limit=0", "/api/v1/flags?limit=201", "/api/v1/flags?foo=1",
                "/api/v1/flags?cursor=%C3", "/api/v1/flags?cursor=garbage", "/api/v1/flags?limit=1&limit=2",
                "/api/v1/flags/f/exposures?environment=production&from=2026-13-01")) {
            Resp r = cp.get(uri, admin);
            assertThat(r.status()).as(uri + " " + r.body()).isEqualTo(400);
            assertThat(r.json().get("type").asText()).as(uri).isEqualTo("https://guidon.io/problems/invalid-parameter");
            assertThat(r.json().get("title").asText()).as(uri).isEqualTo("Invalid parameter");
        }
        Resp since = cp.get("/api/v1/sidecar/flags?since=abc", sidecar);
        assertThat(since.status()).as(since.body()).isEqualTo(400);
        assertThat(since.json().get("title").asText()).isEqualTo("Invalid parameter");
    }

    @Test
    void emptyVariantsAreSaidToBeEmpty() {
        Resp r = cp.post("/api/v1/flags", admin, Map.of("key", "g", "variants", Map.of()));
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(onlyError(r).get("message").asText())
                .isEqualTo("must be a non-empty object of variant values by name, not an empty object");
    }

    @Test
    void aBodysViolationsAreAnsweredWithTheHandlersAndTheEnginesInOne422EachWithItsPointer() {
        String etag = cp.get("/api/v1/environments/production/flags/f", admin).header("ETag");

        Resp r = cp.call("PUT", "/api/v1/environments/production/flags/f", admin, "{\"enabled\":\"yes\","
                + "\"colour\":1,\"offVariant\":\"off\",\"fallthrough\":{\"variant\":\"on\"},\"rules\":[{\"id\":\"r\","
                + "\"when\":{\"attribute\":\"a\",\"op\":\"like\",\"values\":[\"x\"]},\"serve\":{\"variant\":\"on\"}}]}",
                "If-Match", etag);

        assertThat(r.status()).as(r.body()).isEqualTo(422);
        Map<String, String> pointers = new java.util.TreeMap<>();
        List<String> paths = new ArrayList<>();
        for (JsonNode e : r.json().get("errors")) {
            paths.add(e.get("path").asText());
            pointers.put(e.get("path").asText(), e.get("pointer").asText());
        }
        // Each place once: the handler's unknown field, the engine's operator and its "enabled" (also the contract's).
        assertThat(paths).containsExactlyInAnyOrder("colour", "enabled", "rules[0].when.op");
        assertThat(pointers).containsEntry("colour", "/colour").containsEntry("enabled", "/enabled")
                .containsEntry("rules[0].when.op", "/rules/0/when/op");
        assertThat(cp.get("/api/v1/environments/production/flags/f", admin).header("ETag")).isEqualTo(etag);
    }

    @Test
    void everyOperationWithABodyRefusesAMemberTheDocumentDoesNotDeclare() {
        JsonNode doc = cp.get("/api/v1/openapi.json", null).json();
        Map<String, String> params = Map.of("{env}", "production", "{flag}", "f", "{segment}", "s", "{id}", "1",
                "{metric}", "m");
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext();) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!op.getValue().has("requestBody") || path.getKey().equals("/api/v1/events")) {
                    continue;
                }
                String target = path.getKey();
                for (Map.Entry<String, String> p : params.entrySet()) {
                    target = target.replace(p.getKey(), p.getValue());
                }
                Resp r = cp.call(op.getKey().toUpperCase(), target, admin, "{\"undeclared-member\":1}",
                        "If-Match", "*");

                String what = op.getValue().get("operationId").asText();
                assertThat(r.status()).as(what + ": " + r.body()).isEqualTo(422);
                JsonNode error = null;
                for (JsonNode e : r.json().get("errors")) {
                    if (e.get("path").asText().equals("[\"undeclared-member\"]")
                            || e.get("path").asText().equals("undeclared-member")) {
                        error = e;
                    }
                }
                assertThat(error).as(what + ": " + r.body()).isNotNull();
                assertThat(error.get("pointer").asText()).isEqualTo("/undeclared-member");
                assertThat(error.get("message").asText()).as(what).startsWith("unknown field (allowed: ");
                checked++;
            }
        }
        // 11, 4 of change requests (propose, edit, approve, bypass), a rollout plan's, 2 of metrics, 2 of
        // experiments (make, replace) and 4 of webhooks (make, replace, rotate, redeliver a range).
        assertThat(checked).isEqualTo(24);
    }
}
