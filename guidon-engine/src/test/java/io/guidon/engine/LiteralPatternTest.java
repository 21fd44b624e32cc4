package io.guidon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LiteralPatternTest {

    @ParameterizedTest
    @ValueSource(strings = {"a.b", "a*", "(a)", "[ab]", "a|b", "\\d+", "\\w", "(?i)abc", "a{2}", "\\", "ab\\$x\\",
            "\\Qa\\E", "x?"})
    void patternsWithRegexSyntaxAreNotLiteral(String regex) {
        assertThat(LiteralPattern.of(regex)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"@corp\\.example$", "^admin@", "^exact$", "plain text", "a\\+b\\(c\\)", "ends with \\$$"})
    void literalTextWithAnchorsAndEscapedPunctuationIsLiteral(String regex) {
        assertThat(LiteralPattern.of(regex)).isNotNull();
    }

    @Property(tries = 3000)
    void findsExactlyWhatRe2Finds(@ForAll("literalRegexes") String regex, @ForAll("inputs") String input) {
        LiteralPattern literal = LiteralPattern.of(regex);
        assertThat(literal).as(regex).isNotNull();
        assertThat(literal.find(input)).as("%s on %s", regex, input)
                .isEqualTo(Pattern.compile(regex).matcher(input).find());
    }

    @Provide
    Arbitrary<String> literalRegexes() {
        Arbitrary<String> atom = Arbitraries.oneOf(
                Arbitraries.of("a", "b", "@", "-", "é", " "),
                Arbitraries.of(".", "+", "$", "(", "^", "*").map(c -> "\\" + c));
        return atom.list().ofMinSize(0).ofMaxSize(4).map(l -> String.join("", l))
                .flatMap(body -> Arbitraries.of(body, "^" + body, body + "$", "^" + body + "$"));
    }

    @Provide
    Arbitrary<String> inputs() {
        return Arbitraries.of('a', 'b', '@', '-', 'é', ' ', '.', '+', '$', '(', '^', '*').list().ofMaxSize(6)
                .map(l -> {
                    StringBuilder sb = new StringBuilder();
                    l.forEach(sb::append);
                    return sb.toString();
                });
    }
}
