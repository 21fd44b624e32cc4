package io.guidon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.json.Pointer;
import org.junit.jupiter.api.Test;

/** The message form of error places ({@link Pointer#text()}), as the engine's paths have always read. */
class PathsTest {

    @Test
    void joinsFieldsWithDots() {
        assertThat(Pointer.ROOT.field("flags").text()).isEqualTo("flags");
        assertThat(Pointer.of("flags", "a").field("rules").text()).isEqualTo("flags.a.rules");
    }

    @Test
    void writesPlainKeysAsFields() {
        assertThat(Pointer.of("flags").field("new-checkout").text()).isEqualTo("flags.new-checkout");
        assertThat(Pointer.of("flags").field("Snake_Case$1").text()).isEqualTo("flags.Snake_Case$1");
    }

    @Test
    void quotesKeysThatWouldMakeAPathAmbiguous() {
        assertThat(Pointer.of("flags").field("a.b").text()).isEqualTo("flags[\"a.b\"]");
        assertThat(Pointer.of("flags").field("Bad Key").text()).isEqualTo("flags[\"Bad Key\"]");
        assertThat(Pointer.of("flags").field("").text()).isEqualTo("flags[\"\"]");
        assertThat(Pointer.ROOT.field("a.b").text()).isEqualTo("[\"a.b\"]");
    }

    @Test
    void escapesQuotesAndBackslashesInQuotedKeys() {
        assertThat(Pointer.of("v").field("say \"hi\"").text()).isEqualTo("v[\"say \\\"hi\\\"\"]");
        assertThat(Pointer.of("v").field("a\\b").text()).isEqualTo("v[\"a\\\\b\"]");
    }

    @Test
    void indexesArrays() {
        assertThat(Pointer.of("flags", "a").field("rules").index(2).text()).isEqualTo("flags.a.rules[2]");
    }
}
