package io.guidon.controlplane.ui.view;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.domain.StoredJson;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * One audit entry as the history page shows it: when (UTC), who, a sentence of what happened, a link to the
 * resource, the request id, and the resource's JSON before and after (null for a creation or a deletion),
 * pretty-printed. Every text is shown escaped by the template: entries hold what users typed.
 *
 * @param at the time, {@code 2026-01-31 12:00:03 UTC}
 * @param atIso the instant, ISO-8601 (for {@code <time datetime>})
 * @param verb what the action did, in words ("turned on")
 * @param resourceUrl the resource's page, or null (the tenant itself)
 */
public record HistoryEntry(long id, String at, String atIso, String actor, String action, String verb,
        String resourceType, String resource, String environment, String resourceUrl, String requestId,
        String before, String after) {

    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final Map<String, String> VERBS = Map.ofEntries(Map.entry("create", "created"),
            Map.entry("update", "updated"), Map.entry("delete", "deleted"),
            Map.entry("configure", "changed the targeting of"), Map.entry("enable", "turned on"),
            Map.entry("disable", "turned off"), Map.entry("rollout", "set the rollout of"),
            Map.entry("revoke", "revoked"));

    /** The entry of the audit log's JSON shape ({@code id, at, actor.name, action, resourceType, ...}). */
    public static HistoryEntry of(JsonNode e) {
        String action = text(e, "action");
        String type = text(e, "resourceType");
        String resource = text(e, "resource");
        String env = text(e, "environment");
        String at = text(e, "at");
        String shown = at;
        try {
            shown = AT.format(Instant.parse(at));
        } catch (RuntimeException ignored) {
            // the log writes ISO instants; anything else is shown as stored
        }
        String op = action == null ? "" : action.substring(action.lastIndexOf('.') + 1);
        return new HistoryEntry(e.path("id").asLong(), shown, at, text(e.path("actor"), "name"), action,
                VERBS.getOrDefault(op, op), type, resource, env, url(type, resource, env), text(e, "requestId"),
                pretty(e.get("before")), pretty(e.get("after")));
    }

    private static String url(String type, String resource, String env) {
        if (type == null || resource == null) {
            return null;
        }
        return switch (type) {
            case "flag" -> Links.flag(resource);
            case "segment" -> env == null ? null : Links.segment(env, resource);
            case "environment" -> "/ui/environments";
            case "key" -> "/ui/keys";
            default -> null;
        };
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o == null ? null : o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** Pretty JSON of {@code node}, or null when it is absent or JSON null. */
    static String pretty(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        try {
            return StoredJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree always serializes", e);
        }
    }

    /** Whether the entry records a creation (nothing before). */
    public boolean created() {
        return before == null;
    }

    /** Whether the entry records a deletion (nothing after). */
    public boolean deleted() {
        return after == null;
    }
}
