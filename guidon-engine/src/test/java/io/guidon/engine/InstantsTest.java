package io.guidon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class InstantsTest {

    private static final long NOON = Instant.parse("2025-03-01T12:00:00Z").toEpochMilli();

    @Test
    void readsAnInstantWithAnOffset() {
        assertThat(Instants.parse("2025-03-01T12:00:00Z")).isEqualTo(NOON);
        assertThat(Instants.parse("2025-03-01T13:00:00+01:00")).isEqualTo(NOON);
        assertThat(Instants.parse("2025-03-01T06:30:00-05:30")).isEqualTo(NOON);
        assertThat(Instants.parse("2025-03-01T12:00:00.250Z")).isEqualTo(NOON + 250);
    }

    @Test
    void readsAnInstantWithoutOffsetAsUtc() {
        assertThat(Instants.parse("2025-03-01T12:00:00")).isEqualTo(NOON);
        assertThat(Instants.parse("2025-03-01T12:00")).isEqualTo(NOON);
    }

    @Test
    void readsADateAsMidnightUtc() {
        assertThat(Instants.parse("2025-03-01")).isEqualTo(Instant.parse("2025-03-01T00:00:00Z").toEpochMilli());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2025", "2025-3-1", "2025-02-30", "2025-13-01", "01/03/2025", "2025-03-01T25:00:00Z",
            "yesterday at noon", "1740830400000", "+999999999-12-31T23:59:59Z"})
    void rejectsAnythingElse(String text) {
        assertThat(Instants.parse(text)).isEqualTo(Instants.INVALID);
    }

    @Test
    void rejectsOverlongTextWithoutParsingIt() {
        assertThat(Instants.parse("2025-03-01T12:00:00Z" + " ".repeat(100))).isEqualTo(Instants.INVALID);
    }

    @Test
    void takesWholeNumbersAsEpochMillis() {
        assertThat(Instants.toEpochMillis(NOON)).isEqualTo(NOON);
        assertThat(Instants.toEpochMillis(86_400_000)).isEqualTo(86_400_000L);
        assertThat(Instants.toEpochMillis((double) NOON)).isEqualTo(NOON);
        assertThat(Instants.toEpochMillis(new BigDecimal(NOON))).isEqualTo(NOON);
        assertThat(Instants.toEpochMillis(-1L)).isEqualTo(-1L);
    }

    @Test
    void rejectsFractionsNonFiniteNumbersAndOtherTypes() {
        assertThat(Instants.toEpochMillis(1.5)).isEqualTo(Instants.INVALID);
        assertThat(Instants.toEpochMillis(Double.NaN)).isEqualTo(Instants.INVALID);
        assertThat(Instants.toEpochMillis(Double.POSITIVE_INFINITY)).isEqualTo(Instants.INVALID);
        assertThat(Instants.toEpochMillis(1e18)).isEqualTo(Instants.INVALID);
        assertThat(Instants.toEpochMillis(true)).isEqualTo(Instants.INVALID);
        assertThat(Instants.toEpochMillis(null)).isEqualTo(Instants.INVALID);
    }

    @Test
    void takesStringsAsIso8601() {
        assertThat(Instants.toEpochMillis("2025-03-01T12:00:00Z")).isEqualTo(NOON);
    }
}
