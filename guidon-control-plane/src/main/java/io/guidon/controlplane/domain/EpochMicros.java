package io.guidon.controlplane.domain;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;

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

    /**
     * The sort key {@code <micros>:<id>} a listing's cursor carries, read back: {@code position} of the instant and
     * of the id as {@code id} reads it; null when {@code text} does not match {@code form}, or its number or id
     * cannot be read (a cursor of another listing, or edited: the caller says so to the client).
     */
    public static <I, P> P position(String text, Pattern form, Function<String, I> id,
            BiFunction<OffsetDateTime, I, P> position) {
        if (text == null || !form.matcher(text).matches()) {
            return null;
        }
        int colon = text.indexOf(':');
        try {
            return position.apply(at(Long.parseLong(text, 0, colon, 10)), id.apply(text.substring(colon + 1)));
        } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
            // Nineteen digits beyond a long, an instant beyond the range, or an id that is none.
            return null;
        }
    }
}
