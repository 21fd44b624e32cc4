package io.guidon.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.ui.view.Figures;
import io.guidon.testing.Poll;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Experiments in a real Chromium (issue 13): an editor makes a metric and an experiment through their forms (a
 * refused form shows each problem at its field and makes nothing; markup typed into a name is refused and comes back
 * in its field as the text typed) and edits both; starts the experiment and sees the sample-ratio warning block the
 * verdict when the split is not the planned one. An experiment with three days of exposures and conversions shows
 * the API's numbers on its results page (the verdict, the split, the sample-size progress, per metric each variant's
 * users, value, lift, interval and p-value, a bar per treatment, a chart over the days); a viewer sees no buttons,
 * and a viewer's forged stop is refused; the editor stops it, then deletes it. Screenshots, axe-core and the
 * console's errors as in every browser test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExperimentsBrowserIT {

    Harness cp;
    Browser browser;
    String admin;
    String alice;
    String victor;

    @BeforeAll
    void start() throws Exception {
        // Exposures three days old need November's partitions; daily snapshots are computed by the replica task.
        cp = Harness.start(Map.of("events.max-event-age", "7d", "events.partitions-ahead", "1",
                "experiments.refresh-interval", "100ms"));
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
        assertThat(cp.post("/api/v1/metrics", admin, Map.of("key", "conversion", "name", "Sign-up conversion",
                "kind", "proportion", "event", "signup", "direction", "higher_is_better")).status()).isEqualTo(201);
        assertThat(cp.post("/api/v1/metrics", admin, Map.of("key", "latency", "name", "Page latency", "kind", "mean",
                "event", "latency", "valueSource", "value", "direction", "lower_is_better", "cap", Map.of("kind",
                "percentile", "value", 0.99))).status()).isEqualTo(201);
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
        new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(ExpectedConditions.alertIsPresent())
                .accept();
    }

    private void type(String css, String text) {
        WebElement e = browser.find(css);
        e.clear();
        e.sendKeys(text);
    }

    @Test
    void anEditorMakesAMetricAndAnExperimentThroughTheFormsAndStartsIt() throws Exception {
        browser.as(alice);
        browser.consoleErrors();
        browser.open("/ui/metrics");
        assertThat(browser.find("#metric-conversion").getText()).contains("users who sent signup");
        browser.find(".page-head a.button").click();
        browser.waitForText("h1", "New metric");
        type("#metric-key", "signup");
        type("#metric-name", XssPayloads.SCRIPT);
        type("#metric-event", "sign up!");
        browser.find("input[name=kind][value=mean]").click();
        new Select(browser.find("#metric-cap")).selectByValue("fixed");
        type("#metric-cap-value", "-1");
        browser.find("form.metric-form button[type=submit]").click();
        browser.waitForText(".error-summary", "The metric was not saved");
        assertThat(browser.find("#event-error").getText()).contains("event name");
        assertThat(browser.find("#metric-event").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.find("#capValue-error").getText()).isNotEmpty();
        assertThat(browser.find("#name-error").getText()).as("names are plain text").contains("plain text");
        assertThat(browser.find("#metric-name").getAttribute("value")).as("kept as typed, as text").isEqualTo(
                XssPayloads.SCRIPT);
        assertThat(cp.get("/api/v1/metrics", admin).json().get("items")).as("nothing made").hasSize(2);
        browser.screenshot("metric-form-errors");
        browser.assertAccessible();
        assertThat(browser.consoleErrors()).allMatch(e -> e.contains("422"));

        type("#metric-name", "Signed up");
        type("#metric-event", "signup");
        browser.find("input[name=kind][value=proportion]").click();
        browser.find("form.metric-form button[type=submit]").click();
        browser.waitForText("[role=status]", "Metric \u201csignup\u201d made.");
        assertThat(browser.find("#metric-signup").getText()).contains("Signed up").contains("proportion");
        assertThat(cp.get("/api/v1/metrics/signup", admin).json().get("name").asText()).isEqualTo("Signed up");
        browser.screenshot("metrics-list");
        browser.assertAccessible();
        browser.find("#metric-signup a.button").click();
        browser.waitForText("h1", "Edit metric signup");
        assertThat(browser.find("#metric-key").getAttribute("readonly")).isNotNull();
        type("#metric-window", "p7d");
        browser.find("form.metric-form button[type=submit]").click();
        browser.waitForText("[role=status]", "Metric \u201csignup\u201d saved");
        assertThat(browser.find("#metric-signup").getText()).contains("P7D");
        JsonNode signup = cp.get("/api/v1/metrics/signup", admin).json();
        assertThat(java.time.Duration.parse(signup.get("window").asText())).isEqualTo(java.time.Duration.ofDays(7));
        assertThat(signup.get("version").asInt()).isEqualTo(2);

        browser.open("/ui/experiments?flag=checkout");
        assertThat(browser.find(".empty").getText()).contains("No experiment for these filters");
        browser.find(".page-head a.button").click();
        browser.waitForText("h1", "New experiment");
        new Select(browser.find("#exp-env")).selectByValue("staging");
        type("#exp-flag", "checkout");
        browser.find("form[action='/ui/experiments/new'] button[type=submit]").click();
        browser.waitForText(".where", "checkout");
        type("#exp-key", "checkout-test");
        type("#exp-name", XssPayloads.IMG);
        type("#exp-mde", "-5");
        browser.find("form.experiment-form button[type=submit]").click();
        browser.waitForText(".error-summary", "The experiment was not saved");
        assertThat(browser.find("#primary-error").getText()).isNotEmpty();
        assertThat(browser.find("#mde-error").getText()).contains("5 means +5 %");
        assertThat(browser.find("#name-error").getText()).contains("plain text");
        assertThat(browser.find("#exp-name").getAttribute("value")).as("kept as typed, as text").isEqualTo(
                XssPayloads.IMG);
        assertThat(cp.get("/api/v1/experiments?flag=checkout", admin).json().get("items")).as("nothing made").isEmpty();
        browser.screenshot("experiment-form-errors");
        browser.script("document.querySelector('fieldset.metrics-choice').scrollIntoView()");
        browser.screenshot("experiment-form-metrics");
        browser.assertAccessible();
        assertThat(browser.consoleErrors()).allMatch(e -> e.contains("422"));

        type("#exp-name", "Shorter checkout");
        new Select(browser.find("#exp-primary")).selectByValue("signup");
        browser.find("input[name=guardrail][value=latency]").click();
        type("#exp-mde", "10");
        browser.find("form.experiment-form button[type=submit]").click();
        browser.waitForText("[role=status]", "Made the experiment as a draft");
        assertThat(browser.find("h1").getText()).isEqualTo("Shorter checkout");
        assertThat(browser.find("#experiment-status").getText()).isEqualTo("draft");
        assertThat(browser.find("#experiment-definition").getText()).contains("off (control").contains("latency")
                .contains("minimum detectable effect 10 %");
        assertThat(browser.find("#results-problem").getText()).contains("A draft has no results");
        JsonNode made = cp.get("/api/v1/experiments?flag=checkout", admin).json().at("/items/0");
        assertThat(made.at("/analysis/minimumDetectableEffect").asDouble()).isEqualTo(0.1);
        assertThat(made.at("/metrics/guardrails/0").asText()).isEqualTo("latency");
        browser.screenshot("experiment-draft");
        browser.assertAccessible();

        browser.find("#action-start").click();
        confirmNext();
        browser.waitForText("[role=status]", "Started");
        assertThat(browser.find("#experiment-status").getText()).isEqualTo("running");

        // 600 users in off and 400 in on where 50/50 was planned: the page warns, and nothing can be shipped.
        cp.db.execute("INSERT INTO flag_exposures (tenant_id, environment_id, batch_id, occurred_at, flag, variant,"
                + " targeting_key) SELECT e.tenant_id, e.id, gen_random_uuid(), now(), 'checkout', CASE WHEN g % 5 < 3"
                + " THEN 'off' ELSE 'on' END, 'c-' || g FROM generate_series(1, 1000) g, environments e"
                + " WHERE e.key = 'staging'");
        browser.find("#action-refresh").click();
        browser.waitForText("#srm-warning h2", "Sample-ratio mismatch");
        assertThat(browser.find("#verdict").getAttribute("class")).contains("verdict-blocked_by_srm");
        assertThat(browser.find("#srm-warning").getText()).contains("600").contains("400").contains("50.00 %");
        browser.screenshot("experiment-srm");
        browser.assertAccessible();

        // A running experiment's analysis can change (its environment, flag and variants cannot).
        browser.find("#action-edit").click();
        browser.waitForText("h1", "Edit experiment checkout-test");
        assertThat(browser.findAll("#sample-size")).as("no sign-up in the control yet: no baseline").isEmpty();
        type("#exp-mde", "20");
        browser.find("form.experiment-form button[type=submit]").click();
        browser.waitForText("[role=status]", "Saved");
        JsonNode edited = cp.get("/api/v1/experiments/" + made.get("id").asLong(), admin).json();
        assertThat(edited.at("/analysis/minimumDetectableEffect").asDouble()).isEqualTo(0.2);
        assertThat(edited.get("status").asText()).isEqualTo("running");

        browser.open("/ui/flags/checkout?env=staging");
        browser.find("nav.flag-links a[href^='/ui/experiments']").click();
        browser.waitForText("h1", "Experiments");
        assertThat(browser.find("#experiment-" + made.get("id").asLong()).getText()).contains("running")
                .contains("off vs on").contains("signup");
        assertThat(browser.consoleErrors()).as("no CSP violation or script error").isEmpty();
    }

    @Test
    void theResultsPageShowsTheApisNumbersOverThreeDays() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("key", "banner-test");
        body.put("name", "Bigger banner");
        body.put("environment", "staging");
        body.put("flag", "banner");
        body.put("controlVariant", "off");
        body.put("variants", List.of(Map.of("key", "off"), Map.of("key", "on")));
        body.put("metrics", Map.of("primary", "conversion", "guardrails", List.of("latency")));
        body.put("analysis", Map.of("minimumDetectableEffect", 0.1));
        long id = cp.post("/api/v1/experiments", alice, body).json().get("id").asLong();
        assertThat(cp.post("/api/v1/experiments/" + id + "/start", alice, null).status()).isEqualTo(200);
        // Three completed UTC days: the experiment started three days ago, and its users came one day each.
        String day0 = "(((now() AT TIME ZONE 'UTC')::date - 3)::timestamp AT TIME ZONE 'UTC')";
        cp.db.execute("INSERT INTO flag_exposures (tenant_id, environment_id, batch_id, occurred_at, flag, variant,"
                + " targeting_key) SELECT e.tenant_id, e.id, gen_random_uuid(), " + day0 + " + (g % 3) * interval"
                + " '1 day' + interval '1 hour', 'banner', CASE WHEN g % 2 = 0 THEN 'on' ELSE 'off' END, 'u-' || g"
                + " FROM generate_series(1, 2000) g, environments e WHERE e.key = 'staging'");
        // Sign-ups: 10 % of off's users, 20 % of on's; latency: the same spread in both.
        cp.db.execute("INSERT INTO conversion_events (tenant_id, environment_id, batch_id, occurred_at,"
                + " targeting_key, event, value) SELECT e.tenant_id, e.id, gen_random_uuid(), " + day0 + " + (g % 3)"
                + " * interval '1 day' + interval '2 hours', 'u-' || g, 'signup', NULL FROM generate_series(1, 2000)"
                + " g, environments e WHERE e.key = 'staging' AND (g % 2 = 1 AND g % 20 = 1 OR g % 2 = 0 AND"
                + " g % 20 IN (0, 2))");
        cp.db.execute("INSERT INTO conversion_events (tenant_id, environment_id, batch_id, occurred_at,"
                + " targeting_key, event, value) SELECT e.tenant_id, e.id, gen_random_uuid(), " + day0 + " + (g % 3)"
                + " * interval '1 day' + interval '3 hours', 'u-' || g, 'latency', 200 + (g % 7) * 10"
                + " FROM generate_series(1, 2000) g, environments e WHERE e.key = 'staging'");
        // Moved back once the events are in: the replicas compute each completed day's snapshot once.
        cp.db.execute("UPDATE experiments SET start_at = " + day0 + " WHERE id = " + id);
        JsonNode days = Poll.until("three daily snapshots", () -> cp.get("/api/v1/experiments/" + id
                + "/results/daily", admin).json(), d -> d.get("days").size() == 3);
        JsonNode api = cp.get("/api/v1/experiments/" + id + "/results?refresh=true", admin).json();

        browser.as(alice);
        browser.open("/ui/experiments/" + id);
        browser.waitForText("#experiment-status", "running");
        assertThat(browser.find("#verdict").getAttribute("class")).contains("verdict-" + api.at("/verdict/decision")
                .asText());
        assertThat(api.at("/verdict/decision").asText()).as("a fixed-horizon winner at 6 % of its planned size")
                .isEqualTo("keep_running");
        assertThat(browser.find("#verdict h2").getText()).isEqualTo("Keep running until the planned sample size");
        assertThat(browser.find("#verdict p").getText()).isEqualTo(api.at("/verdict/reason").asText() + ".");
        assertThat(browser.findAll("#srm-warning")).as("the split is as planned").isEmpty();
        assertThat(browser.find("#srm-ok").getText()).contains(Figures.p(api.at("/srm/p").asDouble()));
        assertThat(browser.find("#sample-progress").getText()).contains(Figures.count(api.at(
                "/sampleSize/smallestArm").asLong())).contains(Figures.count(api.at("/sampleSize/neededPerArm")
                .asLong()));
        for (int m = 0; m < api.get("metrics").size(); m++) {
            JsonNode metric = api.get("metrics").get(m);
            WebElement table = browser.find("#metric-" + m);
            assertThat(table.getText()).contains(metric.get("name").asText());
            for (JsonNode v : metric.get("variants")) {
                WebElement row = table.findElement(org.openqa.selenium.By.cssSelector("tr[data-variant='"
                        + v.get("variant").asText() + "']"));
                assertThat(cell(row, "users")).isEqualTo(Figures.count(v.get("users").asLong()));
                String value = metric.get("kind").asText().equals("proportion") ? Figures.count(v.get("conversions")
                        .asLong()) + " (" + Figures.percent(v.get("value").asDouble()) + ")"
                        : Figures.number(v.get("value").asDouble());
                assertThat(cell(row, "arm-value")).isEqualTo(value);
                if (v.get("control").asBoolean()) {
                    continue;
                }
                JsonNode rel = v.at("/comparison/relative");
                assertThat(cell(row, "lift")).isEqualTo(Figures.lift(rel.get("estimate").asDouble()));
                assertThat(cell(row, "interval")).isEqualTo(Figures.lift(rel.get("lower").asDouble()) + " to "
                        + Figures.lift(rel.get("upper").asDouble()));
                assertThat(cell(row, "evidence")).startsWith(Figures.p(v.at("/comparison/pValue").asDouble()));
                assertThat(row.findElements(org.openqa.selenium.By.cssSelector("svg.interval-bar"))).hasSize(1);
            }
        }
        assertThat(browser.find("#metric-0 tr[data-variant=on] svg").getAttribute("class")).contains("tone-better");
        assertThat(browser.find("#chart-0 polyline").getAttribute("points").split(" ")).as("a point per day")
                .hasSize(days.get("days").size());
        browser.screenshot("experiment-results");
        browser.script("document.getElementById('chart-0').scrollIntoView()");
        browser.screenshot("experiment-results-chart");
        browser.assertAccessible();

        browser.open("/ui/experiments/" + id + "/edit");
        assertThat(browser.find("#sample-size").getText()).as("the editor shows the results' sample size")
                .contains("10 % needs " + Figures.count(api.at("/sampleSize/neededPerArm").asLong()) + " users per arm");

        browser.as(victor);
        browser.open("/ui/experiments/" + id);
        browser.waitForText("#experiment-status", "running");
        assertThat(browser.findAll("form[action^='/ui/experiments/']")).as("a viewer sees no button").isEmpty();
        UiHttp http = new UiHttp(cp.port());
        String viewerSession = http.signIn(victor);
        java.net.http.HttpResponse<String> forged = http.post("/ui/experiments/" + id + "/stop", viewerSession,
                Map.of("csrf", http.csrf(viewerSession)));
        assertThat(forged.statusCode()).as("a viewer's forged stop").isEqualTo(403);
        java.net.http.HttpResponse<String> download = http.get("/ui/experiments/" + id + "/users.csv",
                viewerSession);
        assertThat(download.statusCode()).as("the page's CSV download, for a viewer's session").isEqualTo(200);
        assertThat(download.headers().firstValue("Content-Disposition")).contains("attachment; filename=\"experiment-"
                + id + "-users.csv\"");
        assertThat(download.body()).as("the very table the API exports").isEqualTo(cp.get("/api/v1/experiments/"
                + id + "/users.csv", admin).body());
        assertThat(download.body().lines().count()).as("a header and one line per analysed user")
                .isEqualTo(1 + api.at("/users/off").asLong() + api.at("/users/on").asLong());
        assertThat(browser.find("#csv-download a").getAttribute("href")).endsWith("/ui/experiments/" + id
                + "/users.csv");
        assertThat(http.get("/ui/experiments/" + id + "/users.csv", null).statusCode())
                .as("no download without a session").isNotEqualTo(200);
        assertThat(cp.get("/api/v1/experiments/" + id, admin).json().get("status").asText()).isEqualTo("running");
        assertThat(browser.find("#metric-0").getText()).contains(Figures.lift(api.at(
                "/metrics/0/variants/1/comparison/relative/estimate").asDouble()));

        browser.as(alice);
        browser.open("/ui/experiments?status=running");
        assertThat(browser.find("#experiment-" + id).getText()).contains("running").contains("banner");
        browser.screenshot("experiments-list");
        browser.assertAccessible();
        browser.open("/ui/experiments/" + id);
        browser.find("#action-stop").click();
        confirmNext();
        browser.waitForText("[role=status]", "Stopped");
        assertThat(browser.find("#experiment-status").getText()).isEqualTo("stopped");
        assertThat(cp.get("/api/v1/experiments/" + id, admin).json().get("status").asText()).isEqualTo("stopped");
        browser.find("#action-delete").click();
        confirmNext();
        browser.waitForText("[role=status]", "Experiment " + id + " deleted.");
        assertThat(cp.get("/api/v1/experiments/" + id, admin).status()).isEqualTo(404);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    private static String cell(WebElement row, String css) {
        return row.findElement(org.openqa.selenium.By.cssSelector("td." + css)).getText().strip();
    }
}
