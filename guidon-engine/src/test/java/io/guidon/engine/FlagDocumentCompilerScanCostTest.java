package io.guidon.engine;

import static io.guidon.engine.Flags.any;
import static io.guidon.engine.Flags.clause;
import static io.guidon.engine.Flags.inSegment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Regular expressions are sized before RE2/J compiles them, and clauses cost what their values make them scan
 * (docs/flag-format.md, "Limits"): the round-2 findings R1 and R2 as tests.
 */
class FlagDocumentCompilerScanCostTest {

    private static final String NESTED = "(((((((((a{10}){10}){10}){10}){10}){10}){10}){10}){10})";

    @Test
    void nestedCountedRepetitionIsRefusedAtOnceWithItsPath() {
        // R1: validate ran 59 s and died with OutOfMemoryError; the control plane froze.
        List<ValidationError> errors = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Flags.doc()
                .segment("rx", s -> s.rule(clause("s", "matches", NESTED)))
                .flag("f", f -> f.bool().rule("r", inSegment("rx"), "on")).errors());

        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).path()).isEqualTo("segments.rx.rules[0].values[0]");
        assertThat(errors.get(0).message()).startsWith("the pattern repeats too much: it expands to ")
                .contains("instructions; at most 10,000");
    }

    @Test
    void aPatternAtTheSizeLimitCompilesQuicklyAndOneAboveItIsRefused() {
        String atLimit = "(?:[a-z]{10}){" + 760 + "}"; // 1 + 760 x (10 + 1 + 2) = 9,881
        String above = "(?:[a-z]{10}){" + 770 + "}"; // 10,011
        assertThat(RegexSize.of(atLimit)).isBetween(9_000L, FlagDocumentCompiler.MAX_REGEX_SIZE);
        assertThat(RegexSize.of(above)).isGreaterThan(FlagDocumentCompiler.MAX_REGEX_SIZE);
        long start = System.nanoTime();
        Compilation ok = Flags.doc().segment("rx", s -> s.rule(clause("s", "matches", atLimit))).compilation();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        // Compiled; refused only for what scanning with it may cost.
        assertThat(ok.errors()).extracting(ValidationError::message)
                .noneMatch(m -> m.contains("repeats too much") || m.contains("RE2"));
        assertThat(Flags.doc().segment("rx", s -> s.rule(clause("s", "matches", above))).errors())
                .extracting(ValidationError::toString)
                .anyMatch(m -> m.startsWith("segments.rx.rules[0].values[0]: the pattern repeats too much"));
    }

    @Test
    void manyRegularExpressionsTogetherAreBoundedPerDocument() {
        // R1: a sidecar with -Xmx256m could not load 100 rules x 1,000 short regexes that validate called valid.
        Flags doc = Flags.doc();
        for (int s = 0; s < 100; s++) {
            Object[] regexes = new Object[1_000];
            for (int i = 0; i < regexes.length; i++) {
                regexes[i] = "^user-" + s + "-" + i + "-[a-z]+@(corp|example)\\.com$";
            }
            doc.segment("s" + s, b -> b.rule(clause("email", "matches", regexes)));
        }
        List<ValidationError> errors = doc.errors();

        assertThat(errors).extracting(ValidationError::message)
                .anyMatch(m -> m.startsWith("the document's regular expressions expand to more than 1,000,000"));
    }

    @Test
    void longContainsValuesAreRefusedAtTheRule() {
        // R2: 10 rules, each contains with 1,000 values of 1,000 characters: 10.6 s an OFREP request.
        Object[] values = new Object[1_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = String.valueOf((char) ('a' + i % 26)).repeat(999) + i % 10;
        }
        Flags doc = Flags.doc().flag("f", f -> {
            f.bool();
            for (int r = 0; r < 10; r++) {
                f.rule("r" + r, clause("ua", "contains", values), "on");
            }
        });
        List<ValidationError> errors = doc.errors();

        assertThat(errors).extracting(ValidationError::toString)
                .anyMatch(m -> m.startsWith("flags.f.rules[0].when: ") && m.contains("evaluation steps"));
    }

    @Test
    void aSegmentOfManyContainsValuesReferencedManyTimesIsRefused() {
        // R2: a segment with 250 contains values (250 KB), a flag rule any of 50 references: 20 s a request.
        Object[] values = new Object[250];
        for (int i = 0; i < values.length; i++) {
            values[i] = "x".repeat(990) + i;
        }
        JsonNode[] refs = new JsonNode[50];
        for (int i = 0; i < refs.length; i++) {
            refs[i] = inSegment("big");
        }
        List<ValidationError> errors = Flags.doc()
                .segment("big", s -> s.rule(clause("ua", "contains", values)))
                .flag("f", f -> f.bool().rule("r", any(refs), "on")).errors();

        assertThat(errors).extracting(ValidationError::toString)
                .anyMatch(m -> m.startsWith("segments.big.rules[0]") && m.contains("evaluation steps"));
    }

    @Test
    void aRuleOfAThousandRegularExpressionsIsRefusedForWhatItScans() {
        // R2: eval of 100 rules x 1,000 regexes against 2,000 characters took 14 s.
        Object[] regexes = new Object[1_000];
        for (int i = 0; i < regexes.length; i++) {
            regexes[i] = "a[b-z]+" + i;
        }
        List<ValidationError> errors = Flags.doc().flag("f", f -> {
            f.bool();
            for (int r = 0; r < 100; r++) {
                f.rule("r" + r, clause("s", "matches", regexes), "on");
            }
        }).errors();

        assertThat(errors).extracting(ValidationError::toString)
                .anyMatch(m -> m.startsWith("flags.f.rules[0].when: ") && m.contains("evaluation steps"));
    }

    @Test
    void aRealisticRuleStaysWellWithinTheBudget() {
        FlagSet set = Flags.doc().flag("f", f -> f.bool()
                .rule("staff", clause("email", "matches", "@guidon\\.(io|dev)$"), "on")
                .rule("mobile", clause("ua", "contains", "iPhone", "Android", "Mobile"), "on")
                .rule("beta", clause("country", "in", "FR", "DE"), "on")).compile();

        assertThat(set.flag("f").evaluationSteps).isLessThan(FlagDocumentCompiler.MAX_EVALUATION_STEPS / 2);
    }

    @Test
    void containsAndMatchesDoNotMatchAStringLongerThanTheyScan() {
        String longer = "x".repeat(FlagDocumentCompiler.MAX_SCANNED_LENGTH) + "needle";
        String limit = "x".repeat(FlagDocumentCompiler.MAX_SCANNED_LENGTH - 6) + "needle";

        assertThat(Flags.holds(clause("s", "contains", "needle"), "s", longer)).isFalse();
        assertThat(Flags.holds(clause("s", "matches", "ne+dle"), "s", longer)).isFalse();
        assertThat(Flags.holds(clause("s", "matches", "needle$"), "s", longer)).isFalse();
        assertThat(Flags.holds(clause("s", "contains", "needle"), "s", limit)).isTrue();
        assertThat(Flags.holds(clause("s", "matches", "ne+dle"), "s", limit)).isTrue();
        // startsWith and endsWith read no further than their value: no cap.
        assertThat(Flags.holds(clause("s", "endsWith", "needle"), "s", longer)).isTrue();
    }
}
