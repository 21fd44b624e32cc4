package io.guidon.json;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The text form of a place reads back as the pointer it was written from. */
class PointerFromTextTest {

    @Test
    void readsTheFormsErrorMessagesUse() {
        assertThat(Pointer.fromText("")).isEqualTo(Pointer.ROOT);
        assertThat(Pointer.fromText("limit")).isEqualTo(Pointer.of("limit"));
        assertThat(Pointer.fromText("environments.production.flags.dependent.prerequisites[0].flag"))
                .hasToString("/environments/production/flags/dependent/prerequisites/0/flag");
        assertThat(Pointer.fromText("flags[\"a.b\"].rules[12]")).isEqualTo(
                Pointer.of("flags", "a.b").field("rules").index(12));
        assertThat(Pointer.fromText("[\"say \\\"hi\\\"\"]")).isEqualTo(Pointer.of("say \"hi\""));
        assertThat(Pointer.fromText("counts[0]")).isEqualTo(Pointer.of("counts").index(0));
    }

    @Test
    void textNotInThatFormHasNoPointer() {
        assertThat(Pointer.fromText(null)).isNull();
        assertThat(Pointer.fromText(".a")).isNull();
        assertThat(Pointer.fromText("a..b")).isNull();
        assertThat(Pointer.fromText("a[x]")).isNull();
        assertThat(Pointer.fromText("a[01]")).isNull();
        assertThat(Pointer.fromText("a[\"b")).isNull();
        assertThat(Pointer.fromText("a b")).isNull();
    }

    @Property(tries = 500)
    void everyPointersTextReadsBackAsIt(@ForAll("pointers") Pointer p) {
        assertThat(Pointer.fromText(p.text())).isEqualTo(p);
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
