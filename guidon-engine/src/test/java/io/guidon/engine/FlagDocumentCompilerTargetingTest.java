package io.guidon.engine;

import static io.guidon.engine.Flags.clause;
import static io.guidon.engine.Flags.json;
import static io.guidon.engine.Flags.rollout;
import static io.guidon.engine.ValidationErrors.assertHasError;
import static io.guidon.engine.ValidationErrors.assertOnlyError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Problems in what a flag serves to whom: prerequisites, targets, rules, serves and rollouts. */
class FlagDocumentCompilerTargetingTest {

    private static final JsonNode ANYONE = clause("plan", "in", "free");

    private static Flags flag(Consumer<Flags.FlagBuilder> spec) {
        return Flags.doc().flag("p", f -> f.bool()).flag("f", spec);
    }

    @Nested
    class Prerequisites {
        @Test
        void areAnArrayOfObjects() {
            assertOnlyError(flag(f -> f.bool().set("prerequisites", json("{'flag': 'p', 'variant': 'on'}"))),
                    "flags.f.prerequisites", "must be an array of {\"flag\", \"variant\"}, not an object");
            assertOnlyError(flag(f -> f.bool().set("prerequisites", json("['p']"))), "flags.f.prerequisites[0]",
                    "must be an object {\"flag\", \"variant\"}, not a string");
        }

        @Test
        void needAFlagAndAVariant() {
            assertOnlyError(flag(f -> f.bool().set("prerequisites", json("[{'variant': 'on'}]"))),
                    "flags.f.prerequisites[0].flag", "required");
            assertOnlyError(flag(f -> f.bool().set("prerequisites", json("[{'flag': 'p', 'variant': true}]"))),
                    "flags.f.prerequisites[0].variant", "must be a string, not a boolean");
        }

        @Test
        void haveNoOtherFields() {
            assertOnlyError(flag(f -> f.bool().set("prerequisites", json("[{'flag': 'p', 'variant': 'on', 'is': 1}]"))),
                    "flags.f.prerequisites[0].is", "unknown field 'is' (allowed: flag, variant)");
        }

        @Test
        void nameAFlagOfTheDocument() {
            assertOnlyError(flag(f -> f.bool().prerequisite("p", "on").prerequisite("payments-v3", "on")),
                    "flags.f.prerequisites[1].flag", "unknown flag 'payments-v3'");
        }

        @Test
        void nameAVariantOfThatFlag() {
            assertOnlyError(flag(f -> f.bool().prerequisite("p", "yes")), "flags.f.prerequisites[0].variant",
                    "flag 'p' has no variant 'yes' (declared: on, off)");
        }

        @Test
        void mustNotRequireTheFlagItself() {
            assertOnlyError(flag(f -> f.bool().prerequisite("f", "on")), "flags.f.prerequisites",
                    "prerequisites form a cycle: f -> f");
        }

        @Test
        void mustNotFormACycleWhichIsReportedOnce() {
            Flags doc = Flags.doc()
                    .flag("a", f -> f.bool().prerequisite("b", "on"))
                    .flag("b", f -> f.bool().prerequisite("c", "on"))
                    .flag("c", f -> f.bool().prerequisite("a", "on"));
            assertOnlyError(doc, "flags.a.prerequisites", "prerequisites form a cycle: a -> b -> c -> a");
        }
    }

    @Nested
    class Targets {
        @Test
        void areAnArrayOfObjects() {
            assertOnlyError(flag(f -> f.bool().set("targets", json("{'on': ['u1']}"))), "flags.f.targets",
                    "must be an array of {\"variant\", \"values\"}, not an object");
            assertOnlyError(flag(f -> f.bool().set("targets", json("['u1']"))), "flags.f.targets[0]",
                    "must be an object {\"variant\", \"values\"}, not a string");
        }

        @Test
        void serveADeclaredVariant() {
            assertOnlyError(flag(f -> f.bool().target("maybe", "u1")), "flags.f.targets[0].variant",
                    "variant 'maybe' is not declared (declared: on, off)");
        }

        @Test
        void needAVariant() {
            assertOnlyError(flag(f -> f.bool().set("targets", json("[{'values': ['u1']}]"))),
                    "flags.f.targets[0].variant", "required: the variant these keys get");
        }

