package io.guidon.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ValueChecksTest {

    @Test
    void textWithNulOrUnpairedSurrogatesIsRefusedAndPairsAreFine() {
        assertThat(ValueChecks.textProblem("plain é \uD83D\uDE00")).isNull();
        assertThat(ValueChecks.textProblem("a\u0000")).contains("U+0000").contains("character 1");
        assertThat(ValueChecks.textProblem("\uD800")).contains("U+D800");
        assertThat(ValueChecks.textProblem("x\uDC00")).contains("U+DC00").contains("character 1");
        assertThat(ValueChecks.textProblem("\uD800\uD800\uDC00")).contains("character 0");
    }

    @ParameterizedTest
    @CsvSource({"1e400, true", "-1e400, true", "1e-400, true", "-1e-400, true", "1.7976931348623157e308, false",
        "4.9e-324, false", "0e-999, false", "0, false", "12.5, false", "1.8e308, true"})
    void numbersOutsideTheDoubleRangeOrUnderflowingAreRefused(String text, boolean refused) {
        assertThat(ValueChecks.numberProblem(new BigDecimal(text)) != null).as(text).isEqualTo(refused);
    }

    @Test
    void instantsOutsideYearsOneTo9999AreRefused() {
        assertThat(ValueChecks.instantProblem(Instant.parse("2026-01-01T00:00:00Z"))).isNull();
        assertThat(ValueChecks.instantProblem(ValueChecks.MIN_INSTANT)).isNull();
        assertThat(ValueChecks.instantProblem(ValueChecks.MAX_INSTANT)).isNull();
        assertThat(ValueChecks.instantProblem(Instant.parse("+300000-01-01T00:00:00Z"))).contains("years 1 to 9999");
        assertThat(ValueChecks.instantProblem(Instant.parse("-0001-12-31T00:00:00Z"))).isNotNull();
        assertThat(ValueChecks.instantProblem(Instant.MAX)).isNotNull();
    }

    @Test
    void percentDecodingIsStrictUtf8() {
        assertThat(ValueChecks.decodeUriComponent("a%20b%C3%A9", false)).isEqualTo("a bé");
        assertThat(ValueChecks.decodeUriComponent("a+b", true)).isEqualTo("a b");
        assertThat(ValueChecks.decodeUriComponent("a+b", false)).isEqualTo("a+b");
        assertThat(ValueChecks.decodeUriComponent("x%00", false)).isEqualTo("x\u0000");
        assertThatThrownBy(() -> ValueChecks.decodeUriComponent("%zz", false)).hasMessageContaining("hexadecimal");
        assertThatThrownBy(() -> ValueChecks.decodeUriComponent("%e", false)).hasMessageContaining("hexadecimal");
        assertThatThrownBy(() -> ValueChecks.decodeUriComponent("%ED%A0%80", false)).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> ValueChecks.decodeUriComponent("%ff", true)).hasMessageContaining("UTF-8");
    }

    @Test
    void printableEscapesWhatATerminalWouldNotShow() {
        assertThat(ValueChecks.printable("a\u0000\uD800b", 10)).isEqualTo("a\\u0000\\ud800b");
        assertThat(ValueChecks.printable("abcdef", 3)).isEqualTo("abc...");
    }
}
