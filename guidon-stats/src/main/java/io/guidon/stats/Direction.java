package io.guidon.stats;

/** Which way a guardrail metric is better. */
public enum Direction {
    /** Errors, latency: an increase is a degradation. */
    LOWER_IS_BETTER,
    /** Conversions, successes: a decrease is a degradation. */
    HIGHER_IS_BETTER
}
