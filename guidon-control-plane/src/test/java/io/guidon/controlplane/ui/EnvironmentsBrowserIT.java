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
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The environments pages in a real Chromium: an admin creates (errors next to their fields), edits and deletes
 * (after a confirmation) an environment with the keyboard; a stale form says so and offers to reload; a deletion
 * the service refuses says why; names with markup render as text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnvironmentsBrowserIT {

    Harness cp;
    Browser browser;
    String admin;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of());
        admin = cp.bootstrap("acme");
        cp.post("/api/v1/environments", admin, Map.of("key", "production", "name", "Production",
                "description", "Live traffic: changes reach customers within a second.", "protected", true));
        cp.post("/api/v1/environments", admin, Map.of("key", "staging", "name", "Staging",
                "description", "Pre-release checks against production-like data."));
        cp.post("/api/v1/environments", admin, Map.of("key", "development", "name", "Development",
                "description", "Local and preview deployments."));
        for (String flag : new String[] {"new-checkout", "dark-mode", "search-v2"}) {
            cp.post("/api/v1/flags", admin, Map.of("key", flag, "variants", Map.of("on", true, "off", false)));
        }
        cp.createKey(admin, "Production sidecars", "sidecar", "production");
        browser = Browser.start(cp.port());
        browser.signIn(admin);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        cp.close();
    }

    @Test
    void anAdminCreatesEditsAndDeletesAnEnvironmentWithTheKeyboard() throws Exception {
        browser.open("/ui/environments");
        browser.waitForText("main", "production");
        browser.assertAccessible();
        browser.screenshot("environments");

        WebElement create = browser.find("a[href='/ui/environments/new']");
        create.sendKeys(Keys.ENTER);
        browser.waitForText("h1", "New environment");
        WebElement key = browser.find("#env-key");
        assertThat(browser.driver().switchTo().activeElement()).as("the key field has the focus").isEqualTo(key);
        key.sendKeys("QA env", Keys.TAB, "Quality assurance", Keys.ENTER);
        browser.waitForText("#key-error", "A key is 1 to 128 of a-z");
        assertThat(browser.find("#env-key").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.find("#env-key").getAttribute("aria-describedby")).contains("key-error");
        assertThat(browser.find("#env-name").getAttribute("value")).isEqualTo("Quality assurance");
        browser.assertAccessible();
        browser.screenshot("environment-form-errors");
        assertThat(cp.get("/api/v1/environments/qa", admin).status()).isEqualTo(404);

        WebElement fixed = browser.find("#env-key");
        fixed.clear();
        fixed.sendKeys("qa");
        browser.find("#env-description").sendKeys("Manual test runs.\nReset every night.", Keys.TAB, Keys.SPACE);
        assertThat(browser.find("#env-protected").isSelected()).as("ticked with the space bar").isTrue();
        browser.find("#env-name").sendKeys(Keys.ENTER);
        browser.waitForText("[role=status]", "Environment \u201cqa\u201d created.");
        var created = cp.get("/api/v1/environments/qa", admin).json();
        assertThat(created.get("name").asText()).isEqualTo("Quality assurance");
        assertThat(created.get("description").asText()).isEqualTo("Manual test runs.\nReset every night.");
        assertThat(created.get("protected").asBoolean()).isTrue();

        browser.find("a[aria-label='Edit qa']").sendKeys(Keys.ENTER);
        browser.waitForText("h1", "Edit environment");
        browser.assertAccessible();
        assertThat(browser.find("#env-protected").isSelected()).isTrue();
        browser.find("#env-protected").sendKeys(Keys.SPACE);
        WebElement name = browser.find("#env-name");
        name.clear();
        name.sendKeys("QA (nightly)", Keys.ENTER);
        browser.waitForText("[role=status]", "saved");
        var saved = cp.get("/api/v1/environments/qa", admin).json();
        assertThat(saved.get("name").asText()).isEqualTo("QA (nightly)");
        assertThat(saved.get("protected").asBoolean()).isFalse();
        assertThat(browser.find("main table").getText()).contains("QA (nightly)");

        browser.find("button[aria-label='Delete qa']").sendKeys(Keys.ENTER);
        Alert confirm = new WebDriverWait(browser.driver(), Duration.ofSeconds(5))
                .until(ExpectedConditions.alertIsPresent());
        assertThat(confirm.getText()).contains("Delete the environment \u201cqa\u201d");
        confirm.accept();
        browser.waitForText("[role=status]", "deleted");
        assertThat(cp.get("/api/v1/environments/qa", admin).status()).isEqualTo(404);
        assertThat(browser.consoleErrors()).as("no CSP violation or script error")
                .allMatch(m -> m.contains("Failed to load resource: the server responded with a status of 4"));
    }

    @Test
    void aStaleEditSaysSoAndOffersToReloadInsteadOfOverwriting() {
        browser.open("/ui/environments/staging/edit");
        var current = cp.get("/api/v1/environments/staging", admin);
        var changed = cp.put("/api/v1/environments/staging", admin, Map.of("name", "Staging (EU)"),
                "If-Match", current.header("ETag"));
        assertThat(changed.status()).isEqualTo(200);
        WebElement name = browser.find("#env-name");
        name.clear();
        name.sendKeys("Pre-production", Keys.ENTER);
        browser.waitForText("[role=alert]", "Someone changed this environment");
        assertThat(browser.find("[role=alert]").getText()).contains("Staging (EU)", "not saved");
        assertThat(cp.get("/api/v1/environments/staging", admin).json().get("name").asText())
                .isEqualTo("Staging (EU)");
        browser.find("[role=alert] a").click();
        browser.waitFor(d -> "Staging (EU)".equals(browser.find("#env-name").getAttribute("value")));
    }

    @Test
    void aProtectedEnvironmentIsDeletedOnlyAfterItsKeyIsTypedAndTheServiceMayStillRefuse() {
        browser.open("/ui/environments");
        assertThat(browser.find("tr:has(button[aria-label='Delete production'])").getText()).contains("protected");
        browser.find("button[aria-label='Delete production']").click();
        Alert prompt = new WebDriverWait(browser.driver(), Duration.ofSeconds(5))
                .until(ExpectedConditions.alertIsPresent());
        assertThat(prompt.getText()).contains("protected environment \u201cproduction\u201d");
        prompt.sendKeys("prod");
        prompt.accept();
        assertThat(cp.get("/api/v1/environments/production", admin).status()).isEqualTo(200);
        assertThat(browser.path()).isEqualTo("/ui/environments");

        browser.find("button[aria-label='Delete production']").click();
        prompt = new WebDriverWait(browser.driver(), Duration.ofSeconds(5))
                .until(ExpectedConditions.alertIsPresent());
        prompt.sendKeys("production");
        prompt.accept();
        browser.waitForText("[role=alert]", "was not deleted");
        assertThat(browser.find("[role=alert]").getText()).contains("active sidecar key");
        assertThat(cp.get("/api/v1/environments/production", admin).status()).isEqualTo(200);
    }

    @Test
    void namesAndDescriptionsWithMarkupRenderAsText() {
        String payload = "<script>alert(1)</script>\"><img src=x onerror=alert(1)> \u00e9\u4e2d\ud83d\ude80";
        String sql = payload.replace("'", "''");
        cp.db.execute("INSERT INTO environments (tenant_id, key, name, description) SELECT id, 'xss', '" + sql
                + "', '" + sql + "' FROM tenants WHERE key = 'acme'");
        try {
            browser.open("/ui/environments");
            assertThat(browser.find("main table").getText()).contains(payload);
            assertThat(browser.script("return document.querySelectorAll('main img, main script').length"))
                    .isEqualTo(0L);
            browser.open("/ui/environments/xss/edit");
            assertThat(browser.find("#env-name").getAttribute("value")).isEqualTo(payload);
            assertThat(browser.find("#env-description").getAttribute("value")).isEqualTo(payload);
            assertThat(browser.script("return document.querySelectorAll('main img, main script').length"))
                    .isEqualTo(0L);
            // Typed into the form, it is refused next to its field (the API refuses markup in names too).
            WebElement name = browser.find("#env-name");
            name.sendKeys(Keys.ENTER);
            browser.waitForText("#name-error", "Must be plain text");
            assertThat(browser.find("#env-name").getAttribute("value")).isEqualTo(payload);
        } finally {
            cp.db.execute("DELETE FROM environments WHERE key = 'xss'");
        }
    }
}
