package io.guidon.controlplane.ui.view;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.Schedule;
import io.guidon.controlplane.domain.StoredJson;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The form that schedules a change of a flag in one environment, as typed: what ({@code on}, {@code off}, or a
 * {@code percentage} of a boolean flag's users served true), when (a date and time, {@code at}, read in an explicit
 * timezone, {@code zone}: an IANA name such as {@code Europe/Paris}, {@code UTC}, or an offset such as
 * {@code +01:00}), what to do if the flag changed meanwhile ({@code ifChanged}), the revision the page showed, and
 * for a protected environment its key typed as a confirmation. {@link #read} turns it into what the API's
 * {@code POST .../schedules} takes, so that the same checks judge it ({@code api.ChangeBodies}, then the engine's).
 *
 * @param errors field name to message: the form's own problems, then the service's placed at its fields
 */
public record ScheduleForm(String what, String percentage, String at, String zone, String ifChanged,
        String revision, String confirm, Map<String, String> errors) implements FieldErrors {

    /** Timezones the form suggests (any IANA name or offset is taken). */
    public static final List<String> ZONES = List.of("UTC", "Europe/London", "Europe/Paris", "Europe/Berlin",
            "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo",
            "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney");
    /** A decimal as the API takes a percentage (the rules of its value are the engine's, checked after). */
    private static final Pattern NUMBER = Pattern.compile("-?\\d{1,20}(\\.\\d{1,20})?");
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    public ScheduleForm {
        errors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(errors));
    }

    /** A new form based on {@code revision}: turn on, in UTC, failing if the flag changed meanwhile. */
    public static ScheduleForm fresh(int revision) {
        return new ScheduleForm("on", "", "", "UTC", "fail", Integer.toString(revision), "", Map.of());
    }

    /** The form posted as {@code form}. */
    public static ScheduleForm parse(Map<String, List<String>> form) {
        return new ScheduleForm(EnvironmentForm.field(form, "what"), EnvironmentForm.field(form, "percentage").strip(),
                EnvironmentForm.field(form, "at").strip(), EnvironmentForm.field(form, "zone").strip(),
                EnvironmentForm.field(form, "ifChanged"), EnvironmentForm.field(form, "revision").strip(),
                EnvironmentForm.field(form, "confirm").strip(), Map.of());
    }

    /** This form with {@code message} on {@code field} (a problem the service found). */
    public ScheduleForm withError(String field, String message) {
        Map<String, String> all = new LinkedHashMap<>(errors);
        all.putIfAbsent(field, message);
        return new ScheduleForm(what, percentage, at, zone, ifChanged, revision, confirm, all);
    }

    /** This form, its problems forgotten and based on {@code revision} (after a success: ready for another). */
    public ScheduleForm again(int revision) {
        return new ScheduleForm(what, percentage, "", zone, ifChanged, Integer.toString(revision), "", Map.of());
    }

    /**
     * What the form asks for: the change as the API's {@code change} body (null when {@code what} is none of the
     * choices), the instant (null when the date, the time or the zone cannot be read), the policy, the revision it
     * is based on (null when the form has none), and the form's own problems by field.
     */
    public record Read(ObjectNode change, OffsetDateTime due, Schedule.IfChanged ifChanged, Integer revision,
            Map<String, String> problems) {
    }

    /** Reads the form (see {@link Read}). */
    public Read read() {
        Map<String, String> problems = new LinkedHashMap<>();
        ObjectNode change = StoredJson.object();
        switch (what) {
            case "on", "off" -> change.put("kind", "flag.toggle").put("enabled", what.equals("on"));
            case "percentage" -> {
                change.put("kind", "flag.rollout");
                if (NUMBER.matcher(percentage).matches()) {
                    change.set("percentage", StoredJson.parse(percentage));
                } else {
                    problems.put("percentage", percentage.isEmpty() ? "Enter the percentage of users to serve true,"
                            + " 0 to 100." : "Enter a number from 0 to 100 (such as 25 or 12.5).");
                    change = null;
                }
            }
            default -> {
                problems.put("what", "Choose what to do: turn the flag on, off, or serve a percentage.");
                change = null;
            }
        }
        OffsetDateTime due = due(at, zone, problems);
        Schedule.IfChanged policy = Schedule.IfChanged.parse(ifChanged);
        if (policy == null) {
            problems.put("ifChanged", "Choose what to do if the flag changed before then.");
            policy = Schedule.IfChanged.FAIL;
        }
        Integer base = null;
        try {
            base = Integer.valueOf(revision);
        } catch (NumberFormatException e) {
            problems.put("revision", "This form lacks the revision it was read at: reload the page.");
        }
        return new Read(change, due, policy, base, problems);
    }

    /** {@code at} (a date and time, as a {@code datetime-local} input sends it) in {@code zone}; null if unreadable. */
    static OffsetDateTime due(String at, String zone, Map<String, String> problems) {
        ZoneId id = null;
        if (zone.isEmpty()) {
            problems.put("zone", "Enter the timezone the time is in (UTC, Europe/Paris, +01:00, ...).");
        } else {
            try {
                id = ZoneId.of(zone);
            } catch (DateTimeException e) {
                problems.put("zone", "Unknown timezone: enter an IANA name such as Europe/Paris, UTC, or an offset"
                        + " such as +01:00.");
            }
        }
        if (at.isEmpty()) {
            problems.put("at", "Enter the date and time to apply the change at.");
            return null;
        }
        LocalDateTime local;
        try {
            local = LocalDateTime.parse(at.replace(' ', 'T'));
        } catch (DateTimeParseException e) {
            problems.put("at", "Enter a date and time such as 2026-12-07T09:00.");
            return null;
        }
        // In a gap of daylight saving time, a time that does not exist is moved later by the gap's length; in an
        // overlap, the earlier of the two instants is taken. The page says which instant it is, in UTC.
        return id == null ? null : ZonedDateTime.ofLocal(local, id, null).toOffsetDateTime();
    }

    /** {@code due} as the form's zone shows it ({@code 2026-12-07 09:00:00 Europe/Paris}); "" when unreadable. */
    public static String inZone(OffsetDateTime due, String zone) {
        try {
            return SHOWN.format(due.atZoneSameInstant(ZoneId.of(zone))) + " " + zone;
        } catch (DateTimeException e) {
            return "";
        }
    }

    /** Whether {@code choice} is the chosen {@code what} (for the radio buttons). */
    public boolean is(String choice) {
        return choice.equals(what);
    }

    /** Whether {@code choice} is the chosen policy. */
    public boolean policy(String choice) {
        return choice.equals(ifChanged);
    }
}
