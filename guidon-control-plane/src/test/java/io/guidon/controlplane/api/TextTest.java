package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextTest {

    @Test
    void rightToLeftTextPassesButBidirectionalOverridesAndIsolatesDoNot() {
        assertThat(Text.problem("\u05E9\u05DC\u05D5\u05DD \u0645\u0631\u062D\u0628\u0627 \u200F", 200)).isNull();
        for (char c : new char[] {'\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068',
                '\u2069'}) {
            assertThat(Text.problem("tag" + c + "gat", 200)).as("U+%04X", (int) c).contains("bidirectional");
        }
    }

    @Test
    void plainTextPassesAndAnyAngleBracketOrControlCharacterDoesNot() {
        assertThat(Text.problem("New checkout flow, 50% of EU users (v2)", 200)).isNull();
        assertThat(Text.problem("line one\nline two", 200)).isNull();
        assertThat(Text.problem("<script>alert(1)</script>", 200)).contains("markup");
        assertThat(Text.problem("a <b>bold</b> claim", 200)).contains("markup");
        assertThat(Text.problem("<!-- comment -->", 200)).contains("markup");
        assertThat(Text.problem("x > y", 200)).contains("markup");
        assertThat(Text.problem("bell\u0007", 200)).contains("control");
        assertThat(Text.problem("x".repeat(201), 200)).contains("at most 200");
    }
}
