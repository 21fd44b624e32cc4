package io.guidon.controlplane.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The webhook event types (docs/webhooks.md#event-types) and how an audit entry becomes one: each audited action of
 * a flag, segment, environment, key, schedule, rollout plan, change request, metric or experiment maps to one event
 * type; other actions (a tenant's creation, webhooks' own changes) are sent to no one. Also the payload an event is
 * sent as ({@link #payload}, in the shape the Standard Webhooks specification recommends: {@code type},
 * {@code timestamp}, {@code data}), the key that orders a subscription's deliveries ({@link #orderingKey}), and the
 * tags a tag filter matches ({@link #tags}). Pure.
 */
public final class WebhookEvents {

    /** Audit action → event type, in the order the types are documented. */
    private static final Map<String, String> TYPES = new LinkedHashMap<>();

    static {
        map("flag.created", "flag.create");
        map("flag.updated", "flag.update");
        map("flag.deleted", "flag.delete");
        map("flag.toggled", "flag.enable", "flag.disable");
        map("flag.rollout_changed", "flag.rollout");
        map("flag.configuration_changed", "flag.configure");
        map("segment.changed", "segment.create", "segment.update", "segment.delete");
        map("environment.created", "environment.create");
        map("environment.updated", "environment.update");
        map("environment.deleted", "environment.delete");
        map("key.created", "key.create");
        map("key.revoked", "key.revoke");
        map("schedule.created", "schedule.create");
        map("schedule.cancelled", "schedule.cancel");
        map("schedule.failed", "schedule.fail");
        map("rollout_plan.created", "rollout_plan.create");
        map("rollout_plan.started", "rollout_plan.start");
        map("rollout_plan.paused", "rollout_plan.pause");
        map("rollout_plan.resumed", "rollout_plan.resume");
        map("rollout_plan.advanced", "rollout_plan.advance");
        map("rollout_plan.completed", "rollout_plan.complete");
        map("rollout_plan.rolled_back", "rollout_plan.rollback");
        map("rollout_plan.aborted", "rollout_plan.abort");
        map("change_request.created", "change_request.create");
        map("change_request.updated", "change_request.update");
        map("change_request.approved", "change_request.approve");
        map("change_request.unapproved", "change_request.unapprove");
        map("change_request.rebased", "change_request.rebase");
        map("change_request.withdrawn", "change_request.withdraw");
        map("change_request.closed", "change_request.close");
        map("change_request.applied", "change_request.apply", "change_request.bypass");
        map("metric.created", "metric.create");
        map("metric.updated", "metric.update");
        map("metric.deleted", "metric.delete");
        map("experiment.created", "experiment.create");
        map("experiment.updated", "experiment.update");
        map("experiment.deleted", "experiment.delete");
        map("experiment.started", "experiment.start");
        map("experiment.stopped", "experiment.stop");
    }

    private static final Map<String, String> BY_ACTION = byAction();

    /** Every event type, in documentation order. */
    public static final List<String> ALL = List.copyOf(TYPES.keySet());
    private static final Set<String> KNOWN = Set.copyOf(ALL);

    private WebhookEvents() {
    }

    private static void map(String type, String... actions) {
        TYPES.put(type, String.join(",", actions));
    }

    private static Map<String, String> byAction() {
        Map<String, String> m = new LinkedHashMap<>();
        TYPES.forEach((type, actions) -> {
            for (String a : actions.split(",")) {
                m.put(a, type);
            }
        });
        return Collections.unmodifiableMap(m);
    }

    /** The event type of audit action {@code action}, or null when it is sent to no one. */
    public static String typeOf(String action) {
        return BY_ACTION.get(action);
    }

    /** Whether {@code type} is an event type. */
    public static boolean isKnown(String type) {
        return KNOWN.contains(type);
    }

    /** The audit actions of event type {@code type} (for the documentation and the UI). */
    public static List<String> actionsOf(String type) {
        String a = TYPES.get(type);
        return a == null ? List.of() : List.of(a.split(","));
    }

    /**
     * What orders a subscription's deliveries: the resource, by type and key ({@code flag:checkout}). Deliveries of
     * one key are sent one after the other in the order their changes were made; different keys do not wait for
     * each other.
     */
    public static String orderingKey(String resourceType, String resourceKey) {
        return resourceType + ":" + resourceKey;
    }

    /** The tags of the resource before and after the change (a flag's {@code tags}), each once, in order. */
    public static List<String> tags(JsonNode before, JsonNode after) {
        Set<String> tags = new LinkedHashSet<>();
        for (JsonNode side : new JsonNode[] {before, after}) {
            JsonNode t = side == null ? null : side.get("tags");
            if (t != null && t.isArray()) {
                t.forEach(n -> {
                    if (n.isTextual()) {
                        tags.add(n.textValue());
                    }
                });
            }
        }
        return new ArrayList<>(tags);
    }

    /**
     * The body of the event of audit entry {@code auditId} (its action mapped to {@code type}), as sent:
     * {@code {type, timestamp, data: {id, action, tenant, resourceType, resource, environment, actor: {keyId, name,
     * agent}, requestId, before, after}}}; {@code timestamp} is when the change was made (the audit entry's time),
     * not when it is delivered.
     */
    public static ObjectNode payload(String type, long auditId, Instant at, Actor actor, String action,
            String resourceType, String resourceKey, String environmentKey, JsonNode before, JsonNode after) {
        ObjectNode o = StoredJson.object();
        o.put("type", type);
        o.put("timestamp", at.toString());
        ObjectNode data = o.putObject("data");
        data.put("id", "evt_" + auditId);
        data.put("auditId", auditId);
        data.put("action", action);
        data.put("tenant", actor.tenantKey());
        data.put("resourceType", resourceType);
        data.put("resource", resourceKey);
        data.put("environment", environmentKey);
        ObjectNode who = data.putObject("actor");
        who.put("keyId", actor.keyId() == null ? null : actor.keyId().toString());
        who.put("name", actor.keyName());
        who.put("agent", actor.agent());
        data.put("requestId", actor.requestId());
        data.set("before", before == null ? StoredJson.NODES.nullNode() : before);
        data.set("after", after == null ? StoredJson.NODES.nullNode() : after);
        return o;
    }
}
