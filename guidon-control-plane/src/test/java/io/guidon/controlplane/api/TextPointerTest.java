package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.json.Pointer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The text form of a place reads back as the pointer it was written from. */
class TextPointerTest {

    @Test
    void readsTheFormsErrorMessagesUse() {
        assertThat(TextPointer.parse("")).isEqualTo(Pointer.ROOT);
        assertThat(TextPointer.parse("limit")).isEqualTo(Pointer.of("limit"));
        assertThat(TextPointer.parse("environments.production.flags.dependent.prerequisites[0].flag"))
                .hasToString("/environments/production/flags/dependent/prerequisites/0/flag");
        assertThat(TextPointer.parse("flags[\"a.b\"].rules[12]")).isEqualTo(
                Pointer.of("flags", "a.b").field("rules").index(12));
        assertThat(TextPointer.parse("[\"say \\\"hi\\\"\"]")).isEqualTo(Pointer.of("say \"hi\""));
        assertThat(TextPointer.parse("counts[0]")).isEqualTo(Pointer.of("counts").index(0));
    }

    @Test
    void textNotInThatFormHasNoPointer() {
        assertThat(TextPointer.parse(null)).isNull();
        assertThat(TextPointer.parse(".a")).isNull();
        assertThat(TextPointer.parse("a..b")).isNull();
        assertThat(TextPointer.parse("a[x]")).isNull();
        assertThat(TextPointer.parse("a[01]")).isNull();
        assertThat(TextPointer.parse("a[\"b")).isNull();
        assertThat(TextPointer.parse("a b")).isNull();
        assertThat(new FieldError("a b", "m").pointer()).isNull();
    }

    @Property(tries = 500)
    void everyPointersTextReadsBackAsIt(@ForAll("pointers") Pointer p) {
        assertThat(TextPointer.parse(p.text())).isEqualTo(p);
    }

    @Provide
    Arbitrary<Pointer> pointers() {
        Arbitrary<String> names = Arbitraries.oneOf(Arbitraries.strings().alpha().numeric().withChars('_', '-', '$')
                .ofMinLength(1).ofMaxLength(8), Arbitraries.strings().ofMaxLength(8));
        Arbitrary<Object> tokens = Arbitraries.oneOf(names.map(n -> (Object) n),
                Arbitraries.integers().between(0, 10_000).map(i -> (Object) i));
        return tokens.list().ofMaxSize(6).map(list -> {
            Pointer p = Pointer.ROOT;
            for (Object t : list) {
                p = t instanceof Integer i ? p.index(i) : p.field((String) t);
            }
            return p;
        });
    }
}
