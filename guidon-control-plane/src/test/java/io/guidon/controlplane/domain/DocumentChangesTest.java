package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.engine.FlagSet;
import io.guidon.json.Pointer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pure step of every change to an environment's document, with no database: each kind of change applied, the
 * engine's verdict on the result, and each violation placed for the request that made the change (relative to the
 * flag or segment it changes, under {@code environments/<env>} for what a definition breaks elsewhere, or with
 * what still needs a deleted flag or segment).
 */
class DocumentChangesTest {

    private final DocumentChanges changes = new DocumentChanges(new FlagDocumentCompiler());

    private static JsonNode json(String text) {
        return StoredJson.parse(text.replace('\'', '"'));
    }

    private static ObjectNode object(String text) {
        return (ObjectNode) json(text);
    }

    private static FlagDefinition flag(String key, String variants) {
        return new FlagDefinition(1, key, "", "", List.of(), json(variants), null, null, 1, null, null);
    }

    private static final String BOOL = "{'on': true, 'off': false}";

    /** A document of production: a boolean flag "checkout", a flag "dependent" that needs it, a segment "beta". */
    private static EnvironmentDocument production() {
        EnvironmentDocument d = new EnvironmentDocument();
        d.flags.put("checkout", flag("checkout", BOOL));
        d.configs.put("checkout", EnvironmentDocument.defaultConfig(json(BOOL), null));
        d.flags.put("dependent", flag("dependent", BOOL));
        d.configs.put("dependent", object("{'enabled': true, 'offVariant': 'off', 'prerequisites': [{'flag':"
                + " 'checkout', 'variant': 'on'}], 'rules': [{'id': 'beta-first', 'when': {'segment': 'beta'},"
                + " 'serve': {'variant': 'on'}}], 'fallthrough': {'variant': 'off'}}"));
        d.segments.put("beta", new Segment(1, "beta", "", object("{'included': ['u1']}"), 1, null, null));
        return d;
    }

    private static List<String> texts(DocumentChanges.Outcome o) {
        return o.violations().stream().map(v -> v.where().text()).toList();
    }

    @Test
    void aNewFlagIsAddedWithItsConfigurationAndNamedAsChanged() {
        EnvironmentDocument before = production();
        FlagDefinition def = flag("banner", "{'blue': 'b', 'red': 'r'}");
        DocumentChanges.Outcome o = changes.apply("production", before, null,
                new DocumentChange.CreateFlag(def, EnvironmentDocument.defaultConfig(def.variants(), null)));

        assertThat(o.ok()).isTrue();
        assertThat(o.document().flags).containsKey("banner");
        assertThat(o.document().configs.get("banner").get("offVariant").textValue()).isEqualTo("blue");
        assertThat(o.flagSet().flag("banner")).isNotNull();
        assertThat(o.changedFlags()).contains("banner");
        // Pure: the document it started from is untouched.
        assertThat(before.flags).doesNotContainKey("banner");
    }

    @Test
    void aNewFlagsErrorsInItsDefinitionAreTheRequestsOthersNameTheEnvironment() {
        FlagDefinition def = new FlagDefinition(0, "banner", "", "", List.of(), json(BOOL), json("[1]"), null, 1, null,
                null);
        ObjectNode config = object("{'enabled': false, 'offVariant': 'off', 'fallthrough': {'variant': 'nope'}}");
        DocumentChanges.Outcome o = changes.apply("production", production(), null,
                new DocumentChange.CreateFlag(def, config));

        assertThat(o.ok()).isFalse();
        assertThat(texts(o)).contains("metadata", "environments.production.flags.banner.fallthrough.variant");
        Violation elsewhere = o.violations().stream().filter(v -> v.where().size() > 1).findFirst().orElseThrow();
        assertThat(elsewhere.where()).isEqualTo(Pointer.of("environments", "production", "flags", "banner",
                "fallthrough", "variant"));
    }

    @Test
    void aDefinitionThatBreaksTheConfigurationOfAnEnvironmentNamesItThere() {
        DocumentChanges.Outcome o = changes.apply("staging", production(), null,
                new DocumentChange.UpdateFlagDefinition(flag("checkout", "{'yes': true, 'no': false}")));

        assertThat(o.ok()).isFalse();
        assertThat(texts(o)).contains("environments.staging.flags.checkout.offVariant",
                "environments.staging.flags.checkout.fallthrough.variant");
    }

