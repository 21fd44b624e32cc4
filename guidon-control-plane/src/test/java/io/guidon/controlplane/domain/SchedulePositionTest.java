package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** A listing's cursor names a schedule's place by due time to the microsecond, then id; anything else is none. */
class SchedulePositionTest {

    @Test
    void aPositionIsWrittenAndReadBackExactly() {
        Schedule.Position p = new Schedule.Position(OffsetDateTime.parse("2026-12-07T09:00:00.123456+01:00"), 42);
        assertThat(p.text()).isEqualTo("1796630400123456:42");
        Schedule.Position back = Schedule.Position.parse(p.text());
        assertThat(back.id()).isEqualTo(42);
        assertThat(back.due()).isEqualTo(p.due().withOffsetSameInstant(ZoneOffset.UTC));
        Schedule.Position beforeEpoch = new Schedule.Position(OffsetDateTime.parse("1969-12-31T23:59:59Z"), 1);
        assertThat(Schedule.Position.parse(beforeEpoch.text())).isEqualTo(beforeEpoch);
    }

    @Test
    void textThatIsNotAPositionIsNone() {
        assertThat(Schedule.Position.parse("nonsense")).isNull();
        assertThat(Schedule.Position.parse("12:ab")).isNull();
        assertThat(Schedule.Position.parse("99999999999999999999:1")).isNull();
        assertThat(Schedule.Position.parse(null)).isNull();
    }
}
