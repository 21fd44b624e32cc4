package io.guidon.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.Harness;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The API keys pages in a real Chromium: an admin creates a key with the keyboard, sees its secret once (with a
 * copy button) and never again, the key works against the API, then the admin revokes it and the API refuses it;
 * a sidecar key is bound to an environment; an editor gets 403 and no link.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeysBrowserIT {

    Harness cp;
    Browser browser;
    String admin;
    String editor;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of());
        admin = cp.bootstrap("acme");
        cp.post("/api/v1/environments", admin, Map.of("key", "production", "name", "Production"));
        cp.post("/api/v1/environments", admin, Map.of("key", "staging", "name", "Staging"));
        editor = cp.createKey(admin, "CI deploys", "editor", null).json().get("key").asText();
        cp.createKey(admin, "Production sidecars", "sidecar", "production");
        cp.createKey(admin, "Staging sidecars", "sidecar", "staging");
        cp.createKey(admin, "Support dashboard (read-only)", "viewer", null);
        String old = cp.createKey(admin, "Old laptop", "admin", null).json().get("id").asText();
        cp.delete("/api/v1/keys/" + old, admin);
        // Times as a tenant that has been running a while has them.
        cp.db.execute("UPDATE api_keys SET created_at = now() - interval '40 days' WHERE name = 'bootstrap admin'");
        cp.db.execute("UPDATE api_keys SET created_at = now() - interval '12 days', last_used_at = now() - interval"
                + " '4 minutes' WHERE name = 'CI deploys'");
        cp.db.execute("UPDATE api_keys SET created_at = now() - interval '9 days', last_used_at = now() - interval"
                + " '20 seconds' WHERE role = 'sidecar'");
        cp.db.execute("UPDATE api_keys SET created_at = now() - interval '3 days', last_used_at = now() - interval"
                + " '2 hours' WHERE role = 'viewer'");
        cp.db.execute("UPDATE api_keys SET created_at = now() - interval '30 days', revoked_at = now() - interval"
                + " '6 days' WHERE name = 'Old laptop'");
        browser = Browser.start(cp.port());
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        cp.close();
    }

    @Test
    void anAdminCreatesAKeySeesItsSecretOnceUsesItAndRevokesIt() throws Exception {
        browser.signIn(admin);
        browser.open("/ui/keys");
        browser.waitForText("main", "Production sidecars");
        browser.assertAccessible();
        browser.screenshot("keys");

        // With the keyboard alone: the name, Tab to the role (typed to choose), Enter submits.
        WebElement name = browser.find("#key-name");
        name.click();
        name.sendKeys("Release bot");
        name.sendKeys(Keys.TAB);
        browser.driver().switchTo().activeElement().sendKeys("Editor");
        assertThat(new Select(browser.find("#key-role")).getFirstSelectedOption().getAttribute("value"))
                .isEqualTo("editor");
        assertThat(browser.find("#key-environment").isEnabled()).as("no environment for an editor key").isFalse();
        browser.find("#key-name").sendKeys(Keys.ENTER);
        browser.waitForText("h1", "Key created");

        String secret = browser.find("#new-key").getAttribute("value");
        assertThat(secret).matches("gdn_[a-z0-9]{12}_[A-Za-z0-9_-]{43}");
        WebElement copy = browser.find("button[data-copy='#new-key']");
        assertThat(copy.getText()).isEqualTo("Copy");
        assertThat(browser.find("main").getText()).contains("only time the key is shown", "Release bot", "editor");
        browser.assertAccessible();
        browser.screenshot("key-created");
        copy.click();
        browser.waitFor(d -> "Copied".equals(copy.getText()) || secret.equals(browser.script(
                "return window.getSelection().toString() || document.activeElement.value")));
        assertThat(browser.consoleErrors()).as("no CSP violation or script error")
                .allMatch(m -> m.contains("Failed to load resource: the server responded with a status of 4"));

        assertThat(cp.get("/api/v1/flags", secret).status()).as("the new key works against the API").isEqualTo(200);

        // A reload sends the form again: it creates nothing and shows no secret.
        int keys = cp.get("/api/v1/keys?limit=200", admin).json().get("items").size();
        browser.driver().navigate().refresh();
        acceptAlertIfAny();
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("main h1")));
        assertThat(browser.driver().getPageSource()).doesNotContain(secret).contains("already sent");
        assertThat(cp.get("/api/v1/keys?limit=200", admin).json().get("items").size()).isEqualTo(keys);

        // The list shows the key, never its secret; revoking it (confirmed) ends it at once.
        browser.open("/ui/keys");
        assertThat(browser.driver().getPageSource()).contains("Release bot").doesNotContain(secret);
        WebElement revoke = browser.find("button[aria-label='Revoke Release bot']");
        revoke.sendKeys(Keys.ENTER);
        Alert confirm = new WebDriverWait(browser.driver(), Duration.ofSeconds(5))
                .until(ExpectedConditions.alertIsPresent());
        assertThat(confirm.getText()).contains("Revoke the key \u201cRelease bot\u201d");
        confirm.accept();
        browser.waitForText("[role=status]", "revoked");
        assertThat(browser.findAll("button[aria-label='Revoke Release bot']")).isEmpty();
        assertThat(cp.get("/api/v1/flags", secret).status()).as("the revoked key is refused").isEqualTo(401);
    }

    @Test
    void aRevocationDismissedInItsConfirmationRevokesNothing() {
        browser.signIn(admin);
        browser.open("/ui/keys");
        browser.find("button[aria-label='Revoke CI deploys']").click();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(ExpectedConditions.alertIsPresent())
                .dismiss();
        assertThat(cp.get("/api/v1/flags", editor).status()).isEqualTo(200);
        assertThat(browser.findAll("button[aria-label='Revoke CI deploys']")).hasSize(1);
    }

    @Test
    void aSidecarKeyIsBoundToTheEnvironmentChosen() {
        browser.signIn(admin);
        browser.open("/ui/keys");
        browser.find("#key-name").sendKeys("Canary sidecars");
        new Select(browser.find("#key-role")).selectByValue("sidecar");
        assertThat(browser.find("#key-environment").isEnabled()).isTrue();
        browser.find("button.primary[type=submit]").click();
        browser.waitForText("#environment-error", "Choose the environment");
        assertThat(browser.find("#key-environment").getAttribute("aria-invalid")).isEqualTo("true");
        new Select(browser.find("#key-environment")).selectByValue("staging");
        browser.find("button.primary[type=submit]").click();
        browser.waitForText("h1", "Key created");
        assertThat(browser.find("dl.facts").getText()).contains("staging");
        String secret = browser.find("#new-key").getAttribute("value");
        assertThat(cp.get("/api/v1/sidecar/flags", secret).status()).isEqualTo(200);
    }

    @Test
    void anEditorGets403AndNoLink() {
        browser.signIn(editor);
        assertThat(browser.findAll("header nav a[href='/ui/keys']")).isEmpty();
        assertThat(browser.findAll("header nav a[href='/ui/environments']")).isEmpty();
        browser.open("/ui/keys");
        assertThat(browser.find("h1").getText()).isEqualTo("Forbidden");
        assertThat(browser.find("main").getText()).contains("needs the admin role");
        browser.open("/ui/environments");
        assertThat(browser.find("h1").getText()).isEqualTo("Forbidden");
        browser.signOut();
    }

    @Test
    void keyNamesWithMarkupRenderAsText() {
        // The API refuses '<' and '>' in names; a row written around it must still render as text.
        String payload = "<script>alert(1)</script>\"><img src=x onerror=alert(1)> \u00e9\u4e2d\ud83d\ude80";
        cp.db.execute("INSERT INTO api_keys (id, tenant_id, name, role, prefix, hash) SELECT gen_random_uuid(), id, '"
                + payload.replace("'", "''") + "', 'viewer', 'xssxssxssxss', '\\x00'::bytea FROM tenants"
                + " WHERE key = 'acme'");
        try {
            browser.signIn(admin);
            browser.open("/ui/keys");
            assertThat(browser.find("main table").getText()).contains(payload);
            assertThat(browser.script("return document.querySelectorAll('main img, main script').length"))
                    .isEqualTo(0L);
            // The attributes that carry it (the revoke button's name, its confirmation) hold it as text too.
            WebElement revoke = browser.find("tr:has(td .mono) form[action$='/revoke'] button[aria-label^='Revoke <']");
            assertThat(revoke.getAttribute("aria-label")).isEqualTo("Revoke " + payload);
        } finally {
            cp.db.execute("DELETE FROM api_keys WHERE prefix = 'xssxssxssxss'");
        }
    }

    private void acceptAlertIfAny() {
        try {
            browser.driver().switchTo().alert().accept();
        } catch (NoAlertPresentException e) {
            // Chromium resent the form without asking.
        }
    }
}
