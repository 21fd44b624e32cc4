package io.guidon.engine;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;

/**
 * Instants as the flag format writes them: an ISO-8601 date-time with an offset ({@code 2025-03-01T12:00:00Z},
 * {@code 2025-03-01T13:00:00+01:00}), one without (read as UTC), a date ({@code 2025-03-01}, midnight UTC), or a
 * whole number of epoch milliseconds.
 */
final class Instants {

    /** Returned for anything that is not an instant; no real instant in the supported range maps to it. */
    static final long INVALID = Long.MIN_VALUE;

    private Instants() {
    }

    static long toEpochMillis(Object value) {
        if (value instanceof String s) {
            return parse(s);
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 9.0e15 ? (long) d : INVALID;
        }
        return INVALID;
    }

    static long parse(String text) {
        if (text.length() < 10 || text.length() > 64) {
            return INVALID;
        }
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            }
            TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parseBest(text, OffsetDateTime::from,
                    LocalDateTime::from);
            if (parsed instanceof OffsetDateTime odt) {
                return odt.toInstant().toEpochMilli();
            }
            return ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            return INVALID;
        }
    }
}
