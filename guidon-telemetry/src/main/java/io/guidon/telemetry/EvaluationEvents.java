package io.guidon.telemetry;

import io.guidon.engine.EvaluationResult;

/**
 * Where an evaluation path hands off one {@code feature_flag.evaluation} event (OpenTelemetry semantic conventions
 * for feature flags, ADR 0205). Contract: called on the evaluation path (the sidecar's event loops, an application's
 * threads), concurrently, so an implementation returns at once: it never blocks, never locks, never does I/O and
 * allocates nothing; it copies the references it is given into a bounded buffer and ships them elsewhere. When the
 * buffer is full the event is dropped and counted, never waited for. {@link #OFF} does nothing (the default).
 */
public interface EvaluationEvents {

    /**
     * An evaluation answered {@code result} (a value, or the engine's error) for the context whose targeting key
     * is {@code contextId} (null: none), with the flag set of {@code version} (negative: unknown), at
     * {@code epochMillis}.
     */
    void evaluated(EvaluationResult result, String contextId, long version, long epochMillis);

    /**
     * An evaluation of {@code flagKey} failed before or after the engine (the caller's type did not match, no flags
     * yet): {@code errorType} is one of {@link FeatureFlagEvents}' error types, {@code message} says more.
     */
    void failed(String flagKey, String errorType, String message, String contextId, long version, long epochMillis);

    /** Records nothing. */
    EvaluationEvents OFF = new EvaluationEvents() {
        @Override
        public void evaluated(EvaluationResult result, String contextId, long version, long epochMillis) {
        }

        @Override
        public void failed(String flagKey, String errorType, String message, String contextId, long version,
                long epochMillis) {
        }
    };
}
