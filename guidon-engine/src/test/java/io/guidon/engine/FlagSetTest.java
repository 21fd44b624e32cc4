package io.guidon.engine;

import static io.guidon.engine.Flags.clause;
import static io.guidon.engine.Flags.inSegment;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class FlagSetTest {

    /** Three independent flags, one using a segment that uses another, one requiring another flag. */
    private static Flags base() {
        return Flags.doc()
                .segment("eu", s -> s.rule(clause("country", "in", "DE", "FR")))
                .segment("eu-beta", s -> s.included("u1").rule(inSegment("eu")))
                .segment("unused", s -> s.included("u9"))
                .flag("plain", f -> f.bool())
                .flag("other", f -> f.bool().fallthrough("on"))
                .flag("segmented", f -> f.bool().rule("eu", inSegment("eu-beta"), "on"))
                .flag("payments", f -> f.bool().fallthrough("on"))
                .flag("checkout", f -> f.bool().prerequisite("payments", "on"));
    }

    private static FlagSet changed(UnaryOperator<Flags> change) {
        return change.apply(base()).compile();
    }

    @Test
    void anIdenticalDocumentChangesNothing() {
        assertThat(base().compile().changedSince(base().compile())).isEmpty();
    }

    @Test
    void aChangedFlagIsReported() {
        FlagSet next = changed(d -> d.flag("plain", f -> f.bool().fallthrough("on")));
        assertThat(next.changedSince(base().compile())).containsExactly("plain");
    }

    @Test
    void anAddedFlagIsReported() {
        FlagSet next = changed(d -> d.flag("new", f -> f.bool()));
        assertThat(next.changedSince(base().compile())).containsExactly("new");
    }

    @Test
    void aRemovedFlagIsReported() {
        FlagSet previous = changed(d -> d.flag("gone", f -> f.bool()));
        assertThat(base().compile().changedSince(previous)).containsExactly("gone");
    }

    @Test
    void aFlagWhoseSegmentChangedIsReported() {
        FlagSet next = changed(d -> d.segment("eu-beta", s -> s.included("u1", "u2").rule(inSegment("eu"))));
        assertThat(next.changedSince(base().compile())).containsExactly("segmented");
    }

    @Test
    void aFlagWhoseSegmentsSegmentChangedIsReported() {
        FlagSet next = changed(d -> d.segment("eu", s -> s.rule(clause("country", "in", "DE", "FR", "IT"))));
        assertThat(next.changedSince(base().compile())).containsExactly("segmented");
    }

    @Test
    void aChangedSegmentNoFlagUsesChangesNoFlag() {
        FlagSet next = changed(d -> d.segment("unused", s -> s.included("u8")));
        assertThat(next.changedSince(base().compile())).isEmpty();
    }

    @Test
    void aFlagWhosePrerequisiteChangedIsReportedWithIt() {
        FlagSet next = changed(d -> d.flag("payments", f -> f.bool().fallthrough("off")));
        assertThat(next.changedSince(base().compile())).containsExactly("checkout", "payments");
    }

    @Test
    void changesAreSortedAndComparedBothWays() {
        FlagSet next = changed(d -> d.flag("plain", f -> f.bool().enabled(false)).flag("aaa", f -> f.bool()));
        FlagSet previous = changed(d -> d.flag("zzz", f -> f.bool()));
        assertThat(next.changedSince(previous)).containsExactly("aaa", "plain", "zzz");
    }

    @Test
    void everyFlagChangedSinceTheEmptySet() {
        assertThat(base().compile().changedSince(FlagSet.EMPTY))
                .containsExactly("checkout", "other", "payments", "plain", "segmented");
        assertThat(FlagSet.EMPTY.changedSince(base().compile())).hasSize(5);
    }

    @Test
    void indexesFlagsByKeyAndKeepsDocumentOrder() {
        FlagSet set = base().compile();
        assertThat(set.size()).isEqualTo(5);
        assertThat(set.flags()).extracting(Flag::key)
                .containsExactly("plain", "other", "segmented", "payments", "checkout");
        assertThat(set.flag("payments").key()).isEqualTo("payments");
        assertThat(set.flag("nope")).isNull();
        assertThat(set.segmentKeys()).containsExactly("eu", "eu-beta", "unused");
        assertThat(set.toString()).isEqualTo("FlagSet[plain, other, segmented, payments, checkout]");
    }

    @Test
    void keepsTheDocumentAsCompactJson() {
        FlagSet set = base().compile();
        assertThat(set.documentJson()).doesNotContain("\n").startsWith("{\"segments\":{\"eu\":");
        FlagSet again = new FlagDocumentCompiler().compile(set.documentJson()).flagSet();
        assertThat(again.changedSince(set)).isEmpty();
        assertThat(FlagSet.EMPTY.size()).isZero();
        assertThat(new FlagDocumentCompiler().compile(FlagSet.EMPTY.documentJson()).ok()).isTrue();
    }
}
