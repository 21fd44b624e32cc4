package io.guidon.engine;

import static io.guidon.engine.Flags.EVALUATOR;
import static io.guidon.engine.Flags.clause;
import static io.guidon.engine.Flags.ctx;
import static io.guidon.engine.Flags.json;
import static io.guidon.engine.Flags.rollout;
import static io.guidon.engine.Flags.rolloutBy;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every {@link Reason} the evaluator gives, with the rule id and error code that go with it. */
class EvaluatorReasonTest {

    private static EvaluationResult eval(FlagSet set, String flag, Object... context) {
        return EVALUATOR.evaluate(set, flag, ctx(context));
    }

    @Test
    void staticForAFlagWithoutTargetingAndAFixedFallthrough() {
        FlagSet set = Flags.doc().flag("f", f -> f.bool().fallthrough("on")).compile();
        EvaluationResult r = eval(set, "f", "targetingKey", "u1");
        assertThat(r.reason()).isEqualTo(Reason.STATIC);
        assertThat(r.variantKey()).isEqualTo("on");
        assertThat(r.value()).isEqualTo(true);
        assertThat(r.ruleId()).isNull();
        assertThat(r.isError()).isFalse();
        assertThat(set.flag("f").isStatic()).isTrue();
    }

    @Test
    void aDisabledFlagIsNotStaticEvenWithAFixedFallthrough() {
        FlagSet set = Flags.doc().flag("f", f -> f.bool().set("enabled", json("false")).fallthrough("on")).compile();
        assertThat(eval(set, "f", "targetingKey", "u1").reason()).isEqualTo(Reason.DISABLED);
        assertThat(set.flag("f").isStatic()).isFalse();
    }

    @Test
    void defaultWhenNoRuleMatchesAndTheFallthroughIsFixed() {
        FlagSet set = Flags.doc().flag("f", f -> f.bool().rule("de", clause("country", "in", "DE"), "on")).compile();
        EvaluationResult r = eval(set, "f", "country", "FR");
        assertThat(r.reason()).isEqualTo(Reason.DEFAULT);
        assertThat(r.variantKey()).isEqualTo("off");
        assertThat(r.ruleId()).isNull();
        assertThat(set.flag("f").isStatic()).isFalse();
    }

    @Test
    void defaultWhenTheFlagHasOnlyTargetsOrOnlyPrerequisites() {
        FlagSet set = Flags.doc()
                .flag("p", f -> f.bool().fallthrough("on"))
                .flag("targets", f -> f.bool().target("on", "u1"))
                .flag("prereq", f -> f.bool().prerequisite("p", "on"))
                .compile();
        assertThat(eval(set, "targets", "targetingKey", "u2").reason()).isEqualTo(Reason.DEFAULT);
        assertThat(eval(set, "prereq", "targetingKey", "u2").reason()).isEqualTo(Reason.DEFAULT);
    }

    @Nested
    class TargetingMatch {
        private final FlagSet set = Flags.doc().flag("f", f -> f.bool()
                .target("on", "u1", "u2")
                .rule("de", clause("country", "in", "DE"), "on")).compile();

        @Test
        void forATargetedKeyWithoutARuleId() {
            EvaluationResult r = eval(set, "f", "targetingKey", "u2");
            assertThat(r.reason()).isEqualTo(Reason.TARGETING_MATCH);
            assertThat(r.variantKey()).isEqualTo("on");
            assertThat(r.ruleId()).isNull();
        }

        @Test
        void forARuleServingAFixedVariantWithItsId() {
            EvaluationResult r = eval(set, "f", "targetingKey", "u3", "country", "DE");
            assertThat(r.reason()).isEqualTo(Reason.TARGETING_MATCH);
            assertThat(r.variantKey()).isEqualTo("on");
            assertThat(r.ruleId()).isEqualTo("de");
        }
    }

    @Nested
    class Split {
        private final FlagSet set = Flags.doc().flag("f", f -> f.bool()
                .rule("beta", clause("beta", "in", true), rollout("on", 50, "off", 50))
                .fallthrough(rollout("on", 10, "off", 90))).compile();

        @Test
        void forARuleRolloutWithItsId() {
            EvaluationResult r = eval(set, "f", "targetingKey", "u1", "beta", true);
            assertThat(r.reason()).isEqualTo(Reason.SPLIT);
            assertThat(r.ruleId()).isEqualTo("beta");
            assertThat(r.variantKey()).isIn("on", "off");
        }

        @Test
        void forAFallthroughRolloutWithoutARuleId() {
            EvaluationResult r = eval(set, "f", "targetingKey", "u1");
            assertThat(r.reason()).isEqualTo(Reason.SPLIT);
            assertThat(r.ruleId()).isNull();
        }

