package io.guidon.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.telemetry.OtlpReceiver;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real sidecar with {@code otel.enabled} exports a {@code feature_flag.evaluation} event for every single-flag
 * evaluation of its HTTP API (OFREP and native) to an in-process OTLP receiver, over http/protobuf and grpc, with
 * the semantic conventions' attributes; bulk evaluations emit none; with the collector down it keeps serving and
 * counts what it dropped (ADR 0205).
 */
@ExtendWith(VertxExtension.class)
class EvaluationEventsIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String DOC = """
            {"flags": {
              "new-checkout": {"variants": {"on": true, "off": false}, "offVariant": "off", "enabled": true,
                "rules": [{"id": "eu", "when": {"attribute": "country", "op": "in", "values": ["DE", "FR"]},
                           "serve": {"variant": "on"}}],
                "fallthrough": {"variant": "off"}},
              "rollout": {"variants": {"a": "A", "b": "B"}, "offVariant": "a", "enabled": true,
                "fallthrough": {"rollout": {"a": 50, "b": 50}}}
            }}""";

    private static OtlpReceiver receiver;

    @BeforeAll
    static void startReceiver() throws Exception {
        receiver = OtlpReceiver.start();
    }

    @AfterAll
    static void stopReceiver() throws Exception {
        receiver.close();
    }

    private static SidecarFixture sidecar(Vertx vertx, Path dir, String service, String... more) throws Exception {
        Path file = FlagFiles.write(dir.resolve("flags.json"), DOC);
        String[] overrides = new String[] {"otel.enabled=true", "otel.endpoint=" + receiver.endpoint(),
            "otel.service-name=" + service, "otel.flush-interval=50ms", "otel.timeout=2s"};
        String[] all = java.util.Arrays.copyOf(overrides, overrides.length + more.length);
        System.arraycopy(more, 0, all, overrides.length, more.length);
        return SidecarFixture.start(vertx, file, all);
    }

    private static List<OtlpReceiver.Received> of(String service) {
        return receiver.received().stream().filter(r -> service.equals(r.resource().get("service.name"))).toList();
    }

    @Test
    void singleEvaluationsOverOfrepAndTheNativeApiBecomeEventsWithTheConventionsAttributes(Vertx vertx,
            @TempDir Path dir) throws Exception {
        try (SidecarFixture sidecar = sidecar(vertx, dir, "sidecar-http")) {
            assertThat(sidecar.post("/ofrep/v1/evaluate/flags/new-checkout",
                    "{\"context\":{\"targetingKey\":\"user-42\",\"country\":\"DE\"}}").status()).isEqualTo(200);
            assertThat(sidecar.get("/v1/flags/rollout?targetingKey=user-7").status()).isEqualTo(200);
            assertThat(sidecar.post("/ofrep/v1/evaluate/flags/missing", "{\"context\":{\"targetingKey\":\"u9\"}}")
                    .status()).isEqualTo(404);
            assertThat(sidecar.post("/ofrep/v1/evaluate/flags/rollout", "{\"context\":{}}").status())
                    .isEqualTo(400);

            OtlpReceiver.Received ofrep = receiver.awaitContextId("user-42");
            assertThat(ofrep.eventName()).isEqualTo("feature_flag.evaluation");
            assertThat(ofrep.path()).isEqualTo("/v1/logs");
            assertThat(ofrep.scope()).isEqualTo("io.guidon.sidecar");
            assertThat(ofrep.resource()).containsEntry("service.name", "sidecar-http");
            assertThat(ofrep.attributes()).containsExactlyInAnyOrderEntriesOf(OtlpReceiver.success("new-checkout",
                    "on", "targeting_match", "guidon", "user-42", sidecar.version()));

            OtlpReceiver.Received nativeRead = receiver.awaitContextId("user-7");
            assertThat(nativeRead.attributes()).containsEntry("feature_flag.key", "rollout")
                    .containsEntry("feature_flag.result.reason", "split");
            assertThat(nativeRead.attribute("feature_flag.result.variant")).isIn("a", "b");

            OtlpReceiver.Received notFound = receiver.awaitContextId("u9");
            assertThat(notFound.attributes()).containsEntry("feature_flag.key", "missing")
                    .containsEntry("error.type", "flag_not_found").containsEntry("feature_flag.result.reason", "error")
                    .doesNotContainKey("feature_flag.result.variant");
            OtlpReceiver.Received noKey = receiver.await(r -> "sidecar-http".equals(r.resource().get("service.name"))
                    && "targeting_key_missing".equals(r.attribute("error.type")), WAIT);
            assertThat(noKey.attributes()).containsEntry("feature_flag.key", "rollout")
                    .doesNotContainKey("feature_flag.context.id");

            // A bulk evaluation is a fetch, not a read (ADR 0203): no event for any of its flags.
            assertThat(sidecar.post("/ofrep/v1/evaluate/flags", "{\"context\":{\"targetingKey\":\"bulk-user\"}}")
                    .status()).isEqualTo(200);
            assertThat(sidecar.post("/v1/evaluate", "{\"context\":{\"targetingKey\":\"bulk-user\"}}").status())
                    .isEqualTo(200);
            assertThat(sidecar.post("/ofrep/v1/evaluate/flags/new-checkout",
                    "{\"context\":{\"targetingKey\":\"after-bulk\"}}").status()).isEqualTo(200);
            receiver.awaitContextId("after-bulk");
            assertThat(of("sidecar-http")).noneMatch(r -> "bulk-user".equals(r.attribute("feature_flag.context.id")));

            assertThat(of("sidecar-http")).hasSize(5);
            // Counted once the collector's answer reaches the exporter, just after the receiver kept the records.
            long deadline = System.nanoTime() + WAIT.toNanos();
            PrometheusText metrics = sidecar.metrics();
            while (metrics.count("guidon_otel_events_total", "result", "exported") < 5
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
                metrics = sidecar.metrics();
            }
            assertThat(metrics.count("guidon_otel_events_total", "result", "exported")).isEqualTo(5);
            assertThat(metrics.count("guidon_otel_events_total", "result", "dropped")).isZero();
        }
    }

    @Test
    void grpcCarriesTheSameEvents(Vertx vertx, @TempDir Path dir) throws Exception {
        try (SidecarFixture sidecar = sidecar(vertx, dir, "sidecar-grpc", "otel.protocol=grpc",
                "otel.headers=authorization=Bearer t0ken", "otel.value=true")) {
            assertThat(sidecar.post("/ofrep/v1/evaluate/flags/new-checkout",
                    "{\"context\":{\"targetingKey\":\"grpc-user\",\"country\":\"US\"}}").status()).isEqualTo(200);
            OtlpReceiver.Received r = receiver.awaitContextId("grpc-user");
            assertThat(r.path()).isEqualTo("/opentelemetry.proto.collector.logs.v1.LogsService/Export");
            assertThat(r.headers()).containsEntry("authorization", "Bearer t0ken");
            assertThat(r.attributes()).containsEntry("feature_flag.result.variant", "off")
                    .containsEntry("feature_flag.result.value", false)
                    .containsEntry("feature_flag.result.reason", "default");
        }
    }

    @Test
    void withTheCollectorDownTheSidecarKeepsServingAndCountsTheEventsItDropped(Vertx vertx, @TempDir Path dir)
            throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // nothing listens there once closed
        }
        Path file = FlagFiles.write(dir.resolve("flags.json"), DOC);
        try (SidecarFixture sidecar = SidecarFixture.start(vertx, file, "otel.enabled=true",
                "otel.endpoint=http://127.0.0.1:" + port, "otel.queue-size=8", "otel.batch-size=4",
                "otel.flush-interval=20ms", "otel.timeout=1s")) {
            int requests = 200;
            for (int i = 0; i < requests; i++) {
                assertThat(sidecar.post("/ofrep/v1/evaluate/flags/new-checkout",
                        "{\"context\":{\"targetingKey\":\"u" + i + "\"}}").status()).isEqualTo(200);
            }
            assertThat(sidecar.get("/readyz").status()).isEqualTo(200);
            // Once the few queued events have failed to export, every one is accounted for.
            long deadline = System.nanoTime() + WAIT.toNanos();
            PrometheusText metrics = sidecar.metrics();
            while (System.nanoTime() < deadline && metrics.count("guidon_otel_events_total", "result", "dropped")
                    + metrics.count("guidon_otel_events_total", "result", "failed") < requests) {
                Thread.sleep(50);
                metrics = sidecar.metrics();
            }
            double dropped = metrics.count("guidon_otel_events_total", "result", "dropped");
            assertThat(dropped).as("a queue of 8 behind a collector that is away").isGreaterThan(requests / 2.0);
            assertThat(metrics.count("guidon_otel_events_total", "result", "exported")).isZero();
            assertThat(dropped + metrics.count("guidon_otel_events_total", "result", "failed"))
                    .as("every event is dropped or failed").isEqualTo(requests);
            assertThat(metrics.count("guidon_otel_events_queued")).isZero();
        }
    }
}
