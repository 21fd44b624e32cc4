package io.guidon.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import io.guidon.testing.Poll;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.Alert;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Rollout plans in a real Chromium (ADR 0116): an editor makes a plan from the flag's page (a bad form shows each
 * problem in the form's words and makes nothing), starts it after confirming, and sees it running; a plan rolled back
 * by its guardrail shows why, with its numbers, and a chart of the estimate and its interval over the checks; the
 * tenant's list shows both; a viewer sees no buttons. Screenshots, axe-core and the console's errors as in every
 * browser test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RolloutPlanBrowserIT {

    Harness cp;
    Browser browser;
    String admin;
    String alice;
    String victor;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of("rollouts.check-interval", "150ms", "events.max-event-age", "1d",
                "events.partitions-ahead", "1"));
        admin = cp.bootstrap("acme");
        cp.post("/api/v1/environments", admin, Map.of("key", "staging", "name", "Staging"));
        alice = cp.createKey(admin, "alice", "editor", null).json().get("key").asText();
        victor = cp.createKey(admin, "victor", "viewer", null).json().get("key").asText();
        for (String flag : new String[] {"checkout", "banner"}) {
            assertThat(cp.post("/api/v1/flags", admin, Map.of("key", flag, "variants",
                    Map.of("on", true, "off", false))).status()).isEqualTo(201);
            assertThat(cp.put("/api/v1/environments/staging/flags/" + flag + "/enabled", admin,
                    Map.of("enabled", true)).status()).isEqualTo(200);
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

    private void confirmNext() {
        Alert confirm = new WebDriverWait(browser.driver(), Duration.ofSeconds(5))
                .until(ExpectedConditions.alertIsPresent());
        confirm.accept();
    }

    @Test
    void anEditorMakesAPlanOnTheFlagPageAndStartsIt() throws Exception {
        browser.as(alice);
        browser.consoleErrors();
        browser.open("/ui/flags/banner?env=staging");
        browser.waitForText("#rollouts-staging h2", "Rollout plans in staging");
        assertThat(browser.find("#rollouts-staging").getText()).contains("No rollout plan of this flag in staging.");
        browser.find("#rollouts-staging a.button").click();
        browser.waitForText("h1", "New rollout plan of banner");

        browser.find("#stages").clear();
        browser.find("#stages").sendKeys("50 PT1H 10\n20 soon 5\n80");
        browser.find("form.rollout-form button[type=submit]").click();
        browser.waitForText("[role=alert]", "Stage");
        String errors = browser.find("main").getText();
        assertThat(errors).contains("line 3 ('80'): write the percentage")
                .contains("Stage 2, percentage: must be above the previous stage's (50)")
                .contains("Stage 2, minimum duration: must be an ISO-8601 duration");
        assertThat(cp.get("/api/v1/rollout-plans?flag=banner", admin).json().get("total").asInt()).as("nothing made")
                .isZero();
        browser.screenshot("rollout-form-errors");
        browser.assertAccessible();
        // The refused form's own 422, logged by the browser: drained before the rest is checked.
        assertThat(browser.consoleErrors()).allMatch(e -> e.contains("422"));

        browser.find("#stages").clear();
        browser.find("#stages").sendKeys("10 PT1H 100\n50 PT1H 1000");
        browser.find("form.rollout-form button[type=submit]").click();
        browser.waitForText("[role=status]", "Made the plan");
        assertThat(browser.find("#plan-status").getText()).isEqualTo("pending");

        browser.find("#action-start").click();
        confirmNext();
        browser.waitForText("[role=status]", "Started: the first stage is served.");
        assertThat(browser.find("#plan-status").getText()).isEqualTo("running");
        assertThat(browser.find("#plan-serving").getText()).isEqualTo("10 % on, 90 % off");
        assertThat(browser.find("#stage-1").getText()).contains("current");
        assertThat(cp.get("/api/v1/environments/staging/flags/banner", admin).json().at("/fallthrough/rollout/on")
                .asInt()).isEqualTo(10);
        browser.screenshot("rollout-running");
        browser.assertAccessible();
        assertThat(browser.consoleErrors()).as("no CSP violation or script error").isEmpty();
    }

    @Test
    void aRolledBackPlanShowsWhyWithItsNumbersAndTheGuardrailsChart() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("control", "off");
        body.put("treatment", "on");
        body.put("stages", List.of(Map.of("percentage", 50, "minDuration", "PT1H", "minExposures", 0)));
        body.put("guardrails", List.of(Map.of("event", "error", "kind", "rate", "maxDegradation", 0.1)));
        long id = cp.post("/api/v1/environments/staging/flags/checkout/rollout-plans", alice, body).json()
                .get("id").asLong();
        assertThat(cp.post("/api/v1/environments/staging/flags/checkout/rollout-plans/" + id + "/start", alice,
                null).status()).isEqualTo(200);
        // Three waves of users, each seen by a check: errors for 5 % of the control, 9 % then 15 % of the treatment.
        int[][] waves = {{1, 600, 9}, {601, 1400, 12}, {1401, 3000, 15}};
        for (int[] w : waves) {
            int checks = cp.get("/api/v1/environments/staging/flags/checkout/rollout-plans/" + id, admin).json()
                    .get("checks").asInt();
            cp.db.execute("INSERT INTO flag_exposures (tenant_id, environment_id, batch_id, occurred_at, flag,"
                    + " variant, targeting_key) SELECT e.tenant_id, e.id, gen_random_uuid(), now(), 'checkout',"
                    + " CASE WHEN g % 2 = 0 THEN 'on' ELSE 'off' END, 'u-' || g FROM generate_series(" + w[0] + ", "
                    + w[1] + ") g, environments e WHERE e.key = 'staging'");
            cp.db.execute("INSERT INTO conversion_events (tenant_id, environment_id, batch_id, occurred_at,"
                    + " targeting_key, event) SELECT e.tenant_id, e.id, gen_random_uuid(), now(), 'u-' || g, 'error'"
                    + " FROM generate_series(" + w[0] + ", " + w[1] + ") g, environments e WHERE e.key = 'staging'"
                    + " AND (g % 2 = 1 AND g % 200 < 10 OR g % 2 = 0 AND g % 200 < " + (2 * w[2]) + ")");
            Poll.until("a check of wave " + w[0], () -> cp.get("/api/v1/environments/staging/flags/checkout/"
                    + "rollout-plans/" + id, admin).json(), p -> p.get("checks").asInt() > checks + 1
                    || p.get("status").asText().equals("rolled_back"));
        }
        JsonNode plan = Poll.until("rolled back", () -> cp.get("/api/v1/environments/staging/flags/checkout/"
                + "rollout-plans/" + id, admin).json(), p -> p.get("status").asText().equals("rolled_back"));

        browser.as(alice);
        browser.open("/ui/rollouts/" + id);
        browser.waitForText("#plan-status", "rolled_back");
        String reason = browser.find("#plan-reason").getText();
        assertThat(reason).contains("Why it rolled back").contains(plan.get("reason").asText())
                .contains("Treatment").contains("Interval");
        assertThat(browser.find("#plan-serving").getText()).isEqualTo("0 % on, 100 % off");
        assertThat(browser.findAll("#chart-0 g.point")).as("a point per check with an estimate").isNotEmpty();
        assertThat(browser.findAll("#chart-0 g.point.degraded")).hasSize(1);
        assertThat(browser.findAll(".rollout-actions button")).as("an ended plan has no action").isEmpty();
        browser.screenshot("rollout-rolled-back");
        browser.script("document.getElementById('chart-0').scrollIntoView()");
        browser.screenshot("rollout-chart");
        browser.assertAccessible();

        browser.open("/ui/rollouts");
        assertThat(browser.find("#rollout-" + id).getText()).contains("rolled_back").contains("checkout");
        browser.screenshot("rollouts-list");
        browser.assertAccessible();

        browser.as(victor);
        browser.open("/ui/rollouts/" + id);
        browser.waitForText("#plan-status", "rolled_back");
        assertThat(browser.findAll("form[action^='/ui/rollouts/']")).as("a viewer sees no button").isEmpty();
        assertThat(browser.consoleErrors()).isEmpty();
    }
}
