package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Approvals (ADR 0115) against a real control plane on PostgreSQL and Redis, one per attack the issue lists:
 * editing a request after its approval, changing only a variant's value, reverting, scheduling around approval,
 * approving one's own request, approving with a revoked key; and the rules around them (the gate on every direct
 * route, apply after the environment moved, a moved hash, bypass, roles, bad input). Every answer is checked
 * against the OpenAPI document ({@link Harness}). {@code production} requires one approval, {@code staging} none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApprovalsIT {

    private static final String CR = "/api/v1/change-requests";
    private static final String PROD = "/api/v1/environments/production";

    Harness cp;
    String admin;
    String alice;
    String bob;
    String viewer;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of("events.max-event-age", "1d", "events.partitions-ahead", "1",
                "schedules.poll-interval", "100ms"));
        admin = cp.bootstrap("acme");
        alice = cp.createKey(admin, "alice", "editor", null).json().get("key").asText();
        bob = cp.createKey(admin, "bob", "editor", null).json().get("key").asText();
        viewer = cp.createKey(admin, "victor", "viewer", null).json().get("key").asText();
        assertThat(cp.post("/api/v1/environments", admin, Map.of("key", "production", "requiredApprovals", 1))
                .status()).isEqualTo(201);
        cp.post("/api/v1/environments", admin, Map.of("key", "staging"));
        for (String flag : List.of("checkout", "search", "later", "reverted", "moved", "bypassed", "revoked")) {
            cp.post("/api/v1/flags", admin, Map.of("key", flag, "variants", Map.of("on", true, "off", false)));
        }
        cp.post("/api/v1/flags", admin, Map.of("key", "banner", "variants",
                Map.of("blue", "blue", "green", "green")));
    }

    @AfterAll
    void stop() {
        cp.close();
    }

    private JsonNode flagIn(String env, String flag) {
        return cp.get("/api/v1/environments/" + env + "/flags/" + flag, admin).json();
    }

    private Resp propose(String key, String flag, boolean enabled) {
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("kind", "flag.toggle");
        change.put("environment", "production");
        change.put("flag", flag);
        change.put("enabled", enabled);
        return cp.post(CR, key, Map.of("change", change, "title", "turn " + flag + (enabled ? " on" : " off")));
    }

    private Resp approve(String key, long id, String sha) {
        return cp.post(CR + "/" + id + "/approvals", key, Map.of("sha256", sha));
    }

    private long total() {
        return cp.get(CR, admin).json().get("total").asLong();
    }

    @Test
    void aDirectChangeInAGatedEnvironmentBecomesAChangeRequestAndChangesNothing() {
        Resp r = cp.put(PROD + "/flags/checkout/enabled", alice, Map.of("enabled", true));

        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.header("Location")).isEqualTo(CR + "/" + r.json().get("id").asLong());
        assertThat(r.json().get("status").asText()).isEqualTo("open");
        assertThat(r.json().get("change").toString()).isEqualTo(
                "{\"kind\":\"flag.toggle\",\"environment\":\"production\",\"flag\":\"checkout\",\"enabled\":true}");
        assertThat(r.json().get("author").get("name").asText()).isEqualTo("alice");
        assertThat(flagIn("production", "checkout").get("enabled").asBoolean()).isFalse();
        // The same change where no approval is required applies at once.
        assertThat(cp.put("/api/v1/environments/staging/flags/checkout/enabled", alice, Map.of("enabled", true))
                .status()).isEqualTo(200);
        // The diff shows what applying it would change now.
        JsonNode read = cp.get(r.header("Location"), viewer).json();
        assertThat(read.get("diff").get("changes").toString()).contains("/enabled");
        assertThat(read.get("diff").get("after").get("enabled").asBoolean()).isTrue();
    }

    @Test
    void editingARequestAfterApprovalWithdrawsEveryApproval() {
        JsonNode created = propose(alice, "search", true).json();
        long id = created.get("id").asLong();
        String approvedHash = created.get("sha256").asText();
        assertThat(approve(bob, id, approvedHash).json().get("validApprovals").asInt()).isEqualTo(1);

        Map<String, Object> change = new LinkedHashMap<>(Map.of("kind", "flag.rollout", "environment", "production",
                "flag", "search", "percentage", 100));
        Resp edited = cp.put(CR + "/" + id, alice, Map.of("change", change));

        assertThat(edited.status()).as(edited.body()).isEqualTo(200);
        assertThat(edited.json().get("sha256").asText()).isNotEqualTo(approvedHash);
        assertThat(edited.json().get("validApprovals").asInt()).isZero();
        assertThat(edited.json().get("approvals").get(0).get("withdrawnAt").isNull()).isFalse();
        assertThat(edited.json().get("approvals").get(0).get("counts").asBoolean()).isFalse();
        // The edited change cannot be applied on the old approval, nor approved under the old hash.
        Resp apply = cp.post(CR + "/" + id + "/apply", alice, Map.of());
        assertThat(apply.status()).isEqualTo(409);
        assertThat(apply.json().get("detail").asText()).contains("0 valid approvals").contains("needs 1");
        assertThat(approve(bob, id, approvedHash).status()).isEqualTo(409);
        assertThat(flagIn("production", "search").get("enabled").asBoolean()).isFalse();
        // Only its author edits it.
        assertThat(cp.put(CR + "/" + id, bob, Map.of("change", change)).status()).isEqualTo(403);

        assertThat(approve(bob, id, edited.json().get("sha256").asText()).status()).isEqualTo(200);
        Resp applied = cp.post(CR + "/" + id + "/apply", alice, Map.of());
        assertThat(applied.status()).as(applied.body()).isEqualTo(200);
        assertThat(applied.json().get("status").asText()).isEqualTo("applied");
        assertThat(flagIn("production", "search").get("fallthrough").toString()).contains("100");
        JsonNode audit = cp.get("/api/v1/audit?resource=search&environment=production&action=flag.rollout", admin)
                .json().get("items").get(0);
        assertThat(audit.get("actor").get("agent").asText()).isEqualTo("change-request");
        assertThat(audit.get("actor").get("name").asText()).isEqualTo("alice");
    }

    @Test
    void changingOnlyAVariantsValueNeedsApproval() {
        JsonNode flag = cp.get("/api/v1/flags/banner", admin).json();
        String etag = cp.get("/api/v1/flags/banner", admin).header("ETag");

        Resp r = cp.put("/api/v1/flags/banner", alice, Map.of("variants", Map.of("blue", "blue", "green", "GREEN")),
                "If-Match", etag);

        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json().get("environment").isNull()).isTrue();
        assertThat(r.json().get("baseVersions").has("production")).isTrue();
        assertThat(cp.get("/api/v1/flags/banner", admin).json().get("variants")).isEqualTo(flag.get("variants"));
        // A change that alters nothing any environment serves (its description) applies at once.
        Resp described = cp.put("/api/v1/flags/banner", alice, Map.of("variants", flag.get("variants"),
                "description", "the banner's colour"), "If-Match", etag);
        assertThat(described.status()).as(described.body()).isEqualTo(200);
        // Deleting a flag changes what production serves.
        assertThat(cp.delete("/api/v1/flags/banner", alice).status()).isEqualTo(202);
        assertThat(cp.get("/api/v1/flags/banner", admin).status()).isEqualTo(200);
    }

    @Test
    void aRevertInAGatedEnvironmentNeedsApproval() {
        // Applied in production through an approved request, then reverted: the revert is a request too.
        long id = propose(alice, "reverted", true).json().get("id").asLong();
        approve(bob, id, cp.get(CR + "/" + id, admin).json().get("sha256").asText());
        assertThat(cp.post(CR + "/" + id + "/apply", alice, Map.of()).status()).isEqualTo(200);
        long entry = cp.get("/api/v1/audit?resource=reverted&environment=production&action=flag.enable", admin)
                .json().get("items").get(0).get("id").asLong();

        Resp revert = cp.post("/api/v1/audit/" + entry + "/revert", alice, Map.of());

        assertThat(revert.status()).as(revert.body()).isEqualTo(202);
        assertThat(revert.json().get("change").get("kind").asText()).isEqualTo("flag.configure");
        assertThat(revert.json().get("change").get("config").get("enabled").asBoolean()).isFalse();
        assertThat(flagIn("production", "reverted").get("enabled").asBoolean()).isTrue();
        // In staging the revert applies at once.
        cp.put("/api/v1/environments/staging/flags/reverted/enabled", alice, Map.of("enabled", true));
        long staged = cp.get("/api/v1/audit?resource=reverted&environment=staging&action=flag.enable", admin)
                .json().get("items").get(0).get("id").asLong();
        Resp direct = cp.post("/api/v1/audit/" + staged + "/revert", alice, Map.of());
        assertThat(direct.status()).as(direct.body()).isEqualTo(200);
        assertThat(flagIn("staging", "reverted").get("enabled").asBoolean()).isFalse();
        // An entry that cannot be reverted, and one of no one's.
        long envEntry = cp.get("/api/v1/audit?resourceType=environment&action=environment.create", admin).json()
                .get("items").get(0).get("id").asLong();
        assertThat(cp.post("/api/v1/audit/" + envEntry + "/revert", alice, Map.of()).status()).isEqualTo(422);
        assertThat(cp.post("/api/v1/audit/999999999/revert", alice, Map.of()).status()).isEqualTo(404);
    }

    @Test
    void aRevertedRolloutServesItsVariantsInTheirBucketOrder() {
        // jsonb would keep {"red", "blue", "green"} (shortest key first): other users in each variant.
        cp.post("/api/v1/flags", admin, Map.of("key", "ordered", "variants",
                Map.of("red", "r", "green", "g", "blue", "b")));
        Map<String, Object> weights = new LinkedHashMap<>();
        weights.put("red", 20);
        weights.put("green", 30);
        weights.put("blue", 50);
        String flag = "/api/v1/environments/staging/flags/ordered";
        assertThat(cp.put(flag + "/rollout", alice, Map.of("rollout", weights)).status()).isEqualTo(200);
        Map<String, Object> later = new LinkedHashMap<>();
        later.put("blue", 100);
        later.put("red", 0);
        later.put("green", 0);
        assertThat(cp.put(flag + "/rollout", alice, Map.of("rollout", later)).status()).isEqualTo(200);
        JsonNode entries = cp.get("/api/v1/audit?resource=ordered&environment=staging&action=flag.rollout", admin)
                .json().get("items");
        assertThat(names(entries.get(1).at("/after/fallthrough/rollout"))).containsExactly("red", "green", "blue");

        Resp revert = cp.post("/api/v1/audit/" + entries.get(0).get("id").asLong() + "/revert", alice, Map.of());

        assertThat(revert.status()).as(revert.body()).isEqualTo(200);
        assertThat(names(flagIn("staging", "ordered").at("/fallthrough/rollout")))
                .containsExactly("red", "green", "blue");
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** An RFC 3339 instant {@code ahead} from now. */
    private static String in(Duration ahead) {
        return Instant.now().plus(ahead).truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.ofHours(1))
                .format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    @Test
    void aScheduleInAGatedEnvironmentNeedsApprovalAndRunsOnlyWhenApproved() throws Exception {
        String schedules = PROD + "/flags/later/schedules";
        // Times far enough ahead for the proposal, approval and application before them on a loaded machine.
        Resp unapproved = cp.post(schedules, alice, Map.of("at", in(Duration.ofSeconds(6)),
                "change", Map.of("kind", "flag.rollout", "percentage", 30)));
        Resp proposed = cp.post(schedules, alice, Map.of("at", in(Duration.ofSeconds(8)),
                "change", Map.of("kind", "flag.toggle", "enabled", true)));

        assertThat(proposed.status()).as(proposed.body()).isEqualTo(202);
        assertThat(proposed.json().get("change").get("kind").asText()).isEqualTo("schedule.create");
        assertThat(cp.get(schedules, admin).json().get("total").asInt()).isZero();
        long id = proposed.json().get("id").asLong();
        approve(bob, id, proposed.json().get("sha256").asText());
        Resp applied = cp.post(CR + "/" + id + "/apply", alice, Map.of());
        assertThat(applied.status()).as(applied.body()).isEqualTo(200);
        assertThat(cp.get(schedules, admin).json().get("total").asInt()).isEqualTo(1);

        long deadline = System.nanoTime() + Duration.ofSeconds(25).toNanos();
        while (!flagIn("production", "later").get("enabled").asBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(flagIn("production", "later").get("enabled").asBoolean()).isTrue();
        JsonNode schedule = cp.get(schedules, admin).json().get("items").get(0);
        assertThat(schedule.get("status").asText()).isEqualTo("applied");
        // The request never approved made no schedule, and its time passed with nothing applied.
        assertThat(cp.get(CR + "/" + unapproved.json().get("id").asLong(), admin).json().get("status").asText())
                .isEqualTo("open");
        assertThat(flagIn("production", "later").get("fallthrough").toString()).doesNotContain("30");
    }

    @Test
    void aScheduleMadeBeforeTheEnvironmentRequiredApprovalsFailsAtItsTime() throws Exception {
        cp.post("/api/v1/environments", admin, Map.of("key", "gated-later"));
        String schedules = "/api/v1/environments/gated-later/flags/later/schedules";
        assertThat(cp.post(schedules, alice, Map.of("at", in(Duration.ofSeconds(6)),
                "change", Map.of("kind", "flag.toggle", "enabled", true))).status()).isEqualTo(201);
        String etag = cp.get("/api/v1/environments/gated-later", admin).header("ETag");
        assertThat(cp.put("/api/v1/environments/gated-later", admin, Map.of("name", "gated-later",
                "requiredApprovals", 1), "If-Match", etag).status()).isEqualTo(200);

        long deadline = System.nanoTime() + Duration.ofSeconds(25).toNanos();
        String status = "pending";
        while (status.equals("pending") && System.nanoTime() < deadline) {
            Thread.sleep(100);
            status = cp.get(schedules, admin).json().at("/items/0/status").asText();
        }

        assertThat(status).isEqualTo("failed");
        assertThat(cp.get(schedules, admin).json().at("/items/0/failure").asText())
                .contains("requires approvals now");
        assertThat(flagIn("gated-later", "later").get("enabled").asBoolean()).isFalse();
    }

    @Test
    void approvingOnesOwnRequestIs403() {
        JsonNode r = propose(alice, "checkout", false).json();

        Resp own = approve(alice, r.get("id").asLong(), r.get("sha256").asText());

        assertThat(own.status()).isEqualTo(403);
        assertThat(own.json().get("detail").asText()).contains("you proposed");
        assertThat(cp.get(CR + "/" + r.get("id").asLong(), admin).json().get("approvals").size()).isZero();
    }

    @Test
    void approvingWithARevokedKeyIs401AndALaterRevokedApprovalDoesNotCount() {
        Resp dave = cp.createKey(admin, "dave", "editor", null);
        String daveKey = dave.json().get("key").asText();
        JsonNode r = propose(alice, "revoked", true).json();
        long id = r.get("id").asLong();
        assertThat(approve(daveKey, id, r.get("sha256").asText()).status()).isEqualTo(200);

        cp.delete("/api/v1/keys/" + dave.json().get("id").asText(), admin);

        assertThat(approve(daveKey, id, r.get("sha256").asText()).status()).isEqualTo(401);
        JsonNode read = cp.get(CR + "/" + id, admin).json();
        assertThat(read.get("approvals").get(0).get("keyRevoked").asBoolean()).isTrue();
        assertThat(read.get("validApprovals").asInt()).isZero();
        assertThat(cp.post(CR + "/" + id + "/apply", alice, Map.of()).status()).isEqualTo(409);
        assertThat(flagIn("production", "revoked").get("enabled").asBoolean()).isFalse();
    }

    @Test
    void applyingAfterTheEnvironmentMovedIs409RebaseAndARebaseWithdrawsTheApprovals() {
        JsonNode r = propose(alice, "moved", true).json();
        long id = r.get("id").asLong();
        approve(bob, id, r.get("sha256").asText());
        // Another change reaches production meanwhile (an admin's bypass of another request).
        long other = propose(bob, "moved", false).json().get("id").asLong();
        assertThat(cp.post(CR + "/" + other + "/bypass", admin, Map.of("reason", "incident 42")).status())
                .isEqualTo(200);

        Resp apply = cp.post(CR + "/" + id + "/apply", alice, Map.of());

        assertThat(apply.status()).isEqualTo(409);
        assertThat(apply.json().get("detail").asText()).startsWith("rebase");
        Resp rebased = cp.post(CR + "/" + id + "/rebase", alice, Map.of());
        assertThat(rebased.status()).as(rebased.body()).isEqualTo(200);
        assertThat(rebased.json().get("validApprovals").asInt()).isZero();
        assertThat(rebased.json().get("sha256").asText()).isEqualTo(r.get("sha256").asText());
        approve(bob, id, r.get("sha256").asText());
        assertThat(cp.post(CR + "/" + id + "/apply", alice, Map.of()).status()).isEqualTo(200);
        assertThat(flagIn("production", "moved").get("enabled").asBoolean()).isTrue();
    }

    @Test
    void approvingAHashOtherThanTheRequestsIs409() {
        long id = propose(alice, "checkout", true).json().get("id").asLong();

        Resp r = approve(bob, id, "0".repeat(64));

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("detail").asText()).contains("changed since you reviewed it");
    }

    @Test
    void aBypassNeedsAnAdminAndAReasonAndIsAuditedAndShown() {
        long id = propose(alice, "bypassed", true).json().get("id").asLong();

        Resp missing = cp.post(CR + "/" + id + "/bypass", admin, Map.of());
        Resp blank = cp.post(CR + "/" + id + "/bypass", admin, Map.of("reason", "   "));
        Resp editor = cp.post(CR + "/" + id + "/bypass", bob, Map.of("reason", "because"));

        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.json().get("errors").get(0).get("path").asText()).isEqualTo("reason");
        assertThat(blank.status()).isEqualTo(422);
        assertThat(editor.status()).isEqualTo(403);
        assertThat(flagIn("production", "bypassed").get("enabled").asBoolean()).isFalse();
        Resp done = cp.post(CR + "/" + id + "/bypass", admin, Map.of("reason", "checkout is down"));
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(done.json().get("bypassReason").asText()).isEqualTo("checkout is down");
        assertThat(flagIn("production", "bypassed").get("enabled").asBoolean()).isTrue();
        JsonNode audit = cp.get("/api/v1/audit?resourceType=change_request&action=change_request.bypass&resource="
                + id, viewer).json().get("items").get(0);
        assertThat(audit.get("after").get("bypassReason").asText()).isEqualTo("checkout is down");
    }

    @Test
    void aViewerCannotProposeApproveOrApply() {
        JsonNode r = propose(alice, "checkout", true).json();
        long id = r.get("id").asLong();

        assertThat(approve(viewer, id, r.get("sha256").asText()).status()).isEqualTo(403);
        assertThat(cp.post(CR + "/" + id + "/apply", viewer, Map.of()).status()).isEqualTo(403);
        assertThat(propose(viewer, "checkout", true).status()).isEqualTo(403);
    }

    @Test
    void badInputIs4xxWithItsPathsAndChangesNothing() {
        long before = total();

        Resp kind = cp.post(CR, alice, Map.of("change", Map.of("kind", "flag.explode", "environment", "production",
                "flag", "checkout")));
        Resp percentage = cp.post(CR, alice, Map.of("change", Map.of("kind", "flag.rollout",
                "environment", "production", "flag", "checkout", "percentage", 150)));
        Resp missingEnv = cp.post(CR, alice, Map.of("change", Map.of("kind", "flag.toggle",
                "environment", "nowhere", "flag", "checkout", "enabled", true)));
        Resp noChange = cp.post(CR, alice, Map.of("title", "nothing"));
        Resp badHash = cp.post(CR + "/1/approvals", bob, Map.of("sha256", "xyz"));
        Resp pastSchedule = cp.post(PROD + "/flags/checkout/schedules", alice, Map.of("at", "2020-01-01T00:00:00Z",
                "change", Map.of("kind", "flag.toggle", "enabled", true)));
        Resp typo = cp.post(PROD + "/flags/checkout/schedules", alice, Map.of("at", in(Duration.ofHours(1)),
                "ifChangd", "apply", "change", Map.of("kind", "flag.toggle", "enabled", true)));
        Resp badToggle = cp.put(PROD + "/flags/checkout/enabled", alice, Map.of("enabled", "yes"));
        Resp approvals = cp.put(PROD, admin, Map.of("name", "production", "requiredApprovals", 11), "If-Match",
                cp.get(PROD, admin).header("ETag"));

        assertThat(kind.status()).isEqualTo(422);
        assertThat(kind.json().get("errors").toString()).contains("change.kind");
        assertThat(percentage.status()).isEqualTo(422);
        assertThat(percentage.json().get("errors").toString()).contains("/change/percentage");
        assertThat(missingEnv.status()).isEqualTo(404);
        assertThat(noChange.status()).isEqualTo(422);
        assertThat(noChange.json().get("errors").toString()).contains("change");
        assertThat(badHash.status()).isEqualTo(422);
        assertThat(badHash.json().get("errors").toString()).contains("sha256");
        assertThat(pastSchedule.status()).isEqualTo(422);
        assertThat(pastSchedule.json().get("errors").toString()).contains("at");
        assertThat(typo.status()).isEqualTo(422);
        assertThat(typo.json().get("errors").toString()).contains("ifChangd");
        assertThat(badToggle.status()).isEqualTo(422);
        assertThat(approvals.status()).isEqualTo(422);
        assertThat(approvals.json().get("errors").toString()).contains("requiredApprovals");
        assertThat(total()).isEqualTo(before);
        assertThat(cp.get(PROD, admin).json().get("requiredApprovals").asInt()).isEqualTo(1);
        assertThat(cp.get(CR + "/abc", admin).status()).isEqualTo(404);
    }
}
