package io.guidon.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.sidecar.SseStream;
import io.guidon.testing.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Flag changes made through the control plane's admin API reaching connected sidecars: through Redis, far sooner
 * than the safety-net poll could (60 s here); to several sidecars at once; and, for a sidecar without Redis, by the
 * poll alone. Real PostgreSQL and Redis, every server on loopback; each test uses flags and sidecars of its own.
 */
class ChangePropagationIT extends OneSystemPerClass {

    /** Far below the 60 s poll: only a Redis notification can explain a change arriving within it. */
    private static final Duration VIA_REDIS = Duration.ofSeconds(5);


    @Test
    void aChangeThroughTheApiReachesAConnectedSidecarThroughRedisWellWithinThePollInterval() throws Exception {
        long v0 = system.createFlag("redis-checkout");
        try (SidecarNode s = system.connectedSidecar("redis-one", v0)) {
            assertThat(s.serves("redis-checkout", false, v0)).as("a new flag is off").isTrue();
            assertThat(s.ofrep("redis-checkout").get("reason").asText()).isEqualTo("DISABLED");
            SseStream stream = system.stream(s);
            assertThat(Streams.hello(stream)).isEqualTo(v0);

            long started = System.nanoTime();
            long v1 = system.setEnabled("redis-checkout", true);
            s.awaitServes("redis-checkout", true, v1, VIA_REDIS);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(v1).isEqualTo(v0 + 1);
            Streams.changed(stream, v1, "redis-checkout", Duration.ofSeconds(1));
            assertThat(s.health().path("upstream").path("controlPlane").path("state").asText()).isEqualTo("UP");
            assertThat(s.health().path("upstream").path("stale").asBoolean()).isFalse();
            assertThat(millis).as("request to served, in ms").isLessThan(VIA_REDIS.toMillis());

            // And back, a second time, the same way.
            long v2 = system.setEnabled("redis-checkout", false);
            s.awaitServes("redis-checkout", false, v2, VIA_REDIS);
            Streams.changed(stream, v2, "redis-checkout", Duration.ofSeconds(1));
        }
    }

    @Test
    void oneChangeReachesEverySidecar() throws Exception {
        long v0 = system.createFlag("fleet-banner");
        List<SidecarNode> fleet = new ArrayList<>();
        List<SseStream> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                fleet.add(system.connectedSidecar("fleet-" + i, v0));
            }
            for (SidecarNode s : fleet) {
                SseStream stream = system.stream(s);
                assertThat(Streams.hello(stream)).isEqualTo(v0);
                streams.add(stream);
            }

            long v1 = system.setEnabled("fleet-banner", true);
            for (SidecarNode s : fleet) {
                s.awaitServes("fleet-banner", true, v1, VIA_REDIS);
            }
            for (SseStream stream : streams) {
                Streams.changed(stream, v1, "fleet-banner", Duration.ofSeconds(1));
            }
        } finally {
            for (SidecarNode s : fleet) {
                s.close();
            }
        }
    }

    @Test
    void withoutRedisTheSafetyNetPollBringsEveryChange() throws Exception {
        long v0 = system.createFlag("poll-only");
        try (SidecarNode s = system.sidecar("poll-only", "redis.url=", "control-plane.poll-interval=200ms",
                "control-plane.poll-jitter=50ms")) {
            Poll.until("ready with version " + v0, Duration.ofSeconds(20),
                    () -> s.readyStatus() == 200 && s.health().path("flagSet").path("version").asLong() >= v0);
            assertThat(s.redisState()).isEqualTo("DISABLED");
            SseStream stream = system.stream(s);
            Streams.hello(stream);

            long v1 = system.setEnabled("poll-only", true);
            s.awaitServes("poll-only", true, v1, Duration.ofSeconds(5));
            Streams.changed(stream, v1, "poll-only", Duration.ofSeconds(1));
            long v2 = system.setEnabled("poll-only", false);
            s.awaitServes("poll-only", false, v2, Duration.ofSeconds(5));
        }
    }
}
