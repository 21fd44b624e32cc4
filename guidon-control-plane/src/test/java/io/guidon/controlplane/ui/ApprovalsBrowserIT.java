package io.guidon.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Approvals in a real Chromium (ADR 0115): on the flag page of an environment that requires an approval an editor
 * sees the notice, turns the flag on and is taken to the change request it became (its diff, no approve button for
 * its author); another editor approves and applies it; an admin bypasses another request with a reason, shown on
 * the request and in the list; a history entry's Revert proposes the revert; the environment form holds the
 * number of approvals. Screenshots, axe-core and the console's errors as in every browser test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApprovalsBrowserIT {

    Harness cp;
    Browser browser;
    String admin;
    String alice;
    String bob;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of("events.max-event-age", "1d", "events.partitions-ahead", "1"));
        admin = cp.bootstrap("acme");
        alice = cp.createKey(admin, "alice", "editor", null).json().get("key").asText();
        bob = cp.createKey(admin, "bob", "editor", null).json().get("key").asText();
        cp.post("/api/v1/environments", admin, Map.of("key", "production", "name", "Production",
                "requiredApprovals", 1));
        for (String flag : new String[] {"checkout", "banner"}) {
            assertThat(cp.post("/api/v1/flags", admin, Map.of("key", flag, "variants",
                    Map.of("on", true, "off", false))).status()).isEqualTo(201);
        }
        browser = Browser.start(cp.port());
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        cp.close();
    }

    private boolean enabled(String flag) {
        return cp.get("/api/v1/environments/production/flags/" + flag, admin).json().get("enabled").asBoolean();
    }

    @Test
    void aToggleInAGatedEnvironmentIsProposedThenApprovedByAnotherEditorAndApplied() throws Exception {
        browser.as(alice);
        browser.consoleErrors();
        browser.open("/ui/flags/checkout?env=production");
        browser.waitForText("#env-production-approvals", "Changes here need 1 approval");
        browser.screenshot("approvals-flag-notice");
        browser.assertAccessible();

        browser.find("#env-production-toggle-button").click();
        browser.waitForText("h1", "flag.toggle of flag checkout in production");
        assertThat(browser.find("[role=status]").getText()).contains("Proposed");
        assertThat(browser.find("#diff").getText()).contains("enabled", "false", "true");
        assertThat(browser.findAll("#approve")).as("its author cannot approve it").isEmpty();
        assertThat(browser.find("#approvals-progress").getText()).startsWith("0 of 1 approval");
        assertThat(enabled("checkout")).isFalse();
        browser.screenshot("approvals-request-proposed");
        browser.assertAccessible();
        String page = browser.path();

        browser.as(bob);
        browser.open(page);
        browser.find("#approve").click();
        browser.waitForText("[role=status]", "Approved");
        assertThat(browser.find("#approvals-progress").getText()).startsWith("1 of 1 approval");
        assertThat(browser.find("ul.approvals").getText()).contains("bob", "counts");
        browser.find("#apply").click();
        browser.waitForText("[role=status]", "Applied");
        assertThat(browser.find("h1").getText()).contains("applied");
        assertThat(enabled("checkout")).isTrue();
        browser.screenshot("approvals-request-applied");
        browser.assertAccessible();
        assertThat(browser.consoleErrors()).as("no CSP violation or script error").isEmpty();
    }

    @Test
    void anAdminBypassesWithAReasonShownOnTheRequestAndInTheList() throws Exception {
        JsonNode proposed = cp.put("/api/v1/environments/production/flags/banner/enabled", alice,
                Map.of("enabled", true)).json();
        long id = proposed.get("id").asLong();

        browser.as(admin);
        browser.open("/ui/change-requests/" + id);
        browser.waitForText("h1", "#" + id);
        browser.script("arguments[0].removeAttribute('required')", browser.find("#reason"));
        browser.find("#bypass").click();
        browser.waitForText("[role=alert]", "Reason");
        assertThat(enabled("banner")).as("no reason, nothing applied").isFalse();
        browser.find("#reason").sendKeys("incident 12: banner must show now");
        browser.find("#bypass").click();
        browser.waitForText("#bypass-reason", "incident 12: banner must show now");
        assertThat(enabled("banner")).isTrue();
        browser.screenshot("approvals-bypassed");
        browser.assertAccessible();

        browser.open("/ui/change-requests?status=all");
        assertThat(browser.find("#request-" + id).getText()).contains("bypassed", "applied", "alice");
        assertThat(browser.find("header nav a[aria-current=page]").getText()).isEqualTo("Change requests");
        browser.screenshot("approvals-list");
        browser.assertAccessible();
    }

    @Test
    void aHistoryEntrysRevertIsProposedAndTheEnvironmentFormHoldsTheApprovals() throws Exception {
        long id = cp.put("/api/v1/environments/production/flags/checkout/rollout", alice, Map.of("percentage", 20))
                .json().get("id").asLong();
        cp.post("/api/v1/change-requests/" + id + "/bypass", admin, Map.of("reason", "set up the test"));
        long entry = cp.get("/api/v1/audit?action=flag.rollout&resource=checkout", admin).json().at("/items/0/id")
                .asLong();

        browser.as(alice);
        browser.open("/ui/history");
        browser.find("#entry-" + entry + " summary").click();
        browser.find("#revert-" + entry).click();
        browser.waitForText("h1", "revert of audit entry " + entry);
        assertThat(browser.find("#diff").getText()).contains("fallthrough");
        browser.screenshot("approvals-revert-proposed");

        browser.as(admin);
        browser.open("/ui/environments/production/edit");
        assertThat(browser.find("#env-approvals").getAttribute("value")).isEqualTo("1");
        browser.find("#env-approvals").clear();
        browser.find("#env-approvals").sendKeys("2");
        browser.find("form button[type=submit].primary").click();
        browser.waitFor(ExpectedConditions.urlContains("updated=production"));
        assertThat(cp.get("/api/v1/environments/production", admin).json().get("requiredApprovals").asInt())
                .isEqualTo(2);
        assertThat(browser.driver().findElements(By.xpath("//td[contains(., '2 needed')]"))).isNotEmpty();
        browser.screenshot("approvals-environments");
        browser.assertAccessible();
        // Back to one approval for the other tests, whatever their order.
        cp.put("/api/v1/environments/production", admin, Map.of("name", "Production", "requiredApprovals", 1),
                "If-Match", cp.get("/api/v1/environments/production", admin).header("ETag"));
    }
}
