package io.guidon.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.engine.EvaluationContext;
import io.guidon.engine.EvaluationResult;
import io.guidon.engine.Evaluator;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.engine.FlagSet;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Events of real engine results exported by the real SDK exporters to an in-process OTLP receiver. */
class OtlpEvaluationEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String DOC = """
            {"flags": {
              "checkout": {"variants": {"on": true, "off": false}, "offVariant": "off", "enabled": true,
                "rules": [{"id": "de", "when": {"attribute": "country", "op": "in", "values": ["DE"]},
                           "serve": {"variant": "on"}}],
                "fallthrough": {"variant": "off"}},
              "banner": {"variants": {"blue": {"color": "#00f"}}, "offVariant": "blue", "enabled": true,
                "fallthrough": {"variant": "blue"}}
            }}""";

    private static OtlpReceiver receiver;
    private static FlagSet flags;
    private final Evaluator evaluator = new Evaluator();

    @BeforeAll
    static void start() throws Exception {
        receiver = OtlpReceiver.start();
        flags = new FlagDocumentCompiler().compile(DOC.getBytes(StandardCharsets.UTF_8)).flagSet();
    }

    @AfterAll
    static void stop() throws Exception {
        receiver.close();
    }

    private TelemetryConfig config(TelemetryConfig.Protocol protocol, String service) {
        return TelemetryConfig.defaults(service).withEndpoint(URI.create(receiver.endpoint())).withProtocol(protocol)
                .withQueue(64, 8, Duration.ofMillis(50)).withTimeout(Duration.ofSeconds(2));
    }

    private EvaluationResult eval(String flag, Map<String, Object> ctx) {
        return evaluator.evaluate(flags, flag, EvaluationContext.of(ctx));
    }

    @Test
    void anEvaluationArrivesOverHttpProtobufWithTheConventionsAttributes() throws Exception {
        try (OtlpEvaluationEvents events = new OtlpEvaluationEvents(config(TelemetryConfig.Protocol.HTTP_PROTOBUF,
                "svc-http").withHeaders(Map.of("x-api-key", "k1")), "Guidon", "io.guidon.test", () -> "acme/prod",
                Map.of())) {
            events.evaluated(eval("checkout", Map.of("targetingKey", "u-http", "country", "DE")), "u-http", 7,
                    1_700_000_000_123L);
            OtlpReceiver.Received r = receiver.awaitContextId("u-http");
            assertThat(r.path()).isEqualTo("/v1/logs");
            assertThat(r.eventName()).isEqualTo("feature_flag.evaluation");
            assertThat(r.timeUnixNano()).isEqualTo(1_700_000_000_123_000_000L);
            assertThat(r.resource()).containsEntry("service.name", "svc-http");
            assertThat(r.scope()).isEqualTo("io.guidon.test");
            assertThat(r.headers()).containsEntry("x-api-key", "k1");
            Map<String, Object> expected = new java.util.HashMap<>(OtlpReceiver.success("checkout", "on",
                    "targeting_match", "Guidon", "u-http", 7));
            expected.put("feature_flag.set.id", "acme/prod");
            assertThat(r.attributes()).containsExactlyInAnyOrderEntriesOf(expected);
            // Counted once the collector's answer reaches the exporter, just after the receiver kept the record.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (events.exported() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(events.exported()).isEqualTo(1);
        }
    }

    @Test
    void errorsCarryErrorTypeAndMessageAndNoVariant() throws Exception {
        try (OtlpEvaluationEvents events = new OtlpEvaluationEvents(config(TelemetryConfig.Protocol.HTTP_PROTOBUF,
                "svc-err"), "Guidon", "io.guidon.test", () -> null, Map.of())) {
            events.evaluated(eval("no-such-flag", Map.of("targetingKey", "u-err")), "u-err", 3, 1L);
            events.failed("checkout", FeatureFlagEvents.TYPE_MISMATCH, "asked for a string", "u-err2", 3, 2L);
            OtlpReceiver.Received notFound = receiver.awaitContextId("u-err");
            assertThat(notFound.attributes()).containsEntry("feature_flag.key", "no-such-flag")
                    .containsEntry("error.type", "flag_not_found").containsEntry("feature_flag.result.reason", "error")
                    .doesNotContainKeys("feature_flag.result.variant", "feature_flag.set.id");
            assertThat((String) notFound.attribute("error.message")).contains("no-such-flag");
            OtlpReceiver.Received mismatch = receiver.awaitContextId("u-err2");
            assertThat(mismatch.attributes()).containsEntry("error.type", "type_mismatch")
                    .containsEntry("error.message", "asked for a string");
        }
    }

    @Test
    void grpcCarriesTheSameEventAndValuesAreOptIn() throws Exception {
        try (OtlpEvaluationEvents events = new OtlpEvaluationEvents(config(TelemetryConfig.Protocol.GRPC, "svc-grpc")
                .withAttributes(false, true), "Guidon", "io.guidon.test", () -> null, Map.of())) {
            events.evaluated(eval("checkout", Map.of("targetingKey", "u-grpc", "country", "FR")), "u-grpc", 9, 5L);
            events.evaluated(eval("banner", Map.of()), null, 9, 6L);
            OtlpReceiver.Received off = receiver.await(x -> "svc-grpc".equals(x.resource().get("service.name"))
                    && "checkout".equals(x.attribute("feature_flag.key")), WAIT);
            assertThat(off.path()).isEqualTo("/opentelemetry.proto.collector.logs.v1.LogsService/Export");
            assertThat(off.attributes()).containsEntry("feature_flag.result.variant", "off")
                    .containsEntry("feature_flag.result.value", false)
                    .containsEntry("feature_flag.result.reason", "default")
                    .doesNotContainKey("feature_flag.context.id");
            OtlpReceiver.Received banner = receiver.await(x -> "svc-grpc".equals(x.resource().get("service.name"))
                    && "banner".equals(x.attribute("feature_flag.key")), WAIT);
            assertThat(banner.attributes()).containsEntry("feature_flag.result.value", "{\"color\":\"#00f\"}")
                    .containsEntry("feature_flag.result.reason", "static");
        }
    }

    @Test
    void aCollectorThatIsDownNeverBlocksTheCallerAndEveryLostEventIsCounted() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        TelemetryConfig down = TelemetryConfig.defaults("svc-down").withEndpoint(URI.create("http://127.0.0.1:" + port))
                .withQueue(16, 4, Duration.ofMillis(20)).withTimeout(Duration.ofMillis(500));
        EvaluationResult r = eval("checkout", Map.of("targetingKey", "u"));
        OtlpEvaluationEvents events = new OtlpEvaluationEvents(down, "Guidon", "io.guidon.test", () -> null, Map.of());
        int sent = 10_000;
        long start = System.nanoTime();
        for (int i = 0; i < sent; i++) {
            events.evaluated(r, "u", 1, i);
        }
        long elapsed = System.nanoTime() - start;
        events.close(Duration.ofSeconds(5));
        assertThat(events.dropped()).as("the queue of 16 was full nearly all the time").isGreaterThan(sent / 2);
        assertThat(events.exported()).isZero();
        assertThat(events.dropped() + events.failed()).as("every event is exported, dropped or failed")
                .isEqualTo(sent);
        assertThat(Duration.ofNanos(elapsed)).as("10,000 hand-offs never waited for the exporter")
                .isLessThan(Duration.ofMillis(500));
    }

    @Test
    void samplingKeepsAboutTheRatioAndCountsTheRest() throws Exception {
        TelemetryConfig half = config(TelemetryConfig.Protocol.HTTP_PROTOBUF, "svc-sampled")
                .withSamplingRatio(0.25).withQueue(8192, 512, Duration.ofMillis(50));
        EvaluationResult r = eval("checkout", Map.of("targetingKey", "u"));
        try (OtlpEvaluationEvents events = new OtlpEvaluationEvents(half, "Guidon", "io.guidon.test", () -> null,
                Map.of())) {
            for (int i = 0; i < 4000; i++) {
                events.evaluated(r, "s", 1, i);
            }
            long kept = 4000 - events.sampledOut();
            assertThat(kept).as("binomial(4000, 0.25): mean 1000, sd 27").isBetween(850L, 1150L);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (events.exported() < kept && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(events.exported()).isEqualTo(kept);
        }
    }
}
