package io.guidon.controlplane.snapshots;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.ConnectedSidecars;
import io.guidon.controlplane.Harness;
import io.guidon.openfeature.GuidonProvider;
import io.guidon.protocol.ClientIdentity;
import io.guidon.sidecar.SidecarMain;
import io.guidon.testing.Poll;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Sidecars page's data end to end: a real connected {@link SidecarMain} and a real in-process
 * {@link GuidonProvider} fetch an environment's flags from a real control plane, and {@code GET
 * /api/v1/environments/{env}/sidecars} lists each under its own instance id and User-Agent with the version it
 * holds; after a change, the listed version follows the sidecar as it catches up.
 */
class SidecarFleetIT {

    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path cache;

    @Test
    void aRealSidecarAndAnInProcessProviderAreListedWithTheVersionTheyHold() throws Exception {
        try (Harness cp = Harness.start(Map.of("sidecar.sightings-flush-interval", "100ms"))) {
            String admin = cp.bootstrap("acme");
            cp.post("/api/v1/environments", admin, Map.of("key", "production", "protected", true));
            cp.post("/api/v1/flags", admin, Map.of("key", "checkout", "variants", Map.of("on", true, "off", false)));
            String key = cp.createKey(admin, "fleet key", "sidecar", "production").json().get("key").asText();

            // No Redis: the sidecar finds changes by polling, often.
            SidecarMain sidecar = ConnectedSidecars.start(cp, key, cache, Map.of("control-plane.poll-interval",
                    "200ms", "control-plane.poll-jitter", "0s", "control-plane.instance-id", "checkout-pod-7"));
            GuidonProvider provider = GuidonProvider.builder()
                    .controlPlane(URI.create("http://127.0.0.1:" + cp.port()), key, "production")
                    .pollInterval(Duration.ofMillis(200)).build();
            try {
                provider.initialize(null);
                long v1 = version(cp, admin);
                AtomicReference<Map<String, JsonNode>> seen = new AtomicReference<>();
                Poll.until("the sidecar and the provider are listed", WAIT, () -> {
                    seen.set(sidecars(cp, admin));
                    return seen.get().size() == 2;
                });
                JsonNode pod = seen.get().get("checkout-pod-7");
                assertThat(pod).as(seen.get().toString()).isNotNull();
                assertThat(pod.get("userAgent").asText()).isEqualTo("guidon-sidecar/" + ClientIdentity.version());
                assertThat(pod.get("version").asLong()).isEqualTo(v1);
                assertThat(pod.get("keyName").asText()).isEqualTo("fleet key");
                JsonNode inProcess = seen.get().values().stream().filter(s -> s != pod).findFirst().orElseThrow();
                assertThat(inProcess.get("userAgent").asText())
                        .isEqualTo("guidon-openfeature/" + ClientIdentity.version());
                assertThat(ClientIdentity.isInstanceId(inProcess.get("instance").asText())).isTrue();
                assertThat(inProcess.get("version").asLong()).isEqualTo(v1);

                cp.put("/api/v1/environments/production/flags/checkout/enabled", admin, Map.of("enabled", true));
                long v2 = version(cp, admin);
                assertThat(v2).isGreaterThan(v1);
                Poll.until("both are listed at the new version", WAIT, () -> sidecars(cp, admin).values().stream()
                        .allMatch(s -> s.get("version").asLong() == v2 && s.get("environmentVersion").asLong() == v2));
                assertThat(sidecars(cp, admin)).hasSize(2);
            } finally {
                provider.shutdown();
                sidecar.shutdown(Duration.ofSeconds(10));
            }
        }
    }

    static long version(Harness cp, String admin) {
        return cp.get("/api/v1/environments/production", admin).json().get("version").asLong();
    }

    static Map<String, JsonNode> sidecars(Harness cp, String admin) {
        Harness.Resp r = cp.get("/api/v1/environments/production/sidecars", admin);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        Map<String, JsonNode> byInstance = new LinkedHashMap<>();
        r.json().get("items").forEach(i -> byInstance.put(i.get("instance").asText(), i));
        return byInstance;
    }
}
