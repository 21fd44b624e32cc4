package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.domain.ApiKey;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An API key's JSON, which both the admin API and the audit log (its {@code before} and {@code after}) show: every
 * member present, in order, the prefix as the key's text starts, absent times as null, and never a secret.
 */
class ResponsesTest {

    private static final UUID ID = UUID.fromString("0b6e7c1a-3f5d-4a8e-9c2b-7d1e5f4a3b21");
    private static final OffsetDateTime CREATED = OffsetDateTime.of(2026, 1, 31, 12, 0, 0, 123_456_000,
            ZoneOffset.UTC);

    private final Responses json = new Responses();

    @Test
    void aKeyNeverUsedNorRevokedHasNullTimesAndNoEnvironment() {
        ApiKey key = new ApiKey(ID, "ci", "editor", null, "abcdefghijkl", CREATED, null, null);

        assertThat(Json.write(json.key(key))).isEqualTo("{\"id\":\"" + ID + "\",\"name\":\"ci\",\"role\":\"editor\","
                + "\"environment\":null,\"prefix\":\"gdn_abcdefghijkl\",\"createdAt\":\"2026-01-31T12:00:00.123456Z\","
                + "\"revokedAt\":null,\"lastUsedAt\":null}");
    }

    @Test
    void aRevokedSidecarKeyShowsItsEnvironmentAndTimesAsUtcInstants() {
        OffsetDateTime inParis = OffsetDateTime.of(2026, 2, 1, 10, 0, 0, 0, ZoneOffset.ofHours(1));
        ApiKey key = new ApiKey(ID, "edge", "sidecar", "production", "mnopqrstuvwx", CREATED, inParis,
                inParis.minusMinutes(5));

        assertThat(Json.write(json.key(key))).isEqualTo("{\"id\":\"" + ID + "\",\"name\":\"edge\","
                + "\"role\":\"sidecar\",\"environment\":\"production\",\"prefix\":\"gdn_mnopqrstuvwx\","
                + "\"createdAt\":\"2026-01-31T12:00:00.123456Z\",\"revokedAt\":\"2026-02-01T09:00:00Z\","
                + "\"lastUsedAt\":\"2026-02-01T08:55:00Z\"}");
    }
}
