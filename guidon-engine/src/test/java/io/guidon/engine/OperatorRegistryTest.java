package io.guidon.engine;

import static io.guidon.engine.Flags.clause;
import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.json.Pointer;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Each {@link Operator} constant is registered with the one class that compiles and evaluates its clauses: a final
 * subclass of {@link Clause} named {@code ...Operator}, which the clause compiler reaches through the constant alone.
 */
class OperatorRegistryTest {

    private static Clause compile(Problems problems, com.fasterxml.jackson.databind.JsonNode clause) {
        return new ClauseCompiler(problems, new RegexBudget()).compile(clause, Pointer.of("c"),
                new Cost.Part(Pointer.of("c"), null));
    }

    @ParameterizedTest
    @EnumSource(Operator.class)
    void eachOperatorCompilesItsSampleIntoItsOwnClass(Operator op) {
        Problems problems = new Problems();
        Clause c = compile(problems, ClauseTest.samples().get(op));
        assertThat(problems.list()).isEmpty();
        assertThat(c).isNotNull();
        assertThat(c.op).isSameAs(op);
        assertThat(c.attribute).isEqualTo("a");
        assertThat(c.getClass().getSuperclass()).isEqualTo(Clause.class);
        assertThat(Modifier.isFinal(c.getClass().getModifiers())).isTrue();
        assertThat(c.getClass().getSimpleName()).endsWith("Operator");
    }

    @Test
    void namesAreUniqueAndFoundByName() {
        Set<String> names = new HashSet<>();
        for (Operator op : Operator.values()) {
            assertThat(names.add(op.jsonName())).as(op.jsonName()).isTrue();
            assertThat(Operator.byName(op.jsonName())).isSameAs(op);
        }
        assertThat(Operator.byName("nope")).isNull();
    }

    @Test
    void anOperatorReportsItsValueProblemsAtTheirPlaceAndTheClauseIsDropped() {
        Problems problems = new Problems();
        Clause c = compile(problems, clause("a", "lt", 1, "two", 3));
        assertThat(c).isNull();
        assertThat(problems.list()).singleElement().satisfies(e -> {
            assertThat(e.where()).isEqualTo(Pointer.of("c", "values").index(1));
            assertThat(e.path()).isEqualTo("c.values[1]");
            assertThat(e.message()).isEqualTo("'lt' compares numbers; this value is a string");
        });
    }
}
