package io.guidon.controlplane.ui;

import static io.guidon.controlplane.ui.XssPayloads.IMG;
import static io.guidon.controlplane.ui.XssPayloads.SCRIPT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.controlplane.Harness;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The segments pages in a real Chromium against a real control plane: the list per environment with search as you
 * type, creating a segment with keys and nested rules, the engine's errors at their fields, "used by", a stale
 * form's 412, a viewer's read-only page and refused posts, XSS payloads as text, the CSRF token; axe-core.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SegmentEditorBrowserIT {

    static final String TEXT = "it's \"quoted\" & Ünïcødé ✓ 日本";
    static final String SECTION = "#seg-section";

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
        cp.post("/api/v1/environments", admin, Map.of("key", "production", "name", "Production", "protected", true));
        cp.post("/api/v1/environments", admin, Map.of("key", "staging"));
        editor = cp.createKey(admin, "erin-editor", "editor", null).json().get("key").asText();
        viewer = cp.createKey(admin, "vic-viewer", "viewer", null).json().get("key").asText();
        cp.post("/api/v1/environments/production/segments", admin, Map.of("key", "internal",
                "description", "Our own staff", "rules", List.of(Map.of("attribute", "email", "op", "endsWith",
                        "values", List.of("@guidon.io")))));
        cp.post("/api/v1/environments/production/segments", admin, Map.of("key", "beta-testers",
                "description", TEXT, "included", List.of("user-1", SCRIPT, IMG),
                "rules", List.of(Map.of("segment", "internal"))));
        cp.post("/api/v1/flags", admin, Map.of("key", "new-checkout", "variants", Map.of("on", true, "off", false)));
        cp.put("/api/v1/environments/production/flags/new-checkout", admin, Map.of("enabled", true,
                "offVariant", "off", "rules", List.of(Map.of("id", "beta", "when", Map.of("segment", "beta-testers"),
                        "serve", Map.of("variant", "on"))), "fallthrough", Map.of("variant", "off")),
                "If-Match", "\"1\"");
        browser = Browser.start(cp.port());
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        cp.close();
    }

    JsonNode segment(String env, String key) {
        return cp.get("/api/v1/environments/" + env + "/segments/" + key, admin).json();
    }

    void act(String value) {
        WebElement old = browser.find(SECTION);
        browser.find(SECTION + " button[name=action][value='" + value + "']:not(.visually-hidden)").click();
        browser.waitFor(ExpectedConditions.stalenessOf(old));
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector(SECTION)));
    }

    void choose(String css, String value) {
        WebElement old = browser.find(SECTION);
        new Select(browser.find(css)).selectByValue(value);
        browser.waitFor(ExpectedConditions.stalenessOf(old));
    }

    void type(String css, String text) {
        WebElement e = browser.find(css);
        e.clear();
        e.sendKeys(text);
    }

    static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    static void assertNoAlert(Browser b) {
        try {
            b.driver().switchTo().alert();
            throw new AssertionError("a script ran: an alert is open");
        } catch (NoAlertPresentException expected) {
            // no payload ran
        }
    }

    @Test
    void theListShowsAnEnvironmentsSegmentsAndSearchesAsYouType() {
        browser.as(editor);
        browser.open("/ui/segments?env=production");
        long total = cp.get("/api/v1/environments/production/segments", admin).json().get("total").asLong();
        assertThat(browser.find("#segment-count").getText()).isEqualTo(total + " segments in production");
        assertThat(browser.find("#segment-rows").getText()).contains("beta-testers", "internal", TEXT);
        browser.assertAccessible();
        browser.find("#segment-q").sendKeys("staff");
        browser.waitForText("#segment-count", "1 segment in production");
        assertThat(browser.find("#segment-rows").getText()).contains("internal").doesNotContain("beta-testers");
        new Select(browser.find("#segment-env")).selectByValue("staging");
        browser.waitForText("#segment-count", "0 segments in staging");
        assertNoAlert(browser);
    }

    @Test
    void anEditorCreatesASegmentWithKeysAndNestedRules() throws Exception {
        browser.as(editor);
        browser.open("/ui/segments?env=production");
        browser.find("a[href='/ui/segments/new?env=production']").click();
        browser.waitFor(ExpectedConditions.urlContains("/ui/segments/new"));
        type("#seg-key", "eu-customers");
        type("#seg-description", "Customers in the EU " + TEXT.substring(0, 10));
        type("#seg-included", "user-1\nuser-2");
        type("#seg-excluded", "user-9");
        act("add-rule");
        assertThat(browser.driver().switchTo().activeElement().getAttribute("id")).isEqualTo("seg-rules-0-attribute");
        type("#seg-rules-0-attribute", "country");
        type("#seg-rules-0-values", "DE\nFR\nAT");
        act("add-clause@rules.0");
        type("#seg-rules-0-all-1-attribute", "plan");
        choose("#seg-rules-0-all-1-op", "notIn");
        type("#seg-rules-0-all-1-values", "free");
        act("add-rule");
        choose("#seg-rules-1-op", "newerThan");
        type("#seg-rules-1-attribute", "signupDate");
        type("#seg-rules-1-values", "P30D");
        act("add-segment@rules.1");
        new Select(browser.find("#seg-rules-1-all-1-segment")).selectByValue("internal");
        browser.assertAccessible();
        browser.script("window.scrollTo(0, 0)");
        browser.screenshot("segment-editor");
        act("save");
        browser.waitFor(ExpectedConditions.urlContains("/ui/segments/production/eu-customers"));
        browser.waitForText("main", "Segment created.");
        JsonNode s = segment("production", "eu-customers");
        assertThat(s.get("included")).isEqualTo(json("[\"user-1\",\"user-2\"]"));
        assertThat(s.get("excluded")).isEqualTo(json("[\"user-9\"]"));
        assertThat(s.get("rules")).isEqualTo(json("""
                [{"all": [{"attribute": "country", "op": "in", "values": ["DE", "FR", "AT"]},
                          {"attribute": "plan", "op": "notIn", "values": ["free"]}]},
                 {"all": [{"attribute": "signupDate", "op": "newerThan", "values": ["P30D"]},
                          {"segment": "internal"}]}]"""));
        JsonNode audit = cp.get("/api/v1/audit?resourceType=segment&resource=eu-customers", admin).json();
        assertThat(audit.get("items").get(0).get("actor").get("name").asText()).isEqualTo("erin-editor");
    }

    @Test
    void theEnginesErrorsAreShownAtTheirFieldsAndUsedByListsTheFlags() {
        browser.as(editor);
        browser.open("/ui/segments/production/beta-testers");
        assertThat(browser.find(".used-by").getText()).contains("new-checkout");
        browser.open("/ui/segments/production/internal");
        assertThat(browser.find(".used-by").getText()).contains("Segments whose rules name it", "beta-testers",
                "Flags that use it through another segment", "new-checkout");
        browser.open("/ui/segments/production/beta-testers");
        act("add-rule");
        type("#seg-rules-1-attribute", "email");
        choose("#seg-rules-1-op", "matches");
        type("#seg-rules-1-values", "(unclosed");
        act("add-rule");
        type("#seg-rules-2-attribute", "appVersion");
        choose("#seg-rules-2-op", "semverGt");
        type("#seg-rules-2-values", "4.x");
        act("save");
        assertThat(browser.find("#seg-rules-1-values-error").getText()).contains("invalid regular expression");
        assertThat(browser.find("#seg-rules-2-values-error").getText()).contains("invalid semantic version '4.x'");
        assertThat(browser.find("#seg-rules-1-values").getAttribute("value")).isEqualTo("(unclosed");
        assertThat(segment("production", "beta-testers").get("rules").size()).isEqualTo(1);
        browser.assertAccessible();
    }

    @Test
    void aStaleSegmentFormGetsThe412MessageAndKeepsTheEdits() {
        browser.as(editor);
        cp.post("/api/v1/environments/staging/segments", admin, Map.of("key", "stale-seg", "included",
                List.of("a")));
        browser.open("/ui/segments/staging/stale-seg");
        type("#seg-description", "my edit");
        cp.put("/api/v1/environments/staging/segments/stale-seg", admin, Map.of("included", List.of("a", "b")),
                "If-Match", "\"1\"");
        WebElement old = browser.find(SECTION);
        browser.find(SECTION + " .actions button[value=save]").click();
        browser.waitFor(ExpectedConditions.stalenessOf(old));
        assertThat(browser.find(SECTION + " .stale").getText()).contains("bootstrap admin",
                "changed the segment in staging", "revision 1");
        assertThat(browser.find("#seg-description").getAttribute("value")).isEqualTo("my edit");
        assertThat(segment("staging", "stale-seg").get("description").asText()).isEmpty();
    }

    @Test
    void aViewerSeesTheSegmentReadOnlyWithThePayloadsAsTextAndCannotPost() throws Exception {
        browser.as(viewer);
        Browser v = browser;
        v.open("/ui/segments/production/beta-testers");
        v.waitForText("main", "beta-testers");
        assertThat(v.findAll("main form, main input, main select, main textarea, main button")).isEmpty();
        assertThat(v.findAll(".segment-editor .value.key").stream().map(WebElement::getText).toList())
                .containsExactly("user-1", SCRIPT, IMG);
        assertThat(v.find(".segment-editor").getText()).contains(TEXT, "In segment internal");
        assertThat(v.findAll("main img, main script")).isEmpty();
        assertNoAlert(v);
        v.assertAccessible();
        v.open("/ui/segments");
        assertThat(v.findAll("a[href^='/ui/segments/new']")).isEmpty();
        String session = http.signIn(viewer);
        HttpResponse<String> r = http.post("/ui/segments/production/beta-testers", session, Map.of("csrf",
                http.csrf(session), "revision", "1", "description", "forged", "action", "save"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(segment("production", "beta-testers").get("description").asText()).isEqualTo(TEXT);
    }

    @Test
    void theEditorShowsPayloadsInItsFieldsExactlyAndRefusesAKeyThatIsNoKeyAsText() {
        browser.as(editor);
        browser.open("/ui/segments/production/beta-testers");
        assertThat(browser.find("#seg-included").getAttribute("value")).isEqualTo("user-1\n" + SCRIPT + "\n" + IMG);
        assertThat(browser.find("#seg-description").getAttribute("value")).isEqualTo(TEXT);
        browser.open("/ui/segments/new?env=staging");
        type("#seg-key", SCRIPT);
        type("#seg-description", IMG);
        act("save");
        assertThat(browser.find("#seg-key-error").getText()).contains("must be 1 to 128 of a-z", SCRIPT);
        assertThat(browser.find("#seg-description-error").getText()).contains("'<' and '>' are not allowed");
        assertThat(browser.find("#seg-key").getAttribute("value")).isEqualTo(SCRIPT);
        assertThat(browser.find("#seg-description").getAttribute("value")).isEqualTo(IMG);
        assertThat(browser.findAll("main img")).isEmpty();
        assertNoAlert(browser);
        assertThat(cp.get("/api/v1/environments/staging/segments", admin).json().get("total").asInt())
                .isLessThanOrEqualTo(1);
    }

    @Test
    void theCsrfTokenIsRequired() {
        String session = http.signIn(editor);
        HttpResponse<String> r = http.post("/ui/segments/new", session, Map.of("env", "staging", "key", "no-token",
                "action", "save"));
        assertThat(r.statusCode()).isEqualTo(403);
        HttpResponse<String> edit = http.post("/ui/segments/production/internal", session, Map.of("revision", "1",
                "description", "changed", "action", "save"));
        assertThat(edit.statusCode()).isEqualTo(403);
        assertThat(cp.get("/api/v1/environments/staging/segments/no-token", admin).status()).isEqualTo(404);
        assertThat(segment("production", "internal").get("description").asText()).isEqualTo("Our own staff");
    }
}
