package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import io.guidon.controlplane.auth.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every role on every route of the router's own table: a role that may call a route is let through (its request
 * then succeeds or fails on its merits, never with 401 or 403), any other gets 403; a missing, malformed, unknown or
 * revoked key gets 401 everywhere. Mutating calls are made so that they fail after authorization (a stale
 * If-Match, an empty body, an unknown id), so that the table does not change what later rows read.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RolesIT {

    Harness cp;
    final Map<Role, String> keys = new LinkedHashMap<>();
    String revoked;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of());
        String admin = cp.bootstrap("acme");
        cp.post("/api/v1/environments", admin, Map.of("key", "production"));
        cp.post("/api/v1/flags", admin, Map.of("key", "f", "variants", Map.of("on", true, "off", false)));
        cp.post("/api/v1/environments/production/segments", admin, Map.of("key", "s"));
        keys.put(Role.ADMIN, admin);
        keys.put(Role.EDITOR, cp.createKey(admin, "editor", "editor", null).json().get("key").asText());
        keys.put(Role.VIEWER, cp.createKey(admin, "viewer", "viewer", null).json().get("key").asText());
        keys.put(Role.SIDECAR, cp.createKey(admin, "sidecar", "sidecar", "production").json().get("key").asText());
        Resp r = cp.createKey(admin, "revoked", "admin", null);
        revoked = r.json().get("key").asText();
        cp.delete("/api/v1/keys/" + r.json().get("id").asText(), admin);
    }

    @AfterAll
    void stop() throws Exception {
        cp.close();
    }

    /** A request for the route that authorization lets through but that then fails or only reads. */
    private Resp harmless(String method, String path, String key) {
        String concrete = path.replace(":env", "production").replace(":flag", "f").replace(":segment", "s")
                .replace(":id", "00000000-0000-0000-0000-000000000000")
                .replace(":metric", "m").replace(":kind", "exposures")
                + (path.endsWith("/exposures") || path.endsWith("/conversions") ? "?environment=production" : "")
                + (path.contains("/export/") ? "?environment=production&from=2026-01-01" : "");
        return switch (method) {
            case "GET" -> cp.get(concrete, key);
            case "DELETE" -> cp.delete(concrete, key, "If-Match", "\"999\"");
            default -> cp.call(method, concrete, key, "{}", "If-Match", "\"999\"");
        };
    }

    @Test
    void everyRoleOnEveryRoute() {
        List<String> rows = new ArrayList<>();
        int checked = 0;
        for (ApiRouter.RouteSpec route : cp.running.routes()) {
            if (route.role() == null) {
                continue;
            }
            for (Map.Entry<Role, String> e : keys.entrySet()) {
                Resp r = harmless(route.method().name(), route.path(), e.getValue());
                String row = route.method() + " " + route.path() + " as " + e.getKey().jsonName() + " -> " + r.status();
                rows.add(row);
                if (e.getKey().satisfies(route.role())) {
                    assertThat(r.status()).as(row + " " + r.body()).isNotIn(401, 403);
                    if (route.method().name().equals("GET")) {
                        assertThat(r.status()).as(row + " " + r.body()).isIn(200, 404);
                    }
                } else {
                    assertThat(r.status()).as(row).isEqualTo(403);
                    assertThat(r.json().get("type").asText()).endsWith("/forbidden");
                }
                checked++;
            }
        }
        // 83 routes need a key (29, 5 of scheduled changes, 11 of change requests, 10 of rollout plans, 5 of metrics, 7
        // of experiments, 2 of conversions, 3 of experiment results, 10 of webhooks and the export); 4 roles each.
        assertThat(checked).as(String.join("\n", rows)).isEqualTo(4 * 83);
    }

    @Test
    void missingMalformedUnknownAndRevokedKeysAre401OnEveryRoute() {
        String unknown = "gdn_abcdefghijkl_" + "A".repeat(43);
        for (ApiRouter.RouteSpec route : cp.running.routes()) {
            if (route.role() == null) {
                continue;
            }
            for (String key : new String[] {null, "not-a-key", unknown, revoked}) {
                Resp r = harmless(route.method().name(), route.path(), key);
                assertThat(r.status()).as(route.method() + " " + route.path() + " with " + key).isEqualTo(401);
                assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
            }
        }
    }

    @Test
    void aKeyWithTheRightSecretButAnotherKeysPrefixIsRefused() {
        String viewer = keys.get(Role.VIEWER);
        String tampered = viewer.substring(0, viewer.length() - 1) + (viewer.endsWith("A") ? "B" : "A");

        assertThat(cp.get("/api/v1/flags", tampered).status()).isEqualTo(401);
        assertThat(cp.get("/api/v1/flags", viewer).status()).isEqualTo(200);
    }

    @Test
    void theSidecarKeyReadsOnlyItsOwnEnvironmentsDocument() {
        Resp doc = cp.get("/api/v1/sidecar/flags", keys.get(Role.SIDECAR));

        assertThat(doc.status()).isEqualTo(200);
        assertThat(doc.json().get("environment").asText()).isEqualTo("production");
        assertThat(cp.get("/api/v1/environments/production", keys.get(Role.SIDECAR)).status()).isEqualTo(403);
        assertThat(cp.get("/api/v1/sidecar/flags", keys.get(Role.ADMIN)).status()).isEqualTo(403);
    }

    @Test
    void onlyTheSidecarKeyPostsEventsAndItCannotReadTheTotals() {
        String batch = "{\"batchId\":\"0b6c3d1e-6f8a-4c0e-9d2b-5a7e1f3c9b40\",\"sidecarId\":"
                + "\"0b6c3d1e-6f8a-4c0e-9d2b-5a7e1f3c9b41\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"counts\":[],"
                + "\"exposures\":[],\"conversions\":[]}";
        for (Role role : List.of(Role.ADMIN, Role.EDITOR, Role.VIEWER)) {
            assertThat(cp.post("/api/v1/events", keys.get(role), batch).status()).as(role.jsonName()).isEqualTo(403);
            assertThat(cp.get("/api/v1/flags/f/exposures?environment=production", keys.get(role)).status())
                    .as(role.jsonName()).isEqualTo(200);
        }
        assertThat(cp.post("/api/v1/events", keys.get(Role.SIDECAR), batch).status()).isEqualTo(202);
        assertThat(cp.get("/api/v1/flags/f/exposures?environment=production", keys.get(Role.SIDECAR)).status())
                .isEqualTo(403);
    }

    @Test
    void theOpenApiDocumentAndHealthNeedNoKey() {
        assertThat(cp.get("/api/v1/openapi.json", null).status()).isEqualTo(200);
        assertThat(cp.get("/healthz", null).status()).isEqualTo(200);
        assertThat(cp.get("/readyz", null).status()).isEqualTo(200);
        assertThat(cp.management("/healthz").status()).isEqualTo(200);
        assertThat(cp.management("/readyz").status()).isEqualTo(200);
        assertThat(cp.management("/metrics").status()).isEqualTo(200);
    }
}
