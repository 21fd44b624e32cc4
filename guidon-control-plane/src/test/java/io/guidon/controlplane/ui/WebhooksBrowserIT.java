package io.guidon.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.Harness;
import io.guidon.controlplane.WebhookReceiver;
import io.guidon.testing.Poll;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.WebElement;

/**
 * The webhooks pages in a real Chromium: an admin makes a webhook with the form (its secret shown once), sees its
 * deliveries with each attempt (a failing endpoint's HTTP status and answer), sends a delivery again once the
 * endpoint works, disables and enables it; a refused address is shown at the URL field; an editor gets 403.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhooksBrowserIT {

    Harness cp;
    Browser browser;
    WebhookReceiver receiver;
    String admin;

    @BeforeAll
    void start() throws Exception {
        receiver = new WebhookReceiver();
        cp = Harness.start(Map.of("webhooks.allowed-addresses", "127.0.0.1/32", "webhooks.poll-interval", "50ms",
                "webhooks.retry-initial-delay", "50ms", "webhooks.retry-max-delay", "100ms",
                "webhooks.give-up-after", "20s", "webhooks.auto-disable-after", "1h"));
        admin = cp.bootstrap("acme");
        cp.post("/api/v1/environments", admin, Map.of("key", "production", "name", "Production"));
        cp.post("/api/v1/webhooks", admin, Map.of("url", receiver.url("/chat"), "description", "#releases channel",
                "eventTypes", List.of("flag.toggled", "flag.rollout_changed"), "environments", List.of("production")));
        browser = Browser.start(cp.port());
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        cp.close();
        receiver.close();
    }

    @Test
    void anAdminMakesAWebhookReadsItsDeliveryLogAndRedeliversAFailure() throws Exception {
        receiver.answer("/ci", n -> n <= 2 ? 503 : 204);
        browser.signIn(admin);
        browser.open("/ui/webhooks");
        browser.waitForText("main", "#releases channel");
        browser.assertAccessible();

        // A refused address is shown at its field, and nothing is made.
        browser.find("#hook-url").sendKeys("http://169.254.169.254/latest");
        browser.find("button.primary").click();
        browser.waitForText("main", "link-local");
        assertThat(browser.find("#url-error").getText()).contains("169.254.169.254");
        assertThat(cp.get("/api/v1/webhooks", admin).json().get("total").asInt()).isEqualTo(1);

        WebElement url = browser.find("#hook-url");
        url.clear();
        url.sendKeys(receiver.url("/ci"));
        browser.find("input[name=eventTypes][value='flag.created']").click();
        browser.find("#hook-description").sendKeys("CI pipeline");
        browser.find("button.primary").click();
        browser.waitForText("h1", "Webhook made");
        String secret = browser.find("#new-secret").getAttribute("value");
        assertThat(secret).startsWith("whsec_");
        browser.assertAccessible();
        browser.screenshot("webhook-created");

        // Three changes: the first two attempts fail (503) and are retried; then all go through.
        cp.post("/api/v1/flags", admin, Map.of("key", "checkout", "tags", List.of("payments"),
                "variants", Map.of("on", true, "off", false)));
        cp.put("/api/v1/environments/production/flags/checkout/enabled", admin, Map.of("enabled", true));
        cp.put("/api/v1/environments/production/flags/checkout/rollout", admin, Map.of("percentage", 25));
        long id = cp.get("/api/v1/webhooks", admin).json().get("items").get(1).get("id").asLong();
        Poll.until("the first attempts failed", Duration.ofSeconds(30), () -> receiver.received("/ci").size() >= 2);
        Poll.until("delivered or given up", Duration.ofSeconds(30), () -> cp.get("/api/v1/webhooks/" + id
                + "/deliveries?status=pending", admin).json().get("total").asInt() == 0);

        browser.open("/ui/webhooks/" + id);
        browser.waitForText("h1", receiver.url("/ci"));
        assertThat(browser.find("main").getText()).contains("HTTP 503", "flag.created");
        browser.assertAccessible();
        browser.screenshot("webhook-deliveries");

        // Send the first delivery again: the endpoint works now.
        int before = receiver.received("/ci").size();
        List<WebElement> redeliver = browser.findAll("button[aria-label^='Send msg_']");
        redeliver.get(redeliver.size() - 1).click();
        browser.waitForText("[role=status]", "due again");
        Poll.until("sent again", Duration.ofSeconds(30), () -> receiver.received("/ci").size() > before);
        WebhookReceiver.Received last = receiver.received("/ci").get(receiver.received("/ci").size() - 1);
        assertThat(WebhookReceiver.verify(last, secret)).isTrue();

        // Disable, then enable, from the list.
        browser.open("/ui/webhooks");
        browser.find("button[aria-label='Disable " + receiver.url("/ci") + "']").click();
        browser.waitForText("[role=status]", "Webhook disabled");
        assertThat(cp.get("/api/v1/webhooks/" + id, admin).json().get("enabled").asBoolean()).isFalse();
        browser.find("button[aria-label='Enable " + receiver.url("/ci") + "']").click();
        browser.waitForText("[role=status]", "Webhook enabled");
        browser.screenshot("webhooks");
        assertThat(cp.get("/api/v1/webhooks/" + id, admin).json().get("enabled").asBoolean()).isTrue();
        assertThat(browser.driver().getPageSource()).doesNotContain(secret);
    }

    @Test
    void anEditorCannotOpenTheWebhooksPages() {
        String editor = cp.createKey(admin, "an editor", "editor", null).json().get("key").asText();
        UiHttp ui = new UiHttp(cp.port());
        String session = ui.signIn(editor);

        assertThat(ui.get("/ui/webhooks", session).statusCode()).isEqualTo(403);
        assertThat(ui.get("/ui/flags", session).body()).doesNotContain("href=\"/ui/webhooks\"");
    }
}
