package io.guidon.controlplane.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guidon.controlplane.ControlPlaneConfig;
import io.guidon.controlplane.ControlPlaneMain;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.FlagSort;
import io.guidon.controlplane.store.FlagOverviewRepository;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The flag list's read model against a real control plane and PostgreSQL: flags, environments and configurations
 * made through the admin API, day totals written directly (at a fixed clock) and through event ingest (at the real
 * one). Search, the tag filter, every sort with its tie-break, paging with totals, what each environment shows, the
 * evaluations of the last 24 hours, tenant isolation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlagOverviewIT {

    /** Far from the real date: ingested events (always near now) never fall into this window. */
    static final Instant NOW = Instant.parse("2030-06-15T06:00:00Z");

    Harness cp;
    String admin;
    String otherAdmin;
    long acme;
    long other;
    Vertx vertx;
    Pool pool;
    FlagOverviewService overview;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of());
        admin = cp.bootstrap("acme");
        otherAdmin = cp.bootstrap("other");
        // Created out of order: the columns come by key.
        for (String env : List.of("production", "staging", "dev")) {
            ok(cp.post("/api/v1/environments", admin, Map.of("key", env, "name", "The " + env)), 201);
        }
        ok(cp.post("/api/v1/environments", otherAdmin, Map.of("key", "production")), 201);

        flag(admin, "checkout", "New checkout flow", "web", "payments");
        flag(admin, "search-v2", "Faster SEARCH", "web");
        flag(admin, "ios-onboarding", "Onboarding for iOS", "mobile", "Beta");
        flag(admin, "legacy_banner", "100% off banner");
        flagNamed(admin, "orphan", "Zebra Stripes", "has no configuration in dev");
        for (int i = 0; i < 12; i++) {
            flag(admin, String.format("bulk-%03d", i), "bulk flag " + i, "bulk");
        }
        // The other tenant: same key, same tag, and traffic that must never show in acme's list.
        flag(otherAdmin, "checkout", "Other tenant's checkout", "web", "bulk");

        ok(cp.put("/api/v1/environments/production/flags/checkout", admin, Map.of("enabled", true,
                "offVariant", "off",
                "targets", List.of(Map.of("variant", "on", "values", List.of("user-1", "user-2")),
                        Map.of("variant", "off", "values", List.of("user-3"))),
                "rules", List.of(rule("de", "DE", Map.of("variant", "on")),
                        rule("fr", "FR", Map.of("rollout", Map.of("on", 50, "off", 50)))),
                "fallthrough", Map.of("rollout", ordered("on", 25, "off", 75))), "If-Match", "\"1\""), 200);
        ok(cp.put("/api/v1/environments/staging/flags/checkout", admin, Map.of("enabled", true,
                "offVariant", "off", "fallthrough", Map.of("variant", "on")), "If-Match", "\"1\""), 200);
        ok(cp.put("/api/v1/environments/production/flags/search-v2", admin, Map.of("enabled", true,
                "offVariant", "off", "fallthrough", Map.of("rollout", ordered("on", 33.333, "off", 66.667),
                        "bucketBy", "companyId")), "If-Match", "\"1\""), 200);

        acme = id("SELECT id FROM tenants WHERE key = 'acme'");
        other = id("SELECT id FROM tenants WHERE key = 'other'");
        cp.db.execute("DELETE FROM flag_configs WHERE flag_id = (SELECT id FROM flags WHERE key = 'orphan')"
                + " AND environment_id = (SELECT id FROM environments WHERE key = 'dev')");

        ControlPlaneConfig config = ControlPlaneConfig.load(null, Map.of(),
                Harness.settings(cp.db, cp.redisPrefix, Map.of())).config();
        vertx = Vertx.vertx();
        pool = ControlPlaneMain.pool(vertx, config.database());
        overview = new FlagOverviewService(new FlagOverviewRepository(pool), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterAll
    void stop() {
        if (pool != null) {
            pool.close();
        }
        if (vertx != null) {
            vertx.close();
        }
        cp.close();
    }

    // ---------------------------------------------------------------- helpers

    static void ok(Resp r, int status) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
    }

    /** A JSON object whose members are sent in the order given: a rollout's order is its bucket order. */
    static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }

    void flag(String key, String flag, String description, String... tags) {
        flagNamed(key, flag, null, description, tags);
    }

    void flagNamed(String key, String flag, String name, String description, String... tags) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (name != null) {
            body.put("name", name);
        }
        body.put("key", flag);
        body.put("description", description);
        body.put("tags", List.of(tags));
        body.put("variants", Map.of("on", true, "off", false));
        ok(cp.post("/api/v1/flags", key, body), 201);
    }

    static Map<String, Object> rule(String id, String country, Map<String, Object> serve) {
        return Map.of("id", id, "when", Map.of("attribute", "country", "op", "in", "values", List.of(country)),
                "serve", serve);
    }

    long id(String sql) {
        try (Connection c = cp.db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(sql + ": " + e, e);
        }
    }

    OffsetDateTime time(String sql) {
        try (Connection c = cp.db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class);
        } catch (Exception e) {
            throw new IllegalStateException(sql + ": " + e, e);
        }
    }

    /** Runs {@code work} on a virtual thread, as the admin threads do, and returns its result or throws its failure. */
    static <T> T onVirtualThread(Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(work, r -> Thread.ofVirtual().start(r)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    Overview list(OverviewQuery q) {
        return onVirtualThread(() -> overview.list(acme, q));
    }

    static List<String> keys(Overview o) {
        return o.flags().stream().map(Overview.FlagRow::key).toList();
    }

    static Overview.FlagRow row(Overview o, String key) {
        return o.flags().stream().filter(f -> f.key().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError(key + " not in " + keys(o)));
    }

    static OverviewQuery query(String q, String tag, String sort, String direction, String page, String size) {
        return new OverviewQuery(q, tag, sort, direction, page, size);
    }

    /** A day-totals row of acme's environment {@code env}, as a batch's upsert leaves it. */
    void totals(String env, String flag, String day, String variant, int stripe, long evaluations) {
        totals(acme, env, flag, day, variant, stripe, evaluations);
    }

    void totals(long tenant, String env, String flag, String day, String variant, int stripe, long evaluations) {
        cp.db.execute("INSERT INTO flag_daily_totals (tenant_id, environment_id, flag, day, variant, stripe,"
                + " evaluations, exposures) SELECT " + tenant + ", id, '" + flag + "', DATE '" + day + "', '" + variant
                + "', " + stripe + ", " + evaluations + ", 0 FROM environments WHERE tenant_id = " + tenant
                + " AND key = '" + env + "'");
    }

    // ---------------------------------------------------------------- environments and what they show

    @Test
    void everyEnvironmentIsAColumnByKeyAndEachRowHasOneStatePerColumn() {
        Overview o = list(OverviewQuery.search("checkout"));

        assertThat(o.environments()).containsExactly(new Overview.EnvironmentColumn("dev", "The dev"),
                new Overview.EnvironmentColumn("production", "The production"),
                new Overview.EnvironmentColumn("staging", "The staging"));
        Overview.FlagRow checkout = row(o, "checkout");
        assertThat(checkout.description()).isEqualTo("New checkout flow");
        assertThat(checkout.tags()).containsExactly("web", "payments");
        assertThat(checkout.environments()).extracting(Overview.EnvironmentState::environment)
                .containsExactly("dev", "production", "staging");

        Overview.EnvironmentState dev = checkout.environments().get(0);
        assertThat(dev.enabled()).isFalse();
        assertThat(dev.configured()).isTrue();
        assertThat(dev.serves()).isEqualTo(Served.variant("off"));
        assertThat(dev.rules()).isZero();
        assertThat(dev.targets()).isZero();

        Overview.EnvironmentState production = checkout.environments().get(1);
        assertThat(production.enabled()).isTrue();
        assertThat(production.serves().isRollout()).isTrue();
        assertThat(production.serves().summary()).isEqualTo("on 25%, off 75%");
        assertThat(production.rules()).isEqualTo(2);
        assertThat(production.targets()).isEqualTo(3);

        Overview.EnvironmentState staging = checkout.environments().get(2);
        assertThat(staging.enabled()).isTrue();
        assertThat(staging.serves().summary()).isEqualTo("on");
        assertThat(staging.rules()).isZero();
    }

    @Test
    void aRolloutShowsDecimalsAndItsBucketingAttribute() {
        Overview.EnvironmentState production = row(list(OverviewQuery.search("search-v2")), "search-v2")
                .environments().get(1);
        assertThat(production.serves().rollout()).extracting(Served.Share::variant).containsExactly("on", "off");
        assertThat(production.serves().summary()).isEqualTo("on 33.333%, off 66.667% by companyId");
    }

    @Test
    void aFlagWithoutAConfigurationInAnEnvironmentKeepsItsColumnAndSaysSo() {
        Overview.FlagRow orphan = row(list(OverviewQuery.search("orphan")), "orphan");
        assertThat(orphan.environments()).hasSize(3);
        Overview.EnvironmentState dev = orphan.environments().get(0);
        assertThat(dev.environment()).isEqualTo("dev");
        assertThat(dev.configured()).isFalse();
        assertThat(dev.enabled()).isFalse();
        assertThat(dev.serves().summary()).isEmpty();
        assertThat(orphan.environments().get(1).configured()).isTrue();
    }

    @Test
    void theLatestChangeIsTheNewestOfTheDefinitionAndItsConfigurations() {
        OffsetDateTime definition = time("SELECT updated_at FROM flags WHERE key = 'checkout' AND tenant_id = " + acme);
        OffsetDateTime staging = time("SELECT c.updated_at FROM flag_configs c JOIN environments e"
                + " ON e.id = c.environment_id WHERE e.key = 'staging' AND e.tenant_id = " + acme
                + " AND c.flag_id = (SELECT id FROM flags WHERE key = 'checkout' AND tenant_id = " + acme + ")");
        assertThat(staging).isAfter(definition);

        OffsetDateTime shown = row(list(OverviewQuery.search("checkout")), "checkout").updatedAt();

        assertThat(shown).isEqualTo(staging);
    }

    // ---------------------------------------------------------------- search and tags

    @Test
    void theSearchIsACaseInsensitiveSubstringOfKeyDescriptionOrATag() {
        assertThat(keys(list(OverviewQuery.search("CHECK")))).containsExactly("checkout");
        // "search" in the key, "SEARCH" in the description: one flag, once.
        assertThat(keys(list(OverviewQuery.search("search")))).containsExactly("search-v2");
        assertThat(keys(list(OverviewQuery.search("for ios")))).containsExactly("ios-onboarding");
        assertThat(keys(list(OverviewQuery.search("bet")))).containsExactly("ios-onboarding");
        assertThat(keys(list(OverviewQuery.search("payment")))).containsExactly("checkout");
        assertThat(keys(list(OverviewQuery.search("  onboard  ")))).containsExactly("ios-onboarding");
        Overview o = list(OverviewQuery.search("O"));
        assertThat(keys(o)).containsExactly("checkout", "ios-onboarding", "legacy_banner", "orphan");
        assertThat(o.total()).isEqualTo(4);
        assertThat(o.criteria().q()).isEqualTo("O");
    }

    @Test
    void theSearchMatchesAFlagsDisplayNameAndTheRowCarriesIt() {
        Overview o = list(OverviewQuery.search("zebra str"));
        assertThat(keys(o)).containsExactly("orphan");
        assertThat(row(o, "orphan").name()).isEqualTo("Zebra Stripes");
        assertThat(row(list(OverviewQuery.search("checkout")), "checkout").name()).isEmpty();
    }

    @Test
    void wildcardsInTheSearchAreLiteralAndTagsAreMatchedOneByOne() {
        assertThat(keys(list(OverviewQuery.search("%")))).containsExactly("legacy_banner");
        assertThat(keys(list(OverviewQuery.search("_")))).containsExactly("legacy_banner");
        assertThat(keys(list(OverviewQuery.search("100% off")))).containsExactly("legacy_banner");
        // Tags web and payments are two texts, not "webpayments".
        assertThat(keys(list(OverviewQuery.search("webpay")))).isEmpty();
        // Targeting keys and rule values are not searched.
        assertThat(keys(list(OverviewQuery.search("user-3")))).isEmpty();
    }

    @Test
    void aSearchThatFindsNothingIsOneEmptyPageWithTheColumns() {
        Overview o = list(OverviewQuery.search("no-such-flag"));
        assertThat(o.flags()).isEmpty();
        assertThat(o.total()).isZero();
        assertThat(o.pageCount()).isEqualTo(1);
        assertThat(o.criteria().page()).isZero();
        assertThat(o.hasNext()).isFalse();
        assertThat(o.hasPrevious()).isFalse();
        assertThat(o.environments()).hasSize(3);
        // Asked for a later page (the search narrowed while the list was on page 4): the one empty page.
        Overview later = list(query("no-such-flag", null, "evaluations", null, "3", null));
        assertThat(later.flags()).isEmpty();
        assertThat(later.total()).isZero();
        assertThat(later.criteria().page()).isZero();
    }

    @Test
    void theTagFilterIsExactAndCombinesWithTheSearch() {
        assertThat(keys(list(query(null, "web", null, null, null, null)))).containsExactly("checkout", "search-v2");
        assertThat(keys(list(query(null, "Web", null, null, null, null)))).isEmpty();
        assertThat(keys(list(query(null, "we", null, null, null, null)))).isEmpty();
        assertThat(keys(list(query("faster", "web", null, null, null, null)))).containsExactly("search-v2");
        assertThat(keys(list(query("faster", "mobile", null, null, null, null)))).isEmpty();
    }

    @Test
    void theTagsAreEveryDistinctTagOfTheTenantByCodePoint() {
        assertThat(onVirtualThread(() -> overview.tags(acme)))
                .containsExactly("Beta", "bulk", "mobile", "payments", "web");
        assertThat(onVirtualThread(() -> overview.tags(other))).containsExactly("bulk", "web");
    }

    @Test
    void anotherTenantsFlagsNeverShow() {
        Overview all = list(query(null, null, null, null, null, "200"));
        assertThat(all.total()).isEqualTo(17);
        assertThat(keys(all)).doesNotHaveDuplicates().contains("checkout");
        assertThat(row(all, "checkout").description()).isEqualTo("New checkout flow");
        Overview theirs = onVirtualThread(() -> overview.list(other, OverviewQuery.all()));
        assertThat(keys(theirs)).containsExactly("checkout");
        assertThat(theirs.environments()).extracting(Overview.EnvironmentColumn::key).containsExactly("production");
        assertThat(row(theirs, "checkout").environments()).hasSize(1);
    }

    // ---------------------------------------------------------------- paging

    @Test
    void pagesCoverEveryMatchOnceInOrderWithTheTotal() {
        List<String> seen = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            Overview o = list(query(null, "bulk", null, null, Integer.toString(p), "5"));
            assertThat(o.total()).isEqualTo(12);
            assertThat(o.pageCount()).isEqualTo(3);
            assertThat(o.criteria().page()).isEqualTo(p);
            assertThat(o.hasPrevious()).isEqualTo(p > 0);
            assertThat(o.hasNext()).isEqualTo(p < 2);
            assertThat(o.flags()).hasSize(p < 2 ? 5 : 2);
            seen.addAll(keys(o));
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            expected.add(String.format("bulk-%03d", i));
        }
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void aPageBeyondTheLastReadsTheLastAndSaysSo() {
        Overview o = list(query(null, "bulk", null, null, "7", "5"));
        assertThat(o.criteria().page()).isEqualTo(2);
        assertThat(keys(o)).containsExactly("bulk-010", "bulk-011");
        assertThat(o.criteria().toQuery(1)).isEqualTo(query(null, "bulk", "key", "asc", "1", "5"));
    }

    @Test
    void theDefaultPageIsFiftyAndTheLargestTwoHundred() {
        Overview o = list(OverviewQuery.all());
        assertThat(o.criteria().pageSize()).isEqualTo(50);
        assertThat(o.flags()).hasSize(17);
        assertThatThrownBy(() -> list(query(null, null, null, null, null, "201")))
                .isInstanceOfSatisfying(DomainException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DomainException.Kind.INVALID_PARAMETER);
                    assertThat(e.violations()).extracting(v -> v.where().text()).containsExactly("pageSize");
                });
        assertThatThrownBy(() -> list(query(null, null, "name", null, "-1", null)))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.violations())
                        .extracting(v -> v.where().text()).containsExactly("sort", "page"));
    }

    // ---------------------------------------------------------------- sorting

    @Test
    void keysSortByCodePointEitherWay() {
        List<String> asc = keys(list(query(null, null, "key", "asc", null, null)));
        List<String> desc = keys(list(query(null, null, "key", "desc", null, null)));
        assertThat(asc).isSorted().hasSize(17);
        assertThat(desc).containsExactlyElementsOf(asc.reversed());
    }

    @Test
    void theLatestChangeSortsNewestFirstAndTiesGoByKey() {
        // Every bulk flag changed at the same instant, but bulk-007 (a configuration) and bulk-003 (the definition)
        // later: the ties in between come by key, in both directions, on every page.
        cp.db.execute("UPDATE flags SET updated_at = TIMESTAMPTZ '2030-01-01 00:00:00Z' WHERE key LIKE 'bulk-%'");
        cp.db.execute("UPDATE flag_configs SET updated_at = TIMESTAMPTZ '2030-01-01 00:00:00Z'"
                + " WHERE flag_id IN (SELECT id FROM flags WHERE key LIKE 'bulk-%')");
        cp.db.execute("UPDATE flag_configs SET updated_at = TIMESTAMPTZ '2030-01-03 00:00:00Z'"
                + " WHERE flag_id = (SELECT id FROM flags WHERE key = 'bulk-007')"
                + " AND environment_id = (SELECT id FROM environments WHERE key = 'staging')");
        cp.db.execute("UPDATE flags SET updated_at = TIMESTAMPTZ '2030-01-02 00:00:00Z' WHERE key = 'bulk-003'");

        List<String> desc = new ArrayList<>();
        List<String> asc = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            desc.addAll(keys(list(query(null, "bulk", "updated", null, Integer.toString(p), "5"))));
            asc.addAll(keys(list(query(null, "bulk", "updated", "asc", Integer.toString(p), "5"))));
        }

        assertThat(desc).containsExactly("bulk-007", "bulk-003", "bulk-000", "bulk-001", "bulk-002", "bulk-004",
                "bulk-005", "bulk-006", "bulk-008", "bulk-009", "bulk-010", "bulk-011");
        assertThat(asc).containsExactly("bulk-000", "bulk-001", "bulk-002", "bulk-004", "bulk-005", "bulk-006",
                "bulk-008", "bulk-009", "bulk-010", "bulk-011", "bulk-003", "bulk-007");
        Overview first = list(query(null, "bulk", "updated", null, null, "5"));
        assertThat(first.flags().get(0).updatedAt()).isEqualTo(OffsetDateTime.parse("2030-01-03T00:00:00Z"));
        assertThat(first.flags().get(1).updatedAt()).isEqualTo(OffsetDateTime.parse("2030-01-02T00:00:00Z"));
        assertThat(first.criteria().sort()).isEqualTo(FlagSort.UPDATED);
        assertThat(first.criteria().descending()).isTrue();
    }

    // ---------------------------------------------------------------- evaluations in the last 24 hours

    @Test
    void evaluationsAreTodayWholeAndYesterdayByItsShareOverEveryEnvironmentAndStripe() {
        // NOW is 06:00 UTC: today (2030-06-15) counts whole, three quarters of yesterday are in the window.
        totals("production", "bulk-004", "2030-06-15", "on", 0, 100);
        totals("production", "bulk-004", "2030-06-15", "on", 3, 20);
        totals("production", "bulk-004", "2030-06-15", "off", 0, 5);
        totals("staging", "bulk-004", "2030-06-15", "off", 0, 30);
        totals("production", "bulk-004", "2030-06-14", "on", 0, 400);
        // Outside the window: the day before yesterday, and tomorrow (a sidecar's clock ahead).
        totals("production", "bulk-004", "2030-06-13", "on", 0, 10_000);
        totals("dev", "bulk-004", "2030-06-16", "on", 0, 5_000);
        totals("dev", "bulk-009", "2030-06-14", "on", 0, 3);
        // A key of no flag (deleted), and the other tenant's flag of the same key as one of ours.
        totals("production", "gone", "2030-06-15", "on", 0, 1_000_000);
        totals(other, "production", "bulk-001", "2030-06-15", "on", 0, 1_000_000);

        Overview o = list(query(null, "bulk", "evaluations", null, null, "5"));

        assertThat(row(o, "bulk-004").evaluations24h()).isEqualTo(100 + 20 + 5 + 30 + 300);
        assertThat(row(o, "bulk-009").evaluations24h()).isEqualTo(2); // 3 x 0.75 = 2.25
        assertThat(keys(o)).containsExactly("bulk-004", "bulk-009", "bulk-000", "bulk-001", "bulk-002");
        assertThat(row(o, "bulk-001").evaluations24h()).isZero();
        // Ascending: the zeros by key, then the busiest last; sorted by key, the page computes the same figures.
        List<String> asc = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            asc.addAll(keys(list(query(null, "bulk", "evaluations", "asc", Integer.toString(p), "5"))));
        }
        assertThat(asc).endsWith("bulk-011", "bulk-009", "bulk-004").startsWith("bulk-000", "bulk-001");
        Overview byKey = list(query("bulk-00", null, null, null, null, null));
        assertThat(row(byKey, "bulk-004").evaluations24h()).isEqualTo(455);
        assertThat(row(byKey, "bulk-009").evaluations24h()).isEqualTo(2);
    }

    @Test
    void evaluationsIngestedFromASidecarShowAtTheRealClock() {
        Resp key = cp.createKey(admin, "sidecar", "sidecar", "production");
        ok(key, 201);
        Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).minusSeconds(120);
        Map<String, Object> batch = new LinkedHashMap<>();
        batch.put("batchId", UUID.randomUUID().toString());
        batch.put("sidecarId", UUID.randomUUID().toString());
        batch.put("createdAt", Instant.now().toString());
        batch.put("counts", List.of(
                Map.of("flag", "ios-onboarding", "variant", "on", "minute", minute.toString(), "count", 7),
                Map.of("flag", "ios-onboarding", "variant", "off", "minute", minute.toString(), "count", 5)));
        batch.put("exposures", List.of());
        batch.put("conversions", List.of());
        ok(cp.post("/api/v1/events", key.json().get("key").asText(), batch), 202);

        FlagOverviewService now = new FlagOverviewService(new FlagOverviewRepository(pool), Clock.systemUTC());
        Overview o = onVirtualThread(() -> now.list(acme, OverviewQuery.search("ios")));

        assertThat(row(o, "ios-onboarding").evaluations24h()).isEqualTo(12);
        Overview busiest = onVirtualThread(() -> now.list(acme, OverviewQuery.all().sortedBy("evaluations", null)));
        assertThat(keys(busiest).get(0)).isEqualTo("ios-onboarding");
    }
}
