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
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The history pages in a real Chromium: changes made through the API listed newest first with their before and
 * after, filters, the cursor's pages, and audit entries holding markup shown as text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistoryBrowserIT {

    /** Markup in a string variant's value (descriptions refuse '<' and '>'). */
    static final String XSS = "<script>window.__xss=1</script><img src=x id=xss-img>";
    /** Escaped markup in a description: shown as typed, never unescaped once more. */
    static final String ESCAPED = "&lt;script&gt;window.__xss=2&lt;/script&gt; \"quoted\" & 'single' é✓";

    Harness cp;
    Browser browser;
    String admin;
    String editorKey;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of());
        admin = cp.bootstrap("acme");
        cp.post("/api/v1/environments", admin, Map.of("key", "production"));
        cp.post("/api/v1/environments", admin, Map.of("key", "staging"));
        editorKey = cp.createKey(admin, "release-bot", "editor", null).json().get("key").asText();
        assertThat(cp.post("/api/v1/flags", admin, Map.of("key", "checkout", "description", "The checkout",
                "variants", Map.of("on", "new", "off", "old"))).status()).isEqualTo(201);
        Harness.Resp updated = cp.put("/api/v1/flags/checkout", editorKey, Map.of("description", ESCAPED,
                "variants", Map.of("on", XSS, "off", "old")), "If-Match", "\"1\"");
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(cp.put("/api/v1/environments/production/flags/checkout/enabled", admin, Map.of("enabled", true))
                .status()).isEqualTo(200);
        // Enough other changes for a second page (25 a page).
        for (int i = 0; i < 26; i++) {
            cp.post("/api/v1/flags", admin, Map.of("key", "filler-" + i, "variants", Map.of("a", 1, "b", 2)));
        }
        assertThat(cp.post("/api/v1/environments/staging/segments", admin, Map.of("key", "beta",
                "description", "Beta & \"users\"", "included", List.of("u1"))).status()).isEqualTo(201);
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
    void aFlagsHistoryListsItsChangesNewestFirstWithBeforeAndAfterAndMarkupAsText() throws Exception {
        browser.consoleErrors();
        browser.open("/ui/flags/checkout/history");
        browser.waitForText("h1", "History of checkout");
        List<WebElement> entries = browser.findAll("ol.history > li");
        assertThat(entries).hasSize(3);
        assertThat(entries.get(0).getText()).contains("turned on flag checkout in production", "flag.enable");
        assertThat(entries.get(1).getText()).contains("release-bot", "updated flag checkout", "flag.update");
        assertThat(entries.get(2).getText()).contains("created flag checkout");

        // Opened with the keyboard: the update's readable diff, the markup as text.
        WebElement update = entries.get(1);
        update.findElement(By.cssSelector("summary")).sendKeys(Keys.ENTER);
        browser.waitFor(d -> update.findElement(By.cssSelector("details")).getAttribute("open") != null);
        List<String> rows = update.findElements(By.cssSelector("table.diff tbody tr")).stream()
                .map(WebElement::getText).toList();
        assertThat(rows).as("only what changed, bookkeeping left out").hasSize(2);
        assertThat(rows).anySatisfy(r -> assertThat(r).contains("variants.on", "CHANGED", "\"new\"",
                "\"<script>window.__xss=1</script><img src=x id=xss-img>\""));
        assertThat(rows).anySatisfy(r -> assertThat(r).contains("description", "\"The checkout\"",
                "&lt;script&gt;window.__xss=2&lt;/script&gt;", "& 'single' é✓"));
        assertThat(browser.script("return window.__xss === undefined")).isEqualTo(true);
        assertThat(browser.findAll("#xss-img")).isEmpty();
        assertThat(browser.findAll("main script")).isEmpty();

        // The full JSON on both sides, one more disclosure down.
        update.findElement(By.cssSelector("details.raw > summary")).sendKeys(Keys.ENTER);
        String before = update.findElement(By.cssSelector("section[aria-label=Before]")).getText();
        String after = update.findElement(By.cssSelector("section[aria-label=After]")).getText();
        assertThat(before).contains("The checkout").doesNotContain("<script>");
        assertThat(after).contains("<script>window.__xss=1</script><img src=x id=xss-img>",
                "&lt;script&gt;window.__xss=2&lt;/script&gt;", "\\\"quoted\\\"", "& 'single' é✓");

        // The creation: every field added, nothing before.
        WebElement creation = entries.get(2);
        creation.findElement(By.cssSelector("summary")).click();
        browser.waitFor(d -> creation.findElement(By.cssSelector("details")).getAttribute("open") != null);
        String created = creation.findElement(By.cssSelector("table.diff")).getText();
        assertThat(created).contains("key", "ADDED", "\"checkout\"", "variants");

        browser.open("/ui/flags/checkout/history");
        browser.find("ol.history > li:nth-child(2) summary").click();
        browser.screenshot("history");
        browser.assertAccessible();
        assertThat(browser.consoleErrors()).as("no CSP violation or script error").isEmpty();
    }

    @Test
    void theTenantsHistoryIsPagedByTheCursorAndFiltered() {
        long total = cp.get("/api/v1/audit?limit=1", admin).json().get("total").asLong();
        assertThat(total).isBetween(30L, 50L);
        browser.open("/ui/history");
        browser.waitForText("#history-count", total + " changes recorded");
        assertThat(browser.findAll("ol.history > li")).hasSize(25);
        assertThat(browser.findAll("ol.history > li").get(0).getText()).contains("created segment beta");
        assertThat(browser.findAll("ol.history > li").get(1).getText()).contains("filler-25");
        browser.find("a[rel=next]").click();
        browser.waitForText("nav.pager", "Newest changes");
        List<String> second = browser.findAll("ol.history > li").stream().map(WebElement::getText).toList();
        assertThat(second).hasSize((int) total - 25);
        assertThat(String.join("\n", second)).contains("created flag checkout", "created environment production");
        assertThat(browser.findAll("a[rel=next]")).isEmpty();

        // Filters from the form, with the keyboard: actor, then resource type and action.
        browser.open("/ui/history");
        browser.find("#actor").sendKeys("release-bot", Keys.ENTER);
        browser.waitForText("#history-count", "1 change match");
        assertThat(browser.path()).contains("actor=release-bot");
        assertThat(browser.find("ol.history").getText()).contains("updated flag checkout");

        browser.open("/ui/history?type=environment");
        browser.waitForText("#history-count", "2 changes match");
        browser.open("/ui/history?type=flag&env=production&action=flag.enable");
        browser.waitForText("#history-count", "1 change match");
        assertThat(browser.find("#env").getAttribute("value")).isEqualTo("production");
        browser.open("/ui/history?from=2000-01-01&to=2000-01-31");
        browser.waitForText("main", "No changes to show for these filters");
    }

    @Test
    void aFilterThatIsNotValidIsNamedNextToItsFieldWith422() {
        browser.open("/ui/history?from=2026-02-31&type=user");
        browser.waitForText("#from-error", "YYYY-MM-DD");
        assertThat(browser.find("#type-error").getText()).contains("Choose one of");
        assertThat(browser.find("#from").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.findAll("ol.history > li")).isEmpty();
        UiHttp http = new UiHttp(cp.port());
        String session = http.signIn(admin);
        HttpResponse<String> r = http.get("/ui/history?to=2026-01-01&from=2026-02-01", session);
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("is before the first");
        assertThat(http.get("/ui/history?after=abc", session).body()).contains("cursor is not valid");
    }

    @Test
    void aSegmentsHistoryShowsItsChanges() {
        browser.open("/ui/segments/staging/beta/history");
        browser.waitForText("h1", "History of beta in staging");
        assertThat(browser.findAll("ol.history > li")).hasSize(1);
        assertThat(browser.find("ol.history").getText()).contains("created segment beta");
        assertThat(browser.findAll("#env")).as("a segment lives in one environment: no environment filter").isEmpty();
    }
}