        @Test
        void needAVariantThatIsNotNull() {
            // A null variant once passed validation, and its keys were silently never targeted.
            assertOnlyError(flag(f -> f.bool().set("targets", json("[{'variant': null, 'values': ['u1']}]"))),
                    "flags.f.targets[0].variant", "required: the variant these keys get");
        }

        @Test
        void needANonEmptyArrayOfKeys() {
            assertOnlyError(flag(f -> f.bool().target("on")), "flags.f.targets[0].values",
                    "required: a non-empty array of targeting keys");
            assertOnlyError(flag(f -> f.bool().set("targets", json("[{'variant': 'on'}]"))),
                    "flags.f.targets[0].values", "required: a non-empty array of targeting keys");
            assertOnlyError(flag(f -> f.bool().set("targets", json("[{'variant': 'on', 'values': 'u1'}]"))),
                    "flags.f.targets[0].values", "required: a non-empty array of targeting keys");
        }

        @Test
        void targetStringKeys() {
            assertOnlyError(flag(f -> f.bool().set("targets", json("[{'variant': 'on', 'values': ['u1', 42]}]"))),
                    "flags.f.targets[0].values[1]", "a targeting key must be a string, not a number");
        }

        @Test
        void targetEachKeyOnce() {
            assertOnlyError(flag(f -> f.bool().target("on", "u1", "u2").target("off", "u3", "u1")),
                    "flags.f.targets[1].values[1]", "'u1' is already targeted at flags.f.targets[0].values[0]");
            assertOnlyError(flag(f -> f.bool().target("on", "u1", "u1")),
                    "flags.f.targets[0].values[1]", "'u1' is already targeted at flags.f.targets[0].values[0]");
        }

        @Test
        void nameTheFirstTargetingAsAPlaceACallerCanReRoot() {
            ValidationError e = flag(f -> f.bool().target("on", "u1").target("off", "u1")).errors().get(0);
            assertThat(e.related()).isEqualTo(io.guidon.json.Pointer.of("flags", "f", "targets").index(0)
                    .field("values").index(0));
            assertThat(e.message(p -> "<" + p.drop(2) + ">")).isEqualTo("'u1' is already targeted at"
                    + " </targets/0/values/0>");
        }

        @Test
        void haveNoOtherFields() {
            assertOnlyError(flag(f -> f.bool().set("targets", json("[{'variant': 'on', 'values': ['u1'], 'key': 1}]"))),
                    "flags.f.targets[0].key", "unknown field 'key' (allowed: values, variant)");
        }
    }

    @Nested
    class Rules {
        @Test
        void areAnArrayOfObjects() {
            assertOnlyError(flag(f -> f.bool().set("rules", json("{'id': 'r'}"))), "flags.f.rules",
                    "must be an array of rules, not an object");
            assertOnlyError(flag(f -> f.bool().set("rules", json("[1]"))), "flags.f.rules[0]",
                    "a rule must be an object {\"id\", \"when\", \"serve\"}, not a number");
        }

        @Test
        void haveUniqueIds() {
            assertOnlyError(flag(f -> f.bool().rule("eu", ANYONE, "on").rule("us", ANYONE, "on").rule("eu", ANYONE, "off")),
                    "flags.f.rules[2].id", "duplicate rule id 'eu' (also at flags.f.rules[0])");
        }

        @Test
        void nameTheFirstIdAsAPlaceACallerCanReRoot() {
            ValidationError e = flag(f -> f.bool().rule("eu", ANYONE, "on").rule("eu", ANYONE, "off")).errors().get(0);
            assertThat(e.related()).isEqualTo(io.guidon.json.Pointer.of("flags", "f", "rules").index(0));
            assertThat(e.message(p -> p.drop(2).text())).isEqualTo("duplicate rule id 'eu' (also at rules[0])");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {"-eu | invalid rule id '-eu'", "'eu west' | invalid rule id 'eu west'",
                "'' | invalid rule id ''"})
        void haveIdsOfLettersDigitsDotsDashesAndUnderscores(String id, String message) {
            assertOnlyError(flag(f -> f.bool().rule(id, ANYONE, "on")), "flags.f.rules[0].id", message);
        }

