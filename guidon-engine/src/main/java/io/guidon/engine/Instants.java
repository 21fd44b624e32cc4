package io.guidon.engine;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
        long fast = parseCommon(text);
        return fast != INVALID ? fast : parseFull(text);
    }

    /** Every form the format allows, through java.time (slower, and allocating). */
    static long parseFull(String text) {
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
        } catch (DateTimeException | ArithmeticException e) {
            return INVALID;
        }
    }

    /**
     * The forms contexts send almost always ({@code 2025-03-01}, {@code 2025-03-01T12:00:00Z}, with fractions of a
     * second and/or a {@code +01:00} offset), read without allocating; {@link #INVALID} sends anything else (or
     * anything odd) through the full ISO-8601 parser, which has the final say.
     */
    static long parseCommon(String t) {
        int n = t.length();
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || t.charAt(4) != '-' || t.charAt(7) != '-'
                || day > daysInMonth(year, month)) {
            return INVALID;
        }
        long days = daysFromCivil(year, month, day);
        if (n == 10) {
            return days * 86_400_000L;
        }
        if (n < 19 || t.charAt(10) != 'T' || t.charAt(13) != ':' || t.charAt(16) != ':') {
            return INVALID;
        }
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return INVALID;
        }
        int i = 19;
        int millis = 0;
        if (i < n && t.charAt(i) == '.') {
            int start = ++i;
            while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                if (i - start < 3) {
                    millis = millis * 10 + (t.charAt(i) - '0');
                }
                i++;
            }
            int len = i - start;
            if (len == 0 || len > 9) {
                return INVALID;
            }
            for (int k = len; k < 3; k++) {
                millis *= 10;
            }
        }
        int offsetSeconds;
        if (i == n) {
            offsetSeconds = 0;
        } else if (t.charAt(i) == 'Z' && i + 1 == n) {
            offsetSeconds = 0;
        } else if ((t.charAt(i) == '+' || t.charAt(i) == '-') && i + 6 == n && t.charAt(i + 3) == ':') {
            int oh = digits(t, i + 1, 2);
            int om = digits(t, i + 4, 2);
            if (oh < 0 || oh > 18 || om < 0 || om > 59) {
                return INVALID;
            }
            offsetSeconds = (oh * 3600 + om * 60) * (t.charAt(i) == '-' ? -1 : 1);
        } else {
            return INVALID;
        }
        return (days * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds) * 1000L + millis;
    }

    private static int digits(String t, int from, int count) {
        if (from + count > t.length()) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static int daysInMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
    private static long daysFromCivil(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yoe = y - era * 400;
        long doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }
}
