package io.guidon.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import io.guidon.testing.Poll;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.Alert;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Scheduled changes in a real Chromium (ADR 0114): on a flag's page an editor schedules a change for a date and time
 * in an explicit timezone, sees it pending, and sees it applied at its time (the flag on, the schedule listed as
 * applied, in the calendar too); a bad form shows each problem at its field and schedules nothing; a pending
 * schedule is cancelled; a viewer sees no form. Screenshots, axe-core and the console's errors as in every browser
 * test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchedulesBrowserIT {

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final String SECTION = "#schedules-staging";

    Harness cp;
    Browser browser;
    String admin;
    String alice;
    String victor;

    @BeforeAll
    void start() throws Exception {
        // A short poll, so a due change is applied at once; no events sent: few event partitions to make at start.
        cp = Harness.start(Map.of("schedules.poll-interval", "100ms", "events.max-event-age", "1d",
                "events.partitions-ahead", "1"));
        admin = cp.bootstrap("acme");
        cp.post("/api/v1/environments", admin, Map.of("key", "staging", "name", "Staging"));
        alice = cp.createKey(admin, "alice", "editor", null).json().get("key").asText();
        victor = cp.createKey(admin, "victor", "viewer", null).json().get("key").asText();
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

    private WebElement field(String name) {
        return browser.find(SECTION + " form.schedule-form [name=" + name + "]");
    }

    private void type(String name, String text) {
        WebElement e = field(name);
        e.clear();
        e.sendKeys(text);
    }

    /** Sets the date-time input (typing into it depends on the browser's locale). */
    private void at(String localDateTime) {
        browser.script("arguments[0].value = arguments[1]", field("at"), localDateTime);
    }

    private void submit() {
        browser.find(SECTION + " form.schedule-form button[type=submit]").click();
    }

    @Test
    void aChangeScheduledOnTheFlagPageIsPendingThenAppliedAtItsTime() throws Exception {
        browser.as(alice);
        browser.consoleErrors();
        browser.open("/ui/flags/checkout?env=staging");
        browser.waitForText(SECTION + " h2", "Scheduled changes in Staging");
        assertThat(browser.find(SECTION).getText()).contains("Nothing is scheduled for this flag in staging.");

        // Turn on in 10 s (time enough to fill the form on a loaded machine: a time past when the form arrives is
        // refused), the time typed as a clock in Paris shows it.
        Instant due = Instant.now().plusSeconds(10).truncatedTo(ChronoUnit.SECONDS);
        String paris = LOCAL.format(due.atZone(ZoneId.of("Europe/Paris")));
        field("what").click();
        at(paris);
        type("zone", "Europe/Paris");
        submit();
        browser.waitForText(SECTION + " [role=status]", "Scheduled: turn on in staging at");
        String notice = browser.find(SECTION + " [role=status]").getText();
        assertThat(notice).contains(due.toString().replace("T", " ").replace("Z", " UTC"))
                .contains(paris.replace("T", " ") + " Europe/Paris");
        WebElement pending = browser.find(SECTION + " table.schedule-list");
        assertThat(pending.getText()).contains("turn on", "alice");
        browser.script("arguments[0].scrollIntoView()", browser.find(SECTION));
        browser.screenshot("schedules-flag-pending");
        browser.assertAccessible();

        JsonNode s = cp.get("/api/v1/schedules?flag=checkout", admin).json().get("items").get(0);
        assertThat(s.get("at").asText()).isEqualTo(due.toString());
        Poll.until("the schedule is applied", java.time.Duration.ofSeconds(30), () -> "applied".equals(
                cp.get("/api/v1/schedules?flag=checkout", admin).json().at("/items/0/status").asText()));

        browser.open("/ui/flags/checkout?env=staging");
        assertThat(browser.find(".env-tabs [aria-current=page]").getText()).contains("on");
        assertThat(browser.find(SECTION).getText()).contains("Nothing is scheduled");
        browser.find(SECTION + " details.schedule-recent summary").click();
        assertThat(browser.find(SECTION + " details.schedule-recent").getText()).contains("turn on", "applied");

        browser.open("/ui/schedules?status=all");
        browser.waitForText("h1", "Every scheduled change");
        WebElement row = browser.find("#schedule-" + s.get("id").asLong());
        assertThat(row.getText()).contains("checkout", "staging", "turn on", "applied", "alice");
        assertThat(browser.find("section.day h2").getText()).isEqualTo(
                DateTimeFormatter.ofPattern("EEEE d MMMM yyyy", java.util.Locale.ENGLISH)
                        .format(due.atZone(ZoneId.of("UTC"))));
        assertThat(browser.find("header nav a[aria-current=page]").getText()).isEqualTo("Schedules");
        browser.screenshot("schedules-calendar");
        browser.assertAccessible();
        assertThat(browser.consoleErrors()).as("no CSP violation or script error").isEmpty();
    }

    @Test
    void aBadFormShowsEachProblemAtItsFieldAndAPendingScheduleIsCancelled() throws Exception {
        browser.as(alice);
        browser.open("/ui/flags/banner?env=staging");
        browser.waitForText(SECTION + " h2", "Scheduled changes in Staging");

        browser.find(SECTION + " input[name=what][value=percentage]").click();
        type("percentage", "150");
        type("zone", "Mars/Olympus");
        submit();
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(org.openqa.selenium.By.cssSelector(
                SECTION + " #zone-error")));
        assertThat(browser.find(SECTION + " #zone-error").getText()).contains("Unknown timezone");
        assertThat(browser.find(SECTION + " #at-error").getText()).contains("Enter the date and time");
        assertThat(browser.find(SECTION + " #percentage-error").getText()).contains("100");
        assertThat(field("percentage").getAttribute("aria-invalid")).isEqualTo("true");
        browser.script("arguments[0].scrollIntoView()", browser.find(SECTION));
        browser.screenshot("schedules-form-errors");
        browser.assertAccessible();
        assertThat(cp.get("/api/v1/schedules?flag=banner", admin).json().get("total").asLong()).isZero();

        // A time in the past, by the server's clock.
        type("percentage", "25");
        type("zone", "UTC");
        at("2020-01-01T09:00:00");
        submit();
        browser.waitForText(SECTION + " #at-error", "is in the past");

        at(LOCAL.format(Instant.now().plus(Duration.ofHours(2)).atZone(ZoneId.of("UTC"))));
        submit();
        browser.waitForText(SECTION + " [role=status]", "Scheduled: serve true to 25 % in staging");
        long id = cp.get("/api/v1/schedules?flag=banner", admin).json().at("/items/0/id").asLong();

        browser.find(SECTION + " table.schedule-list button").click();
        Alert confirm = new WebDriverWait(browser.driver(), Duration.ofSeconds(5))
                .until(ExpectedConditions.alertIsPresent());
        assertThat(confirm.getText()).contains("Cancel the schedule to serve true to 25 %");
        confirm.accept();
        browser.waitForText(SECTION + " [role=status]", "Cancelled: serve true to 25 %");
        assertThat(cp.get("/api/v1/environments/staging/flags/banner/schedules/" + id, admin).json()
                .get("status").asText()).isEqualTo("cancelled");
        assertThat(browser.find(SECTION).getText()).contains("Nothing is scheduled");
    }

    @Test
    void aViewerSeesTheSchedulesButNoForm() {
        JsonNode s = cp.post("/api/v1/environments/staging/flags/banner/schedules", alice, Map.of("at",
                Instant.now().plus(Duration.ofHours(3)).toString(), "change", Map.of("kind", "flag.toggle",
                        "enabled", true))).json();
        browser.as(victor);
        browser.open("/ui/flags/banner?env=staging");
        browser.waitForText(SECTION, "turn on");
        assertThat(browser.findAll(SECTION + " form")).isEmpty();
        browser.open("/ui/schedules?env=staging");
        assertThat(browser.find("#schedule-" + s.get("id").asLong()).getText()).contains("banner", "pending");
        browser.assertAccessible();
    }
}
