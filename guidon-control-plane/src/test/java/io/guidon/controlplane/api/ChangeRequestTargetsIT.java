package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a change request is about stays true (ADR 0115), found by QA against a running control plane: an edit that
 * moves a request to another environment or flag moves it in every listing, notice and audit entry; and approvals
 * given against an environment never apply to another environment created later under the same key (whose document
 * versions count from 1 again).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChangeRequestTargetsIT {

    private static final String CR = "/api/v1/change-requests";

    Harness cp;
    String admin;
    String alice;
    String bob;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of("events.max-event-age", "1d", "events.partitions-ahead", "1"));
        admin = cp.bootstrap("acme");
        alice = cp.createKey(admin, "alice", "editor", null).json().get("key").asText();
        bob = cp.createKey(admin, "bob", "editor", null).json().get("key").asText();
        assertThat(cp.post("/api/v1/environments", admin, Map.of("key", "production", "requiredApprovals", 1))
                .status()).isEqualTo(201);
        cp.post("/api/v1/environments", admin, Map.of("key", "staging"));
        for (String flag : List.of("checkout", "banner", "recreated")) {
            cp.post("/api/v1/flags", admin, Map.of("key", flag, "variants", Map.of("on", true, "off", false)));
        }
    }

    @AfterAll
    void stop() {
        cp.close();
    }

    private static Map<String, Object> toggle(String env, String flag) {
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("kind", "flag.toggle");
        change.put("environment", env);
        change.put("flag", flag);
        change.put("enabled", true);
        return change;
    }

    private List<Long> ids(String query) {
        List<Long> ids = new java.util.ArrayList<>();
        cp.get(CR + query, admin).json().get("items").forEach(i -> ids.add(i.get("id").asLong()));
        return ids;
    }

    @Test
    void anEditToAnotherEnvironmentAndFlagMovesTheRequestInListingsAndAudit() {
        Resp proposed = cp.post(CR, alice, Map.of("change", toggle("staging", "checkout")));
        assertThat(proposed.status()).as(proposed.body()).isEqualTo(201);
        long id = proposed.json().get("id").asLong();

        Resp edited = cp.put(CR + "/" + id, alice, Map.of("change", toggle("production", "banner")));

        assertThat(edited.status()).as(edited.body()).isEqualTo(200);
        assertThat(edited.json().get("environment").asText()).isEqualTo("production");
        assertThat(edited.json().get("resourceKey").asText()).isEqualTo("banner");
        assertThat(cp.get(CR + "/" + id, bob).json().get("environment").asText()).isEqualTo("production");
        // Approvers looking at production's requests, or the flag's, see it; staging's and checkout's no longer list it.
        assertThat(ids("?environment=production&status=open")).contains(id);
        assertThat(ids("?flag=banner")).contains(id);
        assertThat(ids("?environment=staging")).doesNotContain(id);
        assertThat(ids("?flag=checkout")).doesNotContain(id);
        JsonNode audit = cp.get("/api/v1/audit?resourceType=change_request&resource=" + id
                + "&action=change_request.update", admin).json().get("items").get(0);
        assertThat(audit.get("environment").asText()).isEqualTo("production");
        // And it still needs production's approval.
        assertThat(cp.post(CR + "/" + id + "/apply", alice, Map.of()).status()).isEqualTo(409);
    }

    @Test
    void approvalsGivenInADeletedEnvironmentDoNotApplyToOneCreatedAgainUnderItsKey() {
        assertThat(cp.post("/api/v1/environments", admin, Map.of("key", "eu", "requiredApprovals", 1)).status())
                .isEqualTo(201);
        Resp proposed = cp.put("/api/v1/environments/eu/flags/recreated/enabled", alice, Map.of("enabled", true));
        assertThat(proposed.status()).as(proposed.body()).isEqualTo(202);
        long id = proposed.json().get("id").asLong();
        assertThat(cp.post(CR + "/" + id + "/approvals", bob, Map.of("sha256", proposed.json().get("sha256")
                .asText())).json().get("validApprovals").asInt()).isEqualTo(1);

        assertThat(cp.delete("/api/v1/environments/eu", admin).status()).isEqualTo(204);
        Resp again = cp.post("/api/v1/environments", admin, Map.of("key", "eu", "requiredApprovals", 1));
        assertThat(again.status()).isEqualTo(201);
        // The new environment is at the version the request was based on, but it is not that environment.
        assertThat(again.json().get("version").asLong()).isEqualTo(proposed.json().get("baseVersions").get("eu")
                .asLong());

        Resp apply = cp.post(CR + "/" + id + "/apply", alice, Map.of());

        assertThat(apply.status()).as(apply.body()).isEqualTo(409);
        assertThat(apply.json().get("detail").asText()).contains("rebase").contains("'eu'");
        assertThat(cp.get("/api/v1/environments/eu/flags/recreated", admin).json().get("enabled").asBoolean())
                .isFalse();
        // Rebased on the new environment, its approvals are withdrawn: it needs a new one.
        Resp rebased = cp.post(CR + "/" + id + "/rebase", alice, Map.of());
        assertThat(rebased.status()).as(rebased.body()).isEqualTo(200);
        assertThat(rebased.json().get("validApprovals").asInt()).isZero();
        assertThat(cp.post(CR + "/" + id + "/apply", alice, Map.of()).status()).isEqualTo(409);
    }
}
