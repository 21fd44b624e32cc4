package io.guidon.controlplane.ui.view;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.domain.ReadableDiff;
import io.guidon.controlplane.domain.StoredJson;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One audit entry as the history page shows it: when (UTC), who, a sentence of what happened, a link to the
 * resource, the request id, the readable changes ({@link ReadableDiff}) and the resource's JSON before and after
 * (null for a creation or a deletion), pretty-printed. Every text is shown escaped by the template: entries hold what users typed.
 *
 * @param at the time, {@code 2026-01-31 12:00:03 UTC}
 * @param atIso the instant, ISO-8601 (for {@code <time datetime>})
 * @param verb what the action did, in words ("turned on")
 * @param resourceUrl the resource's page, or null (the tenant itself)
 */
public record HistoryEntry(long id, String at, String atIso, String actor, String action, String verb,
        String resourceType, String resource, String environment, String resourceUrl, String requestId,
        String before, String after, List<DiffRow> changes) {

    /**
     * One change between before and after, readable: what happened, where (a path such as {@code rules[1].serve},
     * {@code ""} for the whole resource), and the values as JSON text (null on the side where there is none).
     *
     * @param multiline whether a value is an object or array (shown as a block, pretty-printed)
     */
    public record DiffRow(String kind, String path, String before, String after, boolean multiline) {
    }

    /**
     * Members every stored resource carries that change with any change (the page shows when it was and the
     * full JSON keeps them): left out of the readable list.
     */
    static final java.util.Set<String> BOOKKEEPING = java.util.Set.of("revision", "updatedAt", "createdAt");

    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final Map<String, String> VERBS = Map.ofEntries(Map.entry("create", "created"),
            Map.entry("update", "updated"), Map.entry("delete", "deleted"),
            Map.entry("configure", "changed the targeting of"), Map.entry("enable", "turned on"),
            Map.entry("disable", "turned off"), Map.entry("rollout", "set the rollout of"),
            Map.entry("revoke", "revoked"), Map.entry("cancel", "cancelled"), Map.entry("fail", "failed"));

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
        return new HistoryEntry(e.path("id").asLong(), shown, at, actor(e.path("actor")), action,
                VERBS.getOrDefault(op, op), type, resource, env, url(type, resource, env), text(e, "requestId"),
                pretty(e.get("before")), pretty(e.get("after")), changes(e.get("before"), e.get("after")));
    }

    /** The readable changes from {@code before} to {@code after} ({@link ReadableDiff}), bookkeeping left out. */
    public static List<DiffRow> changes(JsonNode before, JsonNode after) {
        List<DiffRow> out = new ArrayList<>();
        for (ReadableDiff.Change c : ReadableDiff.between(before, after)) {
            if (c.path().size() == 1 && BOOKKEEPING.contains(c.path().token(0))) {
                continue;
            }
            boolean block = container(c.before()) || container(c.after());
            out.add(new DiffRow(c.kind().name().toLowerCase(java.util.Locale.ROOT), c.path().text(),
                    value(c.before(), block), value(c.after(), block), block));
        }
        return List.copyOf(out);
    }

    private static boolean container(JsonNode v) {
        return v != null && v.isContainerNode() && !v.isEmpty();
    }

    private static String value(JsonNode v, boolean block) {
        if (v == null) {
            return null;
        }
        return block && v.isContainerNode() ? pretty(v) : StoredJson.write(v);
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
            case "schedule" -> "/ui/schedules";
            case "rollout_plan" -> "/ui/rollouts/" + resource;
            case "change_request" -> "/ui/change-requests/" + resource;
            default -> null;
        };
    }

    /** The key's name, or "scheduler for alice" when an agent of the server acted on the key's behalf. */
    static String actor(JsonNode actor) {
        String name = text(actor, "name");
        String agent = text(actor, "agent");
        return agent == null ? name : agent + " for " + name;
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

    /**
     * Whether the change can be reverted ({@code domain.Reverts}): a change of a flag (not its deletion) or a
     * segment.
     */
    public boolean revertible() {
        if ("flag".equals(resourceType)) {
            return action != null && !action.equals("flag.delete") && (environment != null || action.equals(
                    "flag.update") || action.equals("flag.create"));
        }
        return "segment".equals(resourceType) && environment != null;
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