    @Test
    void aValidDefinitionChangeNamesTheFlagsWhoseEvaluationChanges() {
        EnvironmentDocument before = production();
        FlagDefinition tagged = new FlagDefinition(1, "checkout", "", "now described", List.of("team-a"), json(BOOL),
                null, null, 2, null, null);
        DocumentChanges.Outcome o = changes.apply("production", before, null,
                new DocumentChange.UpdateFlagDefinition(tagged));

        assertThat(o.ok()).isTrue();
        assertThat(o.document().flags.get("checkout").description()).isEqualTo("now described");
        assertThat(o.changedFlags()).startsWith("checkout");
    }

    @Test
    void deletingAFlagStillNeededSaysWhereAndWhy() {
        DocumentChanges.Outcome o = changes.apply("production", production(), null,
                new DocumentChange.DeleteFlag("checkout"));

        assertThat(o.ok()).isFalse();
        assertThat(texts(o)).containsExactly("environments.production.flags.dependent.prerequisites[0].flag");
        assertThat(o.violations().get(0).message()).endsWith("(flag 'checkout' is still needed there)");
    }

    @Test
    void deletingAFlagNothingNeedsRemovesItAndItsConfiguration() {
        DocumentChanges.Outcome o = changes.apply("production", production(), null,
                new DocumentChange.DeleteFlag("dependent"));

        assertThat(o.ok()).isTrue();
        assertThat(o.document().flags).doesNotContainKey("dependent");
        assertThat(o.document().configs).doesNotContainKey("dependent");
        assertThat(o.changedFlags()).contains("dependent");
    }

    @Test
    void aConfigurationsErrorsAreRelativeToTheFlag() {
        ObjectNode config = object("{'enabled': true, 'offVariant': 'off', 'rules': [{'id': 'pros', 'when':"
                + " {'attribute': 'plan', 'op': 'in', 'values': ['pro']}, 'serve': {'variant': 'nope'}}],"
                + " 'fallthrough': {'variant': 'off'}}");
        DocumentChanges.Outcome o = changes.apply("production", production(), null,
                new DocumentChange.ConfigureFlag("checkout", config, null));

        assertThat(o.ok()).isFalse();
        assertThat(texts(o)).containsExactly("rules[0].serve.variant");
        assertThat(o.violations().get(0).where()).isEqualTo(Pointer.of("rules").index(0).field("serve")
                .field("variant"));
    }

    @Test
    void theOtherPlaceAMessageNamesIsPlacedLikeTheErrorItself() {
        ObjectNode config = object("{'enabled': true, 'offVariant': 'off', 'targets': [{'variant': 'on', 'values':"
                + " ['a', 'a']}], 'rules': [{'id': 'x', 'when': {'segment': 'beta'}, 'serve': {'variant': 'on'}},"
                + " {'id': 'x', 'when': {'segment': 'beta'}, 'serve': {'variant': 'off'}}],"
                + " 'fallthrough': {'variant': 'off'}}");
        DocumentChanges.Outcome configured = changes.apply("production", production(), null,
                new DocumentChange.ConfigureFlag("checkout", config, null));

        assertThat(configured.violations()).extracting(v -> v.where().text() + ": " + v.message())
                .containsExactlyInAnyOrder("targets[0].values[1]: 'a' is already targeted at targets[0].values[0]",
                        "rules[1].id: duplicate rule id 'x' (also at rules[0])");

        // A new flag whose configuration is wrong: both places are named in the environment, as the request's
        // error itself is.
        FlagDefinition def = flag("banner", BOOL);
        DocumentChanges.Outcome created = changes.apply("production", production(), null,
                new DocumentChange.CreateFlag(def, config));
        assertThat(created.violations()).extracting(v -> v.where().text() + ": " + v.message())
                .contains("environments.production.flags.banner.rules[1].id: duplicate rule id 'x' (also at"
                        + " environments.production.flags.banner.rules[0])");

        // A definition judged alone: relative to the flag.
        assertThat(changes.check(def, config)).extracting(Violation::message)
                .contains("'a' is already targeted at targets[0].values[0]");
    }

