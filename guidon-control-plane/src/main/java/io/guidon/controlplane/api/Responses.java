package io.guidon.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.ApiKey;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.EnvironmentDocument;
import io.guidon.controlplane.domain.EnvironmentFlag;
import io.guidon.controlplane.domain.FlagDefinition;
import io.guidon.controlplane.domain.Schedule;
import io.guidon.controlplane.domain.Segment;
import io.guidon.controlplane.domain.SidecarSighting;
import io.guidon.controlplane.service.ResourceViews;

/**
 * The admin API's JSON of each resource (the shapes of openapi.json's schemas): an environment, a flag definition,
 * a flag in an environment, a segment, an API key. The audit log records resources in the same shapes
 * ({@link ResourceViews}), so this is their one definition. Times are ISO-8601 instants in UTC.
 */
public final class Responses implements ResourceViews {

    /** The mapping has no state: any two instances map alike. */
    public Responses() {
    }

    /** {@code key, name, description, protected, requiredApprovals, version, revision, createdAt, updatedAt}. */
    @Override
    public ObjectNode environment(Environment e) {
        ObjectNode o = Json.object();
        o.put("key", e.key());
        o.put("name", e.name());
        o.put("description", e.description());
        o.put("protected", e.protectedEnvironment());
        o.put("requiredApprovals", e.requiredApprovals());
        o.put("version", e.version());
        o.put("revision", e.revision());
        o.put("createdAt", e.createdAt().toInstant().toString());
        o.put("updatedAt", e.updatedAt().toInstant().toString());
        return o;
    }

    /**
     * {@code key, name, description, tags, variants, metadata?, salt?, revision, createdAt, updatedAt}; {@code name}
     * is '' when the flag has none.
     */
    @Override
    public ObjectNode flag(FlagDefinition f) {
        ObjectNode o = Json.object();
        o.put("key", f.key());
        o.put("name", f.name());
        o.put("description", f.description());
        f.tags().forEach(o.putArray("tags")::add);
        if (f.tags().isEmpty()) {
            o.putArray("tags");
        }
        o.set("variants", f.variants());
        if (f.metadata() != null) {
            o.set("metadata", f.metadata());
        }
        if (f.salt() != null) {
            o.put("salt", f.salt());
        }
        o.put("revision", f.revision());
        o.put("createdAt", f.createdAt().toInstant().toString());
        o.put("updatedAt", f.updatedAt().toInstant().toString());
        return o;
    }

    /**
     * {@code key, environment}, the flag as the flag-document format has it (definition and this environment's
     * configuration merged; description and tags always present), then the configuration's {@code revision}.
     */
    @Override
    public ObjectNode environmentFlag(EnvironmentFlag f) {
        ObjectNode o = Json.object();
        o.put("key", f.definition().key());
        o.put("environment", f.environment());
        o.setAll(EnvironmentDocument.flagObject(f.definition(), f.config()));
        if (!o.has("description")) {
            o.put("description", "");
        }
        if (!o.has("tags")) {
            o.putArray("tags");
        }
        o.put("revision", f.revision());
        return o;
    }

    /** {@code key, environment, description, included?, excluded?, rules?, revision, createdAt, updatedAt}. */
    @Override
    public ObjectNode segment(String envKey, Segment s) {
        ObjectNode o = Json.object();
        o.put("key", s.key());
        o.put("environment", envKey);
        o.put("description", s.description());
        for (String field : EnvironmentDocument.SEGMENT_FIELDS) {
            JsonNode v = s.definition().get(field);
            if (v != null) {
                o.set(field, v);
            }
        }
        o.put("revision", s.revision());
        o.put("createdAt", s.createdAt().toInstant().toString());
        o.put("updatedAt", s.updatedAt().toInstant().toString());
        return o;
    }

