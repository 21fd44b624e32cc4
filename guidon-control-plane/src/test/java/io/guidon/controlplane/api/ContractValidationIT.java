package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
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
                        "If-Match", currentEtag(op.getKey(), target));

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

    @Test
    void everyPostThatTakesNoBodyRefusesOneWithAMemberNamingItAndChangesNothing() {
        JsonNode doc = cp.get("/api/v1/openapi.json", null).json();
        Map<String, String> params = Map.of("{env}", "production", "{flag}", "f", "{segment}", "s", "{id}", "1",
                "{metric}", "m", "{delivery}", "1");
        String before = auditHead();
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            JsonNode op = path.getValue().get("post");
            if (op == null || op.has("requestBody") || path.getKey().startsWith("/api/v1/sidecar")
                    || path.getKey().equals("/api/v1/events")) {
                continue;
            }
            String target = path.getKey();
            for (Map.Entry<String, String> p : params.entrySet()) {
                target = target.replace(p.getKey(), p.getValue());
            }
            String what = op.get("operationId").asText();
            Resp r = cp.call("POST", target, admin, "{\"x\":1}");
            assertThat(r.status()).as(what + ": " + r.body()).isEqualTo(422);
            assertThat(onlyError(r).get("pointer").asText()).as(what).isEqualTo("/x");
            assertThat(onlyError(r).get("message").asText()).as(what).contains("this request takes none");
            checked++;
        }
        // Rollout plans' start, pause, resume, abort, complete; change requests' rebase, apply, close; an audit
        // entry's revert; experiments' start, stop; a webhook delivery's redeliver.
        assertThat(checked).isEqualTo(12);
        assertThat(auditHead()).as("nothing changed").isEqualTo(before);
    }

    /** The ETag a replacement of {@code target} must name (its GET's), or * where the route does not require one. */
    private String currentEtag(String method, String target) {
        if (!method.equalsIgnoreCase("put")) {
            return "*";
        }
        String etag = cp.get(target, admin).header("ETag");
        return etag == null ? "*" : etag;
    }

    /** Every operation of the document that takes an If-Match header: method, concrete path, whether it requires it. */
    private List<String[]> ifMatchOperations() {
        JsonNode doc = cp.get("/api/v1/openapi.json", null).json();
        Map<String, String> params = Map.of("{env}", "production", "{flag}", "f", "{segment}", "s", "{id}", "1",
                "{metric}", "m");
        List<String[]> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext();) {
                Map.Entry<String, JsonNode> op = ops.next();
                for (JsonNode p : op.getValue().path("parameters")) {
                    if (p.has("$ref")) {
                        p = doc.at(p.get("$ref").asText().substring(1));
                    }
                    if (p.path("name").asText().equals("If-Match")) {
                        String target = path.getKey();
                        for (Map.Entry<String, String> e : params.entrySet()) {
                            target = target.replace(e.getKey(), e.getValue());
                        }
                        out.add(new String[] {op.getKey().toUpperCase(), target,
                                String.valueOf(p.path("description").asText().contains("missing or *")),
                                String.valueOf(op.getValue().has("requestBody"))});
                    }
                }
            }
        }
        return out;
    }

    private String auditHead() {
        return cp.get("/api/v1/audit?limit=1", admin).json().get("items").toString();
    }

    @Test
    void aStaleIfMatchIs412WhateverTheBodyOnEveryRouteThatTakesOneAndChangesNothing() {
        List<String[]> ops = ifMatchOperations();
        int withBody = 0;
        SoftAssertions soft = new SoftAssertions();
        for (String[] op : ops) {
            String before = auditHead();
            boolean body = Boolean.parseBoolean(op[3]);
            // A body the route refuses (a member the document does not declare, a wrong type): 422 if it were read.
            // A change request's If-Match is the revision of the resource its change names: one it can read.
            String refused = op[1].equals("/api/v1/change-requests") ? "{\"undeclared-member\":1,\"title\":7,"
                    + "\"change\":{\"kind\":\"flag.toggle\",\"environment\":\"production\",\"flag\":\"f\","
                    + "\"enabled\":true}}" : "{\"undeclared-member\":1,\"name\":7}";
            Resp r = cp.call(op[0], op[1], admin, body ? refused : null, "If-Match", "\"999\"");

            String what = op[0] + " " + op[1];
            soft.assertThat(r.status()).as(what + ": " + r.body()).isEqualTo(412);
            soft.assertThat(r.header("Content-Type")).as(what).isEqualTo("application/problem+json");
            soft.assertThat(auditHead()).as("nothing changed by " + what).isEqualTo(before);
            withBody += body ? 1 : 0;
        }
        soft.assertAll();
        assertThat(withBody).as("routes with a body and If-Match").isGreaterThanOrEqualTo(10);
    }

    @Test
    void ifMatchStarIs428NamingASpecificEtagOnEveryRouteThatRequiresOne() {
        int required = 0;
        for (String[] op : ifMatchOperations()) {
            if (!Boolean.parseBoolean(op[2])) {
                continue;
            }
            required++;
            String etag = cp.get(op[1], admin).header("ETag");
            String before = auditHead();
            Resp r = cp.call(op[0], op[1], admin, "{}", "If-Match", "*");

            String what = op[0] + " " + op[1];
            assertThat(r.status()).as(what + ": " + r.body()).isEqualTo(428);
            assertThat(r.json().get("detail").asText()).as(what).contains("specific ETag");
            assertThat(cp.get(op[1], admin).header("ETag")).as(what).isEqualTo(etag);
            assertThat(auditHead()).as("nothing changed by " + what).isEqualTo(before);
        }
        // Environments, flags, a flag in an environment, segments, metrics, experiments, webhooks.
        assertThat(required).isEqualTo(7);
    }

    // ------------------------------------------------------------------ time parameters: one rule everywhere

    private static final List<String> TIME_ROUTES = List.of("/api/v1/conversions?environment=production",
            "/api/v1/flags/f/conversions?environment=production", "/api/v1/flags/f/exposures?environment=production",
            "/api/v1/export/exposures?environment=production", "/api/v1/audit?resourceType=flag",
            "/api/v1/schedules?environment=production",
            "/api/v1/environments/production/flags/f/schedules?status=pending");

    @Test
    void everyRouteTakingTimesHasTheDocumentsRouteListed() {
        JsonNode doc = cp.get("/api/v1/openapi.json", null).json();
        List<String> documented = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (JsonNode op : path.getValue()) {
                for (JsonNode p : op.path("parameters")) {
                    if (p.path("in").asText().equals("query") && p.path("name").asText().equals("from")) {
                        documented.add(path.getKey().replace("{flag}", "f").replace("{env}", "production")
                                .replace("{kind}", "exposures"));
                    }
                }
            }
        }
        assertThat(documented).containsExactlyInAnyOrderElementsOf(TIME_ROUTES.stream()
                .map(r -> r.substring(0, r.indexOf('?'))).toList());
    }

    @Test
    void everyTimeParameterFollowsOneRuleWithOneMessage() {
        List<String> bad = List.of("2026-13-01", "2026-02-30", "yesterday", "2026-11-01T00:00:00",
                "%2B300000-01-01T00:00:00Z", "2026-11-01T25:00:00Z", "1700000000");
        for (String route : TIME_ROUTES) {
            for (String name : List.of("from", "to")) {
                for (String v : bad) {
                    // With a good from when to is the bad one (the export requires a from).
                    Resp r = cp.get(route + (name.equals("to") ? "&from=2026-11-01" : "") + "&" + name + "=" + v,
                            admin);
                    String what = route + " " + name + "=" + v;
                    assertThat(r.status()).as(what + ": " + r.body()).isEqualTo(400);
                    JsonNode e = onlyError(r);
                    assertThat(e.get("path").asText()).as(what).isEqualTo(name);
                    assertThat(e.get("message").asText()).as(what).startsWith("must be an RFC 3339 instant with its"
                            + " offset such as 2026-11-01T00:00:00Z, or a UTC day such as 2026-11-01 (its start), not '");
                }
            }
            // Both forms, everywhere.
            for (String range : List.of("&from=2026-11-01&to=2026-11-02",
                    "&from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00%2B01:00")) {
                Resp r = cp.get(route + range, admin);
                assertThat(r.status()).as(route + range + ": " + r.body()).isEqualTo(200);
            }
        }
    }

    @Test
    void anOverlongRangeWithToLeftOutNamesFromAndTheRule() {
        for (String route : List.of("/api/v1/conversions?environment=production",
                "/api/v1/flags/f/conversions?environment=production",
                "/api/v1/flags/f/exposures?environment=production")) {
            Resp r = cp.get(route + "&from=2020-01-01", admin);
            assertThat(r.status()).as(route + ": " + r.body()).isEqualTo(400);
            JsonNode e = onlyError(r);
            assertThat(e.get("path").asText()).as(route).isEqualTo("from");
            assertThat(e.get("message").asText()).as(route).contains("to is not given").contains("at most");

            Resp given = cp.get(route + "&from=2020-01-01&to=2026-01-01", admin);
            assertThat(onlyError(given).get("path").asText()).as(route).isEqualTo("to");
        }
    }
}
