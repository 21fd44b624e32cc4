package io.guidon.controlplane.domain;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;

/**
 * What the analysis of an experiment needs of its definition (V13 {@code experiments}, {@code experiment_metrics},
 * {@code metrics}), read by the results' own query so that the results do not depend on the experiments' CRUD code
 * (docs/adr/0119-experiment-results.md).
 *
 * @param variants the variants compared, in the experiment's order, with their planned weights (the SRM check's
 *     expected split); the control is one of them
 * @param minimumDetectableEffect the relative MDE (0.02 = 2 %), or null for none
 * @param cupedSeconds the pre-exposure window of CUPED's covariate, or null when CUPED is off
 * @param startAt the first instant of the exposures counted; null for a draft
 * @param endAt the end (exclusive) of the exposures and conversions counted; null while open-ended
 * @param metrics primary first, then the secondary and the guardrail metrics, each group in its position's order
 */
public record AnalysisPlan(long id, long tenantId, String key, String name, long version, long environmentId,
        String environmentKey, String flagKey, String controlVariant, List<Arm> variants, boolean bayesian,
        boolean sequential, double alpha, double power, Double minimumDetectableEffect, String correction,
        Long cupedSeconds, String status, OffsetDateTime startAt, OffsetDateTime endAt, List<Metric> metrics) {

    public AnalysisPlan {
        variants = List.copyOf(variants);
        metrics = List.copyOf(metrics);
    }

    /** A variant compared and its planned weight (any positive scale; only the proportions matter). */
    public record Arm(String key, double weight) {
    }

    /** A metric's place in the experiment. */
    public enum Role {
        PRIMARY, SECONDARY, GUARDRAIL;

        /** {@code primary}, {@code secondary}, {@code guardrail}. */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a metric reads per user (V13 {@code metrics}' comments are the definition). */
    public enum Kind {
        PROPORTION, MEAN, RATIO;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A metric of the experiment.
     *
     * @param fromValue whether the per-user amount is the sum of the event's values (else its count)
     * @param denominatorEvent a ratio's denominator event; null otherwise
     * @param denominatorFromValue whether a ratio's denominator sums values (else counts)
     * @param windowSeconds how long after the user's first exposure events count; null until the experiment's end
     * @param higherIsBetter the metric's direction
     * @param capKind {@code percentile}, {@code fixed} or null
     * @param capValue the percentile in (0, 1) or the fixed bound; null without a cap
     * @param version the metric's version: a snapshot computed for another version is recomputed
     */
    public record Metric(long id, String key, String name, Role role, Kind kind, String event, boolean fromValue,
            String denominatorEvent, boolean denominatorFromValue, Long windowSeconds, boolean higherIsBetter,
            String capKind, Double capValue, long version) {

        /** Whether the per-user values are bounded by a percentile of all users' values. */
        public boolean percentileCap() {
            return "percentile".equals(capKind);
        }

        /** Whether the per-user values are bounded by a fixed value. */
        public boolean fixedCap() {
            return "fixed".equals(capKind);
        }
    }

    /** Whether the experiment has started (a draft has no exposures to analyse). */
    public boolean started() {
        return startAt != null && !"draft".equals(status);
    }

    /** The planned weights in the order of {@link #variants}. */
    public double[] weights() {
        return variants.stream().mapToDouble(Arm::weight).toArray();
    }

    /** The variant keys in order. */
    public List<String> variantKeys() {
        return variants.stream().map(Arm::key).toList();
    }

    /**
     * A fingerprint of everything the sums depend on besides the data: the experiment's version and each metric's
     * id and version. A snapshot made for another fingerprint is out of date.
     */
    public String definitionVersion() {
        StringBuilder b = new StringBuilder().append(version);
        for (Metric m : metrics) {
            b.append(';').append(m.id()).append(':').append(m.version());
        }
        return b.toString();
    }

    /**
     * A fingerprint of what the kept per-user state depends on (docs/adr/0124-experiment-state.md): the start,
     * CUPED's window and each metric's id and version (their events, kinds, windows and caps). Not the experiment's
     * version, which also changes with a stop, the variants compared or the analysis method: none of these changes
     * a user's amounts. A state built for another fingerprint is rebuilt.
     */
    public String stateDefinition() {
        StringBuilder b = new StringBuilder().append(startAt == null ? "" : startAt.toInstant()).append(';')
                .append(cupedSeconds);
        for (Metric m : metrics) {
            b.append(';').append(m.id()).append(':').append(m.version());
        }
        return b.toString();
    }
}