    @Test
    void aConfigurationMaySendTheDefinitionBackUnchangedButNotChangeIt() {
        ObjectNode config = object("{'enabled': true, 'offVariant': 'off', 'fallthrough': {'variant': 'on'}}");
        DocumentChanges.Outcome same = changes.apply("production", production(), null,
                new DocumentChange.ConfigureFlag("checkout", config, object("{'variants': " + BOOL
                        + ", 'description': '', 'tags': []}")));
        assertThat(same.ok()).isTrue();
        assertThat(same.document().configs.get("checkout").get("enabled").booleanValue()).isTrue();

        DocumentChanges.Outcome changed = changes.apply("production", production(), null,
                new DocumentChange.ConfigureFlag("checkout", config, object("{'variants': {'on': 1, 'off': 0},"
                        + " 'tags': ['x']}")));
        assertThat(changed.ok()).isFalse();
        assertThat(texts(changed)).containsExactly("tags", "variants");
        assertThat(changed.violations().get(0).message()).contains("PUT /api/v1/flags/checkout");
    }

    @Test
    void aToggleChangesOnlyEnabledAndNamesTheFlagAgainstTheKnownFlagSet() {
        EnvironmentDocument before = production();
        FlagSet previous = new FlagDocumentCompiler().compile(before.toJson()).flagSet();
        DocumentChanges.Outcome o = changes.apply("production", before, previous,
                new DocumentChange.Toggle("checkout", true));

        assertThat(o.ok()).isTrue();
        ObjectNode cfg = o.document().configs.get("checkout");
        assertThat(cfg.get("enabled").booleanValue()).isTrue();
        assertThat(cfg.get("offVariant").textValue()).isEqualTo("off");
        assertThat(before.configs.get("checkout").get("enabled").booleanValue()).isFalse();
        // The dependent flag's result depends on checkout's: its evaluation may differ too.
        assertThat(o.changedFlags()).contains("checkout");
    }

    @Test
    void aToggleOfAFlagNotInTheDocumentIsNotFound() {
        assertThatThrownBy(() -> changes.apply("production", production(), null,
                new DocumentChange.Toggle("missing", true)))
                .isInstanceOfSatisfying(DomainException.class,
                        e -> assertThat(e.kind()).isEqualTo(DomainException.Kind.NOT_FOUND));
    }

    @Test
    void aPercentageOfABooleanFlagIsSplitExactlyBetweenItsTrueAndFalseVariants() {
        DocumentChanges.Outcome whole = changes.apply("production", production(), null,
                new DocumentChange.Rollout("checkout", json("30"), null, json("'accountId'")));
        assertThat(whole.ok()).isTrue();
        ObjectNode fallthrough = (ObjectNode) whole.document().configs.get("checkout").get("fallthrough");
        assertThat(StoredJson.write(fallthrough)).isEqualTo("{\"rollout\":{\"on\":30,\"off\":70},\"bucketBy\":"
                + "\"accountId\"}");

        DocumentChanges.Outcome decimal = changes.apply("production", production(), null,
                new DocumentChange.Rollout("checkout", json("12.5"), null, null));
        assertThat(StoredJson.write(decimal.document().configs.get("checkout").get("fallthrough")))
                .isEqualTo("{\"rollout\":{\"on\":12.5,\"off\":87.5}}");
    }

    @Test
    void aPercentageOfAFlagThatIsNotBooleanIsRefusedWithoutAnyDocument() {
        EnvironmentDocument d = production();
        FlagDefinition colors = flag("colors", "{'red': 'r', 'blue': 'b'}");
        d.flags.put("colors", colors);
        d.configs.put("colors", EnvironmentDocument.defaultConfig(colors.variants(), null));
        DocumentChanges.Outcome o = changes.apply("production", d, null,
                new DocumentChange.Rollout("colors", json("10"), null, null));

        assertThat(o.document()).isNull();
        assertThat(texts(o)).containsExactly("percentage");
        assertThat(o.violations().get(0).message()).contains("only a boolean flag");
    }

    @Test
    void aRolloutWithNothingToApplyHasNoDocumentAndLeavesTheReasonToTheRequest() {
        DocumentChanges.Outcome o = changes.apply("production", production(), null,
                new DocumentChange.Rollout("checkout", null, null, null));
        assertThat(o.document()).isNull();
        assertThat(o.violations()).isEmpty();
        assertThat(o.ok()).isFalse();
    }

    @Test
    void rolloutWeightsTheEngineRefusesAreRelativeToTheFlag() {
        DocumentChanges.Outcome o = changes.apply("production", production(), null,
                new DocumentChange.Rollout("checkout", null, object("{'on': 10, 'off': 10}"), null));
        assertThat(o.ok()).isFalse();
        assertThat(texts(o)).allSatisfy(t -> assertThat(t).startsWith("fallthrough.rollout"));
    }

