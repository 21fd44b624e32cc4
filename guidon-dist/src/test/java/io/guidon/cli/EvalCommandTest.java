package io.guidon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCommandTest {

    private static final String FLAGS = "config/flags.json";
    private final ObjectMapper json = new ObjectMapper();
    @TempDir
    Path dir;

    @Test
    void printsValueVariantReasonAndRuleOfTheMatchingRule() throws Exception {
        CliRun run = CliRun.of("eval", FLAGS, "new-checkout", "--context",
                "{\"targetingKey\":\"u1\",\"country\":\"DE\",\"plan\":\"premium\"}");

        assertThat(run.exitCode()).isZero();
        JsonNode result = json.readTree(run.out());
        assertThat(result.get("flag").textValue()).isEqualTo("new-checkout");
        assertThat(result.get("value").booleanValue()).isTrue();
        assertThat(result.get("variant").textValue()).isEqualTo("on");
        assertThat(result.get("reason").textValue()).isEqualTo("TARGETING_MATCH");
        assertThat(result.get("ruleId").textValue()).isEqualTo("eu-premium");
        assertThat(result.has("explanation")).isFalse();
    }

    @Test
    void explainShowsWhichRulesAndClausesMatched() throws Exception {
        CliRun run = CliRun.of("eval", FLAGS, "new-checkout", "--explain", "--context",
                "{\"targetingKey\":\"user-1\",\"country\":\"US\"}");

        assertThat(run.exitCode()).isZero();
        JsonNode explanation = json.readTree(run.out()).get("explanation");
        assertThat(explanation.get("prerequisites").get(0).get("passed").booleanValue()).isTrue();
        assertThat(explanation.get("targets").get("matched").booleanValue()).isFalse();
        JsonNode rules = explanation.get("rules");
        assertThat(rules.get(0).get("id").textValue()).isEqualTo("eu-premium");
        assertThat(rules.get(0).get("matched").booleanValue()).isFalse();
        JsonNode firstClause = rules.get(0).get("condition").get("all").get(0);
        assertThat(firstClause.get("attribute").textValue()).isEqualTo("country");
        assertThat(firstClause.get("actual").textValue()).isEqualTo("US");
        assertThat(firstClause.get("result").booleanValue()).isFalse();
        assertThat(rules.get(1).get("matched").booleanValue()).isTrue();
        assertThat(explanation.get("serve").get("rollout").get("bucket").isInt()).isTrue();
    }

    @Test
    void unknownFlagPrintsFlagNotFoundAndExitsOne() throws Exception {
        CliRun run = CliRun.of("eval", FLAGS, "no-such-flag");

        assertThat(run.exitCode()).isEqualTo(1);
        JsonNode result = json.readTree(run.out());
        assertThat(result.get("reason").textValue()).isEqualTo("ERROR");
        assertThat(result.get("errorCode").textValue()).isEqualTo("FLAG_NOT_FOUND");
    }

    @Test
    void rolloutWithoutTargetingKeyReportsTargetingKeyMissing() throws Exception {
        CliRun run = CliRun.of("eval", FLAGS, "checkout-button-color", "--context", "{}");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(json.readTree(run.out()).get("errorCode").textValue()).isEqualTo("TARGETING_KEY_MISSING");
    }

    @Test
    void errorResultsSayErrorDetailsAsOfrepDoes() throws Exception {
        JsonNode result = json.readTree(CliRun.of("eval", FLAGS, "no-such-flag").out());

        assertThat(result.get("errorDetails").textValue()).contains("'no-such-flag'");
        assertThat(result.has("errorMessage")).isFalse();
    }

    @Test
    void aMissingDocumentIsOneClearLineAndExitOne() {
        CliRun run = CliRun.of("eval", dir.resolve("missing.json").toString(), "f");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("cannot read " + dir.resolve("missing.json") + ": no such file");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aDirectoryOrANonJsonDocumentIsOneClearProblem() throws Exception {
        CliRun directory = CliRun.of("eval", dir.toString(), "f");
        assertThat(directory.exitCode()).isEqualTo(1);
        assertThat(directory.err().strip()).isEqualTo("cannot read " + dir + ": it is a directory, not a file");

        Path text = Files.writeString(dir.resolve("notes.txt"), "not json at all");
        CliRun notJson = CliRun.of("eval", text.toString(), "f");
        assertThat(notJson.exitCode()).isEqualTo(1);
        assertThat(notJson.err()).contains("invalid JSON at line 1").doesNotContain("Exception:").doesNotContain("\tat ");
    }

    @Test
    void aMissingContextFileIsAUsageError() {
        CliRun run = CliRun.of("eval", FLAGS, "dark-mode", "--context-file", dir.resolve("ctx.json").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("--context-file: cannot read " + dir.resolve("ctx.json")
                + ": no such file");
    }

    @Test
    void aVersionBeyondSixtyFourBitsEvaluates() throws Exception {
        // Issue 9: semver4j threw for this pre-release number.
        Path doc = Files.writeString(dir.resolve("nightly.json"), """
                {"flags": {"nightly": {"enabled": true, "variants": {"on": true, "off": false},
                  "offVariant": "off", "fallthrough": {"variant": "off"},
                  "rules": [{"id": "n", "when": {"attribute": "appVersion", "op": "semverGt",
                             "values": ["2.0.0-nightly.1"]}, "serve": {"variant": "on"}}]}}}
                """);
        CliRun run = CliRun.of("eval", doc.toString(), "nightly", "--context",
                "{\"appVersion\":\"2.0.0-nightly.20250101123456789012345\"}");

        assertThat(run.exitCode()).isZero();
        assertThat(json.readTree(run.out()).get("variant").textValue()).isEqualTo("on");
    }

    @Test
    void contextThatIsNotAnObjectIsAUsageError() {
        CliRun run = CliRun.of("eval", FLAGS, "dark-mode", "--context", "[1,2]");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("must be a JSON object");
    }

    @Test
    void malformedContextIsAUsageError() {
        CliRun run = CliRun.of("eval", FLAGS, "dark-mode", "--context", "{targetingKey:");

        assertThat(run.exitCode()).isEqualTo(2);
        // In plain words (finding 8): not the parser's "(code 116)", "JsonReadFeature" or "Source:".
        assertThat(run.err()).contains("not valid JSON").doesNotContain("(code", "Feature", "Source:", "`");
    }

    @Test
    void atFixesNowForRelativeDateOperators() throws Exception {
        String ctx = "{\"targetingKey\":\"u1\",\"deviceType\":\"ios\",\"appVersion\":\"4.3.0\","
                + "\"signupDate\":\"2025-05-20T00:00:00Z\"}";

        CliRun recent = CliRun.of("eval", FLAGS, "ios-new-onboarding", "--context", ctx, "--at", "2025-06-01T00:00:00Z");
        CliRun later = CliRun.of("eval", FLAGS, "ios-new-onboarding", "--context", ctx, "--at", "2025-09-01T00:00:00Z");

        assertThat(json.readTree(recent.out()).get("variant").textValue()).isEqualTo("on");
        assertThat(json.readTree(later.out()).get("variant").textValue()).isEqualTo("off");
    }

    @Test
    void contextFileIsReadLikeTheInlineContext(@TempDir Path dir) throws Exception {
        Path ctx = dir.resolve("ctx.json");
        Files.writeString(ctx, "{\"targetingKey\":\"user-42\"}");

        CliRun run = CliRun.of("eval", FLAGS, "new-checkout", "--context-file", ctx.toString());

        JsonNode result = json.readTree(run.out());
        assertThat(result.get("reason").textValue()).isEqualTo("TARGETING_MATCH");
        assertThat(result.has("ruleId")).isFalse();
    }

    @Test
    void invalidDocumentIsRejectedWithItsProblems() {
        CliRun run = CliRun.of("eval", "docs/examples/broken-flags.json", "new-checkout");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("unknown operator 'inn'").contains("nothing evaluated");
        assertThat(run.out()).isEmpty();
    }
}
