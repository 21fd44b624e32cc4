package io.guidon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.json.Pointer;
import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/**
 * The engine's error places are JSON Pointers whose {@link Pointer#text()} must read exactly as the dotted paths the
 * engine wrote before ({@code flags["a.b"].rules[0].when}): clients, the control plane and the docs quote them. The
 * oracle is the engine's former {@code Paths} helper, kept here verbatim as {@link Legacy}.
 */
class PointerTextProperties {

    /** Builds one path both ways: a field name (any string) when {@code name} is non-null, else an array index. */
    record Step(String name, int index) {
    }

    @Property(tries = 2_000)
    void pointerTextIsTheLegacyPath(@ForAll("paths") List<Step> steps) {
        Pointer pointer = Pointer.ROOT;
        String legacy = "";
        for (Step s : steps) {
            if (s.name() != null) {
                pointer = pointer.field(s.name());
                legacy = Legacy.key(legacy, s.name());
            } else {
                pointer = pointer.index(s.index());
                legacy = Legacy.index(legacy, s.index());
            }
        }
        assertThat(pointer.text()).isEqualTo(legacy);
        assertThat(new ValidationError(pointer, "m").path()).isEqualTo(Texts.printable(legacy));
    }

    @Provide
    Arbitrary<List<Step>> paths() {
        Arbitrary<String> plain = Arbitraries.strings().withChars("abcXYZ019_$-").ofMinLength(1).ofMaxLength(6);
        Arbitrary<String> odd = Arbitraries.strings().withChars("a.b \"\\[]'/~\u00e9\u0000\ud800")
                .ofMinLength(0).ofMaxLength(5);
        Arbitrary<String> any = Arbitraries.strings().ofMaxLength(4);
        Arbitrary<Step> field = Arbitraries.oneOf(plain, odd, any).map(n -> new Step(n, -1));
        Arbitrary<Step> index = Arbitraries.integers().between(0, 100_000).map(i -> new Step(null, i));
        return Arbitraries.frequencyOf(
                        Tuple.of(3, field), Tuple.of(1, index))
                .list().ofMaxSize(8);
    }

    @Test
    void theFormsTheEngineWrites() {
        assertThat(Pointer.of("flags", "new-checkout").field("rules").index(1).field("when").field("all").index(0)
                .field("op").text()).isEqualTo("flags.new-checkout.rules[1].when.all[0].op");
        assertThat(Pointer.of("flags", "a.b").field("rules").index(0).text()).isEqualTo("flags[\"a.b\"].rules[0]");
        assertThat(Pointer.of("v", "say \"hi\"").text()).isEqualTo("v[\"say \\\"hi\\\"\"]");
        assertThat(Pointer.of("", "x").text()).isEqualTo("[\"\"].x");
        assertThat(Pointer.ROOT.text()).isEmpty();
        assertThat(new ValidationError(Pointer.of("flags", "a\u0000"), "m").path()).isEqualTo("flags[\"a\\u0000\"]");
    }

    @Test
    void rfc6901TextStillBuildsAnError() {
        assertThat(new ValidationError("", "empty").where()).isEqualTo(Pointer.ROOT);
        assertThat(new ValidationError("/flags/a~1b/rules/0", "m").path()).isEqualTo("flags[\"a/b\"].rules[0]");
    }

    @Test
    void compiledErrorsKeepTheirPlaceAsAPointer() {
        Compilation c = new FlagDocumentCompiler().compile("{\"flags\": {\"f\": {\"enabled\": true, "
                + "\"variants\": {\"a b\": true}, \"fallthrough\": {\"variant\": \"a b\"}}}}");
        assertThat(c.errors()).first().satisfies(e -> {
            assertThat(e.where()).isEqualTo(Pointer.of("flags", "f", "variants", "a b"));
            assertThat(e.path()).isEqualTo("flags.f.variants[\"a b\"]");
            // Re-rooted without parsing text: the place relative to the flag, as the control plane answers a write.
            assertThat(ValidationError.text(e.where().drop(2))).isEqualTo("variants[\"a b\"]");
        });
    }

    /** The engine's {@code Paths} as it was, the oracle of the message form. */
    static final class Legacy {
        private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_$-]+");

        static String field(String parent, String name) {
            return parent.isEmpty() ? name : parent + "." + name;
        }

        static String key(String parent, String key) {
            if (PLAIN.matcher(key).matches()) {
                return field(parent, key);
            }
            String quoted = "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
            return parent + quoted;
        }

        static String index(String parent, int i) {
            return parent + "[" + i + "]";
        }
    }
}
