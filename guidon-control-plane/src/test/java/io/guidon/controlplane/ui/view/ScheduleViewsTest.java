package io.guidon.controlplane.ui.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.domain.ProposedChange;
import io.guidon.controlplane.domain.Schedule;
import io.guidon.controlplane.domain.StoredJson;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The schedules' pages as pure code: the form read into what the API takes (a date and time in an explicit
 * timezone, the change as its body), each schedule in words, and the calendar grouped by UTC day.
 */
class ScheduleViewsTest {

    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    private static ScheduleForm form(String what, String percentage, String at, String zone) {
        return ScheduleForm.parse(Map.of("what", List.of(what), "percentage", List.of(percentage), "at",
                List.of(at), "zone", List.of(zone), "ifChanged", List.of("apply"), "revision", List.of("4")));
    }

    @Test
    void aDateAndTimeIsReadInTheTimezoneTheFormNames() {
        ScheduleForm.Read read = form("on", "", "2026-12-07T09:00", "Europe/Paris").read();
        assertThat(read.problems()).isEmpty();
        assertThat(read.due().toInstant()).isEqualTo(Instant.parse("2026-12-07T08:00:00Z"));
        assertThat(read.change().toString()).isEqualTo("{\"kind\":\"flag.toggle\",\"enabled\":true}");
        assertThat(read.ifChanged()).isEqualTo(Schedule.IfChanged.APPLY);
        assertThat(read.revision()).isEqualTo(4);
        assertThat(form("off", "", "2026-07-07T09:00:30", "+02:00").read().due().toInstant())
                .isEqualTo(Instant.parse("2026-07-07T07:00:30Z"));
        assertThat(ScheduleForm.inZone(read.due(), "America/New_York")).isEqualTo("2026-12-07 03:00:00"
                + " America/New_York");
    }

    @Test
    void aTimeThatDoesNotExistInItsZoneIsMovedPastTheGap() {
        // 02:30 does not happen in Paris on 29 March 2026: clocks go from 02:00 to 03:00.
        assertThat(form("on", "", "2026-03-29T02:30", "Europe/Paris").read().due().toInstant())
                .isEqualTo(Instant.parse("2026-03-29T01:30:00Z"));
    }

    @Test
    void aPercentageIsTheApisRolloutBodyWithItsNumberAsWritten() {
        ScheduleForm.Read read = form("percentage", "12.50", "2026-12-07T09:00", "UTC").read();
        assertThat(read.change().toString()).isEqualTo("{\"kind\":\"flag.rollout\",\"percentage\":12.50}");
    }

    @Test
    void eachProblemOfTheFormIsAtItsField() {
        assertThat(form("percentage", "lots", "tomorrow", "Mars/Olympus").read().problems())
                .containsOnlyKeys("percentage", "at", "zone");
        assertThat(form("explode", "", "", "").read().problems()).containsOnlyKeys("what", "at", "zone");
        assertThat(ScheduleForm.parse(Map.of()).read().problems()).containsKeys("what", "at", "zone", "ifChanged",
                "revision");
    }

    private static Schedule schedule(ProposedChange change, Schedule.Status status, String due) {
        OffsetDateTime at = OffsetDateTime.parse(due);
        return new Schedule(7, "production", "checkout", at, change, 3, Schedule.IfChanged.FAIL, status,
                new Schedule.By(UUID.randomUUID(), "alice"), at.minusDays(1),
                status == Schedule.Status.APPLIED ? at.plusSeconds(1) : null, false,
                status == Schedule.Status.APPLIED ? 4 : null, status == Schedule.Status.FAILED ? at : null,
                status == Schedule.Status.FAILED ? "the key that scheduled it (alice) was revoked" : null, null, null);
    }

    @Test
    void aScheduleIsListedInWordsWithItsTimeAndWhatBecameOfIt() {
        ScheduleRow pending = ScheduleRow.of(schedule(new ProposedChange.Toggle("production", "checkout", true),
                Schedule.Status.PENDING, "2026-12-01T12:30:00Z"), NOW);
        assertThat(pending.summary()).isEqualTo("turn on");
        assertThat(pending.relative()).isEqualTo("in 2 h");
        assertThat(pending.dueExact()).isEqualTo("2026-12-01 12:30:00 UTC");
        assertThat(pending.outcome()).isNull();
        assertThat(pending.cancelAction()).isEqualTo("/ui/flags/checkout/env/production/schedules/7/cancel");

        ScheduleRow applied = ScheduleRow.of(schedule(new ProposedChange.Rollout("production", "checkout",
                StoredJson.parse("25"), null, null), Schedule.Status.APPLIED, "2026-11-30T09:00:00Z"), NOW);
        assertThat(applied.summary()).isEqualTo("serve true to 25 %");
        assertThat(applied.outcome()).isEqualTo("applied 2026-11-30 09:00:01 UTC (revision 4)");
        assertThat(applied.relative()).isEqualTo("1 day ago");

        ScheduleRow failed = ScheduleRow.of(schedule(new ProposedChange.Rollout("production", "checkout", null,
                (com.fasterxml.jackson.databind.node.ObjectNode) StoredJson.parse("{\"red\": 10, \"blue\": 90}"),
                null), Schedule.Status.FAILED, "2026-12-01T10:00:30Z"), NOW);
        assertThat(failed.summary()).isEqualTo("roll out red 10 %, blue 90 %");
        assertThat(failed.outcome()).isEqualTo("not applied: the key that scheduled it (alice) was revoked");
        assertThat(failed.relative()).isEqualTo("in less than a minute");
    }

    @Test
    void theCalendarGroupsByUtcDayInOrder() {
        List<ScheduleRow> rows = List.of(
                ScheduleRow.of(schedule(new ProposedChange.Toggle("p", "a", true), Schedule.Status.PENDING,
                        "2026-12-01T23:30:00-01:00"), NOW),
                ScheduleRow.of(schedule(new ProposedChange.Toggle("p", "b", true), Schedule.Status.PENDING,
                        "2026-12-02T09:00:00Z"), NOW),
                ScheduleRow.of(schedule(new ProposedChange.Toggle("p", "c", false), Schedule.Status.PENDING,
                        "2026-12-04T09:00:00+01:00"), NOW));
        List<CalendarView.Day> days = CalendarView.byDay(rows);
        assertThat(days).extracting(CalendarView.Day::label).containsExactly("Wednesday 2 December 2026",
                "Friday 4 December 2026");
        assertThat(days.get(0).rows()).hasSize(2);
        assertThat(days.get(0).rows().get(0).dueTime()).isEqualTo("00:30:00");
        assertThat(CalendarView.url("production", null, "pending", "123:4"))
                .isEqualTo("/ui/schedules?env=production&after=123%3A4");
        assertThat(CalendarView.url(null, "checkout", "all", null)).isEqualTo("/ui/schedules?flag=checkout"
                + "&status=all");
    }
}