        @Test
        void haveAStringDescription() {
            assertOnlyError(flag(f -> f.bool().set("rules", json("[{'id': 'r', 'description': 42, "
                    + "'when': {'attribute': 'a', 'op': 'exists'}, 'serve': {'variant': 'on'}}]"))),
                    "flags.f.rules[0].description", "must be a string, not a number");
        }

        @Test
        void needAnId() {
            assertOnlyError(flag(f -> f.bool().set("rules",
                    json("[{'when': {'attribute': 'a', 'op': 'exists'}, 'serve': {'variant': 'on'}}]"))),
                    "flags.f.rules[0].id", "required");
        }

        @Test
        void needACondition() {
            assertOnlyError(flag(f -> f.bool().set("rules", json("[{'id': 'r', 'serve': {'variant': 'on'}}]"))),
                    "flags.f.rules[0].when", "required: the condition of the rule");
        }

        @Test
        void needAServe() {
            assertOnlyError(flag(f -> f.bool().set("rules",
                    json("[{'id': 'r', 'when': {'attribute': 'a', 'op': 'exists'}}]"))),
                    "flags.f.rules[0].serve", "required: {\"variant\": ...} or {\"rollout\": {...}}");
        }

        @Test
        void haveNoOtherFields() {
            assertOnlyError(flag(f -> f.bool().set("rules",
                    json("[{'id': 'r', 'when': {'attribute': 'a', 'op': 'exists'}, 'serve': {'variant': 'on'}, "
                            + "'then': 1}]"))),
                    "flags.f.rules[0].then", "unknown field 'then' (allowed: description, id, serve, when)");
        }
    }

    @Nested
    class Serves {
        @Test
        void haveAVariantOrARolloutNotBoth() {
            assertOnlyError(flag(f -> f.bool().rule("r", ANYONE,
                    json("{'variant': 'on', 'rollout': {'on': 50, 'off': 50}}"))),
                    "flags.f.rules[0].serve", "must have exactly one of \"variant\" and \"rollout\"");
        }

        @Test
        void haveAVariantOrARolloutNotNeither() {
            assertOnlyError(flag(f -> f.bool().fallthrough(json("{}"))), "flags.f.fallthrough",
                    "must have exactly one of \"variant\" and \"rollout\"");
        }

        @Test
        void bucketByOnlyWithARollout() {
            assertOnlyError(flag(f -> f.bool().fallthrough(json("{'variant': 'on', 'bucketBy': 'companyId'}"))),
                    "flags.f.fallthrough.bucketBy", "only a rollout buckets; remove it or serve a rollout");
        }

        @Test
        void aNullVariantIsReportedAsMissing() {
            assertOnlyError(flag(f -> f.bool().fallthrough(json("{'variant': null}"))),
                    "flags.f.fallthrough.variant", "required: the variant to serve");
        }

        @Test
        void bucketByIsAnAttributeName() {
            assertOnlyError(flag(f -> f.bool().fallthrough(json("{'rollout': {'on': 100}, 'bucketBy': 7}"))),
                    "flags.f.fallthrough.bucketBy", "must be an attribute name, not a number");
            assertOnlyError(flag(f -> f.bool().fallthrough(json("{'rollout': {'on': 100}, 'bucketBy': ''}"))),
                    "flags.f.fallthrough.bucketBy", "an attribute name has 1 to 256 characters");
            assertOnlyError(flag(f -> f.bool().fallthrough(Flags.rolloutBy("a".repeat(257), "on", 100))),
                    "flags.f.fallthrough.bucketBy", "an attribute name has 1 to 256 characters");
            assertThat(flag(f -> f.bool().fallthrough(Flags.rolloutBy("a".repeat(256), "on", 100))).compile())
                    .isNotNull();
        }

        @Test
        void haveNoOtherFields() {
            assertOnlyError(flag(f -> f.bool().fallthrough(json("{'variant': 'on', 'weight': 1}"))),
                    "flags.f.fallthrough.weight", "unknown field 'weight' (allowed: bucketBy, rollout, variant)");
        }

