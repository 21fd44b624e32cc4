package io.guidon.controlplane.publish;

import io.guidon.protocol.changes.ChangeNotification;
import java.util.List;

/**
 * A committed change to one environment's flag document: the environment's id (this control plane's own) and the
 * {@link ChangeNotification} published for it, which the protocol module defines: the tenant and environment keys,
 * the new version and the keys of the flags whose evaluation may differ after it (changed themselves, or depending
 * on a changed segment or prerequisite; computed by the engine's {@code FlagSet.changedSince}).
 */
public record ChangeEvent(long environmentId, ChangeNotification notification) {

    public ChangeEvent(long environmentId, String tenant, String environment, long version, List<String> changed) {
        this(environmentId, new ChangeNotification(tenant, environment, version, changed));
    }

    public String tenant() {
        return notification.tenant();
    }

    public String environment() {
        return notification.environment();
    }

    public long version() {
        return notification.version();
    }

    public List<String> changed() {
        return notification.changed();
    }

    /** The message as published: {@link ChangeNotification#encode()}. */
    public String toJson() {
        return notification.encode();
    }
}
