package io.guidon.controlplane.ui.view;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The try-it page's context: a JSON object, or a message that says what is wrong and where. */
class ContextInputTest {

    @Test
    void anObjectIsReadWithItsNumbersExact() {
        ContextInput in = ContextInput.parse("{\"targetingKey\": \"u\", \"score\": 2.50, \"n\": 3}");
        assertThat(in.problem()).isNull();
        assertThat(in.context().get("score").decimalValue().toPlainString()).isEqualTo("2.50");
        assertThat(in.context().get("n").isIntegralNumber()).isTrue();
    }

    @Test
    void blankIsTheEmptyContext() {
        assertThat(ContextInput.parse("  \n").context().isEmpty()).isTrue();
        assertThat(ContextInput.parse(null).context().isObject()).isTrue();
    }

    @Test
    void badJsonIsPlacedByLineAndColumn() {
        ContextInput in = ContextInput.parse("{\n  \"a\": 1,\n  b: 2\n}");
        assertThat(in.context()).isNull();
        assertThat(in.problem()).startsWith("Not valid JSON at line 3, column 3: Unexpected character ('b'");
        assertThat(ContextInput.parse("{\"a\": ").problem()).startsWith("Not valid JSON at line 1");
    }

    @Test
    void somethingOtherThanOneObjectIsRefused() {
        assertThat(ContextInput.parse("[1]").problem()).isEqualTo("The context must be a JSON object such as"
                + " {\"targetingKey\": \"user-1\", \"country\": \"FR\"}, not an array.");
        assertThat(ContextInput.parse("\"x\"").problem()).endsWith("not a string.");
        assertThat(ContextInput.parse("null").problem()).endsWith("not null.");
        assertThat(ContextInput.parse("{} {}").problem()).startsWith("Not valid JSON: there is more after the"
                + " object, at line 1, column");
        assertThat(ContextInput.parse("{\"a\": \"" + "x".repeat(ContextInput.MAX_LENGTH) + "\"}").problem())
                .contains("at most 65536 are taken");
    }
}
