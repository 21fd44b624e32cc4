package io.guidon.controlplane.ui.pages;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The try-it page's one need: a flag of an environment evaluated for a context by the engine the sidecars run,
 * with the engine's explanation. (A seam until the service that does it is on this branch.)
 */
@FunctionalInterface
public interface FlagTrial {

    /**
     * A flag evaluated for a context, and why.
     *
     * @param version the environment's document version evaluated
     * @param value the served value (null for an error)
     * @param variant the served variant (null for an error)
     * @param reason the engine's reason ({@code TARGETING_MATCH}, {@code SPLIT}, ...)
     * @param ruleId the rule that decided, or null
     * @param errorCode the engine's error code, or null
     * @param errorDetails the error in words, or null
     * @param trace the engine's explanation (docs/flag-format.md, "Explaining an evaluation")
     */
    record Trial(long version, JsonNode value, String variant, String reason, String ruleId, String errorCode,
            String errorDetails, JsonNode trace) {
    }

    /**
     * Evaluates flag {@code flagKey} of environment {@code envKey} for {@code context} (a JSON object).
     *
     * @throws io.guidon.controlplane.domain.DomainException INVALID naming the context (or a place inside it) when
     *         a sidecar would refuse it; NOT_FOUND for a missing environment or flag
     */
    Trial explain(long tenantId, String envKey, String flagKey, JsonNode context);
}
