package io.guidon.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.Harness;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The environments and API keys pages over plain HTTP: admins only (an editor's or a viewer's session gets 403 and
 * no link to them, and its forged posts change nothing), a new key's secret only in the answer to its POST
 * ({@code no-store}, never in the list), a resent creation form creating nothing, and stored text with markup
 * escaped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminPagesAccessIT {

    Harness cp;
    UiHttp ui;
    String admin;
    String editor;
    String viewer;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of());
        ui = new UiHttp(cp.port());
        admin = cp.bootstrap("acme");
        cp.post("/api/v1/environments", admin, Map.of("key", "production"));
        editor = cp.createKey(admin, "an editor", "editor", null).json().get("key").asText();
        viewer = cp.createKey(admin, "a viewer", "viewer", null).json().get("key").asText();
    }

    @AfterAll
    void stop() {
        cp.close();
    }

    private int keyCount() {
        return cp.get("/api/v1/keys?limit=200", admin).json().get("items").size();
    }

    @Test
    void editorsAndViewersCannotOpenTheAdminPagesNorSeeTheirLinks() {
        for (String key : new String[] {editor, viewer}) {
            String session = ui.signIn(key);
            for (String path : new String[] {"/ui/environments", "/ui/environments/new",
                    "/ui/environments/production/edit", "/ui/keys"}) {
                HttpResponse<String> r = ui.get(path, session);
                assertThat(r.statusCode()).as(path).isEqualTo(403);
                assertThat(r.body()).contains("needs the admin role");
            }
            String flags = ui.get("/ui/flags", session).body();
            assertThat(flags).doesNotContain("href=\"/ui/environments\"", "href=\"/ui/keys\"");
        }
        String adminSession = ui.signIn(admin);
        assertThat(ui.get("/ui/flags", adminSession).body()).contains("href=\"/ui/environments\"",
                "href=\"/ui/keys\"");
        assertThat(ui.get("/ui/environments", adminSession).statusCode()).isEqualTo(200);
        assertThat(ui.get("/ui/keys", adminSession).statusCode()).isEqualTo(200);
    }

    @Test
    void aForgedPostFromAnEditorSessionCreatesNoKeyAndNoEnvironment() {
        String session = ui.signIn(editor);
        String csrf = ui.csrf(session);
        int before = keyCount();
        HttpResponse<String> key = ui.post("/ui/keys", session, Map.of("csrf", csrf, "name", "forged",
                "role", "admin"));
        assertThat(key.statusCode()).isEqualTo(403);
        assertThat(key.body()).contains("Nothing was changed").doesNotContain("gdn_");
        assertThat(keyCount()).isEqualTo(before);
        HttpResponse<String> env = ui.post("/ui/environments", session, Map.of("csrf", csrf, "key", "forged"));
        assertThat(env.statusCode()).isEqualTo(403);
        assertThat(cp.get("/api/v1/environments/forged", admin).status()).isEqualTo(404);
        HttpResponse<String> delete = ui.post("/ui/environments/production/delete", session, Map.of("csrf", csrf));
        assertThat(delete.statusCode()).isEqualTo(403);
        assertThat(cp.get("/api/v1/environments/production", admin).status()).isEqualTo(200);
        // A viewer's too; and an admin's post without the CSRF token.
        String viewing = ui.signIn(viewer);
        assertThat(ui.post("/ui/keys", viewing, Map.of("csrf", ui.csrf(viewing), "name", "forged", "role",
                "admin")).statusCode()).isEqualTo(403);
        String admins = ui.signIn(admin);
        assertThat(ui.post("/ui/keys", admins, Map.of("name", "no token", "role", "admin")).statusCode())
                .isEqualTo(403);
        assertThat(keyCount()).isEqualTo(before);
    }

    @Test
    void aNewKeysSecretIsOnlyInTheAnswerToItsPostAndAResentFormCreatesNothing() {
        String session = ui.signIn(admin);
        String page = ui.get("/ui/keys", session).body();
        String once = field(page, "once");
        int before = keyCount();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("csrf", ui.csrf(session));
        form.put("once", once);
        form.put("name", "deploy pipeline");
        form.put("role", "editor");
        HttpResponse<String> created = ui.post("/ui/keys", session, form);
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(created.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(created.headers().firstValue("Location")).isEmpty();
        String secret = field(created.body(), "new-key", "id");
        assertThat(secret).matches("gdn_[a-z0-9]{12}_[A-Za-z0-9_-]{43}");
        assertThat(created.body()).contains("data-copy=\"#new-key\"");
        assertThat(cp.get("/api/v1/flags", secret).status()).as("the new key works").isEqualTo(200);
        assertThat(keyCount()).isEqualTo(before + 1);
        // Never again: not in the list, and the same form sent again (a reload) creates nothing and shows nothing.
        assertThat(ui.get("/ui/keys", session).body()).contains("deploy pipeline").doesNotContain(secret);
        HttpResponse<String> again = ui.post("/ui/keys", session, form);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("already sent").doesNotContain(secret);
        // Without its one-time token the form is refused: a resend of it could not be told from a new one.
        Map<String, String> tokenless = new LinkedHashMap<>(form);
        tokenless.remove("once");
        tokenless.put("name", "no once");
        assertThat(ui.post("/ui/keys", session, tokenless).statusCode()).isEqualTo(400);
        tokenless.put("once", "");
        assertThat(ui.post("/ui/keys", session, tokenless).statusCode()).isEqualTo(400);
        // Over new connections, which the server's event loops take in turn (each with its own router): the form's
        // use is known to all of them.
        for (int i = 0; i < 6; i++) {
            assertThat(new UiHttp(cp.port()).post("/ui/keys", session, form).statusCode()).isEqualTo(409);
        }
        assertThat(keyCount()).isEqualTo(before + 1);
    }

    @Test
    void theKeyFormSaysWhatIsWrongNextToEachField() {
        String session = ui.signIn(admin);
        int before = keyCount();
        HttpResponse<String> r = ui.post("/ui/keys", session, Map.of("csrf", ui.csrf(session), "name", " ",
                "role", "sidecar"));
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("id=\"name-error\"", "id=\"environment-error\"",
                "Choose the environment a sidecar key fetches");
        HttpResponse<String> wrongEnv = ui.post("/ui/keys", session, Map.of("csrf", ui.csrf(session), "name", "x",
                "role", "viewer", "environment", "production"));
        assertThat(wrongEnv.statusCode()).isEqualTo(422);
        assertThat(wrongEnv.body()).contains("Only sidecar keys are bound to an environment");
        HttpResponse<String> noEnv = ui.post("/ui/keys", session, Map.of("csrf", ui.csrf(session), "name", "x",
                "role", "sidecar", "environment", "staging", "once", field(ui.get("/ui/keys", session).body(),
                        "once")));
        assertThat(noEnv.statusCode()).isEqualTo(422);
        assertThat(noEnv.body()).contains("There is no environment \u201cstaging\u201d");
        assertThat(keyCount()).isEqualTo(before);
    }

    @Test
    void markupStoredInNamesAndDescriptionsIsShownAsText() {
        // The API refuses '<' and '>' in names; rows written around it (an older version, a hand-made fix) must
        // still render as text.
        String payload = "<script>alert(1)</script>\"><img src=x onerror=alert(1)> \u00e9\u4e2d\ud83d\ude80";
        String sql = payload.replace("'", "''");
        cp.db.execute("INSERT INTO environments (tenant_id, key, name, description) SELECT id, 'xss', '" + sql
                + "', '" + sql + "' FROM tenants WHERE key = 'acme'");
        cp.db.execute("UPDATE api_keys SET name = '" + sql + "' WHERE name = 'a viewer'");
        String session = ui.signIn(admin);
        for (String path : new String[] {"/ui/environments", "/ui/keys", "/ui/environments/xss/edit"}) {
            String body = ui.get(path, session).body();
            assertThat(body).as(path).doesNotContain("<script>alert", "<img src=x")
                    .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                    .contains("\u00e9\u4e2d\ud83d\ude80");
        }
        // And typed into a form, it is refused next to its field and shown back as text.
        HttpResponse<String> r = ui.post("/ui/environments", session, Map.of("csrf", ui.csrf(session), "key",
                "staging", "name", payload));
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("id=\"name-error\"", "Must be plain text").doesNotContain("<script>alert",
                "<img src=x");
        assertThat(cp.get("/api/v1/environments/staging", admin).status()).isEqualTo(404);
    }

    /** The value of the input named (or with the id) {@code name} in {@code html}. */
    private static String field(String html, String name) {
        return field(html, name, "name");
    }

    private static String field(String html, String name, String attribute) {
        var m = java.util.regex.Pattern.compile("<input[^>]*" + attribute + "=\"" + name + "\"[^>]*>").matcher(html);
        assertThat(m.find()).as("an input " + attribute + "=" + name).isTrue();
        var v = java.util.regex.Pattern.compile("value=\"([^\"]*)\"").matcher(m.group());
        assertThat(v.find()).isTrue();
        return v.group(1);
    }
}
