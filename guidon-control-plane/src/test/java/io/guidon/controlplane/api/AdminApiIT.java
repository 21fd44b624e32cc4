package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import io.guidon.testing.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The admin API end to end over HTTP against a real PostgreSQL and Redis: CRUD of every resource, optimistic
 * concurrency, pagination and the audit log. One server and one database for the class; each test uses its own
 * resource keys so that tests do not depend on each other's order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiIT {

    Harness cp;
    String admin;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of("auth.last-used-flush-interval", "100ms"));
        admin = cp.bootstrap("acme");
        assertThat(cp.post("/api/v1/environments", admin, Map.of("key", "production", "name", "Production")).status())
                .isEqualTo(201);
        assertThat(cp.post("/api/v1/environments", admin, Map.of("key", "staging")).status()).isEqualTo(201);
    }

    @AfterAll
    void stop() throws Exception {
        cp.close();
    }

    private long version(String env) {
        return cp.get("/api/v1/environments/" + env, admin).json().get("version").asLong();
    }

    private Resp createFlag(String key, Object... extra) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("key", key);
        body.put("variants", Map.of("on", true, "off", false));
        for (int i = 0; i < extra.length; i += 2) {
            body.put((String) extra[i], extra[i + 1]);
        }
        return cp.post("/api/v1/flags", admin, body);
    }

    // ---------------------------------------------------------------- environments

    @Test
    void environmentsAreCreatedReadListedUpdatedAndDeleted() {
        Resp created = cp.post("/api/v1/environments", admin, Map.of("key", "qa", "name", "QA", "description", "for QA"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/v1/environments/qa");
        assertThat(created.header("ETag")).isEqualTo("\"1\"");
        assertThat(created.json().get("version").asLong()).isEqualTo(1);

        assertThat(cp.get("/api/v1/environments/qa", admin).json().get("name").asText()).isEqualTo("QA");
        List<String> keys = new ArrayList<>();
        cp.get("/api/v1/environments?limit=200", admin).json().get("items").forEach(i -> keys.add(i.get("key").asText()));
        assertThat(keys).contains("qa", "production", "staging").isSorted();

        Resp updated = cp.put("/api/v1/environments/qa", admin, Map.of("name", "Quality"), "If-Match", "\"1\"");
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.header("ETag")).isEqualTo("\"2\"");
        assertThat(updated.json().get("name").asText()).isEqualTo("Quality");

        assertThat(cp.post("/api/v1/environments", admin, Map.of("key", "qa")).status()).isEqualTo(409);
        assertThat(cp.delete("/api/v1/environments/qa", admin).status()).isEqualTo(204);
        assertThat(cp.get("/api/v1/environments/qa", admin).status()).isEqualTo(404);
    }

    @Test
    void aNewEnvironmentGetsEveryFlagDisabledServingItsOffVariant() {
        createFlag("pre-existing");
        cp.post("/api/v1/environments", admin, Map.of("key", "late"));

        JsonNode flag = cp.get("/api/v1/environments/late/flags/pre-existing", admin).json();

        assertThat(flag.get("enabled").asBoolean()).isFalse();
        assertThat(flag.get("offVariant").asText()).isEqualTo("off");
        assertThat(flag.get("fallthrough").get("variant").asText()).isEqualTo("off");
    }

    @Test
    void anEnvironmentWithActiveSidecarKeysCannotBeDeleted() {
        cp.post("/api/v1/environments", admin, Map.of("key", "edge"));
        String keyId = cp.createKey(admin, "edge sidecar", "sidecar", "edge").json().get("id").asText();

        Resp refused = cp.delete("/api/v1/environments/edge", admin);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("detail").asText()).contains("revoke");

        cp.delete("/api/v1/keys/" + keyId, admin);
        assertThat(cp.delete("/api/v1/environments/edge", admin).status()).isEqualTo(204);
    }

    // ---------------------------------------------------------------- flags

    @Test
    void flagDefinitionsAreCreatedReadUpdatedAndDeletedAndEveryEnvironmentVersionMoves() {
        long prod = version("production");
        long staging = version("staging");

        Resp created = createFlag("crud-flag", "description", "A flag", "tags", List.of("web"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/v1/flags/crud-flag");
        assertThat(version("production")).isEqualTo(prod + 1);
        assertThat(version("staging")).isEqualTo(staging + 1);

        JsonNode read = cp.get("/api/v1/flags/crud-flag", admin).json();
        assertThat(read.get("description").asText()).isEqualTo("A flag");
        assertThat(read.get("tags").get(0).asText()).isEqualTo("web");

        Resp updated = cp.put("/api/v1/flags/crud-flag", admin, Map.of("description", "Still a flag",
                "variants", Map.of("on", true, "off", false), "tags", List.of("web", "mobile")), "If-Match", "\"1\"");
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().get("revision").asInt()).isEqualTo(2);
        assertThat(cp.get("/api/v1/environments/staging/flags/crud-flag", admin).json().get("description").asText())
                .isEqualTo("Still a flag");

        assertThat(cp.delete("/api/v1/flags/crud-flag", admin).status()).isEqualTo(204);
        assertThat(cp.get("/api/v1/flags/crud-flag", admin).status()).isEqualTo(404);
        assertThat(cp.get("/api/v1/environments/production/flags/crud-flag", admin).status()).isEqualTo(404);
        assertThat(version("production")).isEqualTo(prod + 3);
    }

    @Test
    void aDuplicateFlagIsAConflict() {
        createFlag("twice");
        assertThat(createFlag("twice").status()).isEqualTo(409);
    }

    @Test
    void removingAVariantThatAnEnvironmentServesIsRefusedWithTheEnvironmentInThePath() {
        createFlag("colors", "variants", Map.of("red", "r", "blue", "b"), "offVariant", "red");

        Resp r = cp.put("/api/v1/flags/colors", admin, Map.of("variants", Map.of("blue", "b")), "If-Match", "\"1\"");

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("errors").findValuesAsText("path"))
                .contains("environments.production.flags.colors.offVariant");
        assertThat(cp.get("/api/v1/flags/colors", admin).json().get("variants").has("red")).isTrue();
    }

    @Test
    void aFlagThatIsAPrerequisiteCannotBeDeleted() {
        createFlag("base");
        createFlag("dependent");
        Resp configured = cp.put("/api/v1/environments/production/flags/dependent", admin, Map.of("enabled", true,
                "offVariant", "off", "prerequisites", List.of(Map.of("flag", "base", "variant", "on")),
                "fallthrough", Map.of("variant", "on")), "If-Match", "\"1\"");
        assertThat(configured.status()).as(configured.body()).isEqualTo(200);

        Resp r = cp.delete("/api/v1/flags/base", admin);

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("errors").get(0).get("path").asText())
                .isEqualTo("environments.production.flags.dependent.prerequisites[0].flag");
        // The same place as an RFC 6901 JSON Pointer, for clients.
        assertThat(r.json().get("errors").get(0).get("pointer").asText())
                .isEqualTo("/environments/production/flags/dependent/prerequisites/0/flag");
        assertThat(cp.get("/api/v1/flags/base", admin).status()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- flag configurations

    @Test
    void aFlagIsConfiguredPerEnvironmentAndTheOtherEnvironmentIsUntouched() {
        createFlag("checkout");
        long staging = version("staging");
        Map<String, Object> config = Map.of("enabled", true, "offVariant", "off",
                "targets", List.of(Map.of("variant", "on", "values", List.of("user-1"))),
                "rules", List.of(Map.of("id", "de", "when", Map.of("attribute", "country", "op", "in",
                        "values", List.of("DE")), "serve", Map.of("variant", "on"))),
                "fallthrough", Map.of("rollout", Map.of("on", 33.333, "off", 66.667)));

        Resp r = cp.put("/api/v1/environments/production/flags/checkout", admin, config, "If-Match", "\"1\"");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("ETag")).isEqualTo("\"2\"");
        JsonNode read = cp.get("/api/v1/environments/production/flags/checkout", admin).json();
        assertThat(read.get("rules").get(0).get("id").asText()).isEqualTo("de");
        // Decimals are kept digit for digit.
        assertThat(read.get("fallthrough").get("rollout").get("on").decimalValue()).isEqualByComparingTo("33.333");
        assertThat(cp.get("/api/v1/environments/staging/flags/checkout", admin).json().get("enabled").asBoolean())
                .isFalse();
        assertThat(version("staging")).isEqualTo(staging);
    }

    @Test
    void invalidConfigurationIsRefusedWithEveryErrorAndItsPathRelativeToTheFlag() {
        createFlag("bad-config");
        Map<String, Object> config = Map.of("enabled", "yes", "offVariant", "maybe",
                "rules", List.of(Map.of("id", "r1", "when", Map.of("attribute", "country", "op", "inn",
                        "values", List.of("DE")), "serve", Map.of("variant", "nope"))),
                "fallthrough", Map.of("rollout", Map.of("on", 50, "off", 40)));

        Resp r = cp.put("/api/v1/environments/production/flags/bad-config", admin, config, "If-Match", "\"1\"");

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(r.json().get("errors").findValuesAsText("path")).contains("enabled", "offVariant",
                "rules[0].when.op", "rules[0].serve.variant", "fallthrough.rollout");
        assertThat(r.json().get("errors").findValuesAsText("pointer")).contains("/enabled", "/offVariant",
                "/rules/0/when/op", "/rules/0/serve/variant", "/fallthrough/rollout");
        assertThat(r.json().get("errors").toString()).contains("did you mean 'in'").contains("sum to 90");
        assertThat(cp.get("/api/v1/environments/production/flags/bad-config", admin).json().get("revision").asInt())
                .isEqualTo(1);
    }

    @Test
    void aMessageThatNamesAnotherPlaceNamesItRelativeToTheRequestBodyToo() {
        createFlag("dup-config");
        Map<String, Object> rule = Map.of("id", "x", "when", Map.of("attribute", "country", "op", "in",
                "values", List.of("DE")), "serve", Map.of("variant", "on"));
        Map<String, Object> config = Map.of("enabled", true, "offVariant", "off",
                "targets", List.of(Map.of("variant", "on", "values", List.of("a", "a"))),
                "rules", List.of(rule, rule), "fallthrough", Map.of("variant", "off"));

        Resp r = cp.put("/api/v1/environments/production/flags/dup-config", admin, config, "If-Match", "\"1\"");

        assertThat(r.status()).as(r.body()).isEqualTo(422);
        List<String> said = new java.util.ArrayList<>();
        r.json().get("errors").forEach(e -> said.add(e.get("pointer").asText() + " " + e.get("message").asText()));
        assertThat(said).contains("/targets/0/values/1 'a' is already targeted at targets[0].values[0]",
                "/rules/1/id duplicate rule id 'x' (also at rules[0])");
        assertThat(r.body()).doesNotContain("flags.dup-config");
    }

    @Test
    void definitionFieldsCannotBeChangedThroughAnEnvironment() {
        createFlag("def-only", "description", "original");

        Resp r = cp.put("/api/v1/environments/production/flags/def-only", admin, Map.of("enabled", true,
                "offVariant", "off", "fallthrough", Map.of("variant", "on"), "description", "changed"),
                "If-Match", "\"1\"");

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("errors").get(0).get("path").asText()).isEqualTo("description");
    }

    @Test
    void everyFlagChangeAnswersTheConfigurationAsGetReturnsIt() throws Exception {
        createFlag("echo");
        String path = "/api/v1/environments/production/flags/echo";

        Resp share = cp.call("PUT", path + "/rollout", admin, "{\"percentage\":100.0000}");
        assertThat(share.status()).as(share.body()).isEqualTo(200);
        assertThat(share.json().get("fallthrough")).isEqualTo(cp.get(path, admin).json().get("fallthrough"));
        Resp weights = cp.call("PUT", path + "/rollout", admin, "{\"rollout\":{\"on\":25.500,\"off\":74.5000}}");
        assertThat(weights.status()).as(weights.body()).isEqualTo(200);
        assertThat(weights.json().get("fallthrough")).isEqualTo(cp.get(path, admin).json().get("fallthrough"));

        Resp whole = cp.call("PUT", path, admin, "{\"enabled\":true,\"offVariant\":\"off\",\"fallthrough\":"
                + "{\"rollout\":{\"on\":1.2500,\"off\":98.75000}}}", "If-Match", weights.header("ETag"));
        assertThat(whole.status()).as(whole.body()).isEqualTo(200);
        Resp read = cp.get(path, admin);
        assertThat(whole.body()).isEqualTo(read.body());
        assertThat(whole.header("ETag")).isEqualTo(read.header("ETag"));
    }

    @Test
    void quickOperationsToggleAndSetTheRolloutPercentage() {
        createFlag("quick");
        String path = "/api/v1/environments/production/flags/quick";

        Resp on = cp.put(path + "/enabled", admin, Map.of("enabled", true));
        assertThat(on.status()).as(on.body()).isEqualTo(200);
        assertThat(on.json().get("enabled").asBoolean()).isTrue();

        Resp rollout = cp.put(path + "/rollout", admin, Map.of("percentage", 12.5));
        assertThat(rollout.status()).as(rollout.body()).isEqualTo(200);
        assertThat(rollout.json().get("fallthrough").get("rollout").get("on").decimalValue()).isEqualByComparingTo("12.5");
        assertThat(rollout.json().get("fallthrough").get("rollout").get("off").decimalValue()).isEqualByComparingTo("87.5");

        Resp weights = cp.put(path + "/rollout", admin, Map.of("rollout", Map.of("on", 70, "off", 30),
                "bucketBy", "companyId"));
        assertThat(weights.status()).as(weights.body()).isEqualTo(200);
        assertThat(weights.json().get("fallthrough").get("bucketBy").asText()).isEqualTo("companyId");

        Resp off = cp.put(path + "/enabled", admin, Map.of("enabled", false), "If-Match", weights.header("ETag"));
        assertThat(off.status()).isEqualTo(200);
        assertThat(off.json().get("enabled").asBoolean()).isFalse();
    }

    @Test
    void aPercentageNeedsABooleanFlagAndAValidShare() {
        createFlag("multi", "variants", Map.of("a", "x", "b", "y", "c", "z"));
        String path = "/api/v1/environments/production/flags/multi/rollout";

        Resp notBoolean = cp.put(path, admin, Map.of("percentage", 10));
        assertThat(notBoolean.status()).isEqualTo(422);
        assertThat(notBoolean.json().get("errors").get(0).get("path").asText()).isEqualTo("percentage");

        Resp tooMuch = cp.put(path, admin,
                Map.of("percentage", 101));
        assertThat(tooMuch.status()).isEqualTo(422);

        Resp badSum = cp.put(path, admin, Map.of("rollout", Map.of("a", 50, "b", 20)));
        assertThat(badSum.status()).isEqualTo(422);
        assertThat(badSum.json().get("errors").get(0).get("path").asText()).isEqualTo("fallthrough.rollout");
    }

    @Test
    void listingFlagsOfAnEnvironmentShowsTheirConfiguration() {
        createFlag("env-list-a", "tags", List.of("envlist"));
        createFlag("env-list-b", "tags", List.of("envlist"));
        cp.put("/api/v1/environments/staging/flags/env-list-b/enabled", admin, Map.of("enabled", true));

        JsonNode page = cp.get("/api/v1/environments/staging/flags?tag=envlist", admin).json();

        assertThat(page.get("total").asInt()).isEqualTo(2);
        assertThat(page.get("items").get(0).get("key").asText()).isEqualTo("env-list-a");
        assertThat(page.get("items").get(1).get("enabled").asBoolean()).isTrue();
        assertThat(page.get("items").get(1).get("environment").asText()).isEqualTo("staging");
    }

    // ---------------------------------------------------------------- segments

    @Test
    void segmentsAreCreatedReadUpdatedUsedAndDeleted() {
        String base = "/api/v1/environments/production/segments";
        Resp created = cp.post(base, admin, Map.of("key", "beta", "description", "Beta testers",
                "included", List.of("u1"), "rules", List.of(Map.of("attribute", "email", "op", "endsWith",
                        "values", List.of("@example.com")))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo(base + "/beta");
        assertThat(cp.get(base + "/beta", admin).json().get("included").get(0).asText()).isEqualTo("u1");
        assertThat(cp.get("/api/v1/environments/staging/segments/beta", admin).status()).isEqualTo(404);
        assertThat(cp.post(base, admin, Map.of("key", "beta")).status()).isEqualTo(409);

        Resp updated = cp.put(base + "/beta", admin, Map.of("included", List.of("u1", "u2")), "If-Match", "\"1\"");
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().get("included")).hasSize(2);

        createFlag("seg-user");
        Resp uses = cp.put("/api/v1/environments/production/flags/seg-user", admin, Map.of("enabled", true,
                "offVariant", "off", "rules", List.of(Map.of("id", "beta", "when", Map.of("segment", "beta"),
                        "serve", Map.of("variant", "on"))), "fallthrough", Map.of("variant", "off")),
                "If-Match", "\"1\"");
        assertThat(uses.status()).as(uses.body()).isEqualTo(200);

        Resp inUse = cp.delete(base + "/beta", admin);
        assertThat(inUse.status()).isEqualTo(422);
        assertThat(inUse.json().get("errors").get(0).get("path").asText())
                .isEqualTo("flags.seg-user.rules[0].when.segment");

        cp.put("/api/v1/environments/production/flags/seg-user", admin, Map.of("enabled", false, "offVariant", "off",
                "fallthrough", Map.of("variant", "off")), "If-Match", "\"2\"");
        assertThat(cp.delete(base + "/beta", admin).status()).isEqualTo(204);
        assertThat(cp.get(base + "/beta", admin).status()).isEqualTo(404);
    }

    @Test
    void anInvalidSegmentIsRefusedWithPathsRelativeToIt() {
        Resp r = cp.post("/api/v1/environments/production/segments", admin, Map.of("key", "broken",
                "included", "u1", "rules", List.of(Map.of("segment", "missing"))));

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("errors").findValuesAsText("path")).contains("included", "rules[0].segment");
        assertThat(cp.get("/api/v1/environments/production/segments/broken", admin).status()).isEqualTo(404);
    }

    // ---------------------------------------------------------------- keys

    @Test
    void keysAreCreatedShownOnceListedAndRevoked() throws Exception {
        Resp created = cp.createKey(admin, "ci", "editor", null);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String key = created.json().get("key").asText();
        String id = created.json().get("id").asText();
        assertThat(key).matches("gdn_[a-z0-9]{12}_[A-Za-z0-9_-]{43}");
        assertThat(key).startsWith(created.json().get("prefix").asText() + "_");

        JsonNode read = cp.get("/api/v1/keys/" + id, admin).json();
        assertThat(read.has("key")).isFalse();
        assertThat(read.get("role").asText()).isEqualTo("editor");
        assertThat(cp.get("/api/v1/keys?limit=200", admin).body()).contains(id).doesNotContain(key);

        // The key works; its last-used time is recorded (in a batch, not by the request itself).
        assertThat(cp.get("/api/v1/flags", key).status()).isEqualTo(200);
        Poll.until("lastUsedAt recorded", Duration.ofSeconds(10),
                () -> !cp.get("/api/v1/keys/" + id, admin).json().get("lastUsedAt").isNull());

        Resp revoked = cp.delete("/api/v1/keys/" + id, admin);
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().get("revokedAt").isNull()).isFalse();
        assertThat(cp.get("/api/v1/flags", key).status()).isEqualTo(401);
    }

    @Test
    void keyRequestsAreValidated() {
        Resp noEnv = cp.createKey(admin, "sc", "sidecar", null);
        assertThat(noEnv.status()).isEqualTo(422);
        assertThat(noEnv.json().get("errors").get(0).get("path").asText()).isEqualTo("environment");

        Resp envOnAdmin = cp.createKey(admin, "x", "admin", "production");
        assertThat(envOnAdmin.status()).isEqualTo(422);

        Resp badRole = cp.createKey(admin, "x", "root", null);
        assertThat(badRole.status()).isEqualTo(422);
        assertThat(badRole.json().get("errors").get(0).get("path").asText()).isEqualTo("role");

        assertThat(cp.createKey(admin, "x", "sidecar", "nowhere").status()).isEqualTo(404);
        assertThat(cp.get("/api/v1/keys/not-a-uuid", admin).status()).isEqualTo(404);
    }

    // ---------------------------------------------------------------- optimistic concurrency

    @Test
    void aStaleUpdateIsRefusedWith412AndChangesNothing() {
        createFlag("contended");
        String path = "/api/v1/environments/production/flags/contended";
        Map<String, Object> first = Map.of("enabled", true, "offVariant", "off", "fallthrough", Map.of("variant", "on"));
        Map<String, Object> second = Map.of("enabled", false, "offVariant", "on", "fallthrough", Map.of("variant", "off"));
        String etag = cp.get(path, admin).header("ETag");

        assertThat(cp.put(path, admin, first, "If-Match", etag).status()).isEqualTo(200);
        Resp stale = cp.put(path, admin, second, "If-Match", etag);

        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.json().get("type").asText()).endsWith("/stale");
        assertThat(cp.get(path, admin).json().get("enabled").asBoolean()).isTrue();
    }

    @Test
    void everyReplacingUpdateNeedsIfMatchAndRefusesAStaleOne() {
        createFlag("etag-def");
        cp.post("/api/v1/environments/production/segments", admin, Map.of("key", "etag-seg"));
        Map<String, Object> def = Map.of("variants", Map.of("on", true, "off", false));

        assertThat(cp.put("/api/v1/flags/etag-def", admin, def).status()).isEqualTo(428);
        assertThat(cp.put("/api/v1/flags/etag-def", admin, def, "If-Match", "\"7\"").status()).isEqualTo(412);
        assertThat(cp.put("/api/v1/environments/production/segments/etag-seg", admin, Map.of(), "If-Match", "\"9\"")
                .status()).isEqualTo(412);
        assertThat(cp.put("/api/v1/environments/production/segments/etag-seg", admin, Map.of()).status())
                .isEqualTo(428);
        assertThat(cp.put("/api/v1/environments/staging", admin, Map.of("name", "x"), "If-Match", "\"5\"").status())
                .isEqualTo(412);
        assertThat(cp.put("/api/v1/environments/production/flags/etag-def/enabled", admin, Map.of("enabled", true),
                "If-Match", "\"9\"").status()).isEqualTo(412);
        assertThat(cp.delete("/api/v1/flags/etag-def", admin, "If-Match", "\"9\"").status()).isEqualTo(412);
        assertThat(cp.get("/api/v1/flags/etag-def", admin).status()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- pagination

    @Test
    void listsArePagedWithATotalAnOpaqueCursorAndAStableOrder() {
        for (String k : List.of("page-e", "page-a", "page-g", "page-c", "page-b", "page-f", "page-d")) {
            createFlag(k, "tags", List.of("paged"), "description", "paged flag " + k);
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = cp.get("/api/v1/flags?tag=paged&limit=3" + (cursor == null ? "" : "&cursor=" + cursor),
                    admin).json();
            assertThat(page.get("total").asInt()).isEqualTo(7);
            assertThat(page.get("limit").asInt()).isEqualTo(3);
            page.get("items").forEach(i -> seen.add(i.get("key").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactly("page-a", "page-b", "page-c", "page-d", "page-e", "page-f", "page-g");

        JsonNode text = cp.get("/api/v1/flags?q=flag%20page-c", admin).json();
        assertThat(text.get("total").asInt()).isEqualTo(1);
        JsonNode none = cp.get("/api/v1/flags?tag=paged&q=100%25", admin).json();
        assertThat(none.get("total").asInt()).isZero();
    }

    @Test
    void everyListingPagesThroughAllItemsOnceInAStableOrder() {
        cp.createKey(admin, "pager-1", "viewer", null);
        cp.createKey(admin, "pager-2", "viewer", null);
        cp.post("/api/v1/environments/staging/segments", admin, Map.of("key", "pager-seg-1"));
        cp.post("/api/v1/environments/staging/segments", admin, Map.of("key", "pager-seg-2"));
        for (String path : List.of("/api/v1/keys", "/api/v1/environments", "/api/v1/environments/staging/segments",
                "/api/v1/environments/staging/flags", "/api/v1/audit?resourceType=key")) {
            JsonNode all = cp.get(path + (path.contains("?") ? "&" : "?") + "limit=200", admin).json();
            List<String> expected = new ArrayList<>();
            all.get("items").forEach(i -> expected.add(i.has("id") ? i.get("id").asText() : i.get("key").asText()));
            assertThat(expected).as(path).hasSizeGreaterThanOrEqualTo(2);

            List<String> paged = new ArrayList<>();
            String cursor = null;
            do {
                String sep = path.contains("?") ? "&" : "?";
                JsonNode page = cp.get(path + sep + "limit=1" + (cursor == null ? "" : "&cursor=" + cursor), admin)
                        .json();
                assertThat(page.get("total").asInt()).as(path).isEqualTo(all.get("total").asInt());
                page.get("items").forEach(i -> paged.add(i.has("id") ? i.get("id").asText() : i.get("key").asText()));
                cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            } while (cursor != null && paged.size() < expected.size() + 5);

            assertThat(paged).as(path).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void badPagingParametersAreRefused() {
        for (String query : List.of("limit=0", "limit=201", "limit=abc", "cursor=garbage", "limit=1&limit=2")) {
            Resp r = cp.get("/api/v1/flags?" + query, admin);
            assertThat(r.status()).as(query).isEqualTo(400);
            assertThat(r.json().get("errors").get(0).get("path").asText()).as(query).isIn("limit", "cursor");
            assertThat(r.json().get("errors").get(0).get("pointer").asText()).as(query).isIn("/limit", "/cursor");
        }
    }

    @Test
    void aKeysCursorThatNamesNoPositionOfTheListingIsRefused() {
        String id = "0b6e7c1a-3f5d-4a8e-9c2b-7d1e5f4a3b21";
        // Another listing's sort key; nineteen digits beyond a long; thirty-six characters that are not a UUID (the
        // last two were answered 500 before the listing's position was read in one place).
        for (String sortKey : List.of("flag-a", "9999999999999999999:" + id,
                "1:------------------------------------")) {
            // Signed as the server signs cursors: what is refused here is the content, not the signature.
            String cursor = cp.signedCursor("acme", sortKey);
            Resp r = cp.get("/api/v1/keys?cursor=" + cursor, admin);
            assertThat(r.status()).as(sortKey + ": " + r.body()).isEqualTo(400);
            assertThat(r.json().get("type").asText()).as(sortKey).endsWith("/invalid-parameter");
            assertThat(r.json().get("detail").asText()).as(sortKey).isEqualTo("cursor: not a cursor of this listing");
            assertThat(r.json().get("errors").get(0).get("pointer").asText()).as(sortKey).isEqualTo("/cursor");
        }
    }

    // ---------------------------------------------------------------- audit

    @Test
    void everyKindOfChangeIsAuditedWithWhoWhatWhenTheRequestIdAndBeforeAndAfter() {
        String editor = cp.createKey(admin, "audit editor", "editor", null).json().get("key").asText();
        String editorId = cp.get("/api/v1/keys?limit=200", admin).json().get("items").findParents("name").stream()
                .filter(k -> k.get("name").asText().equals("audit editor")).findFirst().orElseThrow()
                .get("id").asText();
        Instant before = Instant.now().minusSeconds(1);

        cp.post("/api/v1/environments", admin, Map.of("key", "audited"), "X-Request-Id", "req-env-create");
        cp.put("/api/v1/environments/audited", admin, Map.of("name", "Audited"), "If-Match", "\"1\"");
        cp.call("POST", "/api/v1/flags", editor, Map.of("key", "audited-flag",
                "variants", Map.of("on", true, "off", false)), "X-Request-Id", "req-flag-create");
        cp.put("/api/v1/flags/audited-flag", editor, Map.of("variants", Map.of("on", true, "off", false),
                "description", "d"), "If-Match", "\"1\"");
        cp.put("/api/v1/environments/audited/flags/audited-flag", editor, Map.of("enabled", true, "offVariant", "off",
                "fallthrough", Map.of("variant", "on")), "If-Match", "\"1\"");
        cp.put("/api/v1/environments/audited/flags/audited-flag/enabled", editor, Map.of("enabled", false));
        cp.put("/api/v1/environments/audited/flags/audited-flag/enabled", editor, Map.of("enabled", true));
        cp.put("/api/v1/environments/audited/flags/audited-flag/rollout", editor, Map.of("percentage", 5));
        cp.post("/api/v1/environments/audited/segments", editor, Map.of("key", "aud-seg"));
        cp.put("/api/v1/environments/audited/segments/aud-seg", editor, Map.of("included", List.of("x")),
                "If-Match", "\"1\"");
        cp.delete("/api/v1/environments/audited/segments/aud-seg", editor);
        String keyId = cp.createKey(admin, "short-lived", "viewer", null).json().get("id").asText();
        cp.delete("/api/v1/keys/" + keyId, admin);
        cp.delete("/api/v1/flags/audited-flag", editor);
        cp.delete("/api/v1/environments/audited", admin);

        JsonNode all = cp.get("/api/v1/audit?limit=200&from=" + before, admin).json();
        List<String> actions = all.get("items").findValuesAsText("action");
        assertThat(actions).contains("environment.create", "environment.update", "environment.delete", "flag.create",
                "flag.update", "flag.delete", "flag.configure", "flag.enable", "flag.disable", "flag.rollout",
                "segment.create", "segment.update", "segment.delete", "key.create", "key.revoke");
        // Newest first.
        assertThat(actions.get(0)).isEqualTo("environment.delete");

        JsonNode envCreate = entry(all, "environment.create");
        assertThat(envCreate.get("requestId").asText()).isEqualTo("req-env-create");
        assertThat(envCreate.get("before").isNull()).isTrue();
        assertThat(envCreate.get("after").get("key").asText()).isEqualTo("audited");
        assertThat(envCreate.get("actor").get("name").asText()).isEqualTo("bootstrap admin");

        JsonNode flagCreate = entry(all, "flag.create");
        assertThat(flagCreate.get("actor").get("keyId").asText()).isEqualTo(editorId);
        assertThat(flagCreate.get("actor").get("name").asText()).isEqualTo("audit editor");
        assertThat(flagCreate.get("requestId").asText()).isEqualTo("req-flag-create");
        assertThat(flagCreate.get("resourceType").asText()).isEqualTo("flag");
        assertThat(flagCreate.get("resource").asText()).isEqualTo("audited-flag");

        JsonNode disable = entry(all, "flag.disable");
        assertThat(disable.get("environment").asText()).isEqualTo("audited");
        assertThat(disable.get("before").get("enabled").asBoolean()).isTrue();
        assertThat(disable.get("after").get("enabled").asBoolean()).isFalse();
        assertThat(Instant.parse(disable.get("at").asText())).isAfter(before);

        JsonNode flagDelete = entry(all, "flag.delete");
        assertThat(flagDelete.get("after").isNull()).isTrue();
        assertThat(flagDelete.get("before").get("description").asText()).isEqualTo("d");

        JsonNode keyCreate = entry(all, "key.create");
        assertThat(keyCreate.toString()).doesNotContain("gdn_" + keyCreate.get("after").get("prefix").asText()
                .substring(4) + "_");

        // Filters: by resource and by time.
        JsonNode byResource = cp.get("/api/v1/audit?resourceType=flag&resource=audited-flag", admin).json();
        assertThat(byResource.get("items").findValuesAsText("resource")).containsOnly("audited-flag");
        assertThat(byResource.get("total").asInt()).isEqualTo(7);
        JsonNode future = cp.get("/api/v1/audit?from=" + Instant.now().plusSeconds(3600), admin).json();
        assertThat(future.get("total").asInt()).isZero();
        JsonNode paged = cp.get("/api/v1/audit?limit=2&resource=audited-flag", admin).json();
        JsonNode next = cp.get("/api/v1/audit?limit=2&resource=audited-flag&cursor="
                + paged.get("nextCursor").asText(), admin).json();
        assertThat(next.get("items").get(0).get("id").asLong()).isLessThan(paged.get("items").get(1).get("id").asLong());
        assertThat(cp.get("/api/v1/audit?from=yesterday", admin).status()).isEqualTo(400);
    }

    private static JsonNode entry(JsonNode page, String action) {
        for (JsonNode i : page.get("items")) {
            if (i.get("action").asText().equals(action)) {
                return i;
            }
        }
        throw new AssertionError("no audit entry " + action);
    }

    @Test
    void theAuditLogCannotBeChangedThroughTheApiNorInTheDatabase() {
        assertThat(cp.put("/api/v1/audit", admin, Map.of()).status()).isEqualTo(405);
        assertThat(cp.delete("/api/v1/audit", admin).status()).isEqualTo(405);
        assertThat(cp.delete("/api/v1/audit/1", admin).status()).isEqualTo(404);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cp.db.execute("DELETE FROM audit_log"))
                .hasMessageContaining("append-only");
    }

    @Test
    void metricsExposeHttpPoolPublishRateLimitAndSnapshotFigures() {
        createFlag("metered");
        cp.get("/api/v1/flags", admin);

        String metrics = cp.metrics();

        // HTTP by route template (not the raw path), the PostgreSQL pool, publishes, rate limits, snapshots.
        assertThat(metrics).contains("vertx_http_server_requests_total{")
                .contains("/api/v1/flags\"}")
                .contains("vertx_pool_in_use{").contains("pool_type=\"sql\"")
                .contains("guidon_publish_total{outcome=\"published\"}")
                .contains("guidon_publish_retries_total")
                .contains("guidon_ratelimit_decisions_total{backend=\"redis\",outcome=\"allowed\"}")
                .contains("guidon_snapshot_loads_total")
                .doesNotContain("/api/v1/flags/metered");
        org.assertj.core.api.Assertions.assertThat(cp.metric("guidon_publish_total", "outcome=\"published\""))
                .isGreaterThanOrEqualTo(1);
    }

    // ---------------------------------------------------------------- concurrency and connections

    @Test
    void ofTwoConcurrentUpdatesBasedOnTheSameRevisionExactlyOneWins() throws Exception {
        createFlag("race");
        String path = "/api/v1/environments/production/flags/race";
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                boolean enabled = i % 2 == 0;
                results.add(pool.submit(() -> cp.put(path, admin, Map.of("enabled", enabled, "offVariant", "off",
                        "fallthrough", Map.of("variant", "on")), "If-Match", "\"1\"").status()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (java.util.concurrent.Future<Integer> f : results) {
                statuses.add(f.get());
            }
            assertThat(statuses).containsOnly(200, 412);
            assertThat(statuses.stream().filter(x -> x == 200).count()).isEqualTo(1);
            assertThat(cp.get(path, admin).json().get("revision").asInt()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentChangesRaiseTheVersionOnceEachAndLeaveAContiguousChangeLog() throws Exception {
        for (int i = 0; i < 4; i++) {
            createFlag("parallel-" + i);
        }
        long before = version("staging");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String flag = "parallel-" + (i % 4);
                boolean enabled = i % 3 == 0;
                results.add(pool.submit(() -> cp.put("/api/v1/environments/staging/flags/" + flag + "/enabled", admin,
                        Map.of("enabled", enabled)).status()));
            }
            for (java.util.concurrent.Future<Integer> f : results) {
                assertThat(f.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(version("staging")).isEqualTo(before + 24);
        List<Long> versions = new ArrayList<>();
        try (java.sql.Connection c = cp.db.connect(); java.sql.ResultSet rs = c.createStatement().executeQuery(
                "SELECT l.version FROM change_log l JOIN environments e ON e.id = l.environment_id"
                        + " WHERE e.key = 'staging' AND l.version > " + before + " ORDER BY l.version")) {
            while (rs.next()) {
                versions.add(rs.getLong(1));
            }
        }
        assertThat(versions).hasSize(24).first().isEqualTo(before + 1);
        assertThat(versions.get(23)).isEqualTo(before + 24);
    }

    @Test
    void databaseConnectionsKilledUnderTheServerAreReplaced() throws Exception {
        assertThat(cp.get("/api/v1/flags", admin).status()).isEqualTo(200);

        // What a PostgreSQL restart or a dropped connection looks like to the pool.
        try (java.sql.Connection c = cp.db.connect()) {
            c.createStatement().execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND pid <> pg_backend_pid()");
        }

        // Reads are retried on another connection; a change caught by it would get a retryable 503, never a 500.
        assertThat(cp.get("/api/v1/flags", admin).status()).isIn(200, 503);
        Poll.until("the pool serves again", Duration.ofSeconds(10),
                () -> cp.get("/api/v1/flags", admin).status() == 200);
        for (int i = 0; i < 10; i++) {
            assertThat(cp.get("/api/v1/environments/production", admin).status()).isEqualTo(200);
        }
        assertThat(cp.get("/readyz", null).status()).isEqualTo(200);
    }
}
