package io.guidon.engine;

import static io.guidon.engine.Flags.all;
import static io.guidon.engine.Flags.any;
import static io.guidon.engine.Flags.clause;
import static io.guidon.engine.Flags.holds;
import static io.guidon.engine.Flags.not;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class ConditionTest {

    private static final JsonNode DE = clause("country", "in", "DE");
    private static final JsonNode PREMIUM = clause("plan", "in", "premium");
    private static final JsonNode BLOCKED = clause("status", "in", "blocked");

    @Test
    void allHoldsWhenEveryPartHolds() {
        JsonNode c = all(DE, PREMIUM);
        assertThat(holds(c, "country", "DE", "plan", "premium")).isTrue();
        assertThat(holds(c, "country", "DE", "plan", "free")).isFalse();
        assertThat(holds(c, "country", "FR", "plan", "premium")).isFalse();
    }

    @Test
    void anyHoldsWhenOnePartHolds() {
        JsonNode c = any(DE, PREMIUM);
        assertThat(holds(c, "country", "FR", "plan", "premium")).isTrue();
        assertThat(holds(c, "country", "DE")).isTrue();
        assertThat(holds(c, "country", "FR", "plan", "free")).isFalse();
    }

    @Test
    void notNegates() {
        assertThat(holds(not(BLOCKED), "status", "active")).isTrue();
        assertThat(holds(not(BLOCKED), "status", "blocked")).isFalse();
    }

    @Test
    void notOfAMissingAttributeHolds() {
        // The clause is false for a missing attribute, so its negation is true: "not blocked" includes "unknown".
        assertThat(holds(not(BLOCKED))).isTrue();
    }

    @Test
    void nestsAllAnyAndNot() {
        // (DE or premium) and not blocked
        JsonNode c = all(any(DE, PREMIUM), not(BLOCKED));
        assertThat(holds(c, "country", "DE", "status", "active")).isTrue();
        assertThat(holds(c, "plan", "premium")).isTrue();
        assertThat(holds(c, "country", "DE", "status", "blocked")).isFalse();
        assertThat(holds(c, "country", "FR", "plan", "free")).isFalse();
    }

    @Test
    void nestsAnyOfAlls() {
        JsonNode c = any(all(DE, PREMIUM), all(clause("country", "in", "FR"), not(PREMIUM)));
        assertThat(holds(c, "country", "DE", "plan", "premium")).isTrue();
        assertThat(holds(c, "country", "FR", "plan", "free")).isTrue();
        assertThat(holds(c, "country", "FR", "plan", "premium")).isFalse();
        assertThat(holds(c, "country", "DE", "plan", "free")).isFalse();
    }

    @Test
    void evaluatesTheDeepestNestingTheFormatAllows() {
        // 31 "not"s around a clause: 32 levels, the maximum; an odd number of negations.
        JsonNode c = DE;
        for (int i = 0; i < FlagDocumentCompiler.MAX_CONDITION_DEPTH - 1; i++) {
            c = not(c);
        }
        assertThat(holds(c, "country", "FR")).isTrue();
        assertThat(holds(c, "country", "DE")).isFalse();
    }
}
