package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/** A schedule's time is an RFC 3339 instant with its offset: a local time names no instant and is refused. */
class ScheduleRoutesTest {

    private static Fields at(String json) {
        return new Fields(Json.object().set("at", Json.parse(json)));
    }

    private static String problem(String json) {
        Fields f = at(json);
        assertThat(ScheduleRoutes.instant(f, "at")).isNull();
        assertThat(f.errors()).hasSize(1);
        return f.errors().get(0).message();
    }

    @Test
    void anInstantWithItsOffsetIsReadAsWritten() {
        assertThat(ScheduleRoutes.instant(at("\"2026-12-07T09:00:00+01:00\""), "at"))
                .isEqualTo(OffsetDateTime.parse("2026-12-07T09:00:00+01:00"));
        assertThat(ScheduleRoutes.instant(at("\"2026-12-07t08:00:00.250z\""), "at").toInstant().toString())
                .isEqualTo("2026-12-07T08:00:00.250Z");
    }

    @Test
    void aTimeWithoutAnOffsetAnotherFormOrAnImpossibleDateIsRefusedSayingWhy() {
        assertThat(problem("\"2026-12-07T09:00:00\"")).startsWith("has no offset, so it names no instant");
        assertThat(problem("\"2026-12-07 09:00\"")).startsWith("has no offset");
        assertThat(problem("\"2026-12-07T09:00+01:00\"")).contains("RFC 3339").endsWith("not '2026-12-07T09:00+01:00'");
        assertThat(problem("\"2026-02-30T09:00:00Z\"")).contains("RFC 3339");
        assertThat(problem("\"next monday\"")).contains("RFC 3339");
        assertThat(problem("17")).endsWith("not a number");
        Fields missing = new Fields(Json.object());
        assertThat(ScheduleRoutes.instant(missing, "at")).isNull();
        assertThat(missing.errors().get(0).message()).startsWith("required");
    }
}
