package io.guidon.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guidon.common.config.ConfigException;
import io.guidon.common.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Binding the sidecar's settings from config/sidecar.yaml, a --config file, GUIDON_* variables and options. */
class SidecarConfigTest {

    private static SidecarConfig bind(Path file, Map<String, String> env, Map<String, String> overrides) {
        return SidecarConfig.from(Settings.load(SidecarConfig.DEFAULTS, file, env, overrides));
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        SidecarConfig c = bind(null, Map.of(), Map.of());

        assertThat(c.http()).isEqualTo(new SidecarConfig.Http("127.0.0.1", 7070,
                Runtime.getRuntime().availableProcessors(), 64 * 1024, 16, 1000, 8192, Duration.ofSeconds(60),
                false, true, java.util.List.of()));
        assertThat(c.flags()).isEqualTo(new SidecarConfig.Flags(null, Duration.ofSeconds(1)));
        assertThat(c.stream()).isEqualTo(new SidecarConfig.Stream(Duration.ofSeconds(15), 100));
        assertThat(c.metrics().perFlag()).isTrue();
        assertThat(c.shutdown().gracePeriod()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void fileThenEnvironmentThenOptionsTakePrecedence(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sidecar.yaml");
        Files.writeString(file, "http:\n  port: 8000\n  max-body-size: 1MiB\nflags:\n  watch-interval: 5s\n");

        SidecarConfig c = bind(file,
                Map.of("GUIDON_HTTP_PORT", "8100", "GUIDON_FLAGS_WATCH_INTERVAL", "250ms", "GUIDON_FLAGS_FILE", "x.json"),
                Map.of("http.port", "8200"));

        assertThat(c.http().port()).isEqualTo(8200);
        assertThat(c.http().maxBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(c.flags().watchInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.flags().file()).isEqualTo(Path.of("x.json"));
    }

    @Test
    void invalidPortFromTheEnvironmentNamesTheSettingAndTheVariable() {
        assertThatThrownBy(() -> bind(null, Map.of("GUIDON_HTTP_PORT", "abc"), Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "http.port: must be a whole number from 0 to 65535, not 'abc' (from GUIDON_HTTP_PORT)"));
    }

    @Test
    void invalidPortFromTheCommandLineNamesTheSetting() {
        assertThatThrownBy(() -> bind(null, Map.of(), Map.of("http.port", "70000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.port: must be from 0 to 65535, not 70000 (from the command line)");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> bind(null, Map.of("GUIDON_HTTP_MAX_BODY_SIZE", "huge"), Map.of(
                "flags.watch-interval", "10ms", "stream.history", "0", "http.access-log", "sometimes",
                "shutdown.grace-period", "soon")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(5)
                        .anySatisfy(p -> assertThat(p).startsWith("http.max-body-size: must be a size"))
                        .anySatisfy(p -> assertThat(p).startsWith("flags.watch-interval: must be at least 50ms"))
                        .anySatisfy(p -> assertThat(p).startsWith("stream.history: must be from 1"))
                        .anySatisfy(p -> assertThat(p).startsWith("http.access-log: must be true or false"))
                        .anySatisfy(p -> assertThat(p).startsWith("shutdown.grace-period: must be a duration")));
    }

    @Test
    void unknownSettingsAreProblems(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sidecar.yaml");
        Files.writeString(file, "http:\n  prot: 8000\n");

        assertThatThrownBy(() -> bind(file, Map.of(), Map.of("flags.fiel", "x.json")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).contains("http.prot: unknown setting"))
                        .anySatisfy(p -> assertThat(p).contains("flags.fiel: unknown setting")));
    }

    @Test
    void zeroInstancesMeansOnePerCore() {
        assertThat(bind(null, Map.of(), Map.of("http.event-loops", "0")).http().instances())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(bind(null, Map.of(), Map.of("http.event-loops", "3")).http().instances()).isEqualTo(3);
    }

    @Test
    void openTelemetryEventsAreOffByDefault() {
        SidecarConfig c = bind(null, Map.of(), Map.of());
        assertThat(c.otel().enabled()).isFalse();
        assertThat(c.otel().export()).isNull();
    }

    @Test
    void openTelemetrySettingsBindIntoTheSharedTelemetryConfig() {
        SidecarConfig c = bind(null, Map.of("GUIDON_OTEL_HEADERS", "api-key=abc, X-Tenant=7"), Map.of(
                "otel.enabled", "true", "otel.endpoint", "https://collector.internal:4317", "otel.protocol", "grpc",
                "otel.sampling-ratio", "0.25", "otel.queue-size", "1000", "otel.batch-size", "100",
                "otel.flush-interval", "2s", "otel.context-id", "false", "otel.value", "true"));
        io.guidon.telemetry.TelemetryConfig t = c.otel().export();
        assertThat(t.protocol()).isEqualTo(io.guidon.telemetry.TelemetryConfig.Protocol.GRPC);
        assertThat(t.exportUrl()).isEqualTo("https://collector.internal:4317");
        assertThat(t.headers()).isEqualTo(Map.of("api-key", "abc", "x-tenant", "7"));
        assertThat(t.serviceName()).isEqualTo("guidon-sidecar");
        assertThat(t.samplingRatio()).isEqualTo(0.25);
        assertThat(t.queueSize()).isEqualTo(1000);
        assertThat(t.batchSize()).isEqualTo(100);
        assertThat(t.flushInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(t.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(t.contextId()).isFalse();
        assertThat(t.value()).isTrue();
        assertThat(bind(null, Map.of(), Map.of("otel.enabled", "true")).otel().export().exportUrl())
                .as("the OTLP default for http/protobuf").isEqualTo("http://localhost:4318/v1/logs");
    }

    @Test
    void badOpenTelemetrySettingsAreEachNamedEvenWhileOff() {
        assertThatThrownBy(() -> bind(null, Map.of(), Map.of("otel.protocol", "thrift", "otel.sampling-ratio", "0",
                "otel.headers", "novalue", "otel.queue-size", "10", "otel.batch-size", "20",
                "otel.endpoint", "ftp://x")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "otel.endpoint: must be a http or https URL, not 'ftp://x' (from the command line)",
                        "otel.protocol: must be http/protobuf or grpc, not 'thrift' (from the command line)",
                        "otel.headers: each entry must be name=value with an HTTP header name (api-key=abc); entry 1"
                                + " is not (from the command line)",
                        "otel.sampling-ratio: must be a number more than 0 and at most 1 (0.1 sends one evaluation in"
                                + " ten), not '0' (from the command line)",
                        "otel.batch-size: must be at most otel.queue-size (10) (from the command line)"));
    }

    @Test
    void otelHeadersAreMaskedInTheLoggedSettings() {
        Settings s = Settings.load(SidecarConfig.DEFAULTS, null, Map.of(), Map.of("otel.headers", "api-key=s3cret"));
        assertThat(s.describe().get("otel.headers")).doesNotContain("s3cret");
    }
}
