package io.guidon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Every problem inside a flag or a segment is reported at a path strictly below it ({@code flags.f.rules[0].when},
 * never {@code flags.f} alone): the control plane answers a write of one flag or segment with paths relative to it,
 * and a path equal to it becomes {@code "path": ""}, which says nothing. Only a key that is not one, or a flag or
 * segment that is not an object, is reported at the entry itself; the control plane refuses both before the engine
 * sees them.
 */
class ErrorPathProperties {

    private static final FlagDocumentCompiler COMPILER = new FlagDocumentCompiler();
    /** A path below flags.KEY or segments.KEY (the generated keys are plain). */
    private static final Pattern BELOW_AN_ENTRY = Pattern.compile("(flags|segments)\\.[a-z0-9]+[.\\[].+",
            Pattern.DOTALL);

    @Property(tries = 500)
    void problemsInsideAFlagOrSegmentAreReportedBelowIt(@ForAll Random random) {
        ObjectNode document = NeverThrowsProperties.validDocument(random);
        List<JsonNode> inside = new ArrayList<>();
        for (String section : new String[] {"flags", "segments"}) {
            for (Iterator<JsonNode> it = document.get(section).elements(); it.hasNext();) {
                NeverThrowsProperties.collect(it.next(), inside);
            }
        }
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            NeverThrowsProperties.mutate(inside, random);
        }
        Compilation c = COMPILER.compile(document);
        assertThat(c.errors()).allSatisfy(e -> assertThat(e.path()).as("%s in %s", e, document)
                .matches(BELOW_AN_ENTRY));
    }

    @Test
    void everyLimitAndReferenceErrorIsBelowTheEntry() {
        // A 9-deep chain created by its first segment (finding 9: a segment write answered "path": ""), a cycle,
        // a prerequisite chain, an unknown reference and the evaluation-cost limit.
        Flags doc = Flags.doc();
        for (int i = 1; i <= 9; i++) {
            int next = i + 1;
            doc.segment("c" + i, s -> s.rule(next <= 9 ? Flags.inSegment("c" + next) : Flags.clause("a", "in", "x")));
        }
        doc.flag("p", f -> f.bool().prerequisite("q", "on"));
        doc.flag("q", f -> f.bool().prerequisite("p", "on").rule("r", Flags.inSegment("nowhere"), "on"));
        // A cycle is reported alone (a chain through it has no length).
        Flags loop = Flags.doc().segment("loop-a", s -> s.rule(Flags.inSegment("loop-b")))
                .segment("loop-b", s -> s.rule(Flags.inSegment("loop-a")));
        List<ValidationError> errors = new ArrayList<>(doc.errors());
        errors.addAll(loop.errors());
        assertThat(errors).extracting(ValidationError::path).contains("segments.c1.rules[0].segment",
                "segments.loop-a.rules[0].segment", "flags.p.prerequisites", "flags.q.rules[0].when.segment");
        assertThat(errors).allSatisfy(e -> assertThat(e.path()).matches("(flags|segments)\\.[a-z0-9-]+[.\\[].+"));
    }
}
