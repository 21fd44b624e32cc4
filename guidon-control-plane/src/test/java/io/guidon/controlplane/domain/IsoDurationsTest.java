package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class IsoDurationsTest {

    @Test
    void wholeDaysAreWrittenAsDaysAndEverythingElseAsJavaWritesIt() {
        assertThat(IsoDurations.of(Duration.ofDays(7))).isEqualTo("P7D");
        assertThat(IsoDurations.of(Duration.ofHours(48))).isEqualTo("P2D");
        assertThat(IsoDurations.of(Duration.ofHours(36))).isEqualTo("PT36H");
        assertThat(IsoDurations.of(Duration.ofDays(1).plusNanos(1))).isEqualTo("PT24H0.000000001S");
        assertThat(IsoDurations.of(Duration.ZERO)).isEqualTo("PT0S");
        for (Duration d : new Duration[] {Duration.ofDays(400), Duration.ofMinutes(90), Duration.ofSeconds(86_401)}) {
            assertThat(Duration.parse(IsoDurations.of(d))).as("read back as written").isEqualTo(d);
        }
    }
}
