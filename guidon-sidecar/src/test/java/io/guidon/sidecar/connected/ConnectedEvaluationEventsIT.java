package io.guidon.sidecar.connected;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.sidecar.SidecarFixture;
import io.guidon.telemetry.OtlpReceiver;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connected sidecar's evaluation events name the control plane's flag set ({@code feature_flag.set.id}
 * {@code <tenant>/<environment>}) and the environment's version ({@code feature_flag.version}), ADR 0205.
 */
@ExtendWith(VertxExtension.class)
class ConnectedEvaluationEventsIT {

    @Test
    void eventsCarryTheTenantAndEnvironmentAsFlagSetAndTheEnvironmentsVersion(Vertx vertx, @TempDir Path dir)
            throws Exception {
        FakeControlPlane cp = new FakeControlPlane(vertx).start();
        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            cp.publish(Docs.base());
            long version = cp.publish(Docs.base());
            try (SidecarFixture sidecar = SidecarFixture.start(vertx, dir.resolve("unused.json"),
                    "control-plane.url=" + cp.url(), "control-plane.sidecar-key=" + FakeControlPlane.KEY,
                    "cache.dir=" + dir.resolve("cache"), "events.flush-interval=1h",
                    "otel.enabled=true", "otel.endpoint=" + receiver.endpoint(), "otel.flush-interval=50ms")) {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (sidecar.version() != version && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(sidecar.post("/ofrep/v1/evaluate/flags/b", "{\"context\":{\"targetingKey\":\"cp-user\"}}")
                        .status()).isEqualTo(200);
                OtlpReceiver.Received r = receiver.awaitContextId("cp-user");
                assertThat(r.attributes()).containsEntry("feature_flag.key", "b")
                        .containsEntry("feature_flag.result.variant", "on")
                        .containsEntry("feature_flag.set.id", FakeControlPlane.TENANT + "/"
                                + FakeControlPlane.ENVIRONMENT)
                        .containsEntry("feature_flag.version", Long.toString(version));
            }
        } finally {
            cp.close();
        }
    }
}
