package io.guidon.controlplane.domain;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One row of the export API ({@code GET /api/v1/export/{kind}}): an event's time ({@code minute} for counts), its
 * place ({@code batchId} and {@code index}, its position among its batch's events of its kind: with the time, the
 * export's order and a dedupe key) and the fields of its kind; those of other kinds are null.
 */
public record ExportedEvent(Instant time, UUID batchId, int index, String flag, String variant, String targetingKey,
        String event, Double value, long count) {

    /** The kinds of event that can be exported, by their path segment. */
    public enum Kind {
        EXPOSURES("exposures"), CONVERSIONS("conversions"), COUNTS("counts");

        private final String path;

        Kind(String path) {
            this.path = path;
        }

        public String path() {
            return path;
        }

        /** The kind of a path segment, or null. */
        public static Kind of(String path) {
            for (Kind k : values()) {
                if (k.path.equals(path)) {
                    return k;
                }
            }
            return null;
        }
    }

    /**
     * A place in an export's order: events at or after it by time, then batch id (as PostgreSQL orders uuids: by
     * bytes), then index.
     */
    public record Position(Instant time, UUID batchId, int index) {
        /** The first place at {@code time}. */
        public static Position at(Instant time) {
            return new Position(time, new UUID(0, 0), 0);
        }
    }

    /** Receives the rows of an export a chunk at a time, in order. */
    @FunctionalInterface
    public interface Sink {
        void accept(List<ExportedEvent> chunk);
    }
}
