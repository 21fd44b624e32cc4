package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestInstance;

/**
 * No key of tenant A can read, change, or learn of the existence of anything in tenant B: on every route, B's
 * environments, flags, segments and keys answer A exactly like names that exist nowhere, and B is unchanged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenantIsolationIT {

    Harness cp;
    String adminA;
    String adminB;
    String keyIdB;
    String planIdB;
    String sidecarA;
    /** A change request and an audit entry of B's: the ids A's calls try. */
    String requestB;
    String auditB;
    /** A running experiment of B's (on its metric {@code b-metric}): the id A's calls try. */
    String experimentB;
    /** A webhook of B's with one (pending) delivery: the ids A's calls try. */
    String webhookB;
    String deliveryB;
    private static final String NO_ID = "999999999";

    @BeforeAll
    void start() throws Exception {
        // B's webhook is to loopback (allowed here), never sent: no replica delivers in this test.
        cp = Harness.start(Map.of("webhooks.allowed-addresses", "127.0.0.1/32", "webhooks.deliver", "false"));
        adminA = cp.bootstrap("tenant-a");
        adminB = cp.bootstrap("tenant-b");
        cp.post("/api/v1/environments", adminA, Map.of("key", "a-env"));
        cp.post("/api/v1/flags", adminA, Map.of("key", "a-flag", "variants", Map.of("on", true, "off", false)));
        sidecarA = cp.createKey(adminA, "a sidecar", "sidecar", "a-env").json().get("key").asText();

        cp.post("/api/v1/environments", adminB, Map.of("key", "b-env"));
        cp.post("/api/v1/flags", adminB, Map.of("key", "b-flag", "description", "secret of B",
                "variants", Map.of("on", true, "off", false)));
        cp.post("/api/v1/environments/b-env/segments", adminB, Map.of("key", "b-seg"));
        keyIdB = cp.createKey(adminB, "b viewer", "viewer", null).json().get("id").asText();
        Resp plan = cp.call("POST", "/api/v1/environments/b-env/flags/b-flag/rollout-plans", adminB, PLAN);
        assertThat(plan.status()).as(plan.body()).isEqualTo(201);
        planIdB = plan.json().get("id").asText();
        requestB = cp.post("/api/v1/change-requests", adminB, Map.of("change", Map.of("kind", "flag.toggle",
                "environment", "b-env", "flag", "b-flag", "enabled", true))).json().get("id").asText();
        auditB = cp.get("/api/v1/audit?resource=b-flag", adminB).json().get("items").get(0).get("id").asText();
        assertThat(cp.call("POST", "/api/v1/metrics", adminB, METRIC.replace("\"name\"", "\"key\":\"b-metric\","
                + "\"name\"")).status()).isEqualTo(201);
        Resp experiment = cp.call("POST", "/api/v1/experiments", adminB, EXPERIMENT.replace("a-env", "b-env")
                .replace("a-flag", "b-flag").replace("a-metric", "b-metric").replace("\"name\"",
                        "\"key\":\"b-x\",\"name\""));
        assertThat(experiment.status()).as(experiment.body()).isEqualTo(201);
        experimentB = experiment.json().get("id").asText();
        assertThat(cp.call("POST", "/api/v1/experiments/" + experimentB + "/start", adminB, null).status())
                .isEqualTo(200);
        Resp hook = cp.post("/api/v1/webhooks", adminB, Map.of("url", "http://127.0.0.1:9/b-hook", "eventTypes",
                List.of("flag.created")));
        assertThat(hook.status()).as(hook.body()).isEqualTo(201);
        webhookB = hook.json().get("id").asText();
        cp.post("/api/v1/flags", adminB, Map.of("key", "b-hooked", "variants", Map.of("on", true, "off", false)));
        deliveryB = cp.get("/api/v1/webhooks/" + webhookB + "/deliveries", adminB).json().get("items").get(0)
                .get("id").asText();
    }

    /** A valid metric body (without its key: a PUT's). */
    private static final String METRIC = "{\"name\":\"M\",\"kind\":\"proportion\",\"event\":\"checkout\","
            + "\"direction\":\"higher_is_better\"}";
    /** A valid experiment body of A's (without its key: a PUT's). */
    private static final String EXPERIMENT = "{\"name\":\"X\",\"environment\":\"a-env\",\"flag\":\"a-flag\","
            + "\"controlVariant\":\"off\",\"variants\":[{\"key\":\"off\"},{\"key\":\"on\"}],"
            + "\"metrics\":{\"primary\":\"a-metric\"}}";

    /** The id a route's {@code :id} names: a key's, a change request's or an audit entry's. */
    private String id(String path, boolean tenantB) {
        if (path.contains("/rollout-plans/")) {
            return tenantB ? planIdB : "999999";
        }
        if (path.startsWith("/api/v1/change-requests")) {
            return tenantB ? requestB : NO_ID;
        }
        if (path.startsWith("/api/v1/audit/")) {
            return tenantB ? auditB : NO_ID;
        }
        if (path.startsWith("/api/v1/experiments/")) {
            return tenantB ? experimentB : NO_ID;
        }
        if (path.startsWith("/api/v1/webhooks/")) {
            return tenantB ? webhookB : NO_ID;
        }
        return tenantB ? keyIdB : "00000000-0000-0000-0000-000000000001";
    }

    /** A valid rollout plan of a boolean flag. */
    private static final String PLAN = "{\"control\":\"off\",\"treatment\":\"on\",\"stages\":[{\"percentage\":10,"
            + "\"minDuration\":\"PT1H\",\"minExposures\":0}]}";

    @AfterAll
    void stop() throws Exception {
        cp.close();
    }

    private String fill(String path, boolean tenantB) {
        return path.replace(":env", tenantB ? "b-env" : "no-env").replace(":flag", tenantB ? "b-flag" : "no-flag")
                .replace(":segment", tenantB ? "b-seg" : "no-seg")
                .replace(":id", id(path, tenantB)).replace(":metric", tenantB ? "b-metric" : "no-metric")
                .replace(":delivery", tenantB ? deliveryB : NO_ID)
                .replace(":kind", "exposures")
                // A's own environment: whether B's flag can be seen through it.
                + (path.endsWith("/exposures") || path.endsWith("/conversions") ? "?environment=a-env" : "")
                // The export's resource is the environment.
                + (path.contains("/export/") ? "?from=2026-01-01&environment=" + (tenantB ? "b-env" : "no-env") : "");
    }

    /** A body that is valid for the route, so that the request gets as far as looking the resource up. */
    private static String validBody(String route) {
        if (route.equals("/api/v1/webhooks/:id")) {
            return "{\"url\":\"http://127.0.0.1:9/a-hook\",\"eventTypes\":[\"flag.deleted\"]}";
        }
        if (route.endsWith("/rotate-secret")) {
            return "{}";
        }
        if (route.equals("/api/v1/webhooks/:id/redeliver")) {
            return "{\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2036-01-01T00:00:00Z\"}";
        }
        if (route.equals("/api/v1/metrics/:metric")) {
            return METRIC;
        }
        if (route.equals("/api/v1/experiments/:id")) {
            return EXPERIMENT;
        }
        if (route.endsWith("/rollout-plans")) {
            return PLAN;
        }
        if (route.equals("/api/v1/change-requests/:id")) {
            return "{\"change\":{\"kind\":\"flag.toggle\",\"environment\":\"a-env\",\"flag\":\"a-flag\","
                    + "\"enabled\":true}}";
        }
        if (route.endsWith("/approvals")) {
            return "{\"sha256\":\"" + "0".repeat(64) + "\"}";
        }
        if (route.endsWith("/bypass")) {
            return "{\"reason\":\"x\"}";
        }
        // The routes that take no body (any member is a 422 before the lookup).
        if (route.endsWith("/rebase") || route.endsWith("/apply") || route.endsWith("/close")
                || route.endsWith("/revert") || route.matches(".*/(start|stop|pause|resume|abort|complete)")
                || route.endsWith("/deliveries/:delivery/redeliver")) {
            return "{}";
        }
        if (route.endsWith("/schedules")) {
            return "{\"at\":\"2031-01-01T09:00:00Z\",\"change\":{\"kind\":\"flag.toggle\",\"enabled\":true}}";
        }
        if (route.endsWith("/enabled")) {
            return "{\"enabled\":true}";
        }
        if (route.endsWith("/rollout")) {
            return "{\"percentage\":5}";
        }
        if (route.endsWith("/segments")) {
            return "{\"key\":\"fresh\"}";
        }
        if (route.endsWith("/segments/:segment")) {
            return "{\"included\":[\"u\"]}";
        }
        if (route.endsWith("/flags/:flag") && route.contains(":env")) {
            return "{\"enabled\":true,\"offVariant\":\"off\",\"fallthrough\":{\"variant\":\"on\"}}";
        }
        if (route.endsWith("/flags/:flag")) {
            return "{\"variants\":{\"on\":true,\"off\":false}}";
        }
        return "{\"name\":\"x\"}";
    }

    private Resp call(String method, String route, String path, String ifMatch) {
        return switch (method) {
            case "GET" -> cp.get(path, adminA);
            case "DELETE" -> ifMatch == null ? cp.delete(path, adminA) : cp.delete(path, adminA, "If-Match", ifMatch);
            default -> ifMatch == null ? cp.call(method, path, adminA, validBody(route))
                    : cp.call(method, path, adminA, validBody(route), "If-Match", ifMatch);
        };
    }

    @Test
    void tenantBsResourcesLookExactlyLikeNonexistentOnesOnEveryRoute() {
        int compared = 0;
        for (ApiRouter.RouteSpec route : cp.running.routes()) {
            if (!route.path().contains(":") || route.role() == io.guidon.controlplane.auth.Role.SIDECAR) {
                continue;
            }
            // With and without If-Match, so that both the precondition check and the lookup are compared.
            for (String ifMatch : new String[] {null, "\"1\""}) {
                Resp b = call(route.method().name(), route.path(), fill(route.path(), true), ifMatch);
                Resp none = call(route.method().name(), route.path(), fill(route.path(), false), ifMatch);
                String what = route.method() + " " + route.path() + " If-Match " + ifMatch;
                assertThat(b.status()).as(what + ": " + b.body()).isEqualTo(none.status()).isIn(404, 428);
                assertThat(b.json().get("type")).as(what).isEqualTo(none.json().get("type"));
                assertThat(b.json().get("title")).as(what).isEqualTo(none.json().get("title"));
                String detailB = b.json().get("detail").asText().replace(keyIdB, "00000000-0000-0000-0000-000000000001")
                        .replace("'b-", "'no-");
                if (!id(route.path(), true).equals(keyIdB)) {
                    detailB = detailB.replaceAll("\\b" + id(route.path(), true) + "\\b", NO_ID);
                }
                assertThat(detailB).as(what).isEqualTo(none.json().get("detail").asText());
                compared++;
            }
        }
        // 20 routes, 4 of scheduled changes, 9 of change requests (with the audit's revert), 9 of rollout plans, 3 of
        // metrics, 5 of experiments, a flag's conversions, 3 of experiment results, 8 of webhooks and the export.
        assertThat(compared).isEqualTo(2 * 63);

        // And B is untouched.
        JsonNode flag = cp.get("/api/v1/flags/b-flag", adminB).json();
        assertThat(flag.get("revision").asInt()).isEqualTo(1);
        assertThat(cp.get("/api/v1/environments/b-env/segments/b-seg", adminB).status()).isEqualTo(200);
        assertThat(cp.get("/api/v1/keys/" + keyIdB, adminB).json().get("revokedAt").isNull()).isTrue();
        assertThat(cp.get("/api/v1/audit?limit=200&resource=b-flag", adminB).json().get("total").asInt())
                .isEqualTo(1);
        JsonNode request = cp.get("/api/v1/change-requests/" + requestB, adminB).json();
        assertThat(request.get("status").asText()).isEqualTo("open");
        assertThat(request.get("approvals").size()).isZero();
        JsonNode experiment = cp.get("/api/v1/experiments/" + experimentB, adminB).json();
        assertThat(experiment.get("status").asText()).as("as B left it: started").isEqualTo("running");
        assertThat(experiment.get("version").asInt()).as("made, then started").isEqualTo(2);
        assertThat(cp.get("/api/v1/metrics/b-metric", adminB).json().get("version").asInt()).isEqualTo(1);
        JsonNode hook = cp.get("/api/v1/webhooks/" + webhookB, adminB).json();
        assertThat(hook.get("version").asInt()).as("not replaced nor rotated").isEqualTo(1);
        assertThat(hook.get("eventTypes").get(0).asText()).isEqualTo("flag.created");
        JsonNode delivery = cp.get("/api/v1/webhooks/" + webhookB + "/deliveries/" + deliveryB, adminB).json();
        assertThat(delivery.get("status").asText()).isEqualTo("pending");
        assertThat(delivery.get("attempts").asInt()).isZero();
    }

    @Test
    void listingsShowOnlyTheCallersTenant() {
        for (String path : List.of("/api/v1/environments", "/api/v1/flags", "/api/v1/keys", "/api/v1/audit?limit=200",
                "/api/v1/flags?q=b-", "/api/v1/environments/a-env/flags", "/api/v1/environments/a-env/segments",
                "/api/v1/change-requests", "/api/v1/metrics", "/api/v1/experiments", "/api/v1/webhooks")) {
            Resp r = cp.get(path, adminA);
            assertThat(r.status()).as(path).isEqualTo(200);
            assertThat(r.body()).as(path).doesNotContain("b-env").doesNotContain("b-flag").doesNotContain("b-seg")
                    .doesNotContain(keyIdB).doesNotContain("secret of B").doesNotContain("tenant-b")
                    .doesNotContain("b-metric").doesNotContain("b-x").doesNotContain("b-hook");
        }
        JsonNode audit = cp.get("/api/v1/audit?limit=200", adminB).json();
        assertThat(audit.toString()).doesNotContain("a-env").doesNotContain("a-flag");
    }

    @Test
    @Order(Integer.MAX_VALUE) // it gives A resources named like B's, which the listing test must not see
    void keysAreNamespacedPerTenantSoCreatingBsNamesRevealsNothing() {
        assertThat(cp.post("/api/v1/environments", adminA, Map.of("key", "b-env")).status()).isEqualTo(201);
        assertThat(cp.post("/api/v1/flags", adminA, Map.of("key", "b-flag",
                "variants", Map.of("on", true, "off", false))).status()).isEqualTo(201);
        assertThat(cp.post("/api/v1/environments/b-env/segments", adminA, Map.of("key", "b-seg")).status())
                .isEqualTo(201);

        // A's b-flag is A's own; B's is unchanged.
        assertThat(cp.get("/api/v1/flags/b-flag", adminA).json().get("description").asText()).isEmpty();
        assertThat(cp.get("/api/v1/flags/b-flag", adminB).json().get("description").asText()).isEqualTo("secret of B");
        cp.delete("/api/v1/environments/b-env/segments/b-seg", adminA);
        cp.delete("/api/v1/flags/b-flag", adminA);
        cp.delete("/api/v1/environments/b-env", adminA);
        assertThat(cp.get("/api/v1/flags/b-flag", adminB).status()).isEqualTo(200);
    }

    @Test
    void eventsOfTenantAsSidecarCountOnlyInTenantAAndNeitherTenantReadsTheOthersTotals() {
        String now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).toString();
        String batch = "{\"batchId\":\"" + java.util.UUID.randomUUID() + "\",\"sidecarId\":\""
                + java.util.UUID.randomUUID() + "\",\"createdAt\":\"" + now + "\",\"counts\":["
                + "{\"flag\":\"a-flag\",\"variant\":\"on\",\"minute\":\"" + now + "\",\"count\":5},"
                + "{\"flag\":\"b-flag\",\"variant\":\"on\",\"minute\":\"" + now + "\",\"count\":7}],"
                + "\"exposures\":[],\"conversions\":[]}";
        assertThat(cp.post("/api/v1/events", sidecarA, batch).status()).isEqualTo(202);

        // A's sidecar named B's flag key: it is stored in A's environment, and B's totals do not move.
        assertThat(cp.get("/api/v1/flags/a-flag/exposures?environment=a-env", adminA).json().get("variants")
                .get("on").get("evaluations").asLong()).isEqualTo(5);
        assertThat(cp.get("/api/v1/flags/b-flag/exposures?environment=b-env", adminB).json().get("variants")
                .get("on").get("evaluations").asLong()).isZero();
        // Each tenant's environment and flag are not found by the other, exactly like names that exist nowhere.
        for (String path : List.of("/api/v1/flags/a-flag/exposures?environment=b-env",
                "/api/v1/flags/b-flag/exposures?environment=a-env")) {
            Resp r = cp.get(path, adminA);
            Resp none = cp.get(path.replace("b-", "no-"), adminA);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.json().get("detail").asText().replace("'b-", "'no-")).isEqualTo(none.json().get("detail")
                    .asText());
        }
        assertThat(cp.get("/api/v1/flags/a-flag/exposures?environment=a-env", adminB).status()).isEqualTo(404);
    }

    @Test
    void aSidecarKeyOfTenantAGetsOnlyTenantAsDocument() {
        JsonNode doc = cp.get("/api/v1/sidecar/flags", sidecarA).json();

        assertThat(doc.get("tenant").asText()).isEqualTo("tenant-a");
        assertThat(doc.get("document").get("flags").has("a-flag")).isTrue();
        assertThat(doc.toString()).doesNotContain("b-flag");
    }
}
