package io.guidon.engine;

import static io.guidon.engine.Flags.EVALUATOR;
import static io.guidon.engine.Flags.clause;
import static io.guidon.engine.Flags.ctx;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Disabled, then prerequisites, then targets, then rules in order, then the fallthrough. */
class EvaluatorOrderTest {

    private static EvaluationResult eval(FlagSet set, String flag, Object... context) {
        return EVALUATOR.evaluate(set, flag, ctx(context));
    }

    @Test
    void disabledBeatsEverything() {
        FlagSet set = Flags.doc()
                .flag("broken-prereq", f -> f.bool().fallthrough("off"))
                .flag("f", f -> f.bool().enabled(false)
                        .prerequisite("broken-prereq", "on")
                        .target("on", "u1")
                        .rule("all", Flags.exists("targetingKey"), "on")
                        .fallthrough("on"))
                .compile();
        EvaluationResult r = eval(set, "f", "targetingKey", "u1");
        assertThat(r.reason()).isEqualTo(Reason.DISABLED);
        assertThat(r.variantKey()).isEqualTo("off");
    }

    @Test
    void prerequisitesComeBeforeTargets() {
        FlagSet set = Flags.doc()
                .flag("p", f -> f.bool().fallthrough("off"))
                .flag("f", f -> f.bool().prerequisite("p", "on").target("on", "u1"))
                .compile();
        assertThat(eval(set, "f", "targetingKey", "u1").reason()).isEqualTo(Reason.DISABLED);
    }

    @Test
    void targetsComeBeforeRules() {
        FlagSet set = Flags.doc()
                .flag("f", f -> f.bool().target("off", "u1").rule("de", clause("country", "in", "DE"), "on"))
                .compile();
        EvaluationResult r = eval(set, "f", "targetingKey", "u1", "country", "DE");
        assertThat(r.reason()).isEqualTo(Reason.TARGETING_MATCH);
        assertThat(r.variantKey()).isEqualTo("off");
        assertThat(r.ruleId()).isNull();
        assertThat(eval(set, "f", "targetingKey", "u2", "country", "DE").ruleId()).isEqualTo("de");
    }

    @Test
    void theFirstMatchingRuleWins() {
        FlagSet set = Flags.doc()
                .flag("f", f -> f.variants("a", "A", "b", "B", "c", "C").off("a").fallthrough("a")
                        .rule("fr", clause("country", "in", "FR"), "b")
                        .rule("de", clause("country", "in", "DE"), "b")
                        .rule("premium", clause("plan", "in", "premium"), "c"))
                .compile();
        assertThat(eval(set, "f", "country", "DE", "plan", "premium").ruleId()).isEqualTo("de");
        assertThat(eval(set, "f", "country", "IT", "plan", "premium").ruleId()).isEqualTo("premium");
        assertThat(eval(set, "f", "country", "FR").ruleId()).isEqualTo("fr");
        assertThat(eval(set, "f", "country", "IT").reason()).isEqualTo(Reason.DEFAULT);
    }

    @Test
    void prerequisitesAreEvaluatedWithTheSameContext() {
        FlagSet set = Flags.doc()
                .flag("p", f -> f.bool().rule("de", clause("country", "in", "DE"), "on"))
                .flag("f", f -> f.bool().fallthrough("on").prerequisite("p", "on"))
                .compile();
        assertThat(eval(set, "f", "country", "DE").variantKey()).isEqualTo("on");
        assertThat(eval(set, "f", "country", "FR").reason()).isEqualTo(Reason.DISABLED);
    }

    @Test
    void prerequisitesChain() {
        FlagSet set = Flags.doc()
                .flag("c", f -> f.bool().rule("beta", clause("beta", "in", true), "on"))
                .flag("b", f -> f.bool().fallthrough("on").prerequisite("c", "on"))
                .flag("a", f -> f.bool().fallthrough("on").prerequisite("b", "on"))
                .compile();
        assertThat(eval(set, "a", "beta", true).variantKey()).isEqualTo("on");
        // c serves off, so b fails and serves its off variant, so a fails too.
        assertThat(eval(set, "a", "beta", false).reason()).isEqualTo(Reason.DISABLED);
    }

    @Test
    void theFirstFailingPrerequisiteDecides() {
        FlagSet set = Flags.doc()
                .flag("p1", f -> f.bool().fallthrough("on"))
                .flag("p2", f -> f.bool().fallthrough("off"))
                .flag("f", f -> f.bool().fallthrough("on").prerequisite("p1", "on").prerequisite("p2", "on"))
                .compile();
        assertThat(eval(set, "f").reason()).isEqualTo(Reason.DISABLED);
    }
}
