package io.guidon.sidecar;

/** A conversion or custom event an application reported through {@code POST /v1/track}. */
public record TrackEvent(String targetingKey, String event, Double value, long timestampMillis) {
}
