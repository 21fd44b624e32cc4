package io.guidon.controlplane.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.domain.ApiKey;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.EnvironmentFlag;
import io.guidon.controlplane.domain.FlagDefinition;
import io.guidon.controlplane.domain.Schedule;
import io.guidon.controlplane.domain.Segment;

/**
 * How the audit log records a resource before and after a change: as the admin API shows it, so that a reader of
 * the log compares exactly what they read from the API. The HTTP layer defines that shape (its response mapper
 * implements this); services only pass the resource through, and so know nothing of the API's JSON.
 */
public interface ResourceViews {

    JsonNode environment(Environment environment);

    JsonNode flag(FlagDefinition flag);

    JsonNode environmentFlag(EnvironmentFlag flag);

    JsonNode segment(String environmentKey, Segment segment);

    /** An API key as listed (never its secret). */
    JsonNode key(ApiKey key);

    /** A scheduled change of a flag in an environment, with what became of it. */
    JsonNode schedule(Schedule schedule);

    /** A progressive rollout plan, with where it stands. */
    JsonNode rolloutPlan(io.guidon.controlplane.domain.RolloutPlan plan);
    /** A change request: its change, hash, base, status and approvals. */
    JsonNode changeRequest(io.guidon.controlplane.domain.ChangeRequest request);

    /** A metric: what it measures and its version. */
    JsonNode metric(io.guidon.controlplane.domain.Metric metric);

    /** An experiment: what it compares, how it is analysed, where it stands and its version. */
    JsonNode experiment(io.guidon.controlplane.domain.Experiment experiment);

    /** A webhook subscription: what it receives, its state and its version (never its secret). */
    JsonNode webhook(io.guidon.controlplane.domain.WebhookSubscription subscription);
}
