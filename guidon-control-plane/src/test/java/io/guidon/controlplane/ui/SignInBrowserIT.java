package io.guidon.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.Harness;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.Keys;

/** Signing in and out in a real Chromium, and the page frame every page shares (navigation by role, no CSP errors). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignInBrowserIT {

    Harness cp;
    Browser browser;
    String admin;
    String viewer;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of());
        admin = cp.bootstrap("acme");
        cp.post("/api/v1/environments", admin, Map.of("key", "production"));
        cp.post("/api/v1/flags", admin, Map.of("key", "new-checkout", "description", "The new checkout",
                "variants", Map.of("on", true, "off", false)));
        viewer = cp.createKey(admin, "viewer", "viewer", null).json().get("key").asText();
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
    void anAdminSignsInWithTheKeyboardSeesTheFlagsAndEverySectionThenSignsOut() throws Exception {
        browser.consoleErrors(); // drains what earlier tests left (their refused sign-ins are logged as 401s)
        browser.open("/ui/flags");
        assertThat(browser.path()).startsWith("/ui/sign-in");
        browser.find("#key").sendKeys(admin, Keys.ENTER);
        browser.waitFor(d -> browser.path().startsWith("/ui/flags"));
        browser.waitForText("main", "new-checkout");
        List<String> nav = browser.findAll("header nav a").stream().map(e -> e.getText()).toList();
        assertThat(nav).contains("Flags", "Segments", "History", "Environments", "API keys");
        assertThat(browser.cookie(UiRouter.SESSION_COOKIE).isHttpOnly()).isTrue();
        assertThat(browser.cookie(UiRouter.SESSION_COOKIE).getSameSite()).isEqualTo("Strict");
        browser.screenshot("sign-in-flags");
        browser.assertAccessible();
        assertThat(browser.consoleErrors()).as("no CSP violation or script error").isEmpty();
        browser.signOut();
        browser.open("/ui/flags");
        assertThat(browser.path()).startsWith("/ui/sign-in");
    }

    @Test
    void aViewerSeesNoAdminSections() {
        browser.signIn(viewer);
        List<String> nav = browser.findAll("header nav a").stream().map(e -> e.getText()).toList();
        assertThat(nav).contains("Flags").doesNotContain("Environments", "API keys");
        browser.signOut();
    }

    @Test
    void theSignInPageIsAccessibleAndSaysWhyAKeyIsRefused() throws Exception {
        browser.open("/ui/sign-in");
        browser.assertAccessible();
        browser.find("#key").sendKeys("gdn_wrong_key", Keys.ENTER);
        browser.waitForText("#sign-in-error", "not valid");
        browser.screenshot("sign-in-refused");
    }
}
