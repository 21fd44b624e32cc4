package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the admin UI reads and sets besides the flag document, through the admin API over HTTP: an environment's
 * {@code protected} mark and a flag's display {@code name} (set, returned, audited before and after, refused with
 * the field named when malformed, without changing anything), and the flag search over key, name, description and
 * tags.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnvironmentProtectionAndFlagNamesIT {

    Harness cp;
    String admin;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of());
        admin = cp.bootstrap("acme");
        assertThat(cp.post("/api/v1/environments", admin, Map.of("key", "staging")).status()).isEqualTo(201);
    }

    @AfterAll
    void stop() {
        cp.close();
    }

    private long auditTotal() {
        return cp.get("/api/v1/audit?limit=1", admin).json().get("total").asLong();
    }

    private JsonNode lastAudit(String resourceType, String resource) {
        return cp.get("/api/v1/audit?limit=1&resourceType=" + resourceType + "&resource=" + resource, admin).json()
                .get("items").get(0);
    }

    private static JsonNode onlyError(Resp r) {
        assertThat(r.json().get("errors")).as(r.body()).hasSize(1);
        return r.json().get("errors").get(0);
    }

    // ---------------------------------------------------------------- protected environments

    @Test
    void anEnvironmentIsCreatedProtectedAndTheMarkIsReturnedListedAndAudited() {
        Resp created = cp.post("/api/v1/environments", admin, Map.of("key", "production", "name", "Production",
                "protected", true));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("protected").asBoolean()).isTrue();
        assertThat(cp.get("/api/v1/environments/production", admin).json().get("protected").asBoolean()).isTrue();
        JsonNode listed = cp.get("/api/v1/environments?q=PRODUCTION", admin).json().get("items").get(0);
        assertThat(listed.get("protected").asBoolean()).isTrue();
        // Not protected unless asked.
        assertThat(cp.get("/api/v1/environments/staging", admin).json().get("protected").asBoolean()).isFalse();
        JsonNode audit = lastAudit("environment", "production");
        assertThat(audit.get("action").asText()).isEqualTo("environment.create");
        assertThat(audit.get("after").get("protected").asBoolean()).isTrue();
    }

    @Test
    void anUpdateSetsAndClearsTheMarkAndLeavesItWhenLeftOut() {
        cp.post("/api/v1/environments", admin, Map.of("key", "eu-prod"));

        Resp on = cp.put("/api/v1/environments/eu-prod", admin, Map.of("name", "EU", "protected", true),
                "If-Match", "\"1\"");
        assertThat(on.status()).as(on.body()).isEqualTo(200);
        assertThat(on.json().get("protected").asBoolean()).isTrue();
        JsonNode audit = lastAudit("environment", "eu-prod");
        assertThat(audit.get("action").asText()).isEqualTo("environment.update");
        assertThat(audit.get("before").get("protected").asBoolean()).isFalse();
        assertThat(audit.get("after").get("protected").asBoolean()).isTrue();

        // A client that does not know the field (it sends name and description only) cannot unprotect by accident.
        Resp renamed = cp.put("/api/v1/environments/eu-prod", admin, Map.of("name", "Europe"), "If-Match", "\"2\"");
        assertThat(renamed.json().get("protected").asBoolean()).isTrue();
        assertThat(renamed.json().get("name").asText()).isEqualTo("Europe");

        // What GET returned may be sent back as is.
        JsonNode read = cp.get("/api/v1/environments/eu-prod", admin).json();
        Resp echoed = cp.put("/api/v1/environments/eu-prod", admin, read, "If-Match", "\"3\"");
        assertThat(echoed.status()).as(echoed.body()).isEqualTo(200);
        assertThat(echoed.json().get("protected").asBoolean()).isTrue();

        Resp off = cp.put("/api/v1/environments/eu-prod", admin, Map.of("name", "Europe", "protected", false),
                "If-Match", "\"4\"");
        assertThat(off.json().get("protected").asBoolean()).isFalse();
        assertThat(lastAudit("environment", "eu-prod").get("before").get("protected").asBoolean()).isTrue();
    }

    @Test
    void aProtectedMarkThatIsNotABooleanIsRefusedNamingItAndChangesNothing() {
        cp.post("/api/v1/environments", admin, Map.of("key", "us-prod", "protected", true));
        long audit = auditTotal();

        Resp update = cp.put("/api/v1/environments/us-prod", admin, Map.of("name", "US", "protected", "yes"),
                "If-Match", "\"1\"");
        Resp create = cp.post("/api/v1/environments", admin, Map.of("key", "ap-prod", "protected", "yes"));

        for (Resp r : List.of(update, create)) {
            // Like every malformed field of a body (BadInputIT: "enabled as a string"), a 422 naming it.
            assertThat(r.status()).as(r.body()).isEqualTo(422);
            assertThat(r.json().get("type").asText()).isEqualTo("https://guidon.io/problems/validation");
            JsonNode e = onlyError(r);
            assertThat(e.get("pointer").asText()).isEqualTo("/protected");
            assertThat(e.get("path").asText()).isEqualTo("protected");
            assertThat(e.get("message").asText()).isEqualTo("must be true or false, not a string");
        }
        JsonNode read = cp.get("/api/v1/environments/us-prod", admin).json();
        assertThat(read.get("protected").asBoolean()).isTrue();
        assertThat(read.get("name").asText()).isEqualTo("us-prod");
        assertThat(read.get("revision").asInt()).isEqualTo(1);
        assertThat(cp.get("/api/v1/environments/ap-prod", admin).status()).isEqualTo(404);
        assertThat(auditTotal()).isEqualTo(audit);
    }

    @Test
    void onlyAnAdminSetsTheMark() {
        String editor = cp.createKey(admin, "an editor", "editor", null).json().get("key").asText();

        Resp r = cp.put("/api/v1/environments/staging", editor, Map.of("name", "staging", "protected", true),
                "If-Match", "*");

        assertThat(r.status()).isEqualTo(403);
        assertThat(cp.get("/api/v1/environments/staging", admin).json().get("protected").asBoolean()).isFalse();
    }

    // ---------------------------------------------------------------- flag names

    private Resp createFlag(String key, Object... extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("key", key);
        body.put("variants", Map.of("on", true, "off", false));
        for (int i = 0; i < extra.length; i += 2) {
            body.put((String) extra[i], extra[i + 1]);
        }
        return cp.post("/api/v1/flags", admin, body);
    }

    @Test
    void aFlagsNameIsSetOnCreateAndUpdateReturnedAndAuditedAndEmptyWhenNotGiven() {
        Resp created = createFlag("new-checkout", "name", "New checkout – éè");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("name").asText()).isEqualTo("New checkout – éè");
        assertThat(lastAudit("flag", "new-checkout").get("after").get("name").asText()).isEqualTo("New checkout – éè");

        Resp updated = cp.put("/api/v1/flags/new-checkout", admin, Map.of("name", "Checkout v2",
                "variants", Map.of("on", true, "off", false)), "If-Match", "\"1\"");
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().get("name").asText()).isEqualTo("Checkout v2");
        assertThat(cp.get("/api/v1/flags/new-checkout", admin).json().get("name").asText()).isEqualTo("Checkout v2");
        JsonNode audit = lastAudit("flag", "new-checkout");
        assertThat(audit.get("action").asText()).isEqualTo("flag.update");
        assertThat(audit.get("before").get("name").asText()).isEqualTo("New checkout – éè");
        assertThat(audit.get("after").get("name").asText()).isEqualTo("Checkout v2");

        // A replacement without a name has none, like one without a description; '' means "show the key".
        Resp cleared = cp.put("/api/v1/flags/new-checkout", admin, Map.of("variants", Map.of("on", true, "off", false)),
                "If-Match", "\"2\"");
        assertThat(cleared.json().get("name").asText()).isEmpty();
        assertThat(createFlag("nameless").json().get("name").asText()).isEmpty();
    }

    @Test
    void theNameIsNotPartOfTheFlagDocumentSidecarsReceive() {
        createFlag("doc-named", "name", "Shown in consoles only");
        String sidecar = cp.createKey(admin, "sc", "sidecar", "staging").json().get("key").asText();

        JsonNode flag = cp.get("/api/v1/sidecar/flags", sidecar).json().get("document").get("flags").get("doc-named");

        assertThat(flag).isNotNull();
        assertThat(flag.has("name")).isFalse();
        assertThat(cp.get("/api/v1/environments/staging/flags/doc-named", admin).status()).isEqualTo(200);
    }

    @Test
    void aNameIsCheckedLikeADescriptionAndARefusedOneChangesNothing() {
        createFlag("checked-name", "name", "Fine");
        long audit = auditTotal();
        long version = cp.get("/api/v1/environments/staging", admin).json().get("version").asLong();

        Map<String, Object> markup = Map.of("name", "<b>bold</b>", "variants", Map.of("on", true, "off", false));
        Map<String, Object> tooLong = Map.of("name", "n".repeat(201), "variants", Map.of("on", true, "off", false));
        Map<String, Object> number = Map.of("name", 42, "variants", Map.of("on", true, "off", false));
        Map<String, String> expected = Map.of(
                "<b>bold</b>", "must be plain text: '<' and '>' are not allowed (no HTML or other markup)",
                "n".repeat(201), "must be at most 200 characters, not 201",
                "42", "must be a string, not a number");
        for (Map<String, Object> body : List.of(markup, tooLong, number)) {
            Resp r = cp.put("/api/v1/flags/checked-name", admin, body, "If-Match", "\"1\"");
            assertThat(r.status()).as(r.body()).isEqualTo(422);
            JsonNode e = onlyError(r);
            assertThat(e.get("pointer").asText()).isEqualTo("/name");
            assertThat(e.get("message").asText()).isEqualTo(expected.get(String.valueOf(body.get("name"))));
        }
        Resp create = createFlag("refused-name", "name", "<script>alert(1)</script>");
        assertThat(create.status()).isEqualTo(422);
        assertThat(onlyError(create).get("pointer").asText()).isEqualTo("/name");

        assertThat(cp.get("/api/v1/flags/checked-name", admin).json().get("name").asText()).isEqualTo("Fine");
        assertThat(cp.get("/api/v1/flags/refused-name", admin).status()).isEqualTo(404);
        assertThat(auditTotal()).isEqualTo(audit);
        assertThat(cp.get("/api/v1/environments/staging", admin).json().get("version").asLong()).isEqualTo(version);
    }

    private List<String> search(String path, String q) {
        List<String> keys = new ArrayList<>();
        Resp r = cp.get(path + "?limit=200&q=" + java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8),
                admin);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        r.json().get("items").forEach(i -> keys.add(i.get("key").asText()));
        return keys;
    }

    @Test
    void theFlagSearchMatchesKeyNameDescriptionAndTagsIgnoringCase() {
        createFlag("srch-by-key-zebra");
        createFlag("srch-by-name", "name", "Giraffe feeding");
        createFlag("srch-by-description", "description", "Lets the OKAPI in");
        createFlag("srch-by-tag", "tags", List.of("team-Narwhal", "web"));
        createFlag("srch-none", "name", "nothing here", "tags", List.of("web", "app"));

        for (String path : List.of("/api/v1/flags", "/api/v1/environments/staging/flags")) {
            assertThat(search(path, "ZEBRA")).as(path).containsExactly("srch-by-key-zebra");
            assertThat(search(path, "giraffe")).as(path).containsExactly("srch-by-name");
            assertThat(search(path, "okapi")).as(path).containsExactly("srch-by-description");
            assertThat(search(path, "narwhal")).as(path).containsExactly("srch-by-tag");
            assertThat(search(path, "srch-")).as(path).containsExactly("srch-by-description", "srch-by-key-zebra",
                    "srch-by-name", "srch-by-tag", "srch-none");
            // Each tag on its own: no match across two tags, and LIKE wildcards are literal.
            assertThat(search(path, "web app")).as(path).isEmpty();
            assertThat(search(path, "webapp")).as(path).isEmpty();
            assertThat(search(path, "w_b")).as(path).isEmpty();
        }
        JsonNode page = cp.get("/api/v1/flags?q=giraffe", admin).json();
        assertThat(page.get("total").asInt()).isEqualTo(1);
        // The tag filter and the search together.
        assertThat(cp.get("/api/v1/flags?tag=web&q=narwhal", admin).json().get("total").asInt()).isEqualTo(1);
        assertThat(cp.get("/api/v1/flags?tag=app&q=narwhal", admin).json().get("total").asInt()).isZero();
    }
}
