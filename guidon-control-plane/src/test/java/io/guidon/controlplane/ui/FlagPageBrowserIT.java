package io.guidon.controlplane.ui;

import static io.guidon.controlplane.ui.XssPayloads.IMG;
import static io.guidon.controlplane.ui.XssPayloads.SCRIPT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The flag page in a real Chromium against a real control plane: creating a flag with typed variants, the rules
 * editor (a rule with two clauses and a segment, a 25 % rollout in production, the engine's errors next to their
 * fields), the review step, a stale form's 412, a viewer's read-only page and refused posts, XSS payloads rendered
 * as text, the CSRF token; axe-core on each page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlagPageBrowserIT {

    static final String QUOTES = "it's \"quoted\" & 'single' `back`";
    static final String UNICODE = "Ünïcødé ✓ 日本";

    Harness cp;
    Browser browser;
    UiHttp http;
    String admin;
    String editor;
    String viewer;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of());
        http = new UiHttp(cp.port());
        admin = cp.bootstrap("acme");
        cp.post("/api/v1/environments", admin, Map.of("key", "staging", "name", "Staging"));
        cp.post("/api/v1/environments", admin, Map.of("key", "production", "name", "Production", "protected", true));
        editor = cp.createKey(admin, "erin-editor", "editor", null).json().get("key").asText();
        viewer = cp.createKey(admin, "vic-viewer", "viewer", null).json().get("key").asText();
        cp.post("/api/v1/environments/production/segments", admin, Map.of("key", "beta-testers",
                "description", "People who opted in", "included", List.of("user-1")));
        cp.post("/api/v1/flags", admin, Map.of("key", "payments-v2", "description", "The second payments backend",
                "variants", Map.of("on", true, "off", false)));
        browser = Browser.start(cp.port());
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        cp.close();
    }

    // ---------------------------------------------------------------- helpers

    JsonNode config(String env, String flag) {
        return cp.get("/api/v1/environments/" + env + "/flags/" + flag, admin).json();
    }

    void createBooleanFlag(String key) {
        assertThat(cp.post("/api/v1/flags", admin, Map.of("key", key, "variants", Map.of("on", true, "off", false)))
                .status()).isEqualTo(201);
    }

    /** Clicks the editor button of action {@code value} and waits for htmx to replace the section. */
    void act(String section, String value) {
        WebElement old = browser.find(section);
        browser.find(section + " button[name=action][value='" + value + "']:not(.visually-hidden)").click();
        browser.waitFor(ExpectedConditions.stalenessOf(old));
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector(section)));
    }

    /** Selects {@code value} in the select {@code css}, which posts the form (htmx), and waits for the swap. */
    void choose(String section, String css, String value) {
        WebElement old = browser.find(section);
        new Select(browser.find(css)).selectByValue(value);
        browser.waitFor(ExpectedConditions.stalenessOf(old));
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector(section)));
    }

    void type(String css, String text) {
        WebElement e = browser.find(css);
        e.clear();
        e.sendKeys(text);
    }

    static String id(String env, String field) {
        return "#env-" + env + "-" + field.replace('.', '-');
    }

    void assertNoAlert() {
        try {
            browser.driver().switchTo().alert();
            throw new AssertionError("a script ran: an alert is open");
        } catch (NoAlertPresentException expected) {
            // no script of a payload ran
        }
    }

    // ---------------------------------------------------------------- tests

    @Test
    void anEditorCreatesAFlagWithTypedVariantsFromTheList() throws Exception {
        browser.as(editor);
        browser.open("/ui/flags");
        browser.find("a[href='/ui/flags/new']").click();
        browser.waitFor(ExpectedConditions.urlContains("/ui/flags/new"));
        browser.assertAccessible();
        type("#def-key", "button-color");
        type("#def-name", "Button colour " + UNICODE);
        type("#def-description", "Checkout button " + QUOTES + " " + UNICODE);
        type("#def-tags", "checkout\nweb");
        choose("#def-section", "#def-type", "string");
        type("#def-variants-0-name", "blue");
        type("#def-variants-0-value", "#0b5cad");
        type("#def-variants-1-name", "green");
        type("#def-variants-1-value", "green");
        act("#def-section", "add-variant");
        assertThat(browser.driver().switchTo().activeElement().getAttribute("id")).isEqualTo("def-variants-2-name");
        browser.driver().switchTo().activeElement().sendKeys("orange");
        type("#def-variants-2-value", "orange " + UNICODE);
        browser.find("#def-variants-0-off").click();
        browser.find("#def-section button[value=save].primary").click();
        browser.waitFor(ExpectedConditions.urlContains("/ui/flags/button-color"));
        browser.waitForText("main", "Flag button-color created");

        JsonNode def = cp.get("/api/v1/flags/button-color", admin).json();
        assertThat(def.get("name").asText()).isEqualTo("Button colour " + UNICODE);
        assertThat(browser.find("main h1").getText()).isEqualTo("Button colour " + UNICODE);
        assertThat(def.get("description").asText()).isEqualTo("Checkout button " + QUOTES + " " + UNICODE);
        assertThat(def.get("tags").toString()).isEqualTo("[\"checkout\",\"web\"]");
        assertThat(def.get("variants").toString())
                .isEqualTo("{\"blue\":\"#0b5cad\",\"green\":\"green\",\"orange\":\"orange " + UNICODE + "\"}");
        assertThat(config("production", "button-color").get("offVariant").asText()).isEqualTo("blue");
        assertThat(browser.find(".flag-description").getText()).isEqualTo("Checkout button " + QUOTES + " " + UNICODE);
        // The definition is edited on the flag's page: a variant added, the description changed.
        browser.find("#def-section summary").click();
        type("#def-description", "Checkout button colours");
        act("#def-section", "add-variant");
        browser.driver().switchTo().activeElement().sendKeys("red");
        type("#def-variants-3-value", "red");
        browser.find("#def-section button[value=save].primary").click();
        browser.waitForText("main", "Definition saved.");
        JsonNode edited = cp.get("/api/v1/flags/button-color", admin).json();
        assertThat(edited.get("description").asText()).isEqualTo("Checkout button colours");
        assertThat(edited.get("variants").get("red").asText()).isEqualTo("red");
        assertThat(edited.get("name").asText()).as("kept").isEqualTo("Button colour " + UNICODE);
        assertThat(edited.get("revision").asInt()).isEqualTo(2);
        // Audited as through the API, under the editor key's name.
        JsonNode audit = cp.get("/api/v1/audit?resourceType=flag&resource=button-color", admin).json();
        assertThat(audit.get("items").get(0).get("action").asText()).isEqualTo("flag.update");
        assertThat(audit.get("items").get(1).get("action").asText()).isEqualTo("flag.create");
        assertThat(audit.get("items").get(1).get("actor").get("name").asText()).isEqualTo("erin-editor");
    }

    @Test
    void theCreateFormShowsTheServicesErrorsNextToTheirFieldsAndKeepsTheValues() {
        browser.as(editor);
        browser.open("/ui/flags/new");
        type("#def-key", "Bad Key " + SCRIPT);
        type("#def-description", "has " + SCRIPT);
        choose("#def-section", "#def-type", "number");
        type("#def-variants-0-value", "ten");
        type("#def-variants-1-value", "2.50");
        browser.find("#def-section button[value=save].primary").click();
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#def-key-error")));
        assertThat(browser.find("#def-key-error").getText()).contains("must be 1 to 128 of a-z");
        assertThat(browser.find("#def-description-error").getText()).contains("'<' and '>' are not allowed");
        assertThat(browser.find("#def-variants-0-value-error").getText()).contains("'ten' is not a number");
        assertThat(browser.find("#def-key").getAttribute("value")).isEqualTo("Bad Key " + SCRIPT);
        assertThat(browser.find("#def-description").getAttribute("value")).isEqualTo("has " + SCRIPT);
        assertThat(browser.find("#def-key").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.findAll(".error-summary li")).hasSizeGreaterThanOrEqualTo(3);
        assertNoAlert();
        assertThat(browser.findAll("main img")).isEmpty();
        assertThat(cp.get("/api/v1/flags?q=Bad", admin).json().get("total").asInt()).isZero();
        browser.assertAccessible();
    }

    @Test
    void aRuleWithTwoClausesAndASegmentIsAddedReviewedAndSaved() throws Exception {
        browser.as(editor);
        assertThat(cp.post("/api/v1/flags", admin, Map.of("key", "new-checkout", "name", "New checkout",
                "description", "The new checkout flow, first in the EU", "tags", List.of("checkout", "web"),
                "variants", Map.of("on", true, "off", false))).status()).isEqualTo(201);
        String s = "#env-production-section";
        browser.open("/ui/flags/new-checkout?env=production");
        // A prerequisite: the flag is typed (with the tenant's flags offered), then its variants are offered.
        act(s, "add-prerequisite");
        WebElement old = browser.find(s);
        browser.find(id("production", "prerequisites.0.flag")).sendKeys("payments-v2", Keys.TAB);
        browser.waitFor(ExpectedConditions.stalenessOf(old));
        new Select(browser.find(id("production", "prerequisites.0.variant"))).selectByValue("on");
        // An individual target.
        act(s, "add-target");
        type(id("production", "targets.0.keys"), "user-42\nuser-43");
        act(s, "add-rule");
        assertThat(browser.driver().switchTo().activeElement().getAttribute("id"))
                .isEqualTo("env-production-rules-0-when-all-0-attribute");
        type(id("production", "rules.0.when.all.0.attribute"), "country");
        type(id("production", "rules.0.when.all.0.values"), "DE\nFR");
        act(s, "add-clause@rules.0.when");
        type(id("production", "rules.0.when.all.1.attribute"), "appVersion");
        choose(s, id("production", "rules.0.when.all.1.op"), "semverGt");
        assertThat(browser.find(id("production", "rules.0.when.all.1.values")).getTagName()).isEqualTo("input");
        type(id("production", "rules.0.when.all.1.values"), "4.2.0");
        act(s, "add-segment@rules.0.when");
        new Select(browser.find(id("production", "rules.0.when.all.2.segment"))).selectByValue("beta-testers");
        type(id("production", "rules.0.description"), "EU beta testers ✓ Ünïcødé");
        new Select(browser.find(id("production", "rules.0.serve.variant"))).selectByValue("on");
        browser.script("document.getElementById('env-production-rules').scrollIntoView({block: 'start'})");
        browser.screenshot("rules-editor");
        browser.assertAccessible();

        act(s, "review");
        browser.waitForText(s + " .review", "Review: what changes in Production");
        assertThat(browser.find(s + " .review table").getText()).contains("added", "rules", "beta-testers");
        assertThat(browser.find(s + " .review .impact").getText()).contains("No user of this flag was seen in"
                + " production in the last 24 hours");
        // Production is protected: its key must be typed to save there; a wrong one saves nothing.
        type(id("production", "confirmSave"), "prod");
        act(s, "save");
        assertThat(browser.find(id("production", "confirmSave") + "-error").getText()).contains("type production");
        assertThat(config("production", "new-checkout").has("rules")).isFalse();
        type(id("production", "confirmSave"), "production");
        act(s, "save");
        browser.waitForText("main", "Saved to production");
        browser.script("window.scrollTo(0, 0)");
        browser.screenshot("flag-page");
        JsonNode rule = config("production", "new-checkout").get("rules").get(0);
        assertThat(rule.get("id").asText()).isEqualTo("rule-1");
        assertThat(rule.get("description").asText()).isEqualTo("EU beta testers ✓ Ünïcødé");
        assertThat(rule.get("when")).isEqualTo(json("{\"all\":[{\"attribute\":\"country\",\"op\":\"in\",\"values\""
                + ":[\"DE\",\"FR\"]},{\"attribute\":\"appVersion\",\"op\":\"semverGt\",\"values\":[\"4.2.0\"]},"
                + "{\"segment\":\"beta-testers\"}]}"));
        assertThat(rule.get("serve")).isEqualTo(json("{\"variant\":\"on\"}"));
        JsonNode saved = config("production", "new-checkout");
        assertThat(saved.get("prerequisites")).isEqualTo(json("[{\"flag\":\"payments-v2\",\"variant\":\"on\"}]"));
        assertThat(saved.get("targets")).isEqualTo(json("[{\"variant\":\"on\",\"values\":[\"user-42\",\"user-43\"]}]"));
        // Staging is untouched.
        assertThat(config("staging", "new-checkout").has("rules")).isFalse();

        // The saved page, submitted unchanged, reviews as no change: the form renders exactly what it reads back.
        act(s, "review");
        browser.waitForText(s, "Nothing to save");
    }

    @Test
    void aRolloutOf25PercentInProductionIsSavedWithTheSumShownLive() throws Exception {
        browser.as(editor);
        createBooleanFlag("dark-mode");
        browser.consoleErrors(); // drains what earlier tests left (their refused forms are logged as 4xx)
        String s = "#env-production-section";
        browser.open("/ui/flags/dark-mode?env=production");
        WebElement old = browser.find(s);
        browser.find(id("production", "fallthrough.mode") + "-rollout").click();
        browser.waitFor(ExpectedConditions.stalenessOf(old));
        type(id("production", "fallthrough.rollout.0.weight"), "25");
        type(id("production", "fallthrough.rollout.1.weight"), "70");
        browser.waitForText(s + " [data-rollout-sum]", "95");
        assertThat(browser.find(s + " [data-rollout-note]").getText()).isEqualTo("must be 100");
        type(id("production", "fallthrough.rollout.1.weight"), "75");
        browser.waitForText(s + " [data-rollout-sum]", "100");
        assertThat(browser.find(s + " [data-rollout-sum]").getAttribute("class")).isEqualTo("sum-ok");
        act(s, "review");
        assertThat(browser.find(s + " .review").getText()).contains("Impact on recent users", "fallthrough");
        type(id("production", "confirmSave"), "production");
        act(s, "save");
        browser.waitForText("main", "Saved to production");
        JsonNode rollout = config("production", "dark-mode").get("fallthrough").get("rollout");
        assertThat(rollout).isEqualTo(json("{\"on\":25,\"off\":75}"));
        assertThat(rollout.fieldNames().next()).as("the rollout's order is kept").isEqualTo("on");
        // Turn it on in production with the switch: production is protected, so its key is asked for first; a
        // cancelled prompt changes nothing.
        browser.find("#env-production-toggle-button").click();
        browser.waitFor(ExpectedConditions.alertIsPresent()).dismiss();
        assertThat(config("production", "dark-mode").get("enabled").asBoolean()).isFalse();
        browser.find("#env-production-toggle-button").click();
        org.openqa.selenium.Alert prompt = browser.waitFor(ExpectedConditions.alertIsPresent());
        assertThat(prompt.getText()).contains("production");
        prompt.sendKeys("production");
        prompt.accept();
        browser.waitForText("#env-production-state", "On");
        assertThat(config("production", "dark-mode").get("enabled").asBoolean()).isTrue();
        browser.assertAccessible();
        assertThat(browser.consoleErrors()).as("no CSP violation or script error").isEmpty();
    }

    @Test
    void theEnginesErrorsAreShownNextToTheRuleClauseAndFieldTheyName() {
        browser.as(editor);
        createBooleanFlag("limits");
        String s = "#env-staging-section";
        browser.open("/ui/flags/limits?env=staging");
        act(s, "add-rule");
        type(id("staging", "rules.0.when.all.0.attribute"), "appVersion");
        choose(s, id("staging", "rules.0.when.all.0.op"), "semverGt");
        type(id("staging", "rules.0.when.all.0.values"), "4.x");
        act(s, "add-clause@rules.0.when");
        type(id("staging", "rules.0.when.all.1.attribute"), "seats");
        choose(s, id("staging", "rules.0.when.all.1.op"), "gte");
        type(id("staging", "rules.0.when.all.1.values"), "fifty");
        WebElement old = browser.find(s);
        browser.find(id("staging", "rules.0.serve.mode") + "-rollout").click();
        browser.waitFor(ExpectedConditions.stalenessOf(old));
        type(id("staging", "rules.0.serve.rollout.0.weight"), "10");
        // Enter in a field reviews the form (the form's default button), as a keyboard user expects.
        WebElement before = browser.find(s);
        browser.find(id("staging", "rules.0.serve.rollout.1.weight")).sendKeys(Keys.BACK_SPACE, Keys.BACK_SPACE, "80",
                Keys.ENTER);
        browser.waitFor(ExpectedConditions.stalenessOf(before));
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector(s + " .error-summary")));
        assertThat(browser.find(id("staging", "rules.0.when.all.0.values") + "-error").getText())
                .contains("invalid semantic version '4.x'");
        assertThat(browser.find(id("staging", "rules.0.when.all.1.values") + "-error").getText())
                .contains("'fifty' is not a number");
        assertThat(browser.find(id("staging", "rules.0.serve.rollout") + "-error").getText())
                .contains("percentages sum to 90, not 100");
        assertThat(browser.find(id("staging", "rules.0.when.all.0.values")).getAttribute("aria-invalid"))
                .isEqualTo("true");
        // The values typed are still there; nothing was saved.
        assertThat(browser.find(id("staging", "rules.0.when.all.1.values")).getAttribute("value")).isEqualTo("fifty");
        assertThat(config("staging", "limits").has("rules")).isFalse();
        browser.assertAccessible();
    }

    @Test
    void anEditorsStaleFormGetsThe412MessageWithWhoChangedWhatAndKeepsTheEdits() {
        browser.as(editor);
        createBooleanFlag("stale-flag");
        String s = "#env-production-section";
        browser.open("/ui/flags/stale-flag?env=production");
        act(s, "add-rule");
        type(id("production", "rules.0.when.all.0.attribute"), "plan");
        type(id("production", "rules.0.when.all.0.values"), "premium");
        // Meanwhile, through the API: the admin turns the flag on.
        assertThat(cp.put("/api/v1/environments/production/flags/stale-flag/enabled", admin, Map.of("enabled", true),
                "If-Match", "\"1\"").status()).isEqualTo(200);
        WebElement old = browser.find(s);
        browser.find(s + " .actions button[value=review]").click();
        browser.waitFor(ExpectedConditions.stalenessOf(old));
        browser.waitForText(s + " .stale", "someone changed this");
        String stale = browser.find(s + " .stale").getText();
        assertThat(stale).contains("bootstrap admin", "turned the flag on in production", "revision 1",
                "enabled false \u2192 true");
        assertThat(browser.find(s + " .stale a").getText()).isEqualTo("Reload the current version");
        assertThat(browser.find(id("production", "rules.0.when.all.0.values")).getAttribute("value")).isEqualTo("premium");
        assertThat(config("production", "stale-flag").has("rules")).isFalse();
        // The same through a plain form post: 412.
        String session = http.signIn(editor);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("csrf", http.csrf(session));
        form.put("revision", "1");
        form.put("enabled", "false");
        form.put("offVariant", "off");
        form.put("fallthrough.mode", "variant");
        form.put("fallthrough.variant", "on");
        form.put("action", "review");
        HttpResponse<String> r = http.post("/ui/flags/stale-flag/env/production", session, form);
        assertThat(r.statusCode()).isEqualTo(412);
        assertThat(r.body()).contains("Reload the current version");
        // The definition's form is checked the same way: based on revision 1, after the API changed the definition.
        assertThat(cp.put("/api/v1/flags/stale-flag", admin, Map.of("description", "changed through the API",
                "variants", Map.of("on", true, "off", false)), "If-Match", "\"1\"").status()).isEqualTo(200);
        HttpResponse<String> def = http.post("/ui/flags/stale-flag/definition", session, Map.of("csrf",
                http.csrf(session), "revision", "1", "action", "save", "description", "mine", "type", "boolean",
                "variants.0.name", "on", "variants.0.value", "true", "variants.1.name", "off", "variants.1.value",
                "false"));
        assertThat(def.statusCode()).isEqualTo(412);
        assertThat(def.body()).contains("changed its definition (description, tags or variants)", "mine");
        assertThat(cp.get("/api/v1/flags/stale-flag", admin).json().get("description").asText())
                .isEqualTo("changed through the API");
        // Reviewing against the current version is explicit: the review shows the switch going back off.
        browser.find(s + " button[value=rebase]").click();
        browser.waitForText(s + " .review", "Review");
        assertThat(browser.find(s + " .review").getText()).contains("enabled");
    }

    @Test
    void aViewerSeesNoEditControlsAndAForgedPostFromAViewerSessionIsRefused() throws Exception {
        createBooleanFlag("viewer-flag");
        cp.put("/api/v1/environments/production/flags/viewer-flag", admin, Map.of("enabled", true, "offVariant", "off",
                "rules", List.of(Map.of("id", "r1",
                        "when", Map.of("any", List.of(Map.of("segment", "beta-testers"),
                                Map.of("attribute", "country", "op", "in", "values", List.of("DE")))),
                        "serve", Map.of("variant", "on"))),
                "fallthrough", Map.of("variant", "off")), "If-Match", "\"1\"");
        browser.as(viewer);
        browser.open("/ui/flags/viewer-flag?env=production");
        browser.waitForText("main", "viewer-flag");
        assertThat(browser.findAll("main form")).isEmpty();
        assertThat(browser.findAll("main input, main select, main textarea, main button")).isEmpty();
        assertThat(browser.find("main").getText()).contains("In segment beta-testers", "country", "DE");
        browser.assertAccessible();
        browser.open("/ui/flags");
        assertThat(browser.findAll("a[href='/ui/flags/new']")).isEmpty();
        String session = http.signIn(viewer);
        String csrf = http.csrf(session);
        Map<String, String> toggle = Map.of("csrf", csrf, "toggle.revision", "2", "toggle.enabled", "false");
        HttpResponse<String> r = http.post("/ui/flags/viewer-flag/env/production/toggle", session, toggle);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("needs the editor role");
        HttpResponse<String> create = http.post("/ui/flags/new", session, Map.of("csrf", csrf, "key", "forged",
                "type", "boolean", "variants.0.name", "on", "variants.0.value", "true", "action", "save"));
        assertThat(create.statusCode()).isEqualTo(403);
        assertThat(config("production", "viewer-flag").get("enabled").asBoolean()).isTrue();
        assertThat(cp.get("/api/v1/flags/forged", admin).status()).isEqualTo(404);
        assertThat(http.get("/ui/flags/new", session).statusCode()).isEqualTo(403);
    }

    @Test
    void xssPayloadsInDescriptionsTagsVariantValuesAndRuleValuesRenderAsText() throws Exception {
        String description = QUOTES + " " + UNICODE;
        cp.post("/api/v1/flags", admin, Map.of("key", "xss", "description", description,
                "tags", List.of(QUOTES, UNICODE), "variants", Map.of("a", SCRIPT, "b", IMG)));
        JsonNode current = config("production", "xss");
        cp.put("/api/v1/environments/production/flags/xss", admin, Map.of("enabled", true, "offVariant", "a",
                "targets", List.of(Map.of("variant", "b", "values", List.of(SCRIPT, IMG))),
                "rules", List.of(Map.of("id", "r", "description", QUOTES, "when", Map.of("attribute", IMG, "op", "in",
                        "values", List.of(SCRIPT, IMG, QUOTES, UNICODE)), "serve", Map.of("variant", "b"))),
                "fallthrough", Map.of("variant", "a")), "If-Match", "\"" + current.get("revision").asInt() + "\"");
        for (String key : List.of(editor, viewer)) {
            browser.as(key);
            Browser b = browser;
            b.open("/ui/flags/xss?env=production");
            b.waitForText("main", "xss");
            assertThat(b.find(".flag-description").getText()).isEqualTo(description);
            assertThat(b.findAll(".flag-tags .tag").stream().map(WebElement::getText).toList())
                    .containsExactly(QUOTES, UNICODE);
            assertThat(b.findAll(".variants-view code").stream().map(WebElement::getText).toList())
                    .containsExactly("\"" + SCRIPT + "\"", "\"\\\"><img src=x onerror=alert(1)>\"");
            assertThat(b.findAll("main img")).isEmpty();
            assertThat(b.findAll("main script")).isEmpty();
            if (key.equals(editor)) {
                assertThat(b.find(id("production", "rules.0.when.attribute")).getAttribute("value")).isEqualTo(IMG);
                assertThat(b.find(id("production", "rules.0.when.values")).getAttribute("value"))
                        .isEqualTo(String.join("\n", SCRIPT, IMG, QUOTES, UNICODE));
                assertThat(b.find(id("production", "targets.0.keys")).getAttribute("value"))
                        .isEqualTo(SCRIPT + "\n" + IMG);
                assertThat(b.find(id("production", "rules.0.description")).getAttribute("value")).isEqualTo(QUOTES);
                // Submitted unchanged, the payloads come back exactly: nothing to save.
                act("#env-production-section", "review");
                b.waitForText("#env-production-section", "Nothing to save");
            } else {
                assertThat(b.findAll(".readonly-clause .value").stream().map(WebElement::getText).toList())
                        .containsExactly(SCRIPT, IMG, QUOTES, UNICODE);
                assertThat(b.find(".readonly-clause code").getText()).isEqualTo(IMG);
            }
            assertNoAlertIn(b);
        }
    }

    static void assertNoAlertIn(Browser b) {
        try {
            b.driver().switchTo().alert();
            throw new AssertionError("a script ran: an alert is open");
        } catch (NoAlertPresentException expected) {
            // no payload ran
        }
    }

    @Test
    void theCsrfTokenIsRequiredForEveryPostOfThePage() {
        createBooleanFlag("csrf-flag");
        String session = http.signIn(editor);
        Map<String, String> toggle = Map.of("toggle.revision", "1", "toggle.enabled", "true");
        HttpResponse<String> r = http.post("/ui/flags/csrf-flag/env/production/toggle", session, toggle);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("security token is missing");
        Map<String, String> wrong = new LinkedHashMap<>(toggle);
        wrong.put("csrf", "not-the-token");
        assertThat(http.post("/ui/flags/csrf-flag/env/production/toggle", session, wrong).statusCode()).isEqualTo(403);
        assertThat(http.post("/ui/flags/csrf-flag/definition", session, Map.of("action", "save", "description", "x",
                "revision", "1", "type", "boolean", "variants.0.name", "on", "variants.0.value", "true")).statusCode())
                .isEqualTo(403);
        assertThat(http.post("/ui/flags/new", session, Map.of("action", "save", "key", "csrf-new", "type", "boolean",
                "variants.0.name", "on", "variants.0.value", "true")).statusCode()).isEqualTo(403);
        assertThat(config("production", "csrf-flag").get("enabled").asBoolean()).isFalse();
        assertThat(cp.get("/api/v1/flags/csrf-flag", admin).json().get("description").asText()).isEmpty();
        assertThat(cp.get("/api/v1/flags/csrf-new", admin).status()).isEqualTo(404);
        // With the token but without the protected environment's key typed: refused by the server too.
        Map<String, String> ok = new LinkedHashMap<>(toggle);
        ok.put("csrf", http.csrf(session));
        HttpResponse<String> unconfirmed = http.post("/ui/flags/csrf-flag/env/production/toggle", session, ok);
        assertThat(unconfirmed.statusCode()).isEqualTo(422);
        assertThat(unconfirmed.body()).contains("Production is protected: type its key production to confirm");
        assertThat(config("production", "csrf-flag").get("enabled").asBoolean()).isFalse();
        // With both, the toggle goes through (and without JavaScript: a redirect back to the page).
        ok.put("confirm", "production");
        HttpResponse<String> done = http.post("/ui/flags/csrf-flag/env/production/toggle", session, ok);
        assertThat(done.statusCode()).isEqualTo(303);
        assertThat(done.headers().firstValue("Location")).hasValue("/ui/flags/csrf-flag?env=production&saved=on");
        assertThat(config("production", "csrf-flag").get("enabled").asBoolean()).isTrue();
    }

    @Test
    void aLargeConfigurationOfManyRulesGoesThroughTheFormWhole() throws Exception {
        browser.as(editor);
        createBooleanFlag("many-rules");
        List<Map<String, Object>> rules = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rules.add(Map.of("id", "r" + i, "when", Map.of("all", List.of(
                    Map.of("attribute", "country", "op", "in", "values", List.of("DE", "FR")),
                    Map.of("attribute", "seats", "op", "gte", "values", List.of(i)))),
                    "serve", Map.of("rollout", Map.of("on", 10, "off", 90))));
        }
        List<String> targets = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            targets.add("user-" + i + "-" + "x".repeat(20));
        }
        assertThat(cp.put("/api/v1/environments/staging/flags/many-rules", admin, Map.of("enabled", true,
                "offVariant", "off", "targets", List.of(Map.of("variant", "on", "values", targets)), "rules", rules,
                "fallthrough", Map.of("variant", "off")), "If-Match", "\"1\"").status()).isEqualTo(200);
        String s = "#env-staging-section";
        browser.open("/ui/flags/many-rules?env=staging");
        // A structural action posts the whole form (over 500 fields, a textarea of 30 KB: beyond the HTTP decoder's
        // defaults of 256 fields and 8 KiB a field) and gets it back whole.
        act(s, "add-rule");
        assertThat(browser.findAll(s + " li.rule")).hasSize(41);
        act(s, "remove@rules.40");
        act(s, "review");
        browser.waitForText(s, "Nothing to save");
    }

    static JsonNode json(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String field(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + Pattern.quote(name) + "\" value=\"([^\"]*)\"").matcher(html);
        return m.find() ? m.group(1) : null;
    }
}
