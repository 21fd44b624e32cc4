package io.guidon.controlplane.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A flag's definition, the same in every environment of its tenant. {@code name} is its display name ('' when it
 * has none: consoles show the key); like the rest of the definition but for the flag-document format, which has no
 * name, so sidecars never see it.
 */
public record FlagDefinition(long id, String key, String name, String description, List<String> tags, JsonNode variants,
        JsonNode metadata, String salt, int revision, OffsetDateTime createdAt, OffsetDateTime updatedAt) {
}
