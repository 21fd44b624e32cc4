package io.guidon.controlplane.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The fields of a flag definition a request sets: {@code variants} as sent (the request's own checks say whether it
 * is a non-empty object), {@code name}, {@code description} and {@code salt} or null, {@code metadata} or null.
 */
public record FlagFields(String name, String description, List<String> tags, JsonNode variants, JsonNode metadata, String salt) {
}
