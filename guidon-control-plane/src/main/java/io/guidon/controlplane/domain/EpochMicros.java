package io.guidon.controlplane.domain;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Instants as whole microseconds since the epoch, PostgreSQL's precision: the text of a listing's cursor
 * ({@code <micros>:<id>}) names a row's time exactly, and reads back as the same instant.
 */
public final class EpochMicros {

    private EpochMicros() {
    }

    /** {@code t} in microseconds since 1970-01-01T00:00Z (sub-microseconds dropped). */
    public static long of(OffsetDateTime t) {
        Instant i = t.toInstant();
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
    }

    /**
     * The instant {@code micros} after the epoch, in UTC.
     *
     * @throws java.time.DateTimeException or {@link ArithmeticException} beyond the range of instants
     */
    public static OffsetDateTime at(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }
}
