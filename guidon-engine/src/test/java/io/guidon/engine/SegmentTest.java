package io.guidon.engine;

import static io.guidon.engine.Flags.clause;
import static io.guidon.engine.Flags.ctx;
import static io.guidon.engine.Flags.inSegment;
import static io.guidon.engine.Flags.not;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class SegmentTest {

    /** Beta testers: two people in, one out, and everyone at example.com. */
    private static final FlagSet SET = Flags.doc()
            .segment("beta", s -> s.included("u1", "u9").excluded("u9", "u2")
                    .rule(clause("email", "endsWith", "@example.com")))
            .segment("staff", s -> s.rule(clause("email", "endsWith", "@guidon.io")))
            .segment("eu", s -> s.rule(clause("country", "in", "DE", "FR")))
            .segment("eu-staff", s -> s.rule(Flags.all(inSegment("staff"), inSegment("eu"))))
            .segment("anyone-we-know", s -> s.rule(inSegment("eu-staff")).rule(inSegment("beta")))
            .segment("empty", s -> { })
            .flag("beta", f -> f.bool().rule("r", inSegment("beta"), "on"))
            .flag("not-beta", f -> f.bool().rule("r", not(inSegment("beta")), "on"))
            .flag("eu-staff", f -> f.bool().rule("r", inSegment("eu-staff"), "on"))
            .flag("known", f -> f.bool().rule("r", inSegment("anyone-we-know"), "on"))
            .flag("empty", f -> f.bool().rule("r", inSegment("empty"), "on"))
            .compile();

    private static boolean on(String flag, Object... context) {
        return Flags.EVALUATOR.evaluate(SET, flag, ctx(context)).variantKey().equals("on");
    }

    @Test
    void includesListedKeysWhateverTheRules() {
        assertThat(on("beta", "targetingKey", "u1", "email", "u1@gmail.com")).isTrue();
    }

    @Test
    void includedBeatsExcluded() {
        assertThat(on("beta", "targetingKey", "u9")).isTrue();
    }

    @Test
    void excludedBeatsRules() {
        assertThat(on("beta", "targetingKey", "u2", "email", "u2@example.com")).isFalse();
    }

    @Test
    void otherwiseAnyRuleDecides() {
        assertThat(on("beta", "targetingKey", "u3", "email", "u3@example.com")).isTrue();
        assertThat(on("beta", "targetingKey", "u3", "email", "u3@gmail.com")).isFalse();
    }

    @Test
    void withoutATargetingKeyOnlyRulesDecide() {
        assertThat(on("beta", "email", "anon@example.com")).isTrue();
        assertThat(on("beta", "email", "anon@gmail.com")).isFalse();
    }

    @Test
    void aNonStringTargetingKeyIsNoKey() {
        assertThat(on("beta", "targetingKey", 1, "email", "x@gmail.com")).isFalse();
    }

    @Test
    void canBeNegated() {
        assertThat(on("not-beta", "targetingKey", "u2", "email", "u2@example.com")).isTrue();
        assertThat(on("not-beta", "targetingKey", "u1")).isFalse();
    }

    @Test
    void segmentsMayUseSegments() {
        assertThat(on("eu-staff", "email", "ann@guidon.io", "country", "DE")).isTrue();
        assertThat(on("eu-staff", "email", "ann@guidon.io", "country", "US")).isFalse();
        assertThat(on("eu-staff", "email", "ann@gmail.com", "country", "DE")).isFalse();
    }

    @Test
    void nestedSegmentsKeepTheirOwnIncludedAndExcludedLists() {
        assertThat(on("known", "targetingKey", "u1")).isTrue();
        assertThat(on("known", "targetingKey", "u2", "email", "u2@example.com")).isFalse();
        assertThat(on("known", "targetingKey", "u2", "email", "ann@guidon.io", "country", "FR")).isTrue();
    }

    @Test
    void anEmptySegmentHasNoOne() {
        assertThat(on("empty", "targetingKey", "u1", "email", "u1@example.com")).isFalse();
    }

    @Test
    void segmentRulesAreConditionsOfAnyKind() {
        JsonNode noBlockedInEu = Flags.all(inSegment("eu"), not(clause("status", "in", "blocked")));
        FlagSet set = Flags.doc()
                .segment("eu", s -> s.rule(clause("country", "in", "DE")))
                .segment("ok-eu", s -> s.rule(noBlockedInEu))
                .flag("f", f -> f.bool().rule("r", inSegment("ok-eu"), "on"))
                .compile();
        assertThat(Flags.EVALUATOR.evaluate(set, "f", ctx("country", "DE")).variantKey()).isEqualTo("on");
        assertThat(Flags.EVALUATOR.evaluate(set, "f", ctx("country", "DE", "status", "blocked")).variantKey())
                .isEqualTo("off");
    }
}
