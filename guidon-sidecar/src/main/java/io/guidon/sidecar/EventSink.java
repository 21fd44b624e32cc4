package io.guidon.sidecar;

import io.guidon.engine.EvaluationResult;

/**
 * Receives what the sidecar serves and what applications report, for flag insights and experiments (ADR 0203):
 * <ul>
 *   <li>{@link #count}: every successful evaluation, single or bulk: what was served, counted per flag and variant
 *       (the control plane's {@code flag_evaluation_counts});</li>
 *   <li>{@link #exposure}: a flag the application read, for a subject: a single-flag evaluation, or a flag reported
 *       read after a bulk fetch ({@code POST /v1/exposures}). A bulk evaluation is no exposure: fetching 200 flags
 *       shows the user none of them;</li>
 *   <li>{@link #track}: a conversion or custom event.</li>
 * </ul>
 * Contract: called on event loops, {@link #count} once per flag of every request, so implementations must return in
 * well under a microsecond without blocking, locking against an uploader, doing I/O, or (for {@code count})
 * allocating; they buffer or aggregate and ship elsewhere. They may drop exposures and events under pressure but
 * must count what they drop. The standalone sink counts into the metrics; the connected sink batches upstream.
 */
public interface EventSink {

    /** An evaluation served {@code result} (never an error). Hot path: no allocation. */
    void count(EvaluationResult result);

    /**
     * The application read {@code result} (never an error) for the subject {@code targetingKey}: never null, and
     * already checked against the control plane's rules ({@link io.guidon.protocol.EventRules#targetingKey}).
     * Does not count an evaluation; a single-flag evaluation calls both.
     */
    void exposure(EvaluationResult result, String targetingKey, long timestampMillis);

    void track(TrackEvent event);
}
