package io.guidon.engine;

import static io.guidon.engine.Flags.EVALUATOR;
import static io.guidon.engine.Flags.clause;
import static io.guidon.engine.Flags.ctx;
import static io.guidon.engine.Flags.inSegment;
import static io.guidon.engine.Flags.rollout;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@code --explain} shows: the trace is JSON-shaped maps and lists, and its result is the evaluation's. */
class EvaluatorExplainTest {

    private static final FlagSet SET = Flags.doc()
            .segment("beta", s -> s.included("u7").rule(clause("email", "endsWith", "@example.com")))
            .flag("payments", f -> f.bool().fallthrough("on"))
            .flag("checkout", f -> f.bool()
                    .prerequisite("payments", "on")
                    .target("on", "u42")
                    .rule("eu", Flags.all(clause("country", "in", "DE", "FR"), clause("plan", "in", "premium")), "on")
                    .rule("beta", inSegment("beta"), rollout("on", 50, "off", 50))
                    .fallthrough(rollout("on", 10, "off", 90)))
            .flag("legacy", f -> f.bool().enabled(false).rule("r", clause("a", "in", "x"), "on"))
            .flag("blocked", f -> f.bool().fallthrough("on").prerequisite("legacy", "on"))
            .compile();

    private static Evaluator.Explanation explain(String flag, Object... context) {
        return EVALUATOR.explain(SET, flag, ctx(context));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    @Test
    void showsPrerequisitesTargetsEachRuleAndTheRollout() {
        Evaluator.Explanation e = explain("checkout", "targetingKey", "u1", "country", "DE", "plan", "free",
                "email", "u1@example.com");
        Map<String, Object> trace = e.trace();

        assertThat(trace).containsEntry("flag", "checkout").containsEntry("enabled", true);

        Map<String, Object> prerequisite = map(list(trace.get("prerequisites")).get(0));
        assertThat(prerequisite).containsEntry("flag", "payments").containsEntry("expected", "on")
                .containsEntry("actual", "on").containsEntry("passed", true);
        assertThat(map(prerequisite.get("trace"))).containsEntry("enabled", true);

        assertThat(map(trace.get("targets"))).containsEntry("targetingKey", "u1").containsEntry("matched", false);

        List<Object> rules = list(trace.get("rules"));
        assertThat(rules).hasSize(2);
        Map<String, Object> eu = map(rules.get(0));
        assertThat(eu).containsEntry("id", "eu").containsEntry("matched", false);
        Map<String, Object> all = map(eu.get("condition"));
        assertThat(all).containsEntry("result", false);
        List<Object> clauses = list(all.get("all"));
        assertThat(map(clauses.get(0))).containsEntry("attribute", "country").containsEntry("op", "in")
                .containsEntry("values", List.of("DE", "FR")).containsEntry("actual", "DE")
                .containsEntry("result", true);
        assertThat(map(clauses.get(1))).containsEntry("attribute", "plan").containsEntry("actual", "free")
                .containsEntry("result", false);

        Map<String, Object> beta = map(rules.get(1));
        assertThat(beta).containsEntry("id", "beta").containsEntry("matched", true);
        assertThat(map(beta.get("condition"))).containsEntry("segment", "beta").containsEntry("by", "rules")
                .containsEntry("result", true);

        Map<String, Object> serve = map(trace.get("serve"));
        assertThat(serve).containsEntry("from", "rule beta").containsEntry("variant", e.result().variantKey());
        Map<String, Object> rollout = map(serve.get("rollout"));
        assertThat(rollout).containsEntry("bucketBy", "targetingKey").containsEntry("bucketValue", "u1")
                .containsEntry("bucket", Bucketing.bucket("checkout", "u1"));
        assertThat(map(rollout.get("weights"))).containsOnlyKeys("on", "off");

        assertThat(e.result().ruleId()).isEqualTo("beta");
        assertThat(e.result().variantKey()).isEqualTo(Bucketing.bucket("checkout", "u1") < 50_000 ? "on" : "off");
    }

    @Test
    void showsAMatchedTargetAndStopsThere() {
        Map<String, Object> trace = explain("checkout", "targetingKey", "u42").trace();
        assertThat(map(trace.get("targets"))).containsEntry("matched", true).containsEntry("variant", "on");
        assertThat(trace).doesNotContainKeys("rules", "serve");
    }

    @Test
    void showsTheFallthroughAndAMissingClauseValue() {
        Evaluator.Explanation e = explain("checkout", "targetingKey", "u1");
        Map<String, Object> trace = e.trace();
        Map<String, Object> country = map(list(map(map(list(trace.get("rules")).get(0)).get("condition"))
                .get("all")).get(0));
        assertThat(country).containsEntry("attribute", "country").containsEntry("actual", null)
                .containsEntry("result", false);
        Map<String, Object> serve = map(trace.get("serve"));
        assertThat(serve).containsEntry("from", "fallthrough");
        assertThat(map(serve.get("rollout"))).containsEntry("bucket", Bucketing.bucket("checkout", "u1"));
        assertThat(e.result().reason()).isEqualTo(Reason.SPLIT);
    }

    @Test
    void showsHowASegmentWasDecided() {
        Map<String, Object> trace = explain("checkout", "targetingKey", "u7").trace();
        Map<String, Object> segment = map(map(list(trace.get("rules")).get(1)).get("condition"));
        assertThat(segment).containsEntry("segment", "beta").containsEntry("by", "included")
                .containsEntry("result", true);
    }

    @Test
    void showsAFailedPrerequisiteWithItsOwnTrace() {
        Evaluator.Explanation e = explain("blocked", "targetingKey", "u1");
        Map<String, Object> prerequisite = map(list(e.trace().get("prerequisites")).get(0));
        assertThat(prerequisite).containsEntry("flag", "legacy").containsEntry("actual", "off")
                .containsEntry("passed", false);
        assertThat(map(prerequisite.get("trace"))).containsEntry("enabled", false);
        assertThat(e.result().reason()).isEqualTo(Reason.DISABLED);
        assertThat(e.trace()).doesNotContainKeys("targets", "rules", "serve");
    }

    @Test
    void showsADisabledFlagWithoutItsRules() {
        Evaluator.Explanation e = explain("legacy", "a", "x");
        assertThat(e.trace()).containsEntry("enabled", false).doesNotContainKeys("rules", "serve");
        assertThat(e.result().reason()).isEqualTo(Reason.DISABLED);
    }

    @Test
    void showsAMissingFlag() {
        Evaluator.Explanation e = explain("ghost");
        assertThat(e.trace()).containsEntry("flag", "ghost").containsEntry("found", false);
        assertThat(e.result().errorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
    }

    @Test
    void showsAMissingBucketValue() {
        Evaluator.Explanation e = explain("checkout", "country", "US");
        Map<String, Object> rollout = map(map(e.trace().get("serve")).get("rollout"));
        assertThat(rollout).containsEntry("bucketValue", null).doesNotContainKey("bucket");
        assertThat(e.result().errorCode()).isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
    }

    @ParameterizedTest
    @ValueSource(strings = {"u1", "u2", "u7", "u42", "u1000", "zz"})
    void explainGivesTheResultEvaluateGives(String key) {
        for (String flag : List.of("checkout", "payments", "legacy", "blocked")) {
            Object[] context = {"targetingKey", key, "country", "FR", "plan", "premium", "email", key + "@x.org"};
            EvaluationResult evaluated = EVALUATOR.evaluate(SET, flag, ctx(context));
            assertThat(explain(flag, context).result()).as(flag).isSameAs(evaluated);
        }
    }
}
