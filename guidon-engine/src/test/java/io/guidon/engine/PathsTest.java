package io.guidon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathsTest {

    @Test
    void joinsFieldsWithDots() {
        assertThat(Paths.field("", "flags")).isEqualTo("flags");
        assertThat(Paths.field("flags.a", "rules")).isEqualTo("flags.a.rules");
    }

    @Test
    void writesPlainKeysAsFields() {
        assertThat(Paths.key("flags", "new-checkout")).isEqualTo("flags.new-checkout");
        assertThat(Paths.key("flags", "Snake_Case$1")).isEqualTo("flags.Snake_Case$1");
    }

    @Test
    void quotesKeysThatWouldMakeAPathAmbiguous() {
        assertThat(Paths.key("flags", "a.b")).isEqualTo("flags[\"a.b\"]");
        assertThat(Paths.key("flags", "Bad Key")).isEqualTo("flags[\"Bad Key\"]");
        assertThat(Paths.key("flags", "")).isEqualTo("flags[\"\"]");
        assertThat(Paths.key("", "a.b")).isEqualTo("[\"a.b\"]");
    }

    @Test
    void escapesQuotesAndBackslashesInQuotedKeys() {
        assertThat(Paths.key("v", "say \"hi\"")).isEqualTo("v[\"say \\\"hi\\\"\"]");
        assertThat(Paths.key("v", "a\\b")).isEqualTo("v[\"a\\\\b\"]");
    }

    @Test
    void indexesArrays() {
        assertThat(Paths.index(Paths.field("flags.a", "rules"), 2)).isEqualTo("flags.a.rules[2]");
    }
}
