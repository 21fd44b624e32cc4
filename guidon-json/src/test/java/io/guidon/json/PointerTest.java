package io.guidon.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class PointerTest {

    @Test
    void rendersRfc6901AndTheMessageText() {
        Pointer p = Pointer.of("flags").field("a.b").field("rules").index(0).field("when");
        assertThat(p.toString()).isEqualTo("/flags/a.b/rules/0/when");
        assertThat(p.text()).isEqualTo("flags[\"a.b\"].rules[0].when");
        assertThat(Pointer.ROOT.toString()).isEmpty();
        assertThat(Pointer.ROOT.text()).isEmpty();
        assertThat(Pointer.ROOT.index(2).field("x").text()).isEqualTo("[2].x");
    }

    @Test
    void escapesTildeAndSlashBothWays() {
        Pointer p = Pointer.of("a/b", "c~d");
        assertThat(p.toString()).isEqualTo("/a~1b/c~0d");
        assertThat(Pointer.parse("/a~1b/c~0d").tokens()).containsExactly("a/b", "c~d");
        assertThat(Pointer.of("say \"hi\"\\").text()).isEqualTo("[\"say \\\"hi\\\"\\\\\"]");
    }

    @Test
    void reRootsWithoutText() {
        Pointer inner = Pointer.of("rules").index(1);
        Pointer whole = inner.under(Pointer.of("flags", "x"));
        assertThat(whole.toString()).isEqualTo("/flags/x/rules/1");
        assertThat(whole.startsWith(Pointer.of("flags"))).isTrue();
        assertThat(whole.drop(2)).isEqualTo(inner);
        assertThat(whole.isIndex(3)).isTrue();
    }

    @Test
    void refusesWhatIsNotAPointer() {
        assertThatThrownBy(() -> Pointer.parse("flags/x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("starts with '/'");
        assertThatThrownBy(() -> Pointer.parse("/a~2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pointer.ROOT.index(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pointer.ROOT.drop(1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Property(tries = 500)
    void parseReadsBackWhatToStringWrote(@ForAll("names") String a, @ForAll("names") String b) {
        Pointer p = Pointer.of(a, b);
        assertThat(Pointer.parse(p.toString()).tokens()).containsExactly(a, b);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars("ab/~01 .\"").ofMaxLength(6);
    }
}
