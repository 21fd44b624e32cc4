package io.guidon.sidecar;

import io.guidon.protocol.EventRules;

/**
 * A conversion or custom event an application reported through {@code POST /v1/track}, checked against
 * {@link EventRules} there.
 */
public record TrackEvent(String targetingKey, String event, Double value, long timestampMillis) {

    /**
     * The first rule of {@link EventRules} on its content (targeting key, event name, value) that this event breaks,
     * or null. Its time is not checked here: the window depends on when it is checked ({@code /v1/track} holds it
     * to the sidecar's window; the control plane to its own on arrival).
     */
    public EventRules.Problem problem() {
        EventRules.Problem p = targetingKey == null ? EventRules.Problem.EMPTY : EventRules.targetingKey(targetingKey);
        if (p == null) {
            p = event == null ? EventRules.Problem.NOT_AN_EVENT_NAME : EventRules.eventName(event);
        }
        if (p == null && value != null) {
            p = EventRules.value(value);
        }
        return p;
    }
}
