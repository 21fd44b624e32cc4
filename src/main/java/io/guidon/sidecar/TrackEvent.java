package io.guidon.sidecar;

import io.guidon.common.events.EventRules;

/**
 * A conversion or custom event an application reported through {@code POST /v1/track}, checked against
 * {@link EventRules} there.
 */
public record TrackEvent(String targetingKey, String event, Double value, long timestampMillis) {

    /**
     * The first rule of {@link EventRules} this event breaks when it is sent at {@code nowMillis}, or null. The
     * control plane's window is wider than the sidecar's by {@link EventRules#DELIVERY_MARGIN}, so an event that
     * waited that long before delivery still passes this check and may be refused there.
     */
    public EventRules.Problem problem(long nowMillis) {
        EventRules.Problem p = targetingKey == null ? EventRules.Problem.EMPTY : EventRules.targetingKey(targetingKey);
        if (p == null) {
            p = event == null ? EventRules.Problem.NOT_AN_EVENT_NAME : EventRules.eventName(event);
        }
        if (p == null && value != null) {
            p = EventRules.value(value);
        }
        if (p == null) {
            p = EventRules.time(timestampMillis, nowMillis - EventRules.DEFAULT_MAX_EVENT_AGE.toMillis(),
                    nowMillis + EventRules.DEFAULT_MAX_CLOCK_SKEW.toMillis());
        }
        return p;
    }
}