        @Test
        void evenWhenOneVariantTakesEverything() {
            FlagSet all = Flags.doc().flag("f", f -> f.bool().fallthrough(rollout("on", 100, "off", 0))).compile();
            EvaluationResult r = eval(all, "f", "targetingKey", "anyone");
            assertThat(r.reason()).isEqualTo(Reason.SPLIT);
            assertThat(r.variantKey()).isEqualTo("on");
            assertThat(all.flag("f").isStatic()).isFalse();
        }
    }

    @Test
    void disabledServesTheOffVariant() {
        FlagSet set = Flags.doc().flag("f", f -> f.variants("a", "A", "b", "B", "c", "C").off("c").fallthrough("a")
                .enabled(false)).compile();
        EvaluationResult r = eval(set, "f", "targetingKey", "u1");
        assertThat(r.reason()).isEqualTo(Reason.DISABLED);
        assertThat(r.variantKey()).isEqualTo("c");
        assertThat(r.value()).isEqualTo("C");
        assertThat(r.ruleId()).isNull();
        assertThat(set.flag("f").offVariant().key()).isEqualTo("c");
    }

    @Nested
    class PrerequisiteFailed {
        @Test
        void whenThePrerequisiteServesAnotherVariant() {
            FlagSet set = Flags.doc()
                    .flag("payments", f -> f.bool().fallthrough("off"))
                    .flag("checkout", f -> f.bool().fallthrough("on").prerequisite("payments", "on"))
                    .compile();
            EvaluationResult r = eval(set, "checkout", "targetingKey", "u1");
            assertThat(r.reason()).isEqualTo(Reason.DISABLED);
            assertThat(r.variantKey()).isEqualTo("off");
            assertThat(r.ruleId()).isNull();
        }

        @Test
        void whenThePrerequisiteIsDisabledAndItsOffVariantIsNotTheOneRequired() {
            FlagSet set = Flags.doc()
                    .flag("payments", f -> f.bool().fallthrough("on").enabled(false))
                    .flag("checkout", f -> f.bool().fallthrough("on").prerequisite("payments", "on"))
                    .compile();
            assertThat(eval(set, "checkout").reason()).isEqualTo(Reason.DISABLED);
        }

        @Test
        void notWhenADisabledPrerequisitesOffVariantIsTheOneRequired() {
            // Prerequisites compare the variant served, whatever the reason: requiring "off" of a disabled flag
            // passes. (LaunchDarkly fails every prerequisite that is off; this engine does not.)
            FlagSet set = Flags.doc()
                    .flag("legacy", f -> f.bool().enabled(false))
                    .flag("modern", f -> f.bool().fallthrough("on").prerequisite("legacy", "off"))
                    .compile();
            assertThat(eval(set, "modern").reason()).isEqualTo(Reason.DEFAULT);
            assertThat(eval(set, "modern").variantKey()).isEqualTo("on");
        }

        @Test
        void whenThePrerequisiteEvaluatesToAnError() {
            FlagSet set = Flags.doc()
                    .flag("payments", f -> f.bool().fallthrough(rollout("on", 100, "off", 0)))
                    .flag("checkout", f -> f.bool().fallthrough("on").prerequisite("payments", "on"))
                    .compile();
            assertThat(eval(set, "checkout").reason()).isEqualTo(Reason.DISABLED);
            assertThat(eval(set, "checkout", "targetingKey", "u1").reason()).isEqualTo(Reason.DEFAULT);
        }

        @Test
        void notWhenEveryPrerequisiteServesItsVariant() {
            FlagSet set = Flags.doc()
                    .flag("a", f -> f.bool().fallthrough("on"))
                    .flag("b", f -> f.variants("x", 1, "y", 2).off("x").fallthrough("y"))
                    .flag("checkout", f -> f.bool().fallthrough("on").prerequisite("a", "on").prerequisite("b", "y"))
                    .compile();
            EvaluationResult r = eval(set, "checkout");
            assertThat(r.reason()).isEqualTo(Reason.DEFAULT);
            assertThat(r.variantKey()).isEqualTo("on");
        }
    }

