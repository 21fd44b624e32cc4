package io.guidon.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever the pattern, the compiler sizes it before RE2/J sees it: random patterns built from regex syntax (groups,
 * classes, escapes, nested counted repetition) either compile quickly within the size limit or are refused with a
 * problem at their path, and nothing throws.
 */
class RegexSizeProperties {

    private static final FlagDocumentCompiler COMPILER = new FlagDocumentCompiler();
    private static final String[] PIECES = {"a", "b", ".", "(", ")", "(?:", "(?P<n>", "(?i)", "|", "*", "+", "?",
        "{10}", "{2,}", "{3,50}", "{1000}", "{0,999}", "[a-z]", "[]a]", "[^\\]x]", "[[:alpha:]]", "\\d", "\\pL",
        "\\p{Greek}", "\\x{41}", "\\Q(a{9})\\E", "^", "$", "\\", "{", "}", "]", "{,5}"};

    @Provide
    Arbitrary<String> patterns() {
        return Arbitraries.of(PIECES).list().ofMaxSize(40).map(l -> String.join("", l));
    }

    @Property(tries = 500)
    void aPatternCompilesWithinTheLimitOrIsRefusedNeverThrowing(@ForAll("patterns") String pattern) {
        String document = Flags.doc().flag("f", f -> f.bool().rule("r", Flags.clause("s", "matches", pattern), "on"))
                .text();

        Compilation c = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> COMPILER.compile(document));

        String path = "flags.f.rules[0].when.values[0]";
        boolean refusedPattern = c.errors().stream().anyMatch(e -> e.path().equals(path));
        if (!refusedPattern) {
            assertThat(RegexSize.of(pattern)).as(pattern).isLessThanOrEqualTo(FlagDocumentCompiler.MAX_REGEX_SIZE);
        }
        if (RegexSize.of(pattern) > FlagDocumentCompiler.MAX_REGEX_SIZE) {
            assertThat(c.errors()).as(pattern).anyMatch(e -> e.path().equals(path)
                    && e.message().startsWith("the pattern repeats too much"));
        }
        for (ValidationError e : c.errors()) {
            assertThat(e.message()).as(pattern).doesNotContain("Exception", "Error", "com.google");
        }
    }

    @Property(tries = 200)
    void nestingMultipliesTheSize(@ForAll("depths") int depth, @ForAll("counts") int count) {
        String pattern = "(".repeat(depth) + "a" + ("{" + count + "})").repeat(depth);
        long expected = 1;
        for (int i = 0; i < depth; i++) {
            expected = Math.min(RegexSize.SATURATED, expected * count + 1 + 2); // plus the quantifier, the group
        }
        assertThat(RegexSize.of(pattern)).isGreaterThanOrEqualTo(expected);
    }

    @Provide
    Arbitrary<Integer> depths() {
        return Arbitraries.integers().between(1, 12);
    }

    @Provide
    Arbitrary<Integer> counts() {
        return Arbitraries.integers().between(1, 1000);
    }
}
