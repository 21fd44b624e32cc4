package io.guidon.engine;

/**
 * Why an evaluation produced its value. Only OpenFeature's standard resolution reasons, so that the sidecar can
 * serve them unchanged over the OpenFeature Remote Evaluation Protocol and any OpenFeature SDK understands them;
 * Guidon has no reasons of its own (docs/flag-format.md, "Reasons").
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
    /**
     * The flag is off for this context and served its off variant: it is disabled, or a prerequisite did not
     * serve its required variant (an explanation says which).
     */
    DISABLED,
    /** The evaluation failed; see the error code. */
    ERROR
}
