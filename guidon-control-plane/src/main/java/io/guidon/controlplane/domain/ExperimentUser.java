package io.guidon.controlplane.domain;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * One row of an experiment's per-user table (the CSV export): an analysed user, the variant of their first exposure,
 * that exposure, and per metric their amount(s) in the order of the table's columns (the amount after its cap, a
 * ratio's denominator, CUPED's pre-exposure amount).
 */
public record ExperimentUser(String targetingKey, String variant, OffsetDateTime firstExposure, List<Double> values) {

    /** Receives the per-user table in chunks; called on the reader's virtual thread, may block. */
    @FunctionalInterface
    public interface Sink {
        /** Handles a chunk of users; an exception ends the export. */
        void accept(List<ExperimentUser> chunk);
    }
}
