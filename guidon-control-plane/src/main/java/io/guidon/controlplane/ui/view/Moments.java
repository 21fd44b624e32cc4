package io.guidon.controlplane.ui.view;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * How pages write instants: relative for a glance ("5 min ago"), exact in UTC for a tooltip, and ISO-8601 for a
 * {@code <time datetime>} attribute. Pure: "now" is given, so a view model renders the same in a test.
 */
public final class Moments {

    private static final DateTimeFormatter EXACT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd");

    private Moments() {
    }

    /**
     * {@code t} relative to {@code now}: "just now" (under a minute), "N min ago", "N h ago", "N days ago" (under 30
     * days), else its UTC date; "never" when {@code t} is null. An instant after {@code now} (clocks of two
     * machines) reads "just now".
     */
    public static String ago(OffsetDateTime t, Instant now) {
        if (t == null) {
            return "never";
        }
        Duration d = Duration.between(t.toInstant(), now);
        if (d.toSeconds() < 60) {
            return "just now";
        }
        if (d.toMinutes() < 60) {
            return d.toMinutes() + " min ago";
        }
        if (d.toHours() < 24) {
            return d.toHours() + " h ago";
        }
        if (d.toDays() < 30) {
            return d.toDays() == 1 ? "1 day ago" : d.toDays() + " days ago";
        }
        return DAY.format(t.withOffsetSameInstant(ZoneOffset.UTC));
    }

    /** {@code t} to the second in UTC ({@code 2026-12-01 05:43:10 UTC}); "" when null. */
    public static String exact(OffsetDateTime t) {
        return t == null ? "" : EXACT.format(t.withOffsetSameInstant(ZoneOffset.UTC));
    }

    /** {@code t} as ISO-8601 in UTC, for {@code <time datetime>}; null when {@code t} is (no attribute). */
    public static String iso(OffsetDateTime t) {
        return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC).toInstant().toString();
    }
}
