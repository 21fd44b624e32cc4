package io.guidon.controlplane.domain;

import io.guidon.json.ValueChecks;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The one rule of every time parameter of the admin API (the {@code from} and {@code to} of conversions, a flag's
 * conversions and exposures, exports, the audit log, schedules; a redelivery's range): an RFC 3339 instant with its
 * offset ({@code 2026-11-01T00:00:00Z}, {@code 2026-11-01T09:00:00+02:00}) or a UTC day ({@code 2026-11-01}, meaning
 * its start, {@code 2026-11-01T00:00:00Z}), in years 1 to 9999. Routes that count per UTC day take the day an
 * instant falls in. Why both forms everywhere: the export route documented days from the start, and the tester
 * found a day accepted on one route and refused on the next; one rule, one message.
 */
public final class TimeParameters {

    /** What a time parameter may be, as the error messages and the API document say it. */
    public static final String RULE = "an RFC 3339 instant with its offset such as 2026-11-01T00:00:00Z, or a UTC day"
            + " such as 2026-11-01 (its start)";

    private static final Pattern DAY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern INSTANT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt].+");

    private TimeParameters() {
    }

    /** The instant {@code v} names, or null when it is not one of {@link #RULE} ({@link #problem} says why). */
    public static Instant instant(String v) {
        Instant out = null;
        try {
            if (DAY.matcher(v).matches()) {
                out = LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else if (INSTANT.matcher(v).matches()) {
                out = OffsetDateTime.parse(v).toInstant();
            }
        } catch (DateTimeParseException e) {
            return null;
        }
        return out == null || ValueChecks.instantProblem(out) != null ? null : out;
    }

    /** The UTC day {@code v} names (a day, or the day an instant falls in), or null as {@link #instant}. */
    public static LocalDate day(String v) {
        Instant i = instant(v);
        return i == null ? null : LocalDate.ofInstant(i, ZoneOffset.UTC);
    }

    /** Why {@code v} is refused: the rule and the value as given (at most 40 characters, control characters shown). */
    public static String problem(String v) {
        return "must be " + RULE + ", not '" + ValueChecks.printable(v, 40) + "'";
    }
}
