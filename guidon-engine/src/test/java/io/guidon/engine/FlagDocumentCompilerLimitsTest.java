package io.guidon.engine;

import static io.guidon.engine.Flags.EVALUATOR;
import static io.guidon.engine.Flags.clause;
import static io.guidon.engine.Flags.ctx;
import static io.guidon.engine.Flags.inSegment;
import static io.guidon.engine.ValidationErrors.assertOnlyError;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The documented limits (docs/flag-format.md, "Limits"): each is refused with a path one past it and accepted at
 * it, and long chains are refused without the compiler itself recursing through them.
 */
class FlagDocumentCompilerLimitsTest {

    /** Segment {@code s0} references {@code s1} ... up to {@code s<n-1>}, which references nothing. */
    private static Flags segmentChain(int n) {
        Flags doc = Flags.doc();
        for (int i = 0; i < n; i++) {
            int next = i + 1;
            doc.segment("s" + i, s -> s.rule(next < n ? inSegment("s" + next) : clause("plan", "in", "pro")));
        }
        return doc.flag("f", f -> f.bool().rule("r", inSegment("s0"), "on"));
    }

    /** Flag {@code f0} requires {@code f1} ... which requires {@code f<n-1>}. */
    private static Flags prerequisiteChain(int n) {
        Flags doc = Flags.doc();
        for (int i = 0; i < n; i++) {
            int next = i + 1;
            doc.flag("f" + i, f -> {
                f.bool().fallthrough("on");
                if (next < n) {
                    f.prerequisite("f" + next, "on");
                }
            });
        }
        return doc;
    }

    @Test
    void aDocumentOverSixteenMebibytesIsRefusedBeforeItIsParsed() {
        // Third re-check: a 33.8 MB document that validate accepted could not be compiled in the sidecar's heap.
        byte[] over = new byte[FlagDocumentCompiler.MAX_DOCUMENT_BYTES + 1];
        java.util.Arrays.fill(over, (byte) ' ');
        over[0] = '{';
        over[over.length - 1] = '}';

        Compilation c = new FlagDocumentCompiler().compile(over);

        assertThat(c.ok()).isFalse();
        assertThat(c.errors()).singleElement().satisfies(e -> assertThat(e.message())
                .contains((FlagDocumentCompiler.MAX_DOCUMENT_BYTES + 1) + " bytes", "16 MiB"));
        byte[] at = "{\"flags\":{}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(new FlagDocumentCompiler().compile(at).ok()).isTrue();
    }

    @Test
    void aSegmentChainAtTheLimitCompilesAndEvaluates() {
        FlagSet set = segmentChain(FlagDocumentCompiler.MAX_SEGMENT_DEPTH).compile();
        assertThat(EVALUATOR.evaluate(set, "f", ctx("targetingKey", "u", "plan", "pro")).variantKey()).isEqualTo("on");
    }

    @Test
    void aSegmentChainOnePastTheLimitIsRefusedWhereItGetsTooDeep() {
        int n = FlagDocumentCompiler.MAX_SEGMENT_DEPTH + 1;
        assertOnlyError(segmentChain(n), "segments.s0.rules[0].segment", "segments reference segments 9 deep: s0 -> s1 -> ");
    }

