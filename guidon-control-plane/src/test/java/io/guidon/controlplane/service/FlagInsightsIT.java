package io.guidon.controlplane.service;

import io.guidon.controlplane.ServiceRig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.ControlPlaneConfig;
import io.guidon.controlplane.TestDatabase;
import io.guidon.controlplane.api.AdminThreads;
import io.guidon.controlplane.api.Responses;
import io.guidon.controlplane.auth.ApiKeys;
import io.guidon.controlplane.db.Migrations;
import io.guidon.controlplane.domain.Actor;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.ReadableDiff;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.store.EnvironmentRepository;
import io.guidon.controlplane.store.ExposureRepository;
import io.guidon.controlplane.store.PgAuditLog;
import io.guidon.engine.Bucketing;
import io.guidon.engine.ErrorCode;
import io.guidon.engine.Evaluator;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.engine.Reason;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link FlagInsights} on a real PostgreSQL with the real services, exposures inserted as event ingest stores them:
 * impact estimates checked key by key against the engine's own bucketing, try it with the engine's explanation,
 * which flags use a segment, and the bounds of each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlagInsightsIT {

    private static final String ENV = "production";
    private static final String BOOL = "{'on': true, 'off': false}";

    ServiceRig rig;
    TestDatabase db;
    Vertx vertx;
    Pool pool;
    AdminThreads threads;
    Services services;
    FlagInsights insights;
    long tenantId;
    long envId;
    Actor actor;

    @BeforeAll
    void start() throws Exception {
        rig = ServiceRig.start(TestDatabase.createMigrated(), "guidon-insights-it", 2);
        db = rig.db;
        ControlPlaneConfig config = rig.config;
        new Migrations(config.database()).migrate();
        // Event partitions are made by the running server; a default partition takes this test's rows.
        db.execute("CREATE TABLE flag_exposures_default PARTITION OF flag_exposures DEFAULT");
        vertx = rig.vertx;
        pool = rig.pool;
        threads = rig.threads;
        services = Services.create(vertx, pool, new FlagDocumentCompiler(), new PgAuditLog(pool), e -> { },
                (id, version) -> { }, 100, new Responses(), new ApiKeys(),
                new io.guidon.controlplane.store.PgSightingLog(pool), config.rollouts());
        insights = services.insights();
        tenantId = rig.run(() -> services.keys().bootstrap("acme", "Acme", "admin")).tenantId();
        actor = new Actor(tenantId, "acme", null, "test", "it");
        envId = rig.run(() -> services.environments().create(actor, ENV, "Production", "", false)).id();
    }

    @AfterAll
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    private static JsonNode json(String text) {
        return StoredJson.parse(text.replace('\'', '"'));
    }

    private static ObjectNode object(String text) {
        return (ObjectNode) json(text);
    }

    /** A boolean flag configured in production with {@code config}. */
    private void flag(String key, String config) throws Exception {
        rig.run(() -> services.flags().create(actor, key, new FlagFields("", "", List.of(), json(BOOL), null, null), null,
                List.of()));
        rig.run(() -> services.flags().configure(actor, ENV, key, null, object(config), null, List.of()));
    }

    private static String rollout(int on) {
        return "{'enabled': true, 'offVariant': 'off', 'fallthrough': {'rollout': {'on': " + on + ", 'off': "
                + (100 - on) + "}}}";
    }

    /**
     * Exposures of {@code flag} in production: keys {@code prefix1..prefixN}, key i exposed i seconds ago and again
     * two hours earlier; 200 keys only 25 hours ago; and rows of other flags, environments and tenants.
     */
    private void exposures(String flag, String prefix, int n) {
        String insert = "INSERT INTO flag_exposures (tenant_id, environment_id, batch_id, occurred_at, flag, variant,"
                + " targeting_key) ";
        db.execute(insert + "SELECT " + tenantId + ", " + envId + ", gen_random_uuid(), now() - i * interval '1 s',"
                + " '" + flag + "', 'off', '" + prefix + "' || i FROM generate_series(1, " + n + ") i");
        db.execute(insert + "SELECT " + tenantId + ", " + envId + ", gen_random_uuid(), now() - interval '2 h'"
                + " - i * interval '1 s', '" + flag + "', 'off', '" + prefix + "' || i FROM generate_series(1, " + n
                + ") i");
        db.execute(insert + "SELECT " + tenantId + ", " + envId + ", gen_random_uuid(), now() - interval '25 h',"
                + " '" + flag + "', 'off', 'old-' || i FROM generate_series(1, 200) i");
        db.execute(insert + "SELECT " + tenantId + ", " + (envId + 1000) + ", gen_random_uuid(), now(), '" + flag
                + "', 'off', 'elsewhere-' || i FROM generate_series(1, 50) i");
        db.execute(insert + "SELECT " + (tenantId + 1000) + ", " + envId + ", gen_random_uuid(), now(), '" + flag
                + "', 'off', 'other-tenant-' || i FROM generate_series(1, 50) i");
        db.execute(insert + "SELECT " + tenantId + ", " + envId + ", gen_random_uuid(), now(), 'another-flag',"
                + " 'off', 'another-' || i FROM generate_series(1, 50) i");
    }

    /** The (from, to) counts the engine's bucketing gives keys {@code prefix1..prefixN} for two boolean rollouts. */
    private static Map<String, Integer> expected(String salt, String prefix, int n, int fromOn, int toOn) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int i = 1; i <= n; i++) {
            int bucket = Bucketing.bucket(salt, prefix + i);
            String from = bucket < fromOn * 1000 ? "on" : "off";
            String to = bucket < toOn * 1000 ? "on" : "off";
            out.merge(from + "->" + to, 1, Integer::sum);
        }
        return out;
    }

    private static Map<String, Integer> counts(FlagInsights.ChangeImpact impact) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (FlagInsights.Transition t : impact.transitions()) {
            out.put(t.from() + "->" + t.to(), t.count());
        }
        return out;
    }

    @Test
    void aRolloutFrom10To25PercentMovesExactlyTheKeysTheEngineBucketsBetween() throws Exception {
        flag("checkout", rollout(10));
        exposures("checkout", "user-", 1000);
        FlagInsights.ChangeImpact impact = rig.run(() -> insights.estimate(tenantId, ENV, "checkout",
                object(rollout(25))));
        Map<String, Integer> expected = expected("checkout", "user-", 1000, 10, 25);
        assertThat(impact.sampled()).isEqualTo(1000);
        assertThat(impact.capped()).isFalse();
        assertThat(impact.partial()).isFalse();
        assertThat(impact.otherAttributes()).isEmpty();
        assertThat(counts(impact)).isEqualTo(expected);
        assertThat(impact.changed()).isEqualTo(expected.get("off->on"));
        assertThat(impact.transitions().get(0)).isEqualTo(new FlagInsights.Transition("off", "on",
                expected.get("off->on")));
        assertThat(impact.transitions().stream().mapToInt(FlagInsights.Transition::count).sum()).isEqualTo(1000);
        assertThat(impact.changedShare()).isBetween(0.10, 0.20);
        assertThat(expected).doesNotContainKey("on->off");
        // Nothing was saved: the flag still serves 10 %, and an unchanged configuration changes nobody.
        FlagInsights.ChangeImpact same = rig.run(() -> insights.estimate(tenantId, ENV, "checkout",
                object(rollout(10))));
        assertThat(same.changed()).isZero();
        assertThat(same.transitions()).allMatch(t -> !t.changed());
        assertThat(same.version()).isEqualTo(impact.version());
    }

    @Test
    void aSampleIsTheMostRecentKeysAndSaysWhenItIsCut() throws Exception {
        flag("capped", rollout(50));
        exposures("capped", "u-", 1000);
        FlagInsights small = new FlagInsights(vertx, pool, new EnvironmentRepository(pool),
                new ExposureRepository(pool), new io.guidon.controlplane.domain.DocumentChanges(
                        new FlagDocumentCompiler()), new FlagDocumentCompiler(), new Evaluator(),
                InstantSource.system(), 2, 100, 100_000);
        FlagInsights.ChangeImpact byKeys = rig.run(() -> small.estimate(tenantId, ENV, "capped", object(rollout(0))));
        assertThat(byKeys.sampled()).isEqualTo(100);
        assertThat(byKeys.capped()).isTrue();
        assertThat(counts(byKeys)).isEqualTo(expected("capped", "u-", 100, 50, 0));

        FlagInsights fewRows = new FlagInsights(vertx, pool, new EnvironmentRepository(pool),
                new ExposureRepository(pool), new io.guidon.controlplane.domain.DocumentChanges(
                        new FlagDocumentCompiler()), new FlagDocumentCompiler(), new Evaluator(),
                InstantSource.system(), 2, 5000, 300);
        FlagInsights.ChangeImpact byRows = rig.run(() -> fewRows.estimate(tenantId, ENV, "capped", object(rollout(0))));
        assertThat(byRows.sampled()).as("the 300 newest rows are the latest exposures of keys 1..300").isEqualTo(300);
        assertThat(byRows.capped()).isTrue();
        assertThat(counts(byRows)).isEqualTo(expected("capped", "u-", 300, 50, 0));

        FlagInsights.ChangeImpact whole = rig.run(() -> insights.estimate(tenantId, ENV, "capped", object(rollout(0))));
        assertThat(whole.sampled()).as("1000 distinct keys, none older than 24 h, no other flag").isEqualTo(1000);
        assertThat(whole.capped()).isFalse();
    }

    @Test
    void aFlagWithoutExposuresHasAnEmptySample() throws Exception {
        flag("quiet", rollout(10));
        FlagInsights.ChangeImpact impact = rig.run(() -> insights.estimate(tenantId, ENV, "quiet", object(rollout(90))));
        assertThat(impact.sampled()).isZero();
        assertThat(impact.changed()).isZero();
        assertThat(impact.transitions()).isEmpty();
        assertThat(impact.changedShare()).isZero();
    }

    @Test
    void rulesOnOtherAttributesMakeTheEstimateOnlyCoverWhatTheTargetingKeyDecides() throws Exception {
        rig.run(() -> services.segments().put(actor, ENV, "pros", true, null, "", object("{'rules': [{'attribute':"
                + " 'plan', 'op': 'in', 'values': ['pro']}]}"), List.of()));
        flag("ruled", rollout(10));
        exposures("ruled", "r-", 300);
        String withRules = "{'enabled': true, 'offVariant': 'off', 'targets': [{'variant': 'on', 'values': ['r-1']}],"
                + " 'rules': [{'id': 'de', 'when': {'any': [{'attribute': 'country', 'op': 'in', 'values': ['DE']},"
                + " {'segment': 'pros'}]}, 'serve': {'variant': 'on'}}],"
                + " 'fallthrough': {'rollout': {'on': 25, 'off': 75}}}";
        FlagInsights.ChangeImpact impact = rig.run(() -> insights.estimate(tenantId, ENV, "ruled", object(withRules)));
        assertThat(impact.partial()).isTrue();
        assertThat(impact.otherAttributes()).containsExactly("country", "plan");
        Map<String, Integer> expected = new LinkedHashMap<>();
        for (int i = 1; i <= 300; i++) {
            int bucket = Bucketing.bucket("ruled", "r-" + i);
            String from = bucket < 10_000 ? "on" : "off";
            String to = i == 1 || bucket < 25_000 ? "on" : "off";
            expected.merge(from + "->" + to, 1, Integer::sum);
        }
        assertThat(counts(impact)).isEqualTo(expected);

        // A rollout by an attribute the sample lacks: every key is an error after the change, and said so.
        String byCompany = "{'enabled': true, 'offVariant': 'off', 'fallthrough': {'rollout': {'on': 50, 'off': 50},"
                + " 'bucketBy': 'companyId'}}";
        FlagInsights.ChangeImpact errors = rig.run(() -> insights.estimate(tenantId, ENV, "ruled", object(byCompany)));
        assertThat(errors.otherAttributes()).containsExactly("companyId");
        assertThat(errors.transitions()).allMatch(t -> t.to() == null);
        assertThat(errors.changed()).isEqualTo(300);
    }

    @Test
    void aConfigurationTheSaveWouldRefuseIsRefusedWithTheSamePlaces() throws Exception {
        flag("refused", rollout(10));
        DomainException e = (DomainException) org.assertj.core.api.Assertions.catchThrowable(() -> rig.run(
                () -> insights.estimate(tenantId, ENV, "refused", object("{'enabled': true, 'offVariant': 'off',"
                        + " 'fallthrough': {'rollout': {'on': 20, 'off': 90}}}"))));
        assertThat(e.kind()).isEqualTo(DomainException.Kind.INVALID);
        assertThat(e.violations()).extracting(v -> v.where().text()).allMatch(w -> w.startsWith("fallthrough"));
        assertThat(e.violations()).extracting(Violation::message).anyMatch(m -> m.contains("100"));
        DomainException unknown = (DomainException) org.assertj.core.api.Assertions.catchThrowable(() -> rig.run(
                () -> insights.estimate(tenantId, ENV, "refused", object("{'enabled': true, 'offVariant': 'nope',"
                        + " 'fallthrough': {'variant': 'on'}}"))));
        assertThat(unknown.violations()).extracting(v -> v.where().text()).containsExactly("offVariant");
        assertThatThrownBy(() -> rig.run(() -> insights.estimate(tenantId, ENV, "no-such-flag", object(rollout(1)))))
                .isInstanceOfSatisfying(DomainException.class,
                        x -> assertThat(x.kind()).isEqualTo(DomainException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> rig.run(() -> insights.estimate(tenantId, "staging", "refused", object(rollout(1)))))
                .isInstanceOfSatisfying(DomainException.class,
                        x -> assertThat(x.detail()).isEqualTo("no environment 'staging'"));
    }

    @Test
    void tryItExplainsWithTheEnginesTraceOnTheCurrentDocument() throws Exception {
        flag("explained", "{'enabled': true, 'offVariant': 'off', 'rules': [{'id': 'markup', 'when': {'attribute':"
                + " 'name', 'op': 'in', 'values': ['<script>alert(1)</script> \u00e9\ud83d\ude00']}, 'serve':"
                + " {'variant': 'on'}}], 'fallthrough': {'rollout': {'on': 30, 'off': 70}}}");
        FlagInsights.Explained matched = rig.run(() -> insights.explain(tenantId, ENV, "explained",
                json("{'targetingKey': 'user-7', 'name': '<script>alert(1)</script> \u00e9\ud83d\ude00'}")));
        assertThat(matched.variant()).isEqualTo("on");
        assertThat(matched.value()).isEqualTo(StoredJson.NODES.booleanNode(true));
        assertThat(matched.reason()).isEqualTo(Reason.TARGETING_MATCH);
        assertThat(matched.ruleId()).isEqualTo("markup");
        assertThat(matched.isError()).isFalse();
        assertThat(matched.trace().get("rules").get(0).get("matched").booleanValue()).isTrue();

        FlagInsights.Explained split = rig.run(() -> insights.explain(tenantId, ENV, "explained",
                json("{'targetingKey': 'user-7'}")));
        int bucket = Bucketing.bucket("explained", "user-7");
        assertThat(split.reason()).isEqualTo(Reason.SPLIT);
        assertThat(split.variant()).isEqualTo(bucket < 30_000 ? "on" : "off");
        assertThat(split.trace().get("serve").get("rollout").get("bucket").intValue()).isEqualTo(bucket);
        assertThat(split.trace().get("rules").get(0).get("matched").booleanValue()).isFalse();

        FlagInsights.Explained noKey = rig.run(() -> insights.explain(tenantId, ENV, "explained", null));
        assertThat(noKey.isError()).isTrue();
        assertThat(noKey.errorCode()).isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
        assertThat(noKey.value()).isNull();
        assertThat(noKey.reason()).isEqualTo(Reason.ERROR);
    }

    @Test
    void aNumberFlagsValueIsServedExactlyAsASidecarServesIt() throws Exception {
        rig.run(() -> services.flags().create(actor, "ratio", new FlagFields("", "", List.of(),
                json("{'normal': 2.0, 'sale': 0.5}"), null, null), null, List.of()));
        rig.run(() -> services.flags().configure(actor, ENV, "ratio", null, object("{'enabled': true, 'offVariant':"
                + " 'normal', 'rules': [{'id': 'big', 'when': {'attribute': 'seats', 'op': 'gte', 'values': [10]},"
                + " 'serve': {'variant': 'sale'}}], 'fallthrough': {'variant': 'normal'}}"), null, List.of()));
        FlagInsights.Explained normal = rig.run(() -> insights.explain(tenantId, ENV, "ratio", json("{'seats': 3}")));
        assertThat(StoredJson.write(normal.value())).isEqualTo("2.0");
        FlagInsights.Explained sale = rig.run(() -> insights.explain(tenantId, ENV, "ratio", json("{'seats': 10.0}")));
        assertThat(sale.variant()).isEqualTo("sale");
        assertThat(StoredJson.write(sale.value())).isEqualTo("0.5");
    }

    @Test
    void aContextThatIsNotAnObjectOrTooLargeIsInvalidNamingIt() throws Exception {
        flag("ctx", rollout(50));
        for (String bad : List.of("[1, 2]", "'user-1'", "null", "42")) {
            assertThatThrownBy(() -> rig.run(() -> insights.explain(tenantId, ENV, "ctx", json(bad))))
                    .as(bad).isInstanceOfSatisfying(DomainException.class, e -> {
                        assertThat(e.kind()).isEqualTo(DomainException.Kind.INVALID);
                        assertThat(e.violations()).extracting(v -> v.where().toString()).containsExactly("/context");
                        assertThat(e.detail()).startsWith("context: must be a JSON object");
                    });
        }
        ObjectNode large = StoredJson.object();
        for (int i = 0; i < 700; i++) {
            large.put("attribute-" + i, "x".repeat(100));
        }
        assertThatThrownBy(() -> rig.run(() -> insights.explain(tenantId, ENV, "ctx", large)))
                .isInstanceOfSatisfying(DomainException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DomainException.Kind.INVALID);
                    assertThat(e.violations().get(0).where().toString()).isEqualTo("/context");
                    assertThat(e.violations().get(0).message()).contains("bytes").contains("65536");
                });
        ObjectNode deep = StoredJson.object();
        ObjectNode inner = deep.putObject("a");
        for (int i = 0; i < 20; i++) {
            inner = inner.putObject("a");
        }
        assertThatThrownBy(() -> rig.run(() -> insights.explain(tenantId, ENV, "ctx", deep)))
                .isInstanceOfSatisfying(DomainException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DomainException.Kind.INVALID);
                    assertThat(e.violations().get(0).where().toString()).startsWith("/context/a/a");
                });
        assertThatThrownBy(() -> rig.run(() -> insights.explain(tenantId, ENV, "ctx", json("{'targetingKey': 7}"))))
                .isInstanceOfSatisfying(DomainException.class, e -> {
                    assertThat(e.violations()).containsExactly(new Violation(
                            io.guidon.json.Pointer.of("context", "targetingKey"), "must be a string, not a number"));
                });
        assertThatThrownBy(() -> rig.run(() -> insights.explain(tenantId, ENV, "no-such-flag", null)))
                .isInstanceOfSatisfying(DomainException.class,
                        e -> assertThat(e.kind()).isEqualTo(DomainException.Kind.NOT_FOUND));
    }

    @Test
    void compiledDocumentsAreReusedUntilTheVersionMoves() throws Exception {
        flag("cached", "{'enabled': false, 'offVariant': 'off', 'fallthrough': {'variant': 'on'}}");
        long loads = insights.documentLoads();
        FlagInsights.Explained off = rig.run(() -> insights.explain(tenantId, ENV, "cached", null));
        FlagInsights.Explained again = rig.run(() -> insights.explain(tenantId, ENV, "cached", null));
        assertThat(off.variant()).isEqualTo("off");
        assertThat(off.reason()).isEqualTo(Reason.DISABLED);
        assertThat(again.version()).isEqualTo(off.version());
        assertThat(insights.documentLoads()).isEqualTo(loads + 1);
        rig.run(() -> services.flags().toggle(actor, ENV, "cached", null, true));
        FlagInsights.Explained on = rig.run(() -> insights.explain(tenantId, ENV, "cached", null));
        assertThat(on.version()).isEqualTo(off.version() + 1);
        assertThat(on.variant()).isEqualTo("on");
        assertThat(insights.documentLoads()).isEqualTo(loads + 2);
    }

    @Test
    void theFlagsUsingASegmentAreFoundInNestedConditionsAndThroughOtherSegments() throws Exception {
        rig.run(() -> services.segments().put(actor, ENV, "staff", true, null, "", object("{'rules': [{'attribute':"
                + " 'email', 'op': 'endsWith', 'values': ['@guidon.io']}]}"), List.of()));
        rig.run(() -> services.segments().put(actor, ENV, "testers", true, null, "", object("{'included': ['u1'],"
                + " 'rules': [{'segment': 'staff'}]}"), List.of()));
        rig.run(() -> services.segments().put(actor, ENV, "unused", true, null, "", object("{'included': ['u2']}"),
                List.of()));
        flag("nested", "{'enabled': true, 'offVariant': 'off', 'rules': [{'id': 'x', 'when': {'all': [{'attribute':"
                + " 'country', 'op': 'in', 'values': ['DE']}, {'not': {'any': [{'segment': 'testers'}]}}]},"
                + " 'serve': {'variant': 'on'}}], 'fallthrough': {'variant': 'off'}}");
        flag("direct", "{'enabled': true, 'offVariant': 'off', 'rules': [{'id': 'y', 'when': {'segment': 'staff'},"
                + " 'serve': {'variant': 'on'}}], 'fallthrough': {'variant': 'off'}}");
        assertThat(rig.run(() -> insights.flagsUsing(tenantId, ENV, "testers"))).containsExactly("nested");
        assertThat(rig.run(() -> insights.flagsUsing(tenantId, ENV, "staff"))).containsExactly("direct", "nested");
        assertThat(rig.run(() -> insights.flagsUsing(tenantId, ENV, "unused"))).isEmpty();
        var usage = rig.run(() -> insights.segmentUsage(tenantId, ENV));
        assertThat(usage.get("staff").flags()).containsExactly("direct");
        assertThat(usage.get("staff").segments()).containsExactly("testers");
        assertThat(usage.get("staff").flagsThroughSegments()).containsExactly("nested");
        assertThat(usage.get("unused").unused()).isTrue();
        assertThatThrownBy(() -> rig.run(() -> insights.flagsUsing(tenantId, ENV, "nope")))
                .isInstanceOfSatisfying(DomainException.class,
                        e -> assertThat(e.kind()).isEqualTo(DomainException.Kind.NOT_FOUND));
    }

    @Test
    void theAuditEntriesOfRealChangesDiffReadably() throws Exception {
        flag("audited", rollout(10));
        rig.run(() -> services.flags().rollout(actor, ENV, "audited", null, StoredJson.NODES.numberNode(25), null, null,
                List.of()));
        var page = rig.run(() -> services.audit().list(tenantId, new AuditService.Query("flag", "audited", null, null,
                null, null, null), 10));
        JsonNode latest = page.items().get(0);
        assertThat(latest.get("action").asText()).isEqualTo("flag.rollout");
        List<String> lines = new ArrayList<>();
        for (ReadableDiff.Change c : ReadableDiff.between(latest.get("before"), latest.get("after"))) {
            lines.add(c.kind() + " " + c.path() + " " + c.before() + " -> " + c.after());
        }
        assertThat(lines).contains("CHANGED /fallthrough/rollout/on 10 -> 25",
                "CHANGED /fallthrough/rollout/off 90 -> 75");
        JsonNode created = page.items().get(page.items().size() - 1);
        assertThat(created.get("action").asText()).isEqualTo("flag.create");
        assertThat(ReadableDiff.between(created.get("before"), created.get("after")))
                .isNotEmpty().allMatch(c -> c.kind() == ReadableDiff.Kind.ADDED && c.path().size() == 1);
    }

    @Test
    void theDiffOfAProposedConfigurationNamesEachChange() throws Exception {
        flag("diffed", rollout(10));
        List<ReadableDiff.Change> changes = rig.run(() -> insights.diff(tenantId, ENV, "diffed", object(rollout(25))));
        List<String> lines = new ArrayList<>();
        for (ReadableDiff.Change c : changes) {
            lines.add(c.kind() + " " + c.path() + " " + c.before() + " -> " + c.after());
        }
        assertThat(lines).containsExactly("CHANGED /fallthrough/rollout/on 10 -> 25",
                "CHANGED /fallthrough/rollout/off 90 -> 75");
    }
}
