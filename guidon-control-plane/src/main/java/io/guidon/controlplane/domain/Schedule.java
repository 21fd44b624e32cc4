package io.guidon.controlplane.domain;

import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A change of a flag in an environment, kept to be applied at {@code due} (docs/adr/0114-scheduled-changes.md):
 * the exact {@link ProposedChange}, the flag's configuration revision it was based on ({@code baseRevision}) and
 * what to do when the flag changed meanwhile ({@link IfChanged}); then what became of it: {@link Status}, when it
 * was applied (and whether {@code late}, and the revision it made), why it failed, who cancelled it. Times are
 * PostgreSQL's, to the microsecond; fields of a state the schedule is not in are null.
 */
public record Schedule(long id, String environment, String flag, OffsetDateTime due, ProposedChange change,
        int baseRevision, IfChanged ifChanged, Status status, By createdBy, OffsetDateTime createdAt,
        OffsetDateTime appliedAt, boolean late, Integer appliedRevision, OffsetDateTime failedAt, String failure,
        OffsetDateTime cancelledAt, By cancelledBy) {

    /** Where a schedule is in its life: pending until applied, failed or cancelled, which are final. */
    public enum Status {
        PENDING, APPLIED, FAILED, CANCELLED;

        /** The name as stored and answered: {@code pending}, {@code applied}, ... */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The status named {@code name} ({@link #jsonName()}), or null. */
        public static Status parse(String name) {
            return named(values(), name);
        }
    }

    /**
     * What a schedule does when its flag's configuration is no longer at {@code baseRevision} at its time: fail
     * and say so ({@link #FAIL}, the default: someone's later change is never overwritten silently), or apply the
     * change on top of whatever the configuration is then ({@link #APPLY}).
     */
    public enum IfChanged {
        APPLY, FAIL;

        /** {@code apply} or {@code fail}. */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The policy named {@code name} ({@link #jsonName()}), or null. */
        public static IfChanged parse(String name) {
            return named(values(), name);
        }
    }

    /** The constant of {@code values} whose name in lower case is {@code name}, or null. */
    private static <E extends Enum<E>> E named(E[] values, String name) {
        for (E e : values) {
            if (e.name().toLowerCase(Locale.ROOT).equals(name)) {
                return e;
            }
        }
        return null;
    }

    /** Who did something to a schedule: the key (null when the session had none) and its name then. */
    public record By(UUID keyId, String name) {
    }

    /** Where this schedule stands in a listing by due time. */
    public Position position() {
        return new Position(due, id);
    }

    /**
     * A place in a listing of schedules, sorted by due time, then id. Its text, the sort key a page cursor carries,
     * is {@code <due, in microseconds since the epoch>:<id>} (PostgreSQL keeps microseconds, so the text names a
     * schedule's position exactly).
     */
    public record Position(OffsetDateTime due, long id) {

        private static final Pattern TEXT = Pattern.compile("-?\\d{1,19}:\\d{1,19}");

        /** {@code <epoch micros>:<id>}. */
        public String text() {
            return EpochMicros.of(due) + ":" + id;
        }

        /** The position {@link #text()} wrote, in UTC; null when {@code text} is not one. */
        public static Position parse(String text) {
            return EpochMicros.position(text, TEXT, Long::parseLong, Position::new);
        }
    }
}
