package io.guidon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {

    @Test
    void validExampleExitsZeroWithOneLineSummary() {
        CliRun run = CliRun.of("validate", "config/flags.json");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().strip()).matches("config/flags.json: valid, \\d+ flags, \\d+ segments");
    }

    @Test
    void brokenExampleListsEveryProblemWithItsPathAndExitsOne() {
        CliRun run = CliRun.of("validate", "docs/examples/broken-flags.json");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out())
                .contains("flags.new-checkout.rules[1].when.all[0].op: unknown operator 'inn'")
                .contains("flags.new-checkout.offVariant: variant 'of' is not declared")
                .contains("flags.new-checkout.fallthrough.rollout: percentages sum to 90, not 100")
                .contains("flags.new-checkout.prerequisites[0].flag: unknown flag 'payments-v3'")
                .contains("flags.chicken.prerequisites: prerequisites form a cycle: chicken -> egg -> chicken")
                .contains("segments.loop-a.rules[0].segment: segments reference each other in a cycle")
                .contains("flags[\"Bad Key\"]: invalid flag key 'Bad Key'");
        long problems = run.out().lines().filter(l -> l.contains(": ") && !l.startsWith("docs/")).count();
        assertThat(run.out()).contains("docs/examples/broken-flags.json: " + problems + " problems");
        assertThat(problems).isGreaterThanOrEqualTo(20);
    }

    @Test
    void jsonFormatReportsEachFileAsOneObject() throws Exception {
        CliRun run = CliRun.of("validate", "--format", "json", "config/flags.json", "docs/examples/broken-flags.json");

        assertThat(run.exitCode()).isEqualTo(1);
        ObjectMapper json = new ObjectMapper();
        var lines = run.out().lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode valid = json.readTree(lines.get(0));
        JsonNode broken = json.readTree(lines.get(1));
        assertThat(valid.get("valid").booleanValue()).isTrue();
        assertThat(valid.get("flags").intValue()).isPositive();
        assertThat(broken.get("valid").booleanValue()).isFalse();
        assertThat(broken.get("errors").size()).isGreaterThanOrEqualTo(20);
        assertThat(broken.get("errors").get(0).get("path").textValue()).startsWith("flags.new-checkout");
    }

    @Test
    void invalidJsonIsReportedWithLineAndColumn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\n  \"flags\": {\n    \"a\": {,}\n  }\n}\n");

        CliRun run = CliRun.of("validate", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("invalid JSON at line 3, column");
    }

    @Test
    void aDocumentNestedDeeperThanTheParserAllowsGetsAPlainMessage(@TempDir Path dir) throws Exception {
        // Finding 8: the message named Jackson's StreamReadConstraints.getMaxNestingDepth().
        Path file = dir.resolve("deep.json");
        Files.writeString(file, "{\"flags\": {\"f\": {\"metadata\": " + "[".repeat(300) + "]".repeat(300) + "}}}");

        CliRun run = CliRun.of("validate", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("invalid JSON: the document nests deeper than 200 levels")
                .doesNotContain("StreamReadConstraints", "`", "Source:", "Jackson");
    }

    @Test
    void loneSurrogatesAndNulInAFileAreProblemsWithTheirPaths(@TempDir Path dir) throws Exception {
        // Finding 6: validate said valid, then eval and a sidecar served "a?b" and "?".
        Path file = dir.resolve("text.json");
        Files.writeString(file, "{\"flags\": {\"f\": {\"enabled\": true, \"variants\": {\"a\": \"a\\ud800b\", "
                + "\"b\": \"c\"}, \"offVariant\": \"b\", \"fallthrough\": {\"variant\": \"a\"}, "
                + "\"metadata\": {\"m\": \"\\udc00\", \"n\\u0000\": 1}}}}");

        CliRun run = CliRun.of("validate", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("flags.f.variants.a: the text contains a lone UTF-16 surrogate (\\ud800)",
                "flags.f.metadata.m: the text contains a lone UTF-16 surrogate (\\udc00)",
                "flags.f.metadata[\"n\\u0000\"]: the field name contains NUL (\\u0000)", "3 problems");
    }

    @Test
    void theTestersLayersOfSegmentsAreRefusedForTheirEvaluationCost(@TempDir Path dir) throws Exception {
        // Finding 1: 8 levels of 20 segments, each any of the next level: valid, then 10 s an evaluation.
        StringBuilder doc = new StringBuilder("{\"segments\": {");
        for (int l = 0; l < 8; l++) {
            for (int w = 0; w < 20; w++) {
                doc.append(l + w == 0 ? "" : ",").append("\"l").append(l).append('-').append(w).append("\": {\"rules\": [");
                if (l == 7) {
                    doc.append("{\"attribute\": \"plan\", \"op\": \"in\", \"values\": [\"x\"]}");
                } else {
                    doc.append("{\"any\": [");
                    for (int k = 0; k < 20; k++) {
                        doc.append(k == 0 ? "" : ",").append("{\"segment\": \"l").append(l + 1).append('-').append(k)
                                .append("\"}");
                    }
                    doc.append("]}");
                }
                doc.append("]}");
            }
        }
        doc.append("}, \"flags\": {\"f\": {\"enabled\": true, \"variants\": {\"on\": true, \"off\": false}, "
                + "\"offVariant\": \"off\", \"rules\": [{\"id\": \"r\", \"when\": {\"segment\": \"l0-0\"}, "
                + "\"serve\": {\"variant\": \"on\"}}], \"fallthrough\": {\"variant\": \"off\"}}}}");
        Path file = dir.resolve("layers.json");
        Files.writeString(file, doc);

        CliRun run = CliRun.of("validate", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("flags.f.rules[0].when: evaluating flag 'f' can take up to",
                "segment 'l3-0' alone can take up to", "segments.l3-0.rules[0]: testing segment 'l3-0'");
    }

    @Test
    void missingFileIsAProblemNotACrash(@TempDir Path dir) {
        CliRun run = CliRun.of("validate", dir.resolve("nope.json").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("cannot read " + dir.resolve("nope.json") + ": no such file")
                .doesNotContain("Exception");
    }

    @Test
    void aDirectoryIsAProblemNamedAsSuch(@TempDir Path dir) {
        CliRun run = CliRun.of("validate", dir.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("cannot read " + dir + ": it is a directory, not a file")
                .doesNotContain("Exception");
    }

    @Test
    void chainsBeyondTheLimitsAreProblemsWithPaths(@TempDir Path dir) throws Exception {
        // Issue 9: validate called a 3,000-segment chain valid, then eval overflowed the stack.
        StringBuilder doc = new StringBuilder("{\"segments\":{");
        for (int i = 0; i < 3_000; i++) {
            doc.append(i == 0 ? "" : ",").append("\"s").append(i).append("\":{\"rules\":[")
                    .append(i + 1 < 3_000 ? "{\"segment\":\"s" + (i + 1) + "\"}"
                            : "{\"attribute\":\"a\",\"op\":\"exists\"}")
                    .append("]}");
        }
        doc.append("},\"flags\":{}}");
        Path file = Files.writeString(dir.resolve("chain.json"), doc);

        CliRun run = CliRun.of("validate", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("segments.s2991.rules[0].segment: segments reference segments 9 deep: s2991 -> s2992 -> ")
                .contains(": 1 problem");
    }

    @Test
    void noFileIsAUsageError() {
        CliRun run = CliRun.of("validate");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required parameter").contains("FILE");
    }

    @Test
    void aRegularExpressionThatRepeatsTooMuchIsOnePlainLine(@TempDir Path dir) throws Exception {
        // R1: validate ran 59 s, then died with OutOfMemoryError and a raw re2j stack trace.
        Path file = dir.resolve("regex.json");
        Files.writeString(file, "{\"segments\": {\"rx\": {\"rules\": [{\"attribute\": \"s\", \"op\": \"matches\", "
                + "\"values\": [\"(((((((((a{10}){10}){10}){10}){10}){10}){10}){10}){10})\"]}]}}, \"flags\": {}}");

        CliRun run = CliRun.of("validate", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out().lines().filter(l -> l.startsWith("segments.")).toList()).containsExactly(
                "segments.rx.rules[0].values[0]: the pattern repeats too much: it expands to 1,333,333,333 "
                        + "instructions; at most 10,000 (see \"Limits\" in the flag format)");
        assertThat(run.out() + run.err()).doesNotContain("re2j", "OutOfMemoryError", "Exception");
    }
}
