package io.guidon.controlplane.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.List;

/** A flag's definition, the same in every environment of its tenant. */
public record FlagDefinition(long id, String key, String description, List<String> tags, JsonNode variants,
        JsonNode metadata, String salt, int revision, OffsetDateTime createdAt, OffsetDateTime updatedAt) {
}