    @Test
    void aChainOfThreeThousandSegmentsIsOneProblemNotAStackOverflow() {
        // Issue 9: validate said valid, then eval died with StackOverflowError.
        List<ValidationError> errors = segmentChain(3_000).errors();
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).path()).isEqualTo("segments.s2991.rules[0].segment");
        assertThat(errors.get(0).message()).contains("a chain has at most 8 segments");
    }

    @Test
    void aPrerequisiteChainAtTheLimitCompilesAndEvaluates() {
        FlagSet set = prerequisiteChain(FlagDocumentCompiler.MAX_PREREQUISITE_DEPTH + 1).compile();
        EvaluationResult r = EVALUATOR.evaluate(set, "f0", ctx("targetingKey", "u"));
        assertThat(r.variantKey()).isEqualTo("on");
        assertThat(r.reason()).isEqualTo(Reason.DEFAULT);
    }

    @Test
    void aPrerequisiteChainOnePastTheLimitIsRefused() {
        assertOnlyError(prerequisiteChain(FlagDocumentCompiler.MAX_PREREQUISITE_DEPTH + 2), "flags.f0.prerequisites",
                "prerequisites nest 17 levels deep: f0 -> f1 -> ");
    }

    @Test
    void aChainOfThreeThousandPrerequisitesIsOneProblem() {
        List<ValidationError> errors = prerequisiteChain(3_000).errors();
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).path()).isEqualTo("flags.f2982.prerequisites");
    }

    @Test
    void aLongCycleIsFoundWithoutRecursing() {
        Flags doc = Flags.doc();
        int n = 5_000;
        for (int i = 0; i < n; i++) {
            int next = (i + 1) % n;
            doc.segment("s" + i, s -> s.rule(inSegment("s" + next)));
        }
        List<ValidationError> errors = doc.errors();
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).path()).isEqualTo("segments.s0.rules[0].segment");
        assertThat(errors.get(0).message()).startsWith("segments reference each other in a cycle: s0 -> s1 -> ");
    }

    @Test
    void aSemverValueIsAtMost256Characters() {
        String tooLong = "1.0.0-" + "a".repeat(251);
        assertOnlyError(Flags.doc().flag("f", f -> f.bool().rule("r", clause("v", "semverGt", tooLong), "on")),
                "flags.f.rules[0].when.values[0]", "invalid semantic version");
        String atLimit = "1.0.0-" + "a".repeat(250);
        assertThat(Flags.doc().flag("f", f -> f.bool().rule("r", clause("v", "semverGt", atLimit), "on")).compile())
                .isNotNull();
    }

    @Test
    void stringValuesAndTargetingKeysAreBounded() {
        String tooLong = "x".repeat(FlagDocumentCompiler.MAX_STRING_LENGTH + 1);
        assertOnlyError(Flags.doc().flag("f", f -> f.bool().rule("r", clause("email", "endsWith", tooLong), "on")),
                "flags.f.rules[0].when.values[0]", "at most 1024 characters, not 1025");
        assertOnlyError(Flags.doc().flag("f", f -> f.bool().rule("r", clause("email", "matches", tooLong), "on")),
                "flags.f.rules[0].when.values[0]", "at most 1024 characters");
        assertOnlyError(Flags.doc().flag("f", f -> f.bool().rule("r", clause("id", "in", tooLong), "on")),
                "flags.f.rules[0].when.values[0]", "at most 1024 characters");
        assertOnlyError(Flags.doc().flag("f", f -> f.bool().target("on", tooLong)),
                "flags.f.targets[0].values[0]", "at most 1024 characters");
        assertOnlyError(Flags.doc().segment("s", s -> s.included(tooLong)), "segments.s.included[0]",
                "at most 1024 characters");
    }

    @Test
    void countsAreBounded() {
        Object[] values = new Object[FlagDocumentCompiler.MAX_VALUES + 1];
        for (int i = 0; i < values.length; i++) {
            values[i] = "u" + i;
        }
        assertOnlyError(Flags.doc().flag("f", f -> f.bool().rule("r", clause("id", "in", values), "on")),
                "flags.f.rules[0].when.values", "at most 100000 values, not 100001");
        assertOnlyError(Flags.doc().flag("f", f -> {
            f.bool();
            for (int i = 0; i <= FlagDocumentCompiler.MAX_RULES; i++) {
                f.rule("r" + i, clause("id", "in", "x"), "on");
            }
        }), "flags.f.rules", "at most 1000 rules, not 1001");
        List<Object> parts = new ArrayList<>();
        for (int i = 0; i <= FlagDocumentCompiler.MAX_PARTS; i++) {
            parts.add(clause("id", "in", "x" + i));
        }
        assertOnlyError(Flags.doc().flag("f", f -> f.bool().rule("r",
                Flags.all(parts.toArray(new com.fasterxml.jackson.databind.JsonNode[0])), "on")),
                "flags.f.rules[0].when.all", "at most 1000 conditions, not 1001");
    }

    @Test
    void numbersADoubleCannotHoldAreRefused() {
        assertOnlyError(Flags.doc().flag("f", f -> f.bool().rule("r", Flags.json("{'attribute':'n','op':'lt',"
                + "'values':[1e400]}"), "on")), "flags.f.rules[0].when.values[0]", "beyond the range of a 64-bit float");
        assertOnlyError(Flags.doc().flag("f", f -> f.bool().rule("r", Flags.json("{'attribute':'n','op':'in',"
                + "'values':[1e-400]}"), "on")), "flags.f.rules[0].when.values[0]", "too close to 0");
        assertOnlyError(Flags.doc().flag("f", f -> f.bool().set("metadata", Flags.json("{'big': -1e400}"))),
                "flags.f.metadata.big", "beyond the range of a 64-bit float");
    }

    @Test
    void aPercentageWithAHugeExponentIsReportedBriefly() {
        // toPlainString of 1E+999999999 would be a billion digits.
        List<ValidationError> errors = Flags.doc().flag("f", f -> f.bool().fallthrough(Flags.json(
                "{'rollout': {'on': 1e999999999, 'off': 0}}"))).errors();
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("flags.f.fallthrough.rollout.on");
            assertThat(e.message()).isEqualTo("a percentage must be from 0 to 100, not 1E+999999999");
        });
    }

    /** {@code depth} levels of {@code not} around {@code inner} (an even number keeps its meaning). */
    private static com.fasterxml.jackson.databind.JsonNode nested(int depth, com.fasterxml.jackson.databind.JsonNode inner) {
        com.fasterxml.jackson.databind.JsonNode node = inner;
        for (int i = 1; i < depth; i++) {
            node = Flags.not(node);
        }
        return node;
    }

    @Test
    void theDeepestValidDocumentEvaluatesAndItsExplanationSerializes() throws Exception {
        // Every limit at once: 16 prerequisite levels, then conditions 31 deep, into 8 segments of 31 levels each.
        int depth = FlagDocumentCompiler.MAX_CONDITION_DEPTH - 1; // 30 nots: an even number
        Flags doc = Flags.doc();
        for (int i = 0; i < FlagDocumentCompiler.MAX_SEGMENT_DEPTH; i++) {
            com.fasterxml.jackson.databind.JsonNode leaf = i + 1 < FlagDocumentCompiler.MAX_SEGMENT_DEPTH
                    ? inSegment("s" + (i + 1)) : clause("plan", "in", "pro");
            doc.segment("s" + i, s -> s.rule(nested(depth, leaf)));
        }
        int flags = FlagDocumentCompiler.MAX_PREREQUISITE_DEPTH + 1;
        for (int i = 0; i < flags; i++) {
            int next = i + 1;
            doc.flag("f" + i, f -> {
                f.bool().rule("r", nested(depth, inSegment("s0")), "on");
                if (next < flags) {
                    f.prerequisite("f" + next, "on");
                }
            });
        }
        FlagSet set = doc.compile();
        EvaluationContext pro = ctx("targetingKey", "u", "plan", "pro");
        assertThat(EVALUATOR.evaluate(set, "f0", pro).variantKey()).isEqualTo("on");
        Evaluator.Explanation e = EVALUATOR.explain(set, "f0", pro);
        assertThat(e.result().variantKey()).isEqualTo("on");
        // A default mapper refuses to write more than 1,000 levels: the trace must stay below.
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(e.trace())).contains("\"f0\"");
    }
}