        @Test
        void inARuleServeADeclaredVariant() {
            assertOnlyError(flag(f -> f.bool().rule("r", ANYONE, "maybe")), "flags.f.rules[0].serve.variant",
                    "variant 'maybe' is not declared (declared: on, off)");
        }
    }

    @Nested
    class Rollouts {
        @Test
        void areANonEmptyObject() {
            assertOnlyError(flag(f -> f.bool().fallthrough(json("{'rollout': {}}"))), "flags.f.fallthrough.rollout",
                    "must be a non-empty object of percentages by variant");
            assertOnlyError(flag(f -> f.bool().fallthrough(json("{'rollout': [50, 50]}"))),
                    "flags.f.fallthrough.rollout", "must be a non-empty object of percentages by variant");
        }

        @Test
        void shareDeclaredVariants() {
            assertOnlyError(flag(f -> f.bool().fallthrough(rollout("on", 50, "maybe", 50))),
                    "flags.f.fallthrough.rollout.maybe", "variant 'maybe' is not declared (declared: on, off)");
        }

        @Test
        void quoteVariantNamesWithDotsInPaths() {
            assertOnlyError(flag(f -> f.bool().fallthrough(rollout("on", 50, "v.2", 50))),
                    "flags.f.fallthrough.rollout[\"v.2\"]", "variant 'v.2' is not declared");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "-10      | a percentage must be from 0 to 100, not -10",
                "100.5    | a percentage must be from 0 to 100, not 100.5",
                "1000     | a percentage must be from 0 to 100, not 1000",
                "33.3333  | a percentage has at most three decimals, not 33.3333",
                "0.0001   | a percentage has at most three decimals, not 0.0001",
                "'\"50\"' | a percentage must be a number from 0 to 100, not a string",
                "null     | a percentage must be a number from 0 to 100, not null"})
        void arePercentagesWithAtMostThreeDecimals(String weight, String message) {
            assertOnlyError(flag(f -> f.bool().fallthrough(json("{'rollout': {'on': " + weight + ", 'off': 50}}"))),
                    "flags.f.fallthrough.rollout.on", message);
        }

        @Test
        void sumTo100() {
            assertOnlyError(flag(f -> f.bool().fallthrough(rollout("on", 10, "off", 80))),
                    "flags.f.fallthrough.rollout", "percentages sum to 90, not 100");
            assertOnlyError(flag(f -> f.bool().rule("r", ANYONE, rollout("on", 60, "off", 60))),
                    "flags.f.rules[0].serve.rollout", "percentages sum to 120, not 100");
        }

        @Test
        void sumTo100ExactlyInThousandths() {
            Flags threeThirds = Flags.doc().flag("f", f -> f.variants("a", 1, "b", 2, "c", 3).off("a")
                    .fallthrough(rollout("a", "33.333", "b", "33.333", "c", "33.333")));
            assertOnlyError(threeThirds, "flags.f.fallthrough.rollout", "percentages sum to 99.999, not 100");
            Flags exact = Flags.doc().flag("f", f -> f.variants("a", 1, "b", 2, "c", 3).off("a")
                    .fallthrough(rollout("a", "33.334", "b", "33.333", "c", "33.333")));
            assertThat(exact.compile().flag("f")).isNotNull();
        }

        @Test
        void acceptZeroHundredAndTrailingZeros() {
            assertThat(flag(f -> f.bool().fallthrough(rollout("on", 0, "off", 100))).compile()).isNotNull();
            assertThat(flag(f -> f.bool().fallthrough(json("{'rollout': {'on': 12.50000, 'off': 87.5}}"))).compile())
                    .isNotNull();
            assertThat(flag(f -> f.bool().fallthrough(json("{'rollout': {'on': 1e2}}"))).compile()).isNotNull();
        }

        @Test
        void reportEveryBadWeight() {
            Flags doc = flag(f -> f.bool().fallthrough(json("{'rollout': {'on': -1, 'off': 'x'}}")));
            assertHasError(doc, "flags.f.fallthrough.rollout.on", "not -1");
            assertHasError(doc, "flags.f.fallthrough.rollout.off", "not a string");
            assertThat(doc.errors()).hasSize(2);
        }
    }
}
