package io.guidon.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.Harness;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The try-it page in a real Chromium: a context evaluated in an environment shows the variant, the reason and the
 * explanation (rules, clauses, segments, the rollout's bucket) without a page load; bad JSON is refused next to the
 * textarea with 422 and nothing else; the POST needs its CSRF token like every other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TryItBrowserIT {

    Harness cp;
    Browser browser;
    String admin;
    String viewer;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of());
        admin = cp.bootstrap("acme");
        cp.post("/api/v1/environments", admin, Map.of("key", "staging"));
        cp.post("/api/v1/environments", admin, Map.of("key", "production"));
        assertThat(cp.post("/api/v1/environments/production/segments", admin, Map.of("key", "beta",
                "included", List.of("vip-1"), "rules", List.of(Map.of("attribute", "plan", "op", "in",
                        "values", List.of("pro"))))).status()).isEqualTo(201);
        assertThat(cp.post("/api/v1/flags", admin, Map.of("key", "checkout", "variants",
                Map.of("on", "new-checkout", "off", "old-checkout"))).status()).isEqualTo(201);
        Harness.Resp configured = cp.put("/api/v1/environments/production/flags/checkout", admin, Map.of(
                "enabled", true, "offVariant", "off",
                "rules", List.of(Map.of("id", "fr-beta", "when", Map.of("all", List.of(
                                Map.of("attribute", "country", "op", "in", "values", List.of("FR", "BE")),
                                Map.of("segment", "beta"))),
                        "serve", Map.of("variant", "on"))),
                "fallthrough", Map.of("rollout", ordered("on", 25, "off", 75))), "If-Match", "\"1\"");
        assertThat(configured.status()).as(configured.body()).isEqualTo(200);
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

    private void evaluate(String context) {
        WebElement area = browser.find("#context");
        area.clear();
        browser.find("#context").sendKeys(context);
        // The keyboard only: from the textarea to the button, then Enter.
        browser.find("#context").sendKeys(Keys.TAB);
        browser.driver().switchTo().activeElement().sendKeys(Keys.ENTER);
    }

    @Test
    void aContextMatchingTheRuleShowsTheVariantAndEveryStepWithoutAPageLoad() throws Exception {
        browser.consoleErrors();
        browser.open("/ui/flags/checkout/try?env=production");
        assertThat(browser.find("#env").getAttribute("value")).isEqualTo("production");
        assertThat(browser.find("#context").getAttribute("value")).contains("\"targetingKey\": \"user-1\"",
                "\"country\": \"FR\"");
        browser.script("window.__samePage = true;");
        evaluate("{\"targetingKey\": \"user-7\", \"country\": \"FR\", \"plan\": \"pro\"}");
        browser.waitForText("#result-variant", "on");
        assertThat(browser.script("return window.__samePage === true")).as("no page load").isEqualTo(true);
        assertThat(browser.find("#result-reason").getText()).isEqualTo("TARGETING_MATCH");
        assertThat(browser.find("#result-rule").getText()).isEqualTo("fr-beta");
        assertThat(browser.find("#result-value").getText()).isEqualTo("\"new-checkout\"");
        String trace = browser.find("#trace").getText();
        assertThat(trace).contains("The flag is on.", "Rule fr-beta matches.", "All of these hold.",
                "country in [\"FR\", \"BE\"]: the context has \"FR\".", "In segment beta: one of its rules holds.",
                "plan in [\"pro\"]: the context has \"pro\".", "Served by rule fr-beta");
        assertThat(browser.findAll("#trace li.step-pass").size()).isGreaterThanOrEqualTo(5);
        assertThat(browser.find("#try-status").getAttribute("textContent"))
                .contains("Served variant on, reason TARGETING_MATCH");

        browser.screenshot("try-it");
        browser.assertAccessible();
        assertThat(browser.consoleErrors()).as("no CSP violation or script error").isEmpty();
    }

    @Test
    void aContextOutsideTheRuleFallsThroughToTheRolloutAndShowsItsBucket() {
        browser.open("/ui/flags/checkout/try?env=production");
        evaluate("{\"targetingKey\": \"user-1\", \"country\": \"DE\"}");
        browser.waitForText("#result-reason", "SPLIT");
        String trace = browser.find("#trace").getText();
        assertThat(trace).contains("Rule fr-beta does not match.", "Not all of these hold",
                "country in [\"FR\", \"BE\"]: the context has \"DE\".",
                "No rule matched: served by the fallthrough, a percentage rollout.",
                "Shares, in bucket order: on 25 % (0–25), off 75 % (25–100).",
                "Bucketed by targetingKey = user-1: bucket ");
        String variant = browser.find("#result-variant").getText();
        assertThat(variant).isIn("on", "off");
        assertThat(trace).contains("in the share of " + variant + ".");

        // Without a targeting key the rollout cannot bucket: an error with its code, explained.
        evaluate("{\"country\": \"DE\"}");
        browser.waitForText("#result-reason", "ERROR");
        assertThat(browser.find("#result-error").getText()).isEqualTo("TARGETING_KEY_MISSING");
        assertThat(browser.find("#trace").getText()).contains("The context has no targetingKey to bucket by");

        // Another environment: the flag is off there.
        new org.openqa.selenium.support.ui.Select(browser.find("#env")).selectByValue("staging");
        evaluate("{\"targetingKey\": \"user-1\"}");
        browser.waitForText("#result-reason", "DISABLED");
        assertThat(browser.find("#trace").getText()).contains("The flag is off");
    }

    @Test
    void badJsonIsRefusedNextToTheTextareaWith422AndNothingElse() {
        browser.open("/ui/flags/checkout/try?env=production");
        evaluate("{\"targetingKey\": \"user-1\", \"country\": \"FR\"}");
        browser.waitForText("#result-reason", "SPLIT");
        evaluate("{\"targetingKey\": \"user-1\", country: FR}");
        browser.waitForText("#context-error", "Not valid JSON at line 1, column");
        assertThat(browser.find("#context").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.find("#context").getAttribute("aria-describedby")).contains("context-error");
        assertThat(browser.find("#context").getAttribute("value")).as("what was typed stays")
                .isEqualTo("{\"targetingKey\": \"user-1\", country: FR}");
        assertThat(browser.findAll("#result-variant")).as("no result next to the error").isEmpty();
        assertThat(browser.findAll("#trace")).isEmpty();

        evaluate("[1, 2]");
        browser.waitForText("#context-error", "must be a JSON object");
        evaluate("{\"targetingKey\": 7}");
        browser.waitForText("#context-error", "targetingKey");

        UiHttp http = new UiHttp(cp.port());
        String session = http.signIn(viewer);
        String csrf = http.csrf(session);
        HttpResponse<String> bad = http.post("/ui/flags/checkout/try", session, Map.of("csrf", csrf, "env",
                "production", "context", "{oops"), "HX-Request", "true");
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.body()).contains("id=\"context-error\"", "Not valid JSON").doesNotContain("result-variant");
        HttpResponse<String> forged = http.post("/ui/flags/checkout/try", session, Map.of("env", "production",
                "context", "{}"));
        assertThat(forged.statusCode()).as("no CSRF token").isEqualTo(403);
        HttpResponse<String> plain = http.post("/ui/flags/checkout/try", session, Map.of("csrf", csrf, "env",
                "production", "context", "{\"targetingKey\": \"vip-1\", \"country\": \"BE\"}"));
        assertThat(plain.statusCode()).as("a form without htmx gets the whole page").isEqualTo(200);
        assertThat(plain.body()).contains("<html", "id=\"result-variant\">on<", "on its included list");
    }

    /** A JSON object whose members are sent in the order given: a rollout's order is its bucket order. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }
}