    /**
     * {@code id, name, role, environment, prefix, createdAt, revokedAt, lastUsedAt}: {@code prefix} with its
     * {@code gdn_}, so that it is the start of the key's text; {@code environment}, {@code revokedAt} and
     * {@code lastUsedAt} are null when the key has none. Never the secret: the answer to a creation adds {@code key}
     * itself.
     */
    @Override
    public ObjectNode key(ApiKey k) {
        ObjectNode o = Json.object();
        o.put("id", k.id().toString());
        o.put("name", k.name());
        o.put("role", k.role());
        o.put("environment", k.environment());
        o.put("prefix", "gdn_" + k.prefix());
        o.put("createdAt", k.createdAt().toInstant().toString());
        o.put("revokedAt", k.revokedAt() == null ? null : k.revokedAt().toInstant().toString());
        o.put("lastUsedAt", k.lastUsedAt() == null ? null : k.lastUsedAt().toInstant().toString());
        return o;
    }

    /**
     * {@code id, environment, flag, at, change, ifChanged, baseRevision, status, late, createdAt, createdBy,
     * appliedAt, appliedRevision, failedAt, failure, cancelledAt, cancelledBy}: {@code change} exactly as kept
     * (its stored form, see {@code domain.ProposedChange}); the fields of a state the schedule is not in are null.
     */
    @Override
    public ObjectNode schedule(Schedule s) {
        ObjectNode o = Json.object();
        o.put("id", s.id());
        o.put("environment", s.environment());
        o.put("flag", s.flag());
        o.put("at", instant(s.due()));
        o.set("change", s.change().toJson());
        o.put("ifChanged", s.ifChanged().jsonName());
        o.put("baseRevision", s.baseRevision());
        o.put("status", s.status().jsonName());
        o.put("late", s.late());
        o.put("createdAt", instant(s.createdAt()));
        o.set("createdBy", by(s.createdBy()));
        o.put("appliedAt", instant(s.appliedAt()));
        o.put("appliedRevision", s.appliedRevision());
        o.put("failedAt", instant(s.failedAt()));
        o.put("failure", s.failure());
        o.put("cancelledAt", instant(s.cancelledAt()));
        o.set("cancelledBy", by(s.cancelledBy()));
        return o;
    }

    /**
     * {@code id, environment, flag, control, treatment, bucketBy, stages, guardrails, alpha, status, stageIndex,
     * stageStartedAt, percentage, nextCheckAt, lastVerdict, reason, reasonDetails, checks, createdBy, startedBy,
     * createdAt, updatedAt, startedAt, endedAt}: a progressive rollout plan and where it stands ({@code percentage}:
     * the treatment's share served now because of it; {@code reason} and {@code reasonDetails}: why it rolled back,
     * paused, was aborted or completed, with the numbers).
     */
    @Override
    public ObjectNode rolloutPlan(io.guidon.controlplane.domain.RolloutPlan p) {
        ObjectNode o = Json.object();
        o.put("id", p.id());
        o.put("environment", p.environment());
        o.put("flag", p.flag());
        o.put("control", p.spec().control());
        o.put("treatment", p.spec().treatment());
        o.put("bucketBy", p.spec().bucketBy());
        o.set("stages", p.spec().stagesJson());
        o.set("guardrails", p.spec().guardrailsJson());
        o.put("alpha", p.spec().alpha());
        o.put("status", p.status().jsonName());
        o.put("stageIndex", p.stageIndex());
        o.put("stageStartedAt", instant(p.stageStartedAt()));
        o.put("percentage", p.currentPercentage());
        o.put("nextCheckAt", instant(p.nextCheckAt()));
        o.put("lastVerdict", p.lastVerdict());
        o.put("reason", p.reason());
        o.set("reasonDetails", p.reasonDetails() == null ? Json.NODES.nullNode() : p.reasonDetails().deepCopy());
        o.put("checks", p.checks());
        o.put("createdAt", instant(p.createdAt()));
        o.set("createdBy", by(p.createdBy()));
        o.set("startedBy", by(p.startedBy()));
        o.put("updatedAt", instant(p.updatedAt()));
        o.put("startedAt", instant(p.startedAt()));
        o.put("endedAt", instant(p.endedAt()));
        return o;
    }

