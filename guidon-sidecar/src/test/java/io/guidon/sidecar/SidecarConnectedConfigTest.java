package io.guidon.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guidon.common.config.ConfigException;
import io.guidon.common.config.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SidecarConnectedConfigTest {

    private static SidecarConfig config(Map<String, String> env, String... overrides) {
        Map<String, String> o = new LinkedHashMap<>();
        for (String kv : overrides) {
            int eq = kv.indexOf('=');
            o.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return SidecarConfig.from(Settings.load(SidecarConfig.DEFAULTS, null, env, o));
    }

    private static SidecarConfig config(String... overrides) {
        return config(Map.of(), overrides);
    }

    private static List<String> problems(String... overrides) {
        try {
            config(overrides);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected the configuration to be refused");
    }

    @Test
    void theShippedDefaultsAreStandalone() {
        SidecarConfig c = config();
        assertThat(c.connected()).isFalse();
        assertThat(c.controlPlane().url()).isNull();
        assertThat(c.redis().url()).isNull();
        assertThat(c.redis().channelPrefix()).isEqualTo("guidon");
        assertThat(c.cache().dir()).isEqualTo(Path.of(".guidon-cache"));
    }

    @Test
    void aControlPlaneUrlAndKeyMakeItConnectedWithTheDocumentedDefaults() {
        SidecarConfig c = config(Map.of("GUIDON_CONTROL_PLANE_SIDECAR_KEY", "gsk_from_env"),
                "control-plane.url=http://cp.internal:8080", "redis.url=redis://127.0.0.1:6379/0");
        assertThat(c.connected()).isTrue();
        assertThat(c.controlPlane().url()).isEqualTo(URI.create("http://cp.internal:8080"));
        assertThat(c.controlPlane().sidecarKey()).isEqualTo("gsk_from_env");
        assertThat(c.controlPlane().timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.controlPlane().pollInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.controlPlane().pollJitter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.controlPlane().breakerFailures()).isEqualTo(3);
        assertThat(c.redis().url()).isEqualTo("redis://127.0.0.1:6379/0");
        assertThat(c.events().flushInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.events().maxBatchEvents()).isEqualTo(5000);
        assertThat(c.events().exposureWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(c.events().maxDiskBytes()).isEqualTo(64L * 1024 * 1024);
    }

    @Test
    void connectedWithoutRedisPollsAlone() {
        SidecarConfig c = config("control-plane.url=https://cp.example.com", "control-plane.sidecar-key=gsk_1",
                "redis.url=  ");
        assertThat(c.connected()).isTrue();
        assertThat(c.redis().url()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void aControlPlaneUrlWithoutASidecarKeyIsRefusedNamingTheKey(String key) {
        assertThat(problems("control-plane.url=http://cp:8080", "control-plane.sidecar-key=" + key))
                .singleElement().asString().startsWith("control-plane.sidecar-key:")
                .contains("required when control-plane.url is set");
    }

    @Test
    void redisWithoutAControlPlaneIsRefused() {
        assertThat(problems("redis.url=redis://127.0.0.1:6379")).singleElement().asString()
                .startsWith("redis.url:").contains("control-plane.url");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:6379", "127.0.0.1:6379", "localhost", "redis://bad host:6379",
            "redis://localhost:port"})
    void aBadRedisUrlIsRefused(String url) {
        assertThat(problems("control-plane.url=http://cp:8080", "control-plane.sidecar-key=k", "redis.url=" + url))
                .singleElement().asString().startsWith("redis.url:").contains("(from the command line)");
    }

    @Test
    void aBadRedisUrlDoesNotShowItsPassword() {
        assertThat(problems("control-plane.url=http://cp:8080", "control-plane.sidecar-key=k",
                "redis.url=http://user:hunter2@127.0.0.1:6379")).singleElement().asString().startsWith("redis.url:")
                .doesNotContain("hunter2");
    }

    @Test
    void aControlPlaneUrlMustBeHttp() {
        assertThat(problems("control-plane.url=ftp://cp", "control-plane.sidecar-key=k")).singleElement().asString()
                .startsWith("control-plane.url:");
    }

    @Test
    void connectedModeNeedsACacheDirectory() {
        assertThat(problems("control-plane.url=http://cp:8080", "control-plane.sidecar-key=k", "cache.dir="))
                .singleElement().asString().startsWith("cache.dir:");
    }

    @Test
    void everyConnectedModeProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> config("control-plane.url=http://cp:8080", "redis.url=localhost:6379",
                "control-plane.poll-interval=10ms", "events.max-batch-events=0"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith("control-plane.sidecar-key:"))
                        .anySatisfy(p -> assertThat(p).startsWith("redis.url:"))
                        .anySatisfy(p -> assertThat(p).startsWith("control-plane.poll-interval:"))
                        .anySatisfy(p -> assertThat(p).startsWith("events.max-batch-events:"))
                        .hasSize(4));
    }

    @Test
    void aBackoffMaximumBelowItsMinimumIsRefused() {
        assertThat(problems("control-plane.url=http://cp:8080", "control-plane.sidecar-key=k",
                "control-plane.retry-min=2s", "control-plane.retry-max=1s", "redis.reconnect-min=5s",
                "redis.reconnect-max=100ms"))
                .anySatisfy(p -> assertThat(p).startsWith("control-plane.retry-max:").contains("2000ms"))
                .anySatisfy(p -> assertThat(p).startsWith("redis.reconnect-max:").contains("5000ms"))
                .hasSize(2);
    }

    @Test
    void theResponseSizeLimitDefaultsWellAboveARealDocumentAndRefusesTinyOrHugeValues() {
        SidecarConfig c = config("control-plane.url=http://cp.internal:8080", "control-plane.sidecar-key=k");
        // A 10,000-flag document (benchmarks' MixedDocument) is about 2.3 MiB.
        assertThat(c.controlPlane().maxResponseSize()).isEqualTo(16L * 1024 * 1024);
        assertThat(config("control-plane.max-response-size=256KiB").controlPlane().maxResponseSize())
                .isEqualTo(256L * 1024);
        assertThat(problems("control-plane.max-response-size=1KiB"))
                .anySatisfy(p -> assertThat(p).contains("control-plane.max-response-size"));
        assertThat(problems("control-plane.max-response-size=4GiB"))
                .anySatisfy(p -> assertThat(p).contains("control-plane.max-response-size"));
    }
}
