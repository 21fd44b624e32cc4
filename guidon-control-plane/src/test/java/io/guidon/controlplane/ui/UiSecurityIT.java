package io.guidon.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.Harness;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The UI's security model over plain HTTP (ADR 0112): sessions (cookie flags, sign-out, revocation, idle and
 * absolute expiry), CSRF tokens and same-origin checks on every POST, the sidecar key refused, the headers
 * (CSP without inline script or eval, no framing) on every page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UiSecurityIT {

    Harness cp;
    UiHttp ui;
    String admin;
    String viewer;
    String sidecar;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of());
        ui = new UiHttp(cp.port());
        admin = cp.bootstrap("acme");
        cp.post("/api/v1/environments", admin, Map.of("key", "production"));
        cp.post("/api/v1/flags", admin, Map.of("key", "checkout", "variants", Map.of("on", true, "off", false)));
        viewer = cp.createKey(admin, "viewer", "viewer", null).json().get("key").asText();
        sidecar = cp.createKey(admin, "sidecar", "sidecar", "production").json().get("key").asText();
    }

    @AfterAll
    void stop() {
        cp.close();
    }

    @Test
    void theRootAndUiRedirectToTheFlagsAndAPageWithoutSessionToSignIn() {
        assertThat(ui.get("/", null).headers().firstValue("Location")).hasValue("/ui/");
        assertThat(ui.get("/ui/", null).headers().firstValue("Location")).hasValue("/ui/flags");
        HttpResponse<String> r = ui.get("/ui/flags?q=x", null);
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).hasValue("/ui/sign-in?next=%2Fui%2Fflags");
    }

    @Test
    void everyPageCarriesAStrictContentSecurityPolicyAndRefusesFraming() {
        String session = ui.signIn(viewer);
        for (String path : new String[] {"/ui/sign-in", "/ui/flags", "/ui/no-such-page"}) {
            HttpResponse<String> r = ui.get(path, session);
            String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertThat(csp).contains("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline", "unsafe-eval");
            assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(r.body()).doesNotContain("style=\"", "onclick", "hx-on");
        }
        assertThat(ui.get("/ui/no-such-page", session).statusCode()).isEqualTo(404);
    }

    @Test
    void theSessionCookieIsHttpOnlyAndSameSiteStrictAndNotSecureOverPlainHttp() {
        HttpResponse<String> form = ui.get("/ui/sign-in", null);
        String token = form.headers().allValues("Set-Cookie").get(0);
        assertThat(token).containsIgnoringCase("HttpOnly").contains("SameSite=Strict").doesNotContain("Secure");
        String session = ui.signIn(viewer);
        assertThat(session).hasSizeGreaterThanOrEqualTo(43);
        assertThat(ui.get("/ui/flags", session).statusCode()).isEqualTo(200);
    }

    @Test
    void aBadKeyAndASidecarKeyAreRefusedWithAReason() {
        HttpResponse<String> form = ui.get("/ui/sign-in", null);
        String c = form.headers().allValues("Set-Cookie").get(0);
        String token = c.substring(c.indexOf('=') + 1, c.indexOf(';'));
        HttpResponse<String> bad = ui.send("POST", "/ui/sign-in", null,
                UiHttp.form(Map.of("csrf", token, "key", "gdn_nope_nope")), "Cookie",
                UiRouter.SIGN_IN_COOKIE + "=" + token);
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.body()).contains("not valid");
        HttpResponse<String> side = ui.send("POST", "/ui/sign-in", null,
                UiHttp.form(Map.of("csrf", token, "key", sidecar)), "Cookie", UiRouter.SIGN_IN_COOKIE + "=" + token);
        assertThat(side.statusCode()).isEqualTo(403);
        assertThat(side.body()).contains("sidecar key cannot sign in");
        HttpResponse<String> noToken = ui.send("POST", "/ui/sign-in", null, UiHttp.form(Map.of("key", admin)));
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(noToken.headers().allValues("Set-Cookie")).noneMatch(v -> v.startsWith(UiRouter.SESSION_COOKIE));
    }

    @Test
    void aPostWithoutTheSessionsCsrfTokenOrFromAnotherOriginIsRefused() {
        String session = ui.signIn(admin);
        String csrf = ui.csrf(session);
        HttpResponse<String> none = ui.post("/ui/sign-out", session, Map.of());
        assertThat(none.statusCode()).isEqualTo(403);
        HttpResponse<String> wrong = ui.post("/ui/sign-out", session, Map.of("csrf", csrf + "x"));
        assertThat(wrong.statusCode()).isEqualTo(403);
        HttpResponse<String> foreign = ui.post("/ui/sign-out", session, Map.of("csrf", csrf), "Origin",
                "http://evil.example");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.body()).contains("another origin");
        // Still signed in: none of the refused requests ended the session.
        assertThat(ui.get("/ui/flags", session).statusCode()).isEqualTo(200);
        HttpResponse<String> out = ui.post("/ui/sign-out", session, Map.of("csrf", csrf));
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.headers().allValues("Set-Cookie")).anyMatch(v -> v.startsWith(UiRouter.SESSION_COOKIE + "=;")
                && v.contains("Max-Age=0"));
        assertThat(ui.get("/ui/flags", session).statusCode()).as("the ended session is refused").isEqualTo(303);
    }

    @Test
    void revokingTheKeyEndsItsSessionsAtOnce() {
        var created = cp.createKey(admin, "short-lived", "editor", null).json();
        String session = ui.signIn(created.get("key").asText());
        assertThat(ui.get("/ui/flags", session).statusCode()).isEqualTo(200);
        cp.delete("/api/v1/keys/" + created.get("id").asText(), admin);
        assertThat(ui.get("/ui/flags", session).statusCode()).isEqualTo(303);
    }

    @Test
    void aSessionEndsWhenIdleTooLongAndAtItsAbsoluteEnd() {
        String idle = ui.signIn(viewer);
        String old = ui.signIn(viewer);
        assertThat(ui.get("/ui/flags", idle).statusCode()).isEqualTo(200);
        // The clock is the database's: move the sessions' times back rather than wait 30 minutes.
        cp.db.execute("UPDATE ui_sessions SET last_seen_at = now() - interval '31 minutes' WHERE token_hash = "
                + hashLiteral(idle));
        cp.db.execute("UPDATE ui_sessions SET expires_at = now() - interval '1 second' WHERE token_hash = "
                + hashLiteral(old));
        assertThat(ui.get("/ui/flags", old).statusCode()).as("past its absolute end").isEqualTo(303);
        assertThat(ui.get("/ui/flags", idle).statusCode()).as("idle for 31 minutes").isEqualTo(303);
    }

    private static String hashLiteral(String token) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "'\\x" + java.util.HexFormat.of().formatHex(h) + "'::bytea";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aFormBodyThatCannotBeDecodedIsTheClientsFaultNotAnOutage() {
        String session = ui.signIn(viewer);
        HttpResponse<String> r = ui.send("POST", "/ui/sign-out", session, "csrf=%zz%");
        assertThat(r.statusCode()).as(r.body()).isBetween(400, 499);
        assertThat(r.body()).doesNotContain("database");
    }

    @Test
    void aNulCharacterInTheAddressIsA400ThatSaysSoNeverA500() {
        String session = ui.signIn(viewer);
        for (String path : new String[] {"/ui/flags/a%00b", "/ui/flags/a%00b/history", "/ui/flags/a%00b/try",
                "/ui/flags/a%00b/exposures", "/ui/segments/production/a%00b", "/ui/history?actor=a%00b",
                "/ui/flags?q=a%00b"}) {
            HttpResponse<String> r = ui.get(path, session);
            assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(400);
            assertThat(r.body()).as(path).contains("NUL");
        }
    }

    @Test
    void aPostWithoutAnOriginOfItsOwnIsRefused() {
        String session = ui.signIn(admin);
        HttpResponse<String> r = ui.post("/ui/sign-out", session, Map.of("csrf", ui.csrf(session)), "Origin", "null");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("Origin: null");
        assertThat(ui.get("/ui/flags", session).statusCode()).as("still signed in").isEqualTo(200);
    }

    @Test
    void aFlagPageForAnEnvironmentThatDoesNotExistIsA404NotAnotherEnvironment() {
        String session = ui.signIn(viewer);
        HttpResponse<String> r = ui.get("/ui/flags/checkout?env=stagign", session);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("no environment").contains("stagign");
        assertThat(ui.get("/ui/flags/checkout?env=production", session).statusCode()).isEqualTo(200);
        HttpResponse<String> tryIt = ui.get("/ui/flags/checkout/try?env=stagign", session);
        assertThat(tryIt.statusCode()).isEqualTo(404);
        assertThat(tryIt.body()).contains("stagign");
        assertThat(ui.get("/ui/flags/checkout/try?env=production", session).statusCode()).isEqualTo(200);
    }

    @Test
    void theNextParameterNeverLeavesTheUi() {
        assertThat(UiRouter.safeNext("//evil.example/ui/")).isEqualTo("/ui/flags");
        assertThat(UiRouter.safeNext("https://evil.example")).isEqualTo("/ui/flags");
        assertThat(UiRouter.safeNext("/ui/\\evil")).isEqualTo("/ui/flags");
        assertThat(UiRouter.safeNext("/ui/flags/a?q=1")).isEqualTo("/ui/flags/a?q=1");
    }
}
