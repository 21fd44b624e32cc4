package io.guidon.controlplane.domain;

import java.time.Duration;

/**
 * Durations written back as people write them (ISO-8601, as {@link Duration#parse} reads them): whole days as days
 * ("P7D", not Java's "PT168H"), anything else as {@link Duration#toString} writes it. The API's answers and the UI
 * both use it, so a metric's window reads the same in both.
 */
public final class IsoDurations {

    private IsoDurations() {
    }

    /** {@code d} in ISO-8601: "P7D" for 7 × 24 h, "PT36H" for 36 h, "PT0S" for zero. */
    public static String of(Duration d) {
        if (!d.isZero() && !d.isNegative() && d.toSeconds() % 86_400 == 0 && d.toNanosPart() == 0) {
            return "P" + d.toDays() + "D";
        }
        return d.toString();
    }
}
