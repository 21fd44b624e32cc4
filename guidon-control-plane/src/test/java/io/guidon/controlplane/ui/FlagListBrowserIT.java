package io.guidon.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.Harness;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The flags list in a real Chromium: with 250 flags (five pages) it pages (next and previous), a search narrows
 * the rows as the user types (and the URL keeps it across a reload), the tag filter, the page size and the column
 * headers' sorting work; a realistic tenant's list (about 20 flags over 3 environments, on, off and rolled out) passes
 * axe-core and is the {@code flags-list} screenshot; descriptions and tags with markup render as text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlagListBrowserIT {

    /**
     * Enough for five pages of 50, three of 100, a search that still fills a page and one that finds one flag. The
     * counts' thousands separators are FlagListViewTest's; search, filter, every sort and paging over the database
     * are FlagOverviewIT's.
     */
    static final int FLAGS = 250;

    Harness cp;
    Browser browser;
    String bulk;
    String acme;
    String viewer;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of());
        bulk = cp.bootstrap("bulk");
        cp.post("/api/v1/environments", bulk, Map.of("key", "production", "name", "Production"));
        cp.post("/api/v1/environments", bulk, Map.of("key", "staging", "name", "Staging"));
        bulkFlags();
        acme = cp.bootstrap("acme");
        realisticFlags();
        viewer = cp.createKey(acme, "viewer", "viewer", null).json().get("key").asText();
        browser = Browser.start(cp.port());
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        cp.close();
    }

    /**
     * 250 flags written straight into the test's database, as the services store them (a definition, a
     * default configuration per environment), in a few statements rather than 250 requests: flag-0001 to
     * flag-0250, tagged by team, every 25th about checkout, every 50th tagged payments, evaluations today for
     * every 7th.
     */
    private void bulkFlags() {
        String tenant = "(SELECT id FROM tenants WHERE key = 'bulk')";
        cp.db.execute("INSERT INTO flags (tenant_id, key, description, tags, variants) SELECT " + tenant
                + ", 'flag-' || lpad(i::text, 4, '0'), CASE WHEN i % 25 = 0 THEN 'Checkout experiment ' || i"
                + " ELSE 'Generated flag ' || i END, CASE WHEN i % 50 = 0 THEN ARRAY['team-' || (i % 7), 'payments']"
                + " ELSE ARRAY['team-' || (i % 7)] END, '{\"on\": true, \"off\": false}'::jsonb"
                + " FROM generate_series(1, " + FLAGS + ") i");
        cp.db.execute("INSERT INTO flag_configs (environment_id, flag_id, tenant_id, config) SELECT e.id, f.id,"
                + " f.tenant_id, CASE WHEN e.key = 'staging' AND f.id % 3 = 0 THEN '{\"enabled\": true,"
                + " \"offVariant\": \"off\", \"fallthrough\": {\"variant\": \"on\"}}'::jsonb ELSE '{\"enabled\":"
                + " false, \"offVariant\": \"off\", \"fallthrough\": {\"variant\": \"off\"}}'::jsonb END"
                + " FROM flags f JOIN environments e ON e.tenant_id = f.tenant_id WHERE f.tenant_id = " + tenant);
        cp.db.execute("INSERT INTO flag_daily_totals (tenant_id, environment_id, flag, day, variant, evaluations)"
                + " SELECT f.tenant_id, e.id, f.key, (now() AT TIME ZONE 'UTC')::date, 'on',"
                + " (substr(f.key, 6)::int * 37) % 10007 FROM flags f JOIN environments e ON e.tenant_id ="
                + " f.tenant_id AND e.key = 'production' WHERE f.tenant_id = " + tenant
                + " AND substr(f.key, 6)::int % 7 = 0");
    }

    private void realisticFlags() {
        cp.post("/api/v1/environments", acme, Map.of("key", "development", "name", "Development"));
        cp.post("/api/v1/environments", acme, Map.of("key", "staging", "name", "Staging"));
        cp.post("/api/v1/environments", acme, Map.of("key", "production", "name", "Production"));
        Object[][] flags = {
            {"new-checkout", "The redesigned one-page checkout", List.of("checkout", "web"), "rollout:25"},
            {"checkout-express-pay", "Apple Pay and Google Pay buttons on the cart", List.of("checkout", "payments"),
                "on"},
            {"dark-mode", "Dark colour scheme for the web app", List.of("web", "ui"), "on"},
            {"search-v2", "Search backed by the new index (typo tolerance, synonyms)", List.of("search"), "rollout:50"},
            {"search-suggestions", "Suggestions while typing in the search box", List.of("search", "web"), "staging"},
            {"recommendations-carousel", "Personalised products on the home page", List.of("growth"), "rules"},
            {"free-shipping-banner", "Free shipping threshold banner", List.of("growth", "marketing"), "on"},
            {"loyalty-points", "Earn and redeem loyalty points", List.of("growth", "payments"), "staging"},
            {"invoice-pdf-v2", "New PDF renderer for invoices", List.of("billing"), "rollout:10"},
            {"billing-annual-plans", "Offer annual plans at checkout", List.of("billing", "checkout"), "off"},
            {"mobile-onboarding", "Three-step onboarding in the mobile apps", List.of("mobile"), "on"},
            {"mobile-push-reminders", "Cart reminders by push notification", List.of("mobile", "growth"), "staging"},
            {"api-rate-limit-v2", "Token-bucket rate limiting on the public API", List.of("platform"), "rollout:75"},
            {"kill-switch-reviews", "Turn product reviews off under load", List.of("ops", "kill-switch"), "on"},
            {"kill-switch-recommendations", "Turn recommendations off under load", List.of("ops", "kill-switch"),
                "off"},
            {"gift-cards", "Buy and redeem gift cards", List.of("payments"), "staging"},
            {"address-autocomplete", "Address autocomplete in the shipping form", List.of("checkout", "web"), "on"},
            {"beta-analytics-dashboard", "Merchant analytics dashboard (beta)", List.of("analytics", "beta"), "rules"},
            {"legacy-cart", "The old cart, kept for rollback", List.of("checkout", "legacy"), "off"},
            {"edge-caching", "Cache product pages at the edge", List.of("platform", "performance"), "rollout:5"},
        };
        for (Object[] f : flags) {
            String key = (String) f[0];
            Map<String, Object> flag = new java.util.HashMap<>(Map.of("key", key, "description", f[1], "tags", f[2],
                    "variants", Map.of("on", true, "off", false)));
            if (key.equals("search-v2")) {
                flag.put("name", "Search relevance v2");
            } else if (key.equals("new-checkout")) {
                flag.put("name", "One-page checkout");
            }
            var created = cp.post("/api/v1/flags", acme, flag);
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String how = (String) f[3];
            serveOn("development", key);
            if (!how.equals("off")) {
                serveOn("staging", key);
            }
            String prod = "/api/v1/environments/production/flags/" + key;
            if (how.equals("on")) {
                serveOn("production", key);
            } else if (how.startsWith("rollout:")) {
                cp.put(prod + "/rollout", acme, Map.of("percentage", Integer.parseInt(how.substring(8))));
                cp.put(prod + "/enabled", acme, Map.of("enabled", true));
            } else if (how.equals("rules")) {
                String etag = cp.get(prod, acme).header("ETag");
                cp.put(prod, acme, Map.of("enabled", true, "offVariant", "off",
                        "targets", List.of(Map.of("variant", "on", "values", List.of("qa-1", "qa-2"))),
                        "rules", List.of(Map.of("id", "eu", "when", Map.of("attribute", "country", "op", "in",
                                "values", List.of("DE", "FR", "NL")), "serve", Map.of("variant", "on"))),
                        "fallthrough", Map.of("variant", "off")), "If-Match", etag);
            }
        }
        // Evaluations of today, as the sidecars' event uploads add them up (none for the legacy flags and kill
        // switches that are off), and changes spread over the last weeks.
        String tenant = "(SELECT id FROM tenants WHERE key = 'acme')";
        cp.db.execute("INSERT INTO flag_daily_totals (tenant_id, environment_id, flag, day, variant, evaluations)"
                + " SELECT f.tenant_id, e.id, f.key, (now() AT TIME ZONE 'UTC')::date, 'on', abs(hashtext(f.key"
                + " || e.key)::bigint) % (CASE e.key WHEN 'production' THEN 2000000 ELSE 20000 END) FROM flags f JOIN"
                + " environments e ON e.tenant_id = f.tenant_id WHERE f.tenant_id = " + tenant
                + " AND f.key NOT IN ('legacy-cart', 'kill-switch-recommendations')");
        cp.db.execute("UPDATE flags SET updated_at = now()"
                + " - make_interval(mins => (abs(hashtext(key)::bigint) % 40000)::int)"
                + " WHERE tenant_id = " + tenant);
        cp.db.execute("UPDATE flag_configs c SET updated_at = f.updated_at FROM flags f WHERE f.id = c.flag_id"
                + " AND f.tenant_id = " + tenant);
    }

    /** Turns {@code flag} on in {@code env}, serving its "on" variant to everyone. */
    private void serveOn(String env, String flag) {
        String path = "/api/v1/environments/" + env + "/flags/" + flag;
        var r = cp.put(path, acme, Map.of("enabled", true, "offVariant", "off", "fallthrough",
                Map.of("variant", "on")), "If-Match", cp.get(path, acme).header("ETag"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    /** The aria-sort of the header holding the link {@code id}, read in one step (the table may be swapped). */
    private String ariaSort(String id) {
        return (String) browser.script("var th = document.querySelector('th:has(#' + arguments[0] + ')');"
                + " return th ? th.getAttribute('aria-sort') : 'missing';", id);
    }

    private String count() {
        return browser.find("#flag-count").getText();
    }

    private List<String> keys() {
        return browser.findAll("#flag-results tbody th .flag-key").stream().map(WebElement::getText).toList();
    }

    @Test
    void aListOfFivePagesPagesAndASearchNarrowsTheRowsAsYouType() {
        browser.signIn(bulk);
        browser.open("/ui/flags");
        assertThat(count()).contains("250 flags", "Page 1 of 5");
        assertThat(keys()).hasSize(50).startsWith("flag-0001", "flag-0002").endsWith("flag-0050");

        browser.find("#page-next").sendKeys(Keys.ENTER);
        browser.waitForText("#flag-count", "Page 2 of 5");
        assertThat(keys()).startsWith("flag-0051").endsWith("flag-0100");
        assertThat(browser.path()).isEqualTo("/ui/flags?page=2");
        browser.find("#page-next").sendKeys(Keys.ENTER);
        browser.waitForText("#flag-count", "Page 3 of 5");
        // The browser's Back goes to the page before, whole (htmx keeps no history cache: the server renders it).
        browser.driver().navigate().back();
        browser.waitForText("#flag-count", "Page 2 of 5");
        assertThat(keys()).startsWith("flag-0051");
        browser.driver().navigate().forward();
        browser.waitForText("#flag-count", "Page 3 of 5");
        assertThat(browser.findAll("header nav a")).as("a whole page, not a fragment").isNotEmpty();
        browser.find("#page-previous").sendKeys(Keys.ENTER);
        browser.waitForText("#flag-count", "Page 2 of 5");
        assertThat(keys()).startsWith("flag-0051");
        browser.find("#page-previous").click();
        browser.waitForText("#flag-count", "Page 1 of 5");
        assertThat(browser.path()).isEqualTo("/ui/flags");

        WebElement q = browser.find("#q");
        q.sendKeys("flag-0");
        browser.waitForText("#flag-count", "250 flags match \u201cflag-0\u201d");
        q.sendKeys("1");
        browser.waitForText("#flag-count", "100 flags match \u201cflag-01\u201d");
        assertThat(keys()).hasSize(50).allMatch(k -> k.startsWith("flag-01"));
        q.sendKeys("27");
        browser.waitForText("#flag-count", "1 flag matches \u201cflag-0127\u201d");
        assertThat(keys()).containsExactly("flag-0127");
        assertThat(browser.path()).isEqualTo("/ui/flags?q=flag-0127");
        // Enter asks again in place (no page load: the URL stays the plain one the server gave).
        browser.script("window.notReloaded = true");
        q.sendKeys(Keys.ENTER);
        browser.waitForText("#flag-count", "1 flag matches");
        assertThat(browser.script("return window.notReloaded === true")).isEqualTo(true);
        assertThat(browser.path()).isEqualTo("/ui/flags?q=flag-0127");

        // A reload (or a bookmark) shows the same search.
        browser.driver().navigate().refresh();
        browser.waitForText("#flag-count", "1 flag matches");
        assertThat(browser.find("#q").getAttribute("value")).isEqualTo("flag-0127");

        // Descriptions are searched too; clearing the search shows every flag again.
        q = browser.find("#q");
        q.clear();
        q.sendKeys("checkout");
        browser.waitForText("#flag-count", "10 flags match \u201ccheckout\u201d");
        q.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
        browser.waitForText("#flag-count", "250 flags");
    }

    @Test
    void theTagFilterPageSizeAndColumnSortingChangeTheListAndTheUrl() {
        browser.signIn(bulk);
        browser.open("/ui/flags");
        new Select(browser.find("#tag")).selectByValue("payments");
        browser.waitForText("#flag-count", "5 flags match tagged \u201cpayments\u201d");
        assertThat(keys()).containsExactly("flag-0050", "flag-0100", "flag-0150", "flag-0200", "flag-0250");
        assertThat(browser.path()).isEqualTo("/ui/flags?tag=payments");
        new Select(browser.find("#tag")).selectByValue("");
        browser.waitForText("#flag-count", "250 flags");

        new Select(browser.find("#pageSize")).selectByValue("100");
        browser.waitForText("#flag-count", "Page 1 of 3");
        assertThat(keys()).hasSize(100);

        browser.find("#sort-evaluations").sendKeys(Keys.ENTER);
        browser.waitFor(d -> "descending".equals(ariaSort("sort-evaluations")));
        assertThat(ariaSort("sort-key")).isNull();
        List<Long> evaluations = browser.findAll("#flag-results tbody td.num").stream()
                .map(e -> Long.parseLong(e.getText().replace(",", ""))).toList();
        assertThat(evaluations).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(evaluations.get(0)).isPositive();
        assertThat(browser.path()).contains("sort=evaluations", "pageSize=100");

        browser.find("#sort-key").sendKeys(Keys.ENTER);
        browser.waitFor(d -> "ascending".equals(ariaSort("sort-key")));
        browser.find("#sort-key").sendKeys(Keys.ENTER);
        browser.waitFor(d -> "descending".equals(ariaSort("sort-key")));
        assertThat(keys()).startsWith("flag-0250", "flag-0249");
        // A search keeps the sort.
        browser.find("#q").sendKeys("flag-01");
        browser.waitForText("#flag-count", "100 flags match");
        assertThat(keys()).startsWith("flag-0199");
        assertThat(browser.path()).contains("q=flag-01", "direction=desc");
    }

    @Test
    void aRealisticListPassesAxeAndShowsEachEnvironment() throws Exception {
        browser.signIn(acme);
        browser.open("/ui/flags");
        browser.waitForText("#flag-count", "20 flags");
        browser.screenshot("flags-list");
        assertThat(browser.findAll("thead th.env").stream().map(WebElement::getText).toList())
                .containsExactly("Development", "Production", "Staging");
        WebElement checkout = browser.find("#flag-results tbody tr:has(a[href='/ui/flags/new-checkout'])");
        assertThat(checkout.getText()).contains("rollout on 25%, off 75%");
        assertThat(browser.find("a.button[href='/ui/flags/new']").getText()).isEqualTo("New flag");
        assertThat(checkout.getText()).contains("One-page checkout");
        // Names are searched too.
        browser.find("#q").sendKeys("relevance");
        browser.waitForText("#flag-count", "1 flag matches");
        assertThat(keys()).containsExactly("search-v2");
        browser.find("#q").clear();
        browser.open("/ui/flags");
        browser.assertAccessible();
        assertThat(browser.consoleErrors()).as("no CSP violation or script error")
                .allMatch(m -> m.contains("Failed to load resource: the server responded with a status of 4"));
        browser.signOut();
        browser.signIn(viewer);
        assertThat(browser.findAll("a[href='/ui/flags/new']")).as("no New flag link for a viewer").isEmpty();
    }

    @Test
    void descriptionsAndTagsWithMarkupRenderAsText() {
        String payload = "<script>alert(1)</script>\"><img src=x onerror=alert(1)> \u00e9\u4e2d\ud83d\ude80";
        String sql = payload.replace("'", "''");
        cp.db.execute("INSERT INTO flags (tenant_id, key, description, tags, variants) SELECT id, 'xss-flag', '"
                + sql + "', ARRAY['" + sql + "'], '{\"on\": true, \"off\": false}'::jsonb FROM tenants WHERE key ="
                + " 'bulk'");
        try {
            browser.signIn(bulk);
            browser.open("/ui/flags");
            browser.find("#q").sendKeys("onerror");
            browser.waitForText("#flag-count", "1 flag matches");
            WebElement row = browser.find("#flag-results tbody tr");
            assertThat(row.findElement(org.openqa.selenium.By.cssSelector(".description")).getText())
                    .isEqualTo(payload);
            assertThat(row.findElement(org.openqa.selenium.By.cssSelector(".tag")).getText())
                    .isEqualTo(payload.strip());
            assertThat(browser.script("return document.querySelectorAll('main img, main script').length"))
                    .isEqualTo(0L);
            assertThat(new Select(browser.find("#tag")).getOptions().stream().map(WebElement::getText))
                    .contains(payload.strip());
        } finally {
            cp.db.execute("DELETE FROM flags WHERE key = 'xss-flag'");
        }
    }
}
