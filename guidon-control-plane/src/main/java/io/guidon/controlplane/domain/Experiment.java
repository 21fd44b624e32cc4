package io.guidon.controlplane.domain;

import java.time.OffsetDateTime;
import java.util.Locale;

/**
 * An experiment as stored (V13 {@code experiments}): what it compares ({@link ExperimentSpec}, with the weights
 * decided when it was made or last edited) and where it stands.
 *
 * @param startAt in draft, the earliest start asked for (or null); once started, when its window starts
 * @param endAt when its window ends: asked for, or the instant it was stopped; null: open
 * @param version 1 when made, plus one per change of what it computes (its definition, or an edit of one of its
 *     metrics); the resource's ETag, and what tells the results to be recomputed
 * @param createdBy the name of the key that made it
 */
public record Experiment(long id, ExperimentSpec spec, Status status, OffsetDateTime startAt, OffsetDateTime endAt,
        long version, String createdBy, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    /** The audit log's resource type of an experiment (its resource key is the experiment's id). */
    public static final String RESOURCE_TYPE = "experiment";

    /** Where an experiment stands: draft → running ({@code start}) → stopped ({@code stop}). */
    public enum Status {
        DRAFT, RUNNING, STOPPED;

        /** {@code draft}, {@code running}, {@code stopped}. */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The status named {@code text}, or null. */
        public static Status parse(String text) {
            for (Status s : values()) {
                if (s.jsonName().equals(text)) {
                    return s;
                }
            }
            return null;
        }
    }

    /** Experiments listed newest first: the cursor is the id of the last one on the page. */
    public String position() {
        return Long.toString(id);
    }
}
