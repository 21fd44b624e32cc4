package io.guidon.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.Harness;
import io.guidon.protocol.ClientIdentity;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The sidecars page in a real Chromium: instances that fetched an environment's flags with a sidecar key are
 * listed with the version they hold against the environment's, one behind after a change, and caught up after
 * their next fetch (seen with the page's Refresh, without a page load).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SidecarsBrowserIT {

    Harness cp;
    Browser browser;
    String admin;
    String viewer;
    String sidecar;
    final String agent = ClientIdentity.userAgent(ClientIdentity.SIDECAR);

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of("sidecar.sightings-flush-interval", "200ms"));
        admin = cp.bootstrap("acme");
        cp.post("/api/v1/environments", admin, Map.of("key", "production", "protected", true));
        cp.post("/api/v1/environments", admin, Map.of("key", "staging"));
        cp.post("/api/v1/flags", admin, Map.of("key", "checkout", "variants", Map.of("on", true, "off", false)));
        sidecar = cp.createKey(admin, "edge sidecars", "sidecar", "production").json().get("key").asText();
        viewer = cp.createKey(admin, "viewer", "viewer", null).json().get("key").asText();
        browser = Browser.start(cp.port());
        browser.signIn(viewer);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        cp.close();
    }

    private void fetch(String instance) throws Exception {
        fetch(instance, agent);
    }

    private void fetch(String instance, String userAgent) throws Exception {
        Harness.Resp r = cp.get("/api/v1/sidecar/flags", sidecar, ClientIdentity.INSTANCE_HEADER, instance,
                "User-Agent", userAgent);
        assertThat(r.status()).isEqualTo(200);
        cp.running.sightings().flush().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private WebElement row(String instance) {
        return browser.findAll("section[aria-label='Environment production'] tbody tr").stream()
                .filter(r -> r.getText().startsWith(instance)).findFirst().orElseThrow();
    }

    @Test
    void aSidecarThatFetchedIsListedWithItsVersionBehindAfterAChangeThenCaughtUp() throws Exception {
        browser.consoleErrors();
        fetch("pod-a");
        fetch("pod-b");
        assertThat(cp.put("/api/v1/environments/production/flags/checkout/enabled", admin, Map.of("enabled", true))
                .status()).isEqualTo(200);
        long version = cp.get("/api/v1/environments/production", admin).json().get("version").asLong();
        fetch("pod-a");

        browser.open("/ui/sidecars");
        WebElement production = browser.find("section[aria-label='Environment production']");
        assertThat(production.getText()).contains("protected", "current version " + version,
                "2 sidecars: 1 up to date, 1 behind.");
        assertThat(row("pod-a").getText()).contains("sidecar " + ClientIdentity.version(), "edge sidecars",
                String.valueOf(version), "up to date", "127.0.0.1");
        assertThat(row("pod-b").getText()).contains(String.valueOf(version - 1), "1 version behind");
        assertThat(row("pod-a").findElement(org.openqa.selenium.By.cssSelector("time")).getText())
                .matches("just now|\\d+ s ago");
        assertThat(browser.find("section[aria-label='Environment staging']").getText())
                .contains("No sidecar fetched this environment's flags recently.");
        browser.screenshot("sidecars");
        browser.assertAccessible();

        // pod-b catches up; the page's Refresh (from the keyboard) shows it without a page load.
        fetch("pod-b");
        browser.script("window.__samePage = true;");
        browser.find("#refresh").sendKeys(Keys.ENTER);
        browser.waitForText("section[aria-label='Environment production'] .fleet-summary",
                "2 sidecars: all up to date.");
        assertThat(browser.script("return window.__samePage === true")).isEqualTo(true);
        assertThat(row("pod-b").getText()).contains("up to date");
        assertThat(browser.consoleErrors()).as("no CSP violation or script error").isEmpty();
    }

    @Test
    void theRowsAreListedLastSeenFirstAndWhatAClientSaysOfItselfIsText() throws Exception {
        fetch("pod-old", "<script>window.__xss=1</script><img src=x id=ua-xss> \"agent\" & co");
        Thread.sleep(1100);
        fetch("pod-new");
        browser.open("/ui/sidecars");
        List<String> instances = browser.findAll("section[aria-label='Environment production'] tbody th")
                .stream().map(WebElement::getText).toList();
        assertThat(instances.indexOf("pod-new")).isLessThan(instances.indexOf("pod-old"));
        assertThat(row("pod-old").getText()).contains("<script>window.__xss=1</script><img src=x id=ua-xss>"
                + " \"agent\" & co");
        assertThat(browser.findAll("#ua-xss")).isEmpty();
        assertThat(browser.script("return window.__xss === undefined")).isEqualTo(true);
    }
}