    @Test
    void aSegmentIsPutAndItsErrorsAreRelativeToIt() {
        DocumentChanges.Outcome ok = changes.apply("production", production(), null,
                new DocumentChange.PutSegment(new Segment(0, "pros", "paying", object("{'rules': [{'attribute':"
                        + " 'plan', 'op': 'in', 'values': ['pro']}]}"), 0, null, null)));
        assertThat(ok.ok()).isTrue();
        assertThat(ok.document().segments.get("pros").description()).isEqualTo("paying");

        DocumentChanges.Outcome bad = changes.apply("production", production(), null,
                new DocumentChange.PutSegment(new Segment(0, "pros", "", object("{'rules': [{'attribute': 'plan',"
                        + " 'op': 'nope', 'values': ['pro']}]}"), 0, null, null)));
        assertThat(bad.ok()).isFalse();
        assertThat(texts(bad)).allSatisfy(t -> assertThat(t).startsWith("rules[0]"));
    }

    @Test
    void aSegmentWithoutAKeyIsJudgedUnderAStandInKeyNoOtherSegmentHas() {
        EnvironmentDocument d = production();
        d.segments.put("new-segment", new Segment(2, "new-segment", "", object("{}"), 1, null, null));
        DocumentChanges.Outcome o = changes.apply("production", d, null,
                new DocumentChange.PutSegment(new Segment(0, null, "", object("{'included': [1]}"), 0, null, null)));
        assertThat(o.ok()).isFalse();
        assertThat(texts(o)).containsExactly("included[0]");
        assertThat(o.document().segments).containsKeys("new-segment", "new-segment-2");
    }

    @Test
    void deletingASegmentStillUsedSaysWhereAndWhy() {
        DocumentChanges.Outcome o = changes.apply("production", production(), null,
                new DocumentChange.DeleteSegment("beta"));
        assertThat(o.ok()).isFalse();
        assertThat(texts(o)).containsExactly("flags.dependent.rules[0].when.segment");
        assertThat(o.violations().get(0).message()).endsWith("(segment 'beta' is still used there)");

        EnvironmentDocument unused = production();
        unused.configs.put("dependent", EnvironmentDocument.defaultConfig(json(BOOL), null));
        DocumentChanges.Outcome deleted = changes.apply("production", unused, null,
                new DocumentChange.DeleteSegment("beta"));
        assertThat(deleted.ok()).isTrue();
        assertThat(deleted.document().segments).isEmpty();
    }

    @Test
    void aKeyThatIsNotAPlainNameIsFoundByItsPointerNotByItsText() {
        EnvironmentDocument d = production();
        d.flags.put("a.b", flag("a.b", BOOL));
        d.configs.put("a.b", EnvironmentDocument.defaultConfig(json(BOOL), null));
        ObjectNode config = object("{'enabled': 'yes', 'offVariant': 'off', 'fallthrough': {'variant': 'off'}}");
        DocumentChanges.Outcome o = changes.apply("production", d, null,
                new DocumentChange.ConfigureFlag("a.b", config, null));
        assertThat(texts(o)).containsExactly("enabled");
    }

    @Test
    void aDefinitionAloneIsJudgedRelativeToItself() {
        FlagDefinition def = new FlagDefinition(0, "new-flag", "", "", List.of(), json(BOOL), json("'text'"), null, 1,
                null, null);
        List<Violation> v = changes.check(def, EnvironmentDocument.defaultConfig(def.variants(), null));
        assertThat(v).extracting(x -> x.where().text()).containsExactly("metadata");
        assertThat(changes.check(flag("ok", BOOL), EnvironmentDocument.defaultConfig(json(BOOL), null))).isEmpty();
    }

    @Test
    void eachChangeNamesWhatTheChangeLogRecords() {
        assertThat(new DocumentChange.Toggle("x", true).flagKeys()).containsExactly("x");
        assertThat(new DocumentChange.Toggle("x", true).segmentKeys()).isEmpty();
        assertThat(new DocumentChange.DeleteSegment("s").segmentKeys()).containsExactly("s");
        assertThat(new DocumentChange.DeleteSegment("s").flagKeys()).isEmpty();
    }
}
