package io.guidon.controlplane.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The change that puts back what an audit entry's change replaced (its {@code before}): a flag's configuration in an
 * environment configured as it was, a flag's definition as it was, a created flag or segment deleted, a changed or
 * deleted segment put back. Pure. The change then takes the write path like any other, so in an environment that
 * requires approvals it becomes a change request (docs/adr/0115-approvals.md).
 */
public final class Reverts {

    private Reverts() {
    }

    /**
     * The change that reverts audit entry {@code entry} (the admin API's shape of an entry).
     *
     * @throws DomainException INVALID when the entry's change cannot be reverted (an environment's, a key's, a
     *     schedule's, a deleted flag: only changes of flags and segments that left something to go back to)
     */
    public static ProposedChange of(JsonNode entry) {
        String action = entry.path("action").asText();
        String type = entry.path("resourceType").asText();
        String key = entry.path("resource").asText();
        String env = entry.path("environment").isTextual() ? entry.path("environment").asText() : null;
        JsonNode before = entry.get("before");
        boolean hasBefore = before != null && before.isObject();
        if (type.equals("flag") && env != null && hasBefore && action.startsWith("flag.")
                && !action.equals("flag.create") && !action.equals("flag.delete")) {
            ObjectNode config = StoredJson.object();
            for (String field : EnvironmentDocument.CONFIG_FIELDS) {
                if (before.has(field)) {
                    config.set(field, before.get(field).deepCopy());
                }
            }
            return new ProposedChange.Configure(env, key, config);
        }
        if (type.equals("flag") && env == null && action.equals("flag.update") && hasBefore) {
            List<String> tags = new ArrayList<>();
            before.path("tags").forEach(t -> tags.add(t.asText()));
            return new ProposedChange.UpdateFlag(key, text(before, "name"), text(before, "description"), tags,
                    before.get("variants"), before.get("metadata"), text(before, "salt"));
        }
        if (type.equals("flag") && action.equals("flag.create")) {
            return new ProposedChange.DeleteFlag(key);
        }
        if (type.equals("segment") && env != null && action.equals("segment.create")) {
            return new ProposedChange.DeleteSegment(env, key);
        }
        if (type.equals("segment") && env != null && hasBefore
                && (action.equals("segment.update") || action.equals("segment.delete"))) {
            ObjectNode definition = StoredJson.object();
            for (String field : EnvironmentDocument.SEGMENT_FIELDS) {
                if (before.has(field)) {
                    definition.set(field, before.get(field).deepCopy());
                }
            }
            return new ProposedChange.PutSegment(env, key, action.equals("segment.delete"),
                    text(before, "description"), definition);
        }
        throw DomainException.invalid(Violation.of("id", "audit entry " + entry.path("id").asText() + " ("
                + action + " of " + type + " '" + key + "') cannot be reverted: only a change of a flag's"
                + " configuration or definition, a flag's creation, or a segment's creation, change or deletion can"));
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
