package io.guidon.controlplane.ui.view;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.engine.Compilation;
import io.guidon.engine.Evaluator;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.engine.MapContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine's explanations, made by the engine itself, read as steps. */
class TraceViewTest {

    static final String DOCUMENT = """
            {"segments": {"beta": {"included": ["vip-1"], "excluded": ["banned"],
                                   "rules": [{"attribute": "plan", "op": "in", "values": ["pro"]}]}},
             "flags": {
               "base": {"enabled": true, "variants": {"on": true, "off": false}, "offVariant": "off",
                        "fallthrough": {"variant": "on"}},
               "checkout": {"enabled": true, "variants": {"on": "new", "off": "old"}, "offVariant": "off",
                 "prerequisites": [{"flag": "base", "variant": "on"}],
                 "targets": [{"variant": "on", "values": ["tester"]}],
                 "rules": [
                   {"id": "fr-beta", "when": {"all": [{"attribute": "country", "op": "in", "values": ["FR", "BE"]},
                                                      {"segment": "beta"}]}, "serve": {"variant": "on"}},
                   {"id": "not-mobile", "when": {"not": {"attribute": "device", "op": "in", "values": ["ios"]}},
                    "serve": {"variant": "off"}}],
                 "fallthrough": {"rollout": {"on": 25, "off": 75}}},
               "dark": {"enabled": false, "variants": {"on": true, "off": false}, "offVariant": "off",
                        "fallthrough": {"variant": "on"}}}}
            """;

    static JsonNode explain(String flag, Map<String, Object> context) {
        Compilation c = new FlagDocumentCompiler().compile(DOCUMENT);
        assertThat(c.errors()).isEmpty();
        return StoredJson.MAPPER.valueToTree(new Evaluator().explain(c.flagSet(), flag, new MapContext(context))
                .trace());
    }

    static List<String> lines(List<TraceView.Step> steps, String indent) {
        List<String> out = new ArrayList<>();
        for (TraceView.Step s : steps) {
            out.add(indent + s.outcome() + " " + s.text());
            out.addAll(lines(s.steps(), indent + "  "));
        }
        return out;
    }

    @Test
    void aRuleThatMatchesShowsEachClauseTheSegmentAndWhatServed() {
        List<String> lines = lines(TraceView.of(explain("checkout", Map.of("targetingKey", "u1", "country", "FR",
                "plan", "pro"))), "");
        assertThat(lines).containsExactly(
                "PASS The flag is on.",
                "PASS Prerequisite base must serve on: it does.",
                "  PASS The flag is on.",
                "  INFO Served by the fallthrough: variant on.",
                "FAIL The targeting key u1 is not among the individual targets.",
                "PASS Rule fr-beta matches.",
                "  PASS All of these hold.",
                "    PASS country in [\"FR\", \"BE\"]: the context has \"FR\".",
                "    PASS In segment beta: one of its rules holds.",
                "      PASS plan in [\"pro\"]: the context has \"pro\".",
                "INFO Served by rule fr-beta (no later rule is checked): variant on.");
        TraceView.Step clause = TraceView.of(explain("checkout", Map.of("targetingKey", "u1", "country", "FR",
                "plan", "pro"))).get(3).steps().get(0).steps().get(0);
        assertThat(clause.sentence()).extracting(TraceView.Part::code).containsExactly(true, false, true, false,
                true, false, true, false);
    }

    @Test
    void aFallthroughRolloutShowsTheSharesTheBucketAndTheVariant() {
        List<String> lines = lines(TraceView.of(explain("checkout", Map.of("targetingKey", "user-1", "country", "DE",
                "device", "ios"))), "");
        assertThat(lines).contains(
                "FAIL Rule fr-beta does not match.",
                "  FAIL Not all of these hold (checking stops at the first that does not).",
                "    FAIL country in [\"FR\", \"BE\"]: the context has \"DE\".",
                "FAIL Rule not-mobile does not match.",
                "  FAIL Not: what follows holds, so this does not.",
                "    PASS device in [\"ios\"]: the context has \"ios\".",
                "INFO No rule matched: served by the fallthrough, a percentage rollout.",
                "  INFO Shares, in bucket order: on 25 % (0–25), off 75 % (25–100).");
        String bucket = lines.get(lines.size() - 1);
        assertThat(bucket).matches("  INFO Bucketed by targetingKey = user-1: bucket [0-9,]+ of 100,000"
                + " \\([0-9.]+ %\\), in the share of (on|off)\\.");
    }

    @Test
    void individualTargetsSegmentListsMissingAttributesAndNoTargetingKeyAreSaid() {
        assertThat(lines(TraceView.of(explain("checkout", Map.of("targetingKey", "tester"))), ""))
                .contains("PASS The targeting key tester is an individual target of variant on.");
        assertThat(lines(TraceView.of(explain("checkout", Map.of("targetingKey", "vip-1", "country", "BE"))), ""))
                .contains("    PASS In segment beta: the targeting key is on its included list.");
        assertThat(lines(TraceView.of(explain("checkout", Map.of("targetingKey", "banned", "country", "BE"))), ""))
                .contains("    FAIL In segment beta: no, the targeting key is on its excluded list.");
        List<String> none = lines(TraceView.of(explain("checkout", Map.of("country", "BE", "device", "ios"))), "");
        assertThat(none).contains("FAIL The context has no targetingKey, so no individual target applies.",
                "      FAIL plan in [\"pro\"]: the context has no plan.",
                "  ERROR The context has no targetingKey to bucket by, so the rollout cannot choose a variant.");
    }

    @Test
    void aDisabledFlagAndAnUnknownFlagSaySo() {
        assertThat(lines(TraceView.of(explain("dark", Map.of("targetingKey", "u"))), ""))
                .containsExactly("FAIL The flag is off: it serves its off variant to everyone.");
        assertThat(lines(TraceView.of(explain("nope", Map.of())), "")).containsExactly("ERROR There is no flag nope.");
        assertThat(TraceView.of(null)).isEmpty();
    }

    @Test
    void longValueListsAreCut() {
        JsonNode trace = StoredJson.parse("""
                {"enabled": true, "rules": [{"id": "r", "matched": false, "condition": {"attribute": "id",
                 "op": "in", "values": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15], "actual": 99, "result": false}}]}
                """);
        assertThat(lines(TraceView.of(trace), "")).contains(
                "  FAIL id in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, … 3 more]: the context has 99.");
    }
}