    @Nested
    class Error {
        @Test
        void flagNotFound() {
            EvaluationResult r = eval(Flags.doc().compile(), "nope", "targetingKey", "u1");
            assertThat(r.reason()).isEqualTo(Reason.ERROR);
            assertThat(r.isError()).isTrue();
            assertThat(r.errorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
            assertThat(r.errorDetails()).contains("'nope'");
            assertThat(r.flagKey()).isEqualTo("nope");
            assertThat(r.flag()).isNull();
            assertThat(r.variant()).isNull();
            assertThat(r.variantKey()).isNull();
            assertThat(r.value()).isNull();
        }

        @Test
        void flagNotFoundInTheEmptySet() {
            assertThat(EVALUATOR.evaluate(FlagSet.EMPTY, "x", ctx()).errorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
        }

        @Test
        void targetingKeyMissingForAFallthroughRollout() {
            FlagSet set = Flags.doc().flag("f", f -> f.bool().fallthrough(rollout("on", 10, "off", 90))).compile();
            EvaluationResult r = eval(set, "f", "email", "a@b.c");
            assertThat(r.reason()).isEqualTo(Reason.ERROR);
            assertThat(r.errorCode()).isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
            assertThat(r.errorDetails()).contains("flag 'f'", "targetingKey");
            assertThat(r.flag()).isSameAs(set.flag("f"));
            assertThat(r.variant()).isNull();
        }

        @Test
        void targetingKeyMissingWhenItIsNotAString() {
            FlagSet set = Flags.doc().flag("f", f -> f.bool().fallthrough(rollout("on", 10, "off", 90))).compile();
            assertThat(eval(set, "f", "targetingKey", 42).errorCode()).isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
        }

        @Test
        void targetingKeyMissingForARuleRolloutThatMatched() {
            FlagSet set = Flags.doc().flag("f", f -> f.bool()
                    .rule("beta", clause("beta", "in", true), rollout("on", 50, "off", 50))).compile();
            assertThat(eval(set, "f", "beta", true).errorCode()).isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
            assertThat(eval(set, "f", "beta", false).reason()).isEqualTo(Reason.DEFAULT);
        }

        @Test
        void targetingKeyMissingWhenTheBucketByAttributeIsMissing() {
            FlagSet set = Flags.doc().flag("f", f -> f.bool()
                    .fallthrough(rolloutBy("companyId", "on", 50, "off", 50))).compile();
            EvaluationResult r = eval(set, "f", "targetingKey", "u1");
            assertThat(r.errorCode()).isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
            assertThat(r.errorDetails()).contains("'companyId'");
        }

        @Test
        void targetingKeyMissingWhenTheBucketByAttributeIsNeitherAStringNorAnInteger() {
            FlagSet set = Flags.doc().flag("f", f -> f.bool()
                    .fallthrough(rolloutBy("companyId", "on", 50, "off", 50))).compile();
            for (Object notAKey : List.of(1.5, 7.0, true, List.of("a"), Map.of("id", "a"))) {
                assertThat(eval(set, "f", "companyId", notAKey).errorCode()).as("%s", notAKey)
                        .isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
            }
        }

        @Test
        void notWhenTheBucketByAttributeIsAnIntegerOfAnyWidth() {
            FlagSet set = Flags.doc().flag("f", f -> f.bool()
                    .fallthrough(rolloutBy("companyId", "on", 50, "off", 50))).compile();
            String asString = eval(set, "f", "companyId", "1234").variantKey();
            for (Object n : List.of(1234, 1234L, (short) 1234, BigInteger.valueOf(1234))) {
                EvaluationResult r = eval(set, "f", "companyId", n);
                assertThat(r.reason()).isEqualTo(Reason.SPLIT);
                assertThat(r.variantKey()).as("%s buckets like \"1234\"", n.getClass()).isEqualTo(asString);
            }
        }
    }

    @Test
    void servesVariantValuesOfEveryType() {
        FlagSet set = Flags.doc()
                .flag("s", f -> f.variants("a", "blue", "b", "green").off("a").fallthrough("b"))
                .flag("n", f -> f.variants("small", 10, "big", 2.5).off("small").fallthrough("small"))
                .flag("o", f -> f.variants("x", Map.of("layout", "cards", "cols", 3), "y", Map.of("ids", List.of(1, 2)))
                        .off("x").fallthrough("x"))
                .compile();
        assertThat(eval(set, "s").value()).isEqualTo("green");
        // 2.5 makes "n" a float flag: every value of it is a double, 10 too.
        assertThat(eval(set, "n").value()).isEqualTo(10.0);
        assertThat(set.flag("n").variants().get("big").value()).isEqualTo(2.5);
        assertThat(eval(set, "o").value()).isEqualTo(Map.of("layout", "cards", "cols", 3L));
        assertThat(set.flag("o").variants().get("y").value()).isEqualTo(Map.of("ids", List.of(1L, 2L)));
        assertThat(set.flag("s").type()).isEqualTo(FlagType.STRING);
        assertThat(set.flag("n").type()).isEqualTo(FlagType.NUMBER);
        assertThat(set.flag("o").type()).isEqualTo(FlagType.OBJECT);
        assertThat(Flags.doc().flag("b", f -> f.bool()).compile().flag("b").type()).isEqualTo(FlagType.BOOLEAN);
    }

    @Test
    void everyReasonIsAStandardOpenFeatureReason() {
        // Served unchanged over OFREP: a client must know every one (the SDK's own list is the reference).
        for (Reason r : Reason.values()) {
            assertThat(dev.openfeature.sdk.Reason.valueOf(r.name()).name()).isEqualTo(r.name());
        }
    }
}
