package io.guidon.sidecar;

import io.guidon.engine.EvaluationResult;

/**
 * Receives what the sidecar serves, for exposure analysis and experiments: every successful evaluation and every
 * tracked event. Contract: called on event loops for every evaluation, so implementations must return in well
 * under a microsecond without blocking, locking against an uploader, or doing I/O; they buffer or aggregate and
 * ship elsewhere. They may drop under pressure but must count what they drop. The standalone sink counts into
 * the metrics; the connected sink (later) batches upstream.
 */
public interface EventSink {

    /** An evaluation served {@code result} (never an error) to the subject {@code targetingKey} (may be null). */
    void exposure(EvaluationResult result, String targetingKey, long timestampMillis);

    void track(TrackEvent event);
}
