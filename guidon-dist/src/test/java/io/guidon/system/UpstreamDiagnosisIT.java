package io.guidon.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness.Resp;
import io.guidon.testing.Poll;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Natural mistakes around a connected sidecar, with the real control plane, PostgreSQL and Redis, and what
 * {@code /healthz} says about them: a revoked sidecar key is an auth failure naming the 401 (not an open circuit),
 * and a sidecar listening on another Redis prefix than the control plane publishes on says that notifications are
 * missing, naming the channel it listens on.
 */
class UpstreamDiagnosisIT extends OneSystemPerClass {


    @Test
    void aRevokedKeyIsAnAuthFailureNamingThe401WhileTheLastSetKeepsServing() throws Exception {
        long v0 = system.createFlag("revoked-key");
        Resp key = system.api().createKey(system.adminKey, "soon revoked", "sidecar", GuidonSystem.ENV);
        assertThat(key.status()).as("create a key: %s", key).isEqualTo(201);
        try (SidecarNode s = system.connectedSidecar("revoked", v0,
                "control-plane.sidecar-key=" + key.json().get("key").asText(), "control-plane.poll-interval=500ms",
                "control-plane.retry-max=1s")) {
            Resp revoked = system.api().delete("/api/v1/keys/" + key.json().get("id").asText(), system.adminKey);
            assertThat(revoked.status()).as("revoke: %s", revoked).isBetween(200, 204);

            Poll.until("the sidecar reports the refused key", Duration.ofSeconds(20),
                    () -> "AUTH_FAILED".equals(s.controlPlaneState()));
            JsonNode cp = s.health().path("upstream").path("controlPlane");
            assertThat(cp.path("lastError").asText()).contains("HTTP 401").contains("control-plane.sidecar-key");
            // Well past breaker-failures (3) refusals: still no open circuit hiding the cause.
            Poll.until("more refusals", Duration.ofSeconds(20),
                    () -> s.health().path("upstream").path("controlPlane").path("consecutiveFailures").asInt() > 5);
            assertThat(s.health().path("upstream").path("controlPlane").path("circuitBreaker").asText())
                    .isEqualTo("CLOSED");
            assertThat(s.gauge("guidon.upstream.control.plane.auth.failed")).isEqualTo(1.0);
            assertThat(s.readyStatus()).isEqualTo(200);
            assertThat(s.health().path("flagSet").path("version").asLong()).isEqualTo(v0);
        }
    }

    @Test
    void aSidecarOnAnotherPrefixSaysNotificationsAreMissingAndNamesItsChannel() throws Exception {
        long v0 = system.createFlag("wrong-prefix");
        try (SidecarNode s = system.connectedSidecar("wrong-prefix", v0, "redis.prefix=not-the-cp-prefix",
                "control-plane.poll-interval=1s")) {
            JsonNode redis = s.health().path("upstream").path("redis");
            assertThat(redis.path("state").asText()).isEqualTo("CONNECTED");
            assertThat(redis.path("channel").asText()).startsWith("not-the-cp-prefix:changes:");

            // Wait for one poll after subscribing, so that the next version is one Redis should have announced.
            Poll.until("a poll confirms the version", Duration.ofSeconds(10), () -> s.health().path("upstream")
                    .path("controlPlane").path("lastSyncAgeSeconds").asInt(99) == 0);
            long v1 = system.setEnabled("wrong-prefix", true);
            s.awaitServes("wrong-prefix", true, v1, Duration.ofSeconds(10)); // by polling alone

            Poll.until("notifications reported missing", Duration.ofSeconds(15), () -> "MISSING".equals(
                    s.health().path("upstream").path("redis").path("notifications").asText()));
            JsonNode after = s.health().path("upstream").path("redis");
            assertThat(after.path("notificationsMissed").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(after.path("hint").asText()).contains("not-the-cp-prefix:changes:")
                    .contains("redis.prefix");
            assertThat(s.gauge("guidon.upstream.notifications.missing")).isEqualTo(1.0);
        }
    }
}
