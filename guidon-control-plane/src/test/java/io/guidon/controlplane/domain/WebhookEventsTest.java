package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WebhookEventsTest {

    @Test
    void auditActionsMapToTheDocumentedEventTypes() {
        assertThat(WebhookEvents.typeOf("flag.create")).isEqualTo("flag.created");
        assertThat(WebhookEvents.typeOf("flag.enable")).isEqualTo("flag.toggled");
        assertThat(WebhookEvents.typeOf("flag.disable")).isEqualTo("flag.toggled");
        assertThat(WebhookEvents.typeOf("flag.rollout")).isEqualTo("flag.rollout_changed");
        assertThat(WebhookEvents.typeOf("flag.configure")).isEqualTo("flag.configuration_changed");
        assertThat(WebhookEvents.typeOf("segment.delete")).isEqualTo("segment.changed");
        assertThat(WebhookEvents.typeOf("key.revoke")).isEqualTo("key.revoked");
        assertThat(WebhookEvents.typeOf("rollout_plan.rollback")).isEqualTo("rollout_plan.rolled_back");
        assertThat(WebhookEvents.typeOf("change_request.bypass")).isEqualTo("change_request.applied");
        assertThat(WebhookEvents.typeOf("experiment.start")).isEqualTo("experiment.started");
        assertThat(WebhookEvents.actionsOf("flag.toggled")).containsExactly("flag.enable", "flag.disable");
    }

    @Test
    void webhooksOwnChangesAndATenantsCreationAreSentToNoOne() {
        assertThat(WebhookEvents.typeOf("webhook.create")).isNull();
        assertThat(WebhookEvents.typeOf("webhook.disable")).isNull();
        assertThat(WebhookEvents.typeOf("tenant.create")).isNull();
    }

    @Test
    void everyTypeIsHierarchicalWithTheCharactersTheSpecificationRecommends() {
        assertThat(WebhookEvents.ALL).hasSizeGreaterThan(30).allMatch(t -> t.matches("[a-z_]+\\.[a-z_]+"));
        assertThat(WebhookEvents.ALL).doesNotHaveDuplicates();
    }

    @Test
    void thePayloadHoldsTheAuditEntryWithBeforeAndAfter() {
        UUID key = UUID.fromString("0b6c3d1e-6f8a-4c0e-9d2b-5a7e1f3c9b41");
        Actor actor = new Actor(1, "acme", key, "alice", "req-1", "scheduler");
        JsonNode before = StoredJson.parse("{\"enabled\":false,\"tags\":[\"a\"]}");
        JsonNode after = StoredJson.parse("{\"enabled\":true,\"tags\":[\"a\",\"b\"]}");

        JsonNode p = WebhookEvents.payload("flag.toggled", 42, Instant.parse("2026-12-01T09:00:00.123456Z"), actor,
                "flag.enable", "flag", "checkout", "production", before, after);

        assertThat(p.get("type").asText()).isEqualTo("flag.toggled");
        assertThat(p.get("timestamp").asText()).isEqualTo("2026-12-01T09:00:00.123456Z");
        JsonNode d = p.get("data");
        assertThat(d.get("id").asText()).isEqualTo("evt_42");
        assertThat(d.get("auditId").asLong()).isEqualTo(42);
        assertThat(d.get("tenant").asText()).isEqualTo("acme");
        assertThat(d.get("resource").asText()).isEqualTo("checkout");
        assertThat(d.get("environment").asText()).isEqualTo("production");
        assertThat(d.get("actor").get("keyId").asText()).isEqualTo(key.toString());
        assertThat(d.get("actor").get("agent").asText()).isEqualTo("scheduler");
        assertThat(d.get("before")).isEqualTo(before);
        assertThat(d.get("after")).isEqualTo(after);
        assertThat(WebhookEvents.tags(before, after)).containsExactly("a", "b");
        assertThat(WebhookEvents.tags(null, null)).isEmpty();
        assertThat(WebhookEvents.orderingKey("flag", "checkout")).isEqualTo("flag:checkout");
    }
}