    /**
     * {@code id, checkedAt, stageIndex, percentage, control, treatment, mixedUsers, srm, guardrails, action, reason}:
     * one check of a rollout plan; {@code control} and {@code treatment} are {@code {users, exposures}} of the users
     * first exposed in the stage; {@code guardrails} each guardrail's per-arm numbers, estimate and always-valid
     * interval (null ends: open).
     */
    public ObjectNode rolloutCheck(io.guidon.controlplane.domain.RolloutPlan.Check c) {
        ObjectNode o = Json.object();
        o.put("id", c.id());
        o.put("checkedAt", instant(c.checkedAt()));
        o.put("stageIndex", c.stageIndex());
        o.put("percentage", c.percentage());
        ObjectNode control = o.putObject("control");
        control.put("users", c.controlUsers());
        control.put("exposures", c.controlExposures());
        ObjectNode treatment = o.putObject("treatment");
        treatment.put("users", c.treatmentUsers());
        treatment.put("exposures", c.treatmentExposures());
        o.put("mixedUsers", c.mixedUsers());
        ObjectNode srm = o.putObject("srm");
        srm.put("chi2", c.srmChi2());
        srm.put("p", c.srmP());
        o.set("guardrails", c.guardrails().deepCopy());
        o.put("action", c.action());
        o.put("reason", c.reason());
        return o;
    }

