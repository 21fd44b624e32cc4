package io.guidon.engine;

/**
 * Why an evaluation produced its value. The names are OpenFeature's resolution reasons, so that the
 * sidecar can serve them unchanged over the OpenFeature Remote Evaluation Protocol.
 */
public enum Reason {
    /** The flag has no targets, rules, prerequisites or rollout: every context gets the same value. */
    STATIC,
    /** The fallthrough served a fixed variant. */
    DEFAULT,
    /** A target list or a rule with a fixed variant matched. */
    TARGETING_MATCH,
    /** A percentage rollout chose the variant. */
    SPLIT,
    /** The flag is disabled and served its off variant. */
    DISABLED,
    /** A prerequisite flag did not serve the required variant; the off variant was served. */
    PREREQUISITE_FAILED,
    /** The evaluation failed; see the error code. */
    ERROR
}
