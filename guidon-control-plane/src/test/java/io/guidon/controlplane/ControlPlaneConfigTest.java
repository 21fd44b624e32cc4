package io.guidon.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guidon.common.config.ConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlPlaneConfigTest {

    @Test
    void theShippedDefaultsAreValidAndDocumented() {
        ControlPlaneConfig c = ControlPlaneConfig.load(null, Map.of(), Map.of()).config();

        assertThat(c.http().port()).isEqualTo(8080);
        assertThat(c.database().jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/guidon");
        assertThat(c.database().poolSize()).isEqualTo(10);
        assertThat(c.redis().prefix()).isEqualTo("guidon");
        assertThat(c.api().maxPageSize()).isEqualTo(200);
        assertThat(c.rateLimit().window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.events()).isEqualTo(new ControlPlaneConfig.Events(8L * 1024 * 1024, 32L * 1024 * 1024, 100_000,
                Duration.ofDays(30), Duration.ofHours(1), 3, 13, 36, 8, Duration.ofHours(1), 366));
    }

    @Test
    void eventSettingsThatContradictEachOtherAreRefused() {
        assertThatThrownBy(() -> ControlPlaneConfig.load(null, Map.of(), Map.of("events.max-body-size", "8MiB",
                "events.max-decompressed-size", "1MiB", "events.retention-months", "1", "events.max-event-age", "60d",
                "events.totals-retention-months", "0", "events.max-clock-skew", "30d")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith("events.max-decompressed-size"))
                        .anySatisfy(p -> assertThat(p).startsWith("events.max-event-age"))
                        .anySatisfy(p -> assertThat(p).startsWith("events.max-clock-skew"))
                        .noneSatisfy(p -> assertThat(p).startsWith("events.totals-retention-months")));
        assertThatThrownBy(() -> ControlPlaneConfig.load(null, Map.of(), Map.of("events.totals-retention-months", "6")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith("events.totals-retention-months")));
    }

    @Test
    void webhookDefaultsAreTheDocumentedOnesAndContradictionsAreRefused() {
        ControlPlaneConfig.Webhooks w = ControlPlaneConfig.load(null, Map.of(), Map.of()).config().webhooks();
        assertThat(w).isEqualTo(new ControlPlaneConfig.Webhooks(true, Duration.ofSeconds(1), 100, 64, 4,
                Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofHours(1),
                Duration.ofHours(24), 5, Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofHours(24),
                Duration.ofHours(24), java.util.List.of(), Duration.ofDays(30)));

        assertThatThrownBy(() -> ControlPlaneConfig.load(null, Map.of(), Map.of("webhooks.timeout", "31s",
                "webhooks.lease", "30s", "webhooks.retry-initial-delay", "1m", "webhooks.retry-max-delay", "10s",
                "webhooks.circuit-open-for", "5m", "webhooks.circuit-max-open", "1m",
                "webhooks.allowed-addresses", "10.0.0.0/33,example.com", "webhooks.max-in-flight", "2",
                "webhooks.secret-overlap", "8d", "webhooks.retention", "59m")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith("webhooks.timeout"))
                        .anySatisfy(p -> assertThat(p).startsWith("webhooks.lease"))
                        .anySatisfy(p -> assertThat(p).startsWith("webhooks.retry-max-delay"))
                        .anySatisfy(p -> assertThat(p).startsWith("webhooks.circuit-max-open"))
                        .anySatisfy(p -> assertThat(p).startsWith("webhooks.allowed-addresses"))
                        .anySatisfy(p -> assertThat(p).startsWith("webhooks.max-in-flight-per-endpoint"))
                        .anySatisfy(p -> assertThat(p).startsWith("webhooks.secret-overlap"))
                        .anySatisfy(p -> assertThat(p).startsWith("webhooks.retention")));
        assertThat(ControlPlaneConfig.load(null, Map.of("GUIDON_WEBHOOKS_ALLOWED_ADDRESSES", "10.20.0.0/16,fd00:1::/64"),
                Map.of()).config().webhooks().allowedAddresses()).containsExactly("10.20.0.0/16", "fd00:1::/64");
    }

    @Test
    void theKafkaSinkIsOffByDefaultAndItsSettingsAreCheckedWhenGiven(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        ControlPlaneConfig.Kafka off = ControlPlaneConfig.load(null, Map.of(), Map.of()).config().kafka();
        assertThat(off.enabled()).isFalse();
        assertThat(off.exposuresTopic()).isEqualTo("guidon.exposures");

        java.nio.file.Path props = dir.resolve("producer.properties");
        java.nio.file.Files.writeString(props, "security.protocol=SASL_SSL\nacks=1\nenable.idempotence=false\n");
        assertThatThrownBy(() -> ControlPlaneConfig.load(null, Map.of(), Map.of("kafka.enabled", "true",
                "kafka.conversions-topic", "guidon.exposures", "kafka.counts-topic", "bad topic",
                "kafka.request-timeout", "40s", "kafka.compression", "brotli",
                "kafka.properties-file", props.toString())))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith("kafka.bootstrap-servers").contains("required"))
                        .anySatisfy(p -> assertThat(p).startsWith("kafka.conversions-topic").contains("already"))
                        .anySatisfy(p -> assertThat(p).startsWith("kafka.counts-topic"))
                        .anySatisfy(p -> assertThat(p).startsWith("kafka.request-timeout"))
                        .anySatisfy(p -> assertThat(p).startsWith("kafka.compression"))
                        .anySatisfy(p -> assertThat(p).startsWith("kafka.properties-file").contains("sets acks"))
                        .anySatisfy(p -> assertThat(p).contains("sets enable.idempotence")));

        java.nio.file.Files.writeString(props, "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n");
        ControlPlaneConfig.Kafka on = ControlPlaneConfig.load(null, Map.of("GUIDON_KAFKA_BOOTSTRAP_SERVERS",
                        "k1:9092,k2:9093"), Map.of("kafka.enabled", "true", "kafka.properties-file", props.toString()))
                .config().kafka();
        assertThat(on.bootstrapServers()).containsExactly("k1:9092", "k2:9093");
        assertThat(on.properties()).isEqualTo(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN"));
    }

    @Test
    void environmentAndOptionsOverrideAndPasswordsNeverShow() {
        ControlPlaneConfig.Loaded loaded = ControlPlaneConfig.load(null,
                Map.of("GUIDON_DATABASE_URL", "postgresql://app:s3cret@db.internal:6543/flags",
                        "GUIDON_DATABASE_USER", "", "GUIDON_REDIS_URL", "redis://:hunter2@cache:6380"),
                Map.of("http.port", "9090"));

        ControlPlaneConfig c = loaded.config();
        assertThat(c.http().port()).isEqualTo(9090);
        assertThat(c.database().host()).isEqualTo("db.internal");
        assertThat(c.database().port()).isEqualTo(6543);
        assertThat(c.database().name()).isEqualTo("flags");
        assertThat(c.database().user()).isEqualTo("app");
        assertThat(c.database().password()).isEqualTo("s3cret");
        String described = loaded.settings().describe().toString() + c.database() + c.redis();
        assertThat(described).doesNotContain("s3cret").doesNotContain("hunter2");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> ControlPlaneConfig.load(null, Map.of(), Map.of("database.url", "mysql://x/y",
                "redis.prefix", "has space", "api.default-page-size", "500", "database.pool-size", "0")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith("database.url"))
                        .anySatisfy(p -> assertThat(p).startsWith("redis.prefix"))
                        .anySatisfy(p -> assertThat(p).startsWith("api.default-page-size"))
                        .anySatisfy(p -> assertThat(p).startsWith("database.pool-size")));
    }

    @Test
    void trustedProxiesAreReadFromTheEnvironmentAndBadRangesAreRefused() {
        assertThat(ControlPlaneConfig.load(null, Map.of(), Map.of()).config().http().trustedProxies().isEmpty())
                .isTrue();
        ControlPlaneConfig c = ControlPlaneConfig.load(null,
                Map.of("GUIDON_HTTP_TRUSTED_PROXIES", "10.0.0.0/8,fd00::/8"), Map.of()).config();
        assertThat(c.http().trustedProxies().ranges()).containsExactly("10.0.0.0/8", "fd00::/8");
        assertThat(c.http().trustedProxies().clientAddress("10.0.0.5", java.util.List.of("203.0.113.7")))
                .isEqualTo("203.0.113.7");

        assertThatThrownBy(() -> ControlPlaneConfig.load(null, Map.of(),
                Map.of("http.trusted-proxies", "10.0.0.0/8,ingress.internal")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .asString().startsWith("http.trusted-proxies: 'ingress.internal' is not an IP address")
                        .endsWith("(from the command line)"));
    }
}
