package io.guidon.engine;

import static io.guidon.engine.Flags.EVALUATOR;
import static io.guidon.engine.Flags.all;
import static io.guidon.engine.Flags.any;
import static io.guidon.engine.Flags.clause;
import static io.guidon.engine.Flags.ctx;
import static io.guidon.engine.Flags.inSegment;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The evaluation-cost limit (docs/flag-format.md, "Limits"): a document whose worst-case evaluation of a flag or test
 * of a segment takes more than {@link FlagDocumentCompiler#MAX_EVALUATION_STEPS} steps, with segment references and
 * prerequisites expanded, is refused where the cost passes the limit; one at the limit compiles.
 */
class FlagDocumentCompilerCostTest {

    private static final long LIMIT = FlagDocumentCompiler.MAX_EVALUATION_STEPS;

    /** {@code levels} levels of {@code width} segments, each {@code any} of every segment of the next level. */
    private static Flags layers(int levels, int width) {
        Flags doc = Flags.doc();
        for (int l = 0; l < levels; l++) {
            for (int w = 0; w < width; w++) {
                int level = l;
                JsonNode rule;
                if (level == levels - 1) {
                    rule = clause("plan", "in", "x");
                } else {
                    JsonNode[] next = new JsonNode[width];
                    for (int k = 0; k < width; k++) {
                        next[k] = inSegment("l" + (level + 1) + "-" + k);
                    }
                    rule = any(next);
                }
                doc.segment("l" + l + "-" + w, s -> s.rule(rule));
            }
        }
        return doc.flag("f", f -> f.bool().rule("r", inSegment("l0-0"), "on"));
    }

    @Test
    void theTestersEightLevelsOfTwentySegmentsAreRefusedAtTheFlagNamingTheSegmentThatBlowsUp() {
        // Finding 1: validate said valid; eval took 10 s; two evaluations blocked a sidecar's event loops for 17 s.
        List<ValidationError> errors = layers(8, 20).errors();
        assertThat(errors).anySatisfy(e -> {
            assertThat(e.path()).isEqualTo("flags.f.rules[0].when");
            assertThat(e.message()).contains("evaluating flag 'f' can take up to ", "at most " + LIMIT,
                    "segment 'l3-0' alone can take up to");
        });
        // The segments where the cost first passes the limit (level 3: 20 x 20 x 20 x ... below), not those above.
        assertThat(errors).filteredOn(e -> e.path().startsWith("segments.")).hasSize(20).allSatisfy(e -> {
            assertThat(e.path()).matches("segments\\.l3-\\d+\\.rules\\[0]");
            assertThat(e.message()).contains("testing segment 'l3-", "at most " + LIMIT);
        });
        assertThat(errors).hasSize(21);
    }

    @Test
    void theSameLayersBelowTheLimitCompileAndEvaluateQuickly() {
        FlagSet set = layers(4, 20).compile();
        assertThat(set.flag("f").evaluationSteps).isLessThanOrEqualTo(LIMIT);
        EvaluationResult r = EVALUATOR.evaluate(set, "f", ctx("targetingKey", "u", "plan", "y"));
        assertThat(r.variantKey()).isEqualTo("off");
    }

    /** Flag {@code f} with 99 rules of 1,000 steps each and one of {@code lastParts + 1}: 1 + 99,000 + ... steps. */
    private static Flags flagOfSteps(int lastParts) {
        return Flags.doc().flag("f", f -> {
            f.bool();
            for (int r = 0; r < 100; r++) {
                int n = r < 99 ? 999 : lastParts;
                JsonNode[] parts = new JsonNode[n];
                for (int i = 0; i < n; i++) {
                    parts[i] = clause("a" + i, "in", "x");
                }
                f.rule("r" + r, all(parts), "on");
            }
        });
    }

    @Test
    void aFlagOfExactlyTheLimitCompilesAndOneStepMoreIsRefusedAtItsCostliestRule() {
        // 1 (the flag) + 99 x (1 all + 999 clauses) + (1 all + 998 clauses) = 100,000.
        FlagSet set = flagOfSteps(998).compile();
        assertThat(set.flag("f").evaluationSteps).isEqualTo(LIMIT);
        List<ValidationError> errors = flagOfSteps(999).errors();
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).path()).isEqualTo("flags.f.rules[0].when");
        assertThat(errors.get(0).message()).contains("can take up to 100001 evaluation steps");
    }

    @Test
    void prerequisitesOfPrerequisitesAreRefusedAtThePrerequisiteThatBlowsUp() {
        // 4 levels of 20 flags, each requiring all 20 of the next level: 20^4 evaluations of the last level.
        Flags doc = Flags.doc();
        int levels = 5;
        int width = 20;
        for (int l = 0; l < levels; l++) {
            for (int w = 0; w < width; w++) {
                int level = l;
                doc.flag("p" + l + "-" + w, f -> {
                    f.bool();
                    if (level + 1 < levels) {
                        for (int k = 0; k < width; k++) {
                            f.prerequisite("p" + (level + 1) + "-" + k, "off");
                        }
                    }
                });
            }
        }
        List<ValidationError> errors = doc.errors();
        assertThat(errors).isNotEmpty().allSatisfy(e -> {
            assertThat(e.path()).matches("flags\\.p0-\\d+\\.prerequisites\\[\\d+]");
            assertThat(e.message()).contains("at most " + LIMIT, "its prerequisite 'p1-");
        });
        assertThat(errors).hasSize(width);
    }

    @Test
    void costsGrowingBeyondSixtyFourBitsSaturateInsteadOfWrappingAround() {
        // Each segment references the next 1,000 times: 1,000^8 steps, more than a long holds.
        Flags doc = Flags.doc();
        for (int i = 0; i < 8; i++) {
            int next = i + 1;
            JsonNode rule;
            if (next < 8) {
                List<JsonNode> refs = new ArrayList<>();
                for (int k = 0; k < 1_000; k++) {
                    refs.add(inSegment("s" + next));
                }
                rule = any(refs.toArray(new JsonNode[0]));
            } else {
                rule = clause("plan", "in", "x");
            }
            doc.segment("s" + i, s -> s.rule(rule));
        }
        doc.flag("f", f -> f.bool().rule("r", inSegment("s0"), "on"));
        List<ValidationError> errors = doc.errors();
        assertThat(errors).anySatisfy(e -> {
            assertThat(e.path()).isEqualTo("flags.f.rules[0].when");
            assertThat(e.message()).contains("can take up to more than " + Cost.CAP, "segment 's5' alone");
        });
        assertThat(errors).noneSatisfy(e -> assertThat(e.message()).contains("up to -"));
    }

    @Test
    void saturatingArithmeticNeverOverflows() {
        assertThat(Cost.add(Cost.CAP, Cost.CAP)).isEqualTo(Cost.CAP);
        assertThat(Cost.times(Cost.CAP, Cost.CAP)).isEqualTo(Cost.CAP);
        assertThat(Cost.times(1L << 40, 1L << 40)).isEqualTo(Cost.CAP);
        assertThat(Cost.times(3, 7)).isEqualTo(21);
        assertThat(Cost.add(3, 7)).isEqualTo(10);
        assertThat(Cost.times(0, Cost.CAP)).isZero();
    }
}
