package io.guidon.controlplane.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A flag in one environment: its definition, its configuration there ({@code enabled}, {@code rules}, ...: the
 * fields of {@link EnvironmentDocument#CONFIG_FIELDS}) and the configuration's revision (its ETag).
 */
public record EnvironmentFlag(String environment, FlagDefinition definition, ObjectNode config, int revision) {
}
