package io.guidon.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.Harness;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Control-plane replicas on one database and Redis prefix, the sidecar talking to one of them while an admin
 * changes flags through another. A replica learns of versions committed elsewhere from Redis, or, when that lags,
 * by re-reading the version once it is older than {@code sidecar.max-staleness} (3 s here): a sidecar notified of a
 * version its replica does not know yet must ask again rather than wait for its poll (60 s here).
 */
class ReplicasIT {

    private static final String REDIS = "redis://" + Harness.REDIS_HOST + ":" + Harness.REDIS_PORT;

    @TempDir
    Path dir;

    private static int unusedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aSidecarNotifiedOfAVersionItsReplicaDoesNotKnowYetAsksAgainUntilItGetsIt() throws Exception {
        // Replica A (the sidecar's) cannot reach Redis, so it hears of B's commits only by re-reading the version;
        // B, the sidecar and the notifications use the real Redis.
        // Its staleness bound is 3 s, so that the "not modified" below holds on a slow machine too.
        try (GuidonSystem system = GuidonSystem.start(dir, Map.of("redis.url",
                "redis://127.0.0.1:" + unusedPort(), "sidecar.max-staleness", "3s"));
                Harness b = system.cp.replica(Map.of("redis.url", REDIS))) {
            long v0 = system.createFlag("lagging");
            SidecarNode s = system.connectedSidecar("lagging", v0, "redis.url=" + REDIS);

            // A has just checked the version (as for any sidecar's request), so it holds v0 as current for 3 s...
            assertThat(system.api().get("/api/v1/sidecar/flags?since=" + v0, system.sidecarKey,
                    "If-None-Match", "\"" + v0 + "\"").status())
                    .isEqualTo(304);
            long v1 = system.setEnabled(b, "lagging", true);
            // ...and answers the notified sidecar's first request with "not modified".
            assertThat(system.api().get("/api/v1/sidecar/flags?since=" + v0, system.sidecarKey,
                    "If-None-Match", "\"" + v0 + "\"").status())
                    .as("replica A does not know version %s yet", v1).isEqualTo(304);

            s.awaitServes("lagging", true, v1, Duration.ofSeconds(15));
            assertThat(s.controlPlaneState()).isEqualTo("UP");
        }
    }
}
