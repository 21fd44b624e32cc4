package io.guidon.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.Harness;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.WebElement;

/**
 * The exposures page in a real Chromium: the totals of event batches a sidecar sent drawn by Chart.js and listed in
 * a table, an environment without events, and a range that is not offered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExposuresBrowserIT {

    Harness cp;
    Browser browser;
    String admin;
    LocalDate today;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of());
        admin = cp.bootstrap("acme");
        cp.post("/api/v1/environments", admin, Map.of("key", "production"));
        cp.post("/api/v1/environments", admin, Map.of("key", "staging"));
        assertThat(cp.post("/api/v1/flags", admin, Map.of("key", "checkout", "variants",
                Map.of("on", true, "off", false))).status()).isEqualTo(201);
        String sidecar = cp.createKey(admin, "edge", "sidecar", "production").json().get("key").asText();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Instant yesterday = today.minusDays(1).atTime(12, 0).toInstant(ZoneOffset.UTC);
        Instant earlier = today.minusDays(3).atTime(8, 30).toInstant(ZoneOffset.UTC);
        List<Map<String, Object>> counts = List.of(count("on", now, 1200), count("off", now, 300),
                count("on", yesterday, 800), count("off", yesterday, 200), count("on", earlier, 50));
        List<Map<String, Object>> exposures = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            exposures.add(exposure(i < 5 ? "on" : "off", "user-" + i, now));
        }
        exposures.add(exposure("on", "user-9", yesterday));
        Map<String, Object> batch = new LinkedHashMap<>();
        batch.put("batchId", UUID.randomUUID().toString());
        batch.put("sidecarId", UUID.randomUUID().toString());
        batch.put("createdAt", Instant.now().toString());
        batch.put("counts", counts);
        batch.put("exposures", exposures);
        batch.put("conversions", List.of());
        Harness.Resp sent = cp.post("/api/v1/events", sidecar, batch);
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        browser = Browser.start(cp.port());
        browser.signIn(admin);
    }

    private static Map<String, Object> count(String variant, Instant minute, long n) {
        return Map.of("flag", "checkout", "variant", variant, "minute", minute.toString(), "count", n);
    }

    private static Map<String, Object> exposure(String variant, String user, Instant at) {
        return Map.of("flag", "checkout", "variant", variant, "targetingKey", user, "timestamp", at.toString());
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        cp.close();
    }

    @Test
    void theTotalsAreDrawnByChartJsAndListedInATable() throws Exception {
        browser.consoleErrors();
        browser.open("/ui/flags/checkout/exposures?env=production&days=7");
        browser.waitForText("h1", "Exposures of checkout");
        assertThat(browser.find("#total-evaluations").getText()).isEqualTo("2,550");
        assertThat(browser.find("#total-exposures").getText()).isEqualTo("8");
        browser.waitFor(d -> Boolean.TRUE.equals(browser.script(
                "var c = document.getElementById('exposures-chart'); return !!(window.Chart && Chart.getChart(c));")));
        assertThat(browser.script("var ch = Chart.getChart(document.getElementById('exposures-chart'));"
                + " return ch.data.datasets.map(function (d) { return d.label + '=' + d.data.join(','); });"))
                .asList().contains("on · evaluations=0,0,0,50,0,800,1200", "off · evaluations=0,0,0,0,0,200,300",
                        "on · exposures=0,0,0,0,0,1,5", "off · exposures=0,0,0,0,0,0,2");

        List<WebElement> rows = browser.findAll("#exposures-table tbody tr");
        assertThat(rows).hasSize(7);
        assertThat(rows.get(6).getText()).isEqualTo(today + " 1,200 5 300 2");
        assertThat(rows.get(5).getText()).isEqualTo(today.minusDays(1) + " 800 1 200 0");
        assertThat(rows.get(3).getText()).isEqualTo(today.minusDays(3) + " 50 0 0 0");
        assertThat(browser.find("#exposures-table tfoot").getText()).isEqualTo("Total 2,050 6 500 2");

        browser.screenshot("exposures");
        browser.assertAccessible();
        assertThat(browser.consoleErrors()).as("no CSP violation or script error").isEmpty();
    }

    @Test
    void anEnvironmentWithoutEventsSaysSoInsteadOfAnEmptyChart() {
        browser.open("/ui/flags/checkout/exposures?env=staging");
        browser.waitForText("#no-data", "No evaluations recorded");
        assertThat(browser.findAll("canvas")).isEmpty();
        assertThat(browser.findAll("#exposures-table")).isEmpty();
        assertThat(browser.find("#days").getAttribute("value")).isEqualTo("30");
    }

    @Test
    void theEnvironmentAndRangeAreChosenInTheFormAndARangeNotOfferedIsRefused() {
        browser.open("/ui/flags/checkout/exposures");
        assertThat(browser.find("#env").getAttribute("value")).as("production by default").isEqualTo("production");
        new org.openqa.selenium.support.ui.Select(browser.find("#days")).selectByValue("14");
        browser.find("form.filters button[type=submit]").click();
        browser.waitFor(d -> browser.path().contains("days=14"));
        assertThat(browser.findAll("#exposures-table tbody tr")).hasSize(14);

        UiHttp http = new UiHttp(cp.port());
        String session = http.signIn(admin);
        HttpResponse<String> r = http.get("/ui/flags/checkout/exposures?env=production&days=5000", session);
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("Choose a range of 7, 14, 30 or 90 days, not '5000'");
        assertThat(http.get("/ui/flags/nope/exposures", session).statusCode()).isEqualTo(404);
        assertThat(http.get("/ui/flags/checkout/exposures?env=nope", session).statusCode()).isEqualTo(404);
    }
}
