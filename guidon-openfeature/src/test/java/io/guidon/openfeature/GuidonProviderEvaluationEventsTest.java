package io.guidon.openfeature;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import io.guidon.telemetry.OtlpReceiver;
import io.guidon.telemetry.TelemetryConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider with {@code evaluationEvents}, through the real OpenFeature SDK: every evaluation an application
 * makes arrives at an in-process OTLP receiver as a {@code feature_flag.evaluation} event with the semantic
 * conventions' attributes, failures included; with the collector away evaluations go on and drops are counted.
 */
class GuidonProviderEvaluationEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static OtlpReceiver receiver;

    private final OpenFeatureAPI api = OpenFeatureAPI.getInstance();
    private final String domain = "guidon-otel-" + UUID.randomUUID();
    private GuidonProvider provider;

    @BeforeAll
    static void startReceiver() throws Exception {
        receiver = OtlpReceiver.start();
    }

    @AfterAll
    static void stopReceiver() throws Exception {
        receiver.close();
    }

    @AfterEach
    void shutdown() {
        if (provider != null) {
            provider.shutdown();
        }
    }

    private Client client(Path dir, TelemetryConfig telemetry) {
        Path file = Recorded.write(dir.resolve("flags.json"), Recorded.resource("openfeature-flags.json"));
        provider = GuidonProvider.builder().flagFile(file).evaluationEvents(telemetry).build();
        api.setProviderAndWait(domain, provider);
        return api.getClient(domain);
    }

    @Test
    void everyEvaluationOfTheApplicationArrivesWithTheConventionsAttributes(@TempDir Path dir) throws Exception {
        Client client = client(dir, TelemetryConfig.defaults("checkout-service")
                .withEndpoint(URI.create(receiver.endpoint())).withQueue(64, 16, Duration.ofMillis(50)));

        assertThat(client.getStringValue("banner", "none",
                new ImmutableContext("app-user", Map.of("country", new Value("DE"))))).isEqualTo("green");
        client.getBooleanValue("no-such-flag", false, new ImmutableContext("app-missing"));
        client.getStringValue("kill-switch", "x", new ImmutableContext("app-mismatch"));

        OtlpReceiver.Received banner = receiver.awaitContextId("app-user");
        assertThat(banner.eventName()).isEqualTo("feature_flag.evaluation");
        assertThat(banner.resource()).containsEntry("service.name", "checkout-service");
        assertThat(banner.scope()).isEqualTo("io.guidon.openfeature");
        assertThat(banner.attributes()).containsExactlyInAnyOrderEntriesOf(OtlpReceiver.success("banner", "green",
                "targeting_match", "guidon", "app-user", provider.version()));

        OtlpReceiver.Received missing = receiver.awaitContextId("app-missing");
        assertThat(missing.attributes()).containsEntry("feature_flag.key", "no-such-flag")
                .containsEntry("error.type", "flag_not_found").containsEntry("feature_flag.result.reason", "error")
                .doesNotContainKey("feature_flag.result.variant");

        OtlpReceiver.Received mismatch = receiver.awaitContextId("app-mismatch");
        assertThat(mismatch.attributes()).containsEntry("feature_flag.key", "kill-switch")
                .containsEntry("error.type", "type_mismatch");
        assertThat((String) mismatch.attribute("error.message")).contains("asked for as string");
        assertThat(provider.droppedEvaluationEvents()).isZero();
    }

    @Test
    void withTheCollectorAwayEvaluationsGoOnAndDropsAreCounted(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Client client = client(dir, TelemetryConfig.defaults("away").withEndpoint(URI.create("http://127.0.0.1:" + port))
                .withQueue(8, 4, Duration.ofMillis(20)).withTimeout(Duration.ofMillis(500)));
        int evaluations = 5_000;
        for (int i = 0; i < evaluations; i++) {
            assertThat(client.getBooleanValue("kill-switch", false, new ImmutableContext("u" + i))).isTrue();
        }
        assertThat(provider.droppedEvaluationEvents()).isGreaterThan(evaluations / 2);
        assertThat(provider.exportedEvaluationEvents()).isZero();
        provider.shutdown();
        assertThat(provider.droppedEvaluationEvents() + provider.failedEvaluationEvents())
                .as("after shutdown every event is dropped or failed").isEqualTo(evaluations);
        provider = null;
    }
}
