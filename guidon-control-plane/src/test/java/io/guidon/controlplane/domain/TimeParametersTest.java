package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class TimeParametersTest {

    @Test
    void aUtcDayIsItsStartAndAnInstantNeedsItsOffset() {
        assertThat(TimeParameters.instant("2026-11-01")).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(TimeParameters.instant("2026-11-01T09:30:00+02:00")).isEqualTo(Instant.parse("2026-11-01T07:30:00Z"));
        assertThat(TimeParameters.instant("2026-11-01T00:00:00.250Z")).isEqualTo(Instant.parse("2026-11-01T00:00:00.250Z"));
        // A local time names no instant.
        assertThat(TimeParameters.instant("2026-11-01T00:00:00")).isNull();
    }

    @Test
    void whatIsNoDayOrInstantOrOutsideYears1To9999IsRefusedWithTheRule() {
        for (String v : new String[] {"2026-02-30", "2026-13-01", "yesterday", "1700000000", "26-11-01",
                "+300000-01-01T00:00:00Z", "2026-11-01T25:00:00Z", "2026-11-01 10:00:00Z", ""}) {
            assertThat(TimeParameters.instant(v)).as(v).isNull();
        }
        assertThat(TimeParameters.problem("yester\u0000day")).startsWith("must be " + TimeParameters.RULE + ", not '")
                .doesNotContain("\u0000");
    }

    @Test
    void aDayRouteTakesTheUtcDayAnInstantFallsIn() {
        assertThat(TimeParameters.day("2026-11-01")).isEqualTo(LocalDate.parse("2026-11-01"));
        assertThat(TimeParameters.day("2026-11-01T01:00:00+02:00")).isEqualTo(LocalDate.parse("2026-10-31"));
        assertThat(TimeParameters.day("2026-11-31")).isNull();
    }
}
