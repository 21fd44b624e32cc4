package io.guidon.controlplane.publish;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.api.Json;
import java.util.List;

/**
 * A committed change to one environment's flag document: its new version and the keys of the flags whose
 * evaluation may differ after it (changed themselves, or depending on a changed segment or prerequisite; computed
 * by the engine's {@code FlagSet.changedSince}). Published as {@code {"tenant", "environment", "version",
 * "changed": [...]}}.
 */
public record ChangeEvent(long environmentId, String tenant, String environment, long version,
        List<String> changed) {

    public ChangeEvent {
        changed = List.copyOf(changed);
    }

    public String toJson() {
        ObjectNode o = Json.object();
        o.put("tenant", tenant);
        o.put("environment", environment);
        o.put("version", version);
        var array = o.putArray("changed");
        changed.forEach(array::add);
        return Json.write(o);
    }
}