    /**
     * {@code id, environment, resourceType, resourceKey, title, description, change, sha256, baseVersions, status,
     * author, createdAt, updatedAt, approvals, validApprovals, appliedAt, appliedBy, appliedVersion, bypassReason,
     * closedAt, closedBy}: {@code change} exactly as kept (the text its {@code sha256} is of); each approval with
     * the hash it was given to, whether it is withdrawn, and whether its key is revoked now ({@code counts}: it
     * counts towards applying the current change).
     */
    @Override
    public ObjectNode changeRequest(io.guidon.controlplane.domain.ChangeRequest r) {
        ObjectNode o = Json.object();
        o.put("id", r.id());
        o.put("environment", r.environment());
        o.put("resourceType", r.resourceType());
        o.put("resourceKey", r.resourceKey());
        o.put("title", r.title());
        o.put("description", r.description());
        o.set("change", r.action().deepCopy());
        o.put("sha256", r.sha256());
        ObjectNode base = o.putObject("baseVersions");
        r.baseVersions().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> base.put(e.getKey(), e.getValue()));
        o.put("status", r.status().jsonName());
        o.set("author", by(r.author().keyId(), r.author().name()));
        o.put("createdAt", instant(r.createdAt()));
        o.put("updatedAt", instant(r.updatedAt()));
        com.fasterxml.jackson.databind.node.ArrayNode approvals = o.putArray("approvals");
        for (io.guidon.controlplane.domain.ChangeRequest.Approval a : r.approvals()) {
            ObjectNode x = approvals.addObject();
            x.put("keyId", a.by().keyId() == null ? null : a.by().keyId().toString());
            x.put("name", a.by().name());
            x.put("sha256", a.sha256());
            x.put("approvedAt", instant(a.approvedAt()));
            x.put("withdrawnAt", instant(a.withdrawnAt()));
            x.put("keyRevoked", a.keyRevoked());
            x.put("counts", a.counts(r.sha256()));
        }
        o.put("validApprovals", r.validApprovals());
        o.put("appliedAt", instant(r.appliedAt()));
        o.set("appliedBy", r.appliedBy() == null ? Json.NODES.nullNode()
                : by(r.appliedBy().keyId(), r.appliedBy().name()));
        o.put("appliedVersion", r.appliedVersion());
        o.put("bypassReason", r.bypassReason());
        o.put("closedAt", instant(r.closedAt()));
        o.put("closedBy", r.closedBy());
        return o;
    }

    /**
     * {@code key, name, description, kind, event, valueSource, denominatorEvent, denominatorSource, window,
     * direction, cap, version, createdAt, updatedAt}: a metric ({@code window} an ISO-8601 duration or null: until
     * the experiment's end; {@code cap} {@code {kind, value}} or null; the denominator's fields null unless a ratio).
     */
    @Override
    public ObjectNode metric(io.guidon.controlplane.domain.Metric m) {
        io.guidon.controlplane.domain.MetricSpec s = m.spec();
        ObjectNode o = Json.object();
        o.put("key", s.key());
        o.put("name", s.name());
        o.put("description", s.description());
        o.put("kind", io.guidon.controlplane.domain.MetricSpec.jsonName(s.kind()));
        o.put("event", s.event());
        o.put("valueSource", io.guidon.controlplane.domain.MetricSpec.jsonName(s.valueSource()));
        o.put("denominatorEvent", s.denominatorEvent());
        o.put("denominatorSource", s.denominatorSource() == null ? null
                : io.guidon.controlplane.domain.MetricSpec.jsonName(s.denominatorSource()));
        o.put("window", s.window() == null ? null : io.guidon.controlplane.domain.IsoDurations.of(s.window()));
        o.put("direction", io.guidon.controlplane.domain.MetricSpec.jsonName(s.direction()));
        if (s.cap() == null) {
            o.putNull("cap");
        } else {
            o.putObject("cap").put("kind", io.guidon.controlplane.domain.MetricSpec.jsonName(s.cap().kind()))
                    .put("value", s.cap().value());
        }
        o.put("version", m.version());
        o.put("createdAt", instant(m.createdAt()));
        o.put("updatedAt", instant(m.updatedAt()));
        return o;
    }

    /**
     * {@code id, key, name, hypothesis, environment, flag, controlVariant, variants, metrics, analysis, status,
     * startAt, endAt, version, createdBy, createdAt, updatedAt}: an experiment, its variants with the planned
     * weights decided ({@code [{key, weight}]}), its metrics by key ({@code {primary, secondary, guardrails}}), its
     * analysis with every default filled in.
     */
    @Override
    public ObjectNode experiment(io.guidon.controlplane.domain.Experiment x) {
        io.guidon.controlplane.domain.ExperimentSpec s = x.spec();
        ObjectNode o = Json.object();
        o.put("id", x.id());
        o.put("key", s.key());
        o.put("name", s.name());
        o.put("hypothesis", s.hypothesis());
        o.put("environment", s.environment());
        o.put("flag", s.flag());
        o.put("controlVariant", s.controlVariant());
        o.set("variants", io.guidon.controlplane.domain.ExperimentSpec.variantsJson(s.variants()));
        ObjectNode metrics = o.putObject("metrics");
        metrics.put("primary", s.metrics().primary());
        s.metrics().secondary().forEach(metrics.putArray("secondary")::add);
        if (s.metrics().secondary().isEmpty()) {
            metrics.putArray("secondary");
        }
        s.metrics().guardrails().forEach(metrics.putArray("guardrails")::add);
        if (s.metrics().guardrails().isEmpty()) {
            metrics.putArray("guardrails");
        }
        io.guidon.controlplane.domain.ExperimentSpec.Analysis a = s.analysis();
        ObjectNode analysis = o.putObject("analysis");
        analysis.put("method", io.guidon.controlplane.domain.MetricSpec.jsonName(a.method()));
        analysis.put("sequential", a.sequential());
        analysis.put("alpha", a.alpha());
        analysis.put("power", a.power());
        analysis.put("minimumDetectableEffect", a.minimumDetectableEffect());
        analysis.put("correction", io.guidon.controlplane.domain.MetricSpec.jsonName(a.correction()));
        if (a.cupedPreExposure() == null) {
            analysis.putNull("cuped");
        } else {
            analysis.putObject("cuped").put("preExposure",
                    io.guidon.controlplane.domain.IsoDurations.of(a.cupedPreExposure()));
        }
        o.put("status", x.status().jsonName());
        o.put("startAt", instant(x.startAt()));
        o.put("endAt", instant(x.endAt()));
        o.put("version", x.version());
        o.put("createdBy", x.createdBy());
        o.put("createdAt", instant(x.createdAt()));
        o.put("updatedAt", instant(x.updatedAt()));
        return o;
    }

    private static ObjectNode by(java.util.UUID keyId, String name) {
        ObjectNode o = Json.object();
        o.put("keyId", keyId == null ? null : keyId.toString());
        o.put("name", name);
        return o;
    }

    private static String instant(java.time.OffsetDateTime t) {
        return t == null ? null : t.toInstant().toString();
    }

    private static JsonNode by(Schedule.By by) {
        if (by == null) {
            return Json.NODES.nullNode();
        }
        ObjectNode o = Json.object();
        o.put("keyId", by.keyId() == null ? null : by.keyId().toString());
        o.put("name", by.name());
        return o;
    }

    /**
     * {@code environment, instance, keyId, keyName, userAgent, version, environmentVersion, address, firstSeen,
     * lastSeen}: a sidecar instance as last seen fetching its environment's flags.
     */
    public ObjectNode sighting(SidecarSighting s) {
        ObjectNode o = Json.object();
        o.put("environment", s.environment());
        o.put("instance", s.instance());
        o.put("keyId", s.keyId().toString());
        o.put("keyName", s.keyName());
        o.put("userAgent", s.userAgent());
        o.put("version", s.version());
        o.put("environmentVersion", s.environmentVersion());
        o.put("address", s.address());
        o.put("firstSeen", s.firstSeen().toInstant().toString());
        o.put("lastSeen", s.lastSeen().toInstant().toString());
        return o;
    }

    /**
     * {@code id, url, description, eventTypes, environments, tags, enabled, timeout, disabled: {reason, at} | null,
     * rotation: {previousSecretUntil} | null, health: {consecutiveFailures, circuitOpenUntil, failingSince,
     * lastSuccessAt}, version, createdAt, updatedAt}: a webhook subscription, never its secret.
     */
    @Override
    public ObjectNode webhook(io.guidon.controlplane.domain.WebhookSubscription w) {
        io.guidon.controlplane.domain.WebhookSpec s = w.spec();
        ObjectNode o = Json.object();
        o.put("id", w.id());
        o.put("url", s.url());
        o.put("description", s.description());
        s.eventTypes().forEach(o.putArray("eventTypes")::add);
        ArrayNode envs = o.putArray("environments");
        s.environments().forEach(envs::add);
        ArrayNode tags = o.putArray("tags");
        s.tags().forEach(tags::add);
        o.put("enabled", s.enabled());
        o.put("timeout", io.guidon.controlplane.domain.IsoDurations.of(s.timeout()));
        if (w.disabledReason() == null) {
            o.putNull("disabled");
        } else {
            o.putObject("disabled").put("reason", w.disabledReason()).put("at", instant(w.disabledAt()));
        }
        if (w.previousSecretUntil() == null) {
            o.putNull("rotation");
        } else {
            o.putObject("rotation").put("previousSecretUntil", instant(w.previousSecretUntil()));
        }
        ObjectNode h = o.putObject("health");
        h.put("consecutiveFailures", w.consecutiveFailures());
        h.put("circuitOpenUntil", instant(w.circuitOpenUntil()));
        h.put("failingSince", instant(w.failingSince()));
        h.put("lastSuccessAt", instant(w.lastSuccessAt()));
        o.put("version", w.version());
        o.put("createdAt", instant(w.createdAt()));
        o.put("updatedAt", instant(w.updatedAt()));
        return o;
    }

    /**
     * {@code id, webhookId, messageId, eventType, auditId, status, attempts, nextAttemptAt, lastStatus, lastError,
     * createdAt, deliveredAt, failedAt, payload} and, when read one by one, {@code attemptLog: [{id, at, status,
     * error, latencyMs, response, replica}]}: a webhook delivery ({@code payload} the body as sent, a string).
     */
    public ObjectNode webhookDelivery(io.guidon.controlplane.domain.WebhookDelivery d) {
        ObjectNode o = Json.object();
        o.put("id", d.id());
        o.put("webhookId", d.subscriptionId());
        o.put("messageId", d.messageId());
        o.put("eventType", d.eventType());
        o.put("auditId", d.auditId());
        o.put("status", d.status());
        o.put("attempts", d.attempts());
        o.put("nextAttemptAt", "pending".equals(d.status()) ? instant(d.nextAttemptAt()) : null);
        o.put("lastStatus", d.lastStatus());
        o.put("lastError", d.lastError());
        o.put("createdAt", instant(d.createdAt()));
        o.put("deliveredAt", instant(d.deliveredAt()));
        o.put("failedAt", instant(d.failedAt()));
        o.put("payload", d.payload());
        if (d.attemptLog() != null) {
            ArrayNode log = o.putArray("attemptLog");
            for (io.guidon.controlplane.domain.WebhookDelivery.Attempt a : d.attemptLog()) {
                ObjectNode x = log.addObject();
                x.put("id", a.id());
                x.put("at", instant(a.at()));
                x.put("status", a.status());
                x.put("error", a.error());
                x.put("latencyMs", a.latencyMs());
                x.put("response", a.response());
                x.put("replica", a.replica());
            }
        }
        return o;
    }
}
