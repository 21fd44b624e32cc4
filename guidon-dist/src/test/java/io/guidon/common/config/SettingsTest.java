package io.guidon.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    private static final String DEFAULTS = "config/test-defaults.yaml";

    enum Mode { STANDALONE, CONNECTED }

    @Test
    void defaultsApplyWhenNothingOverridesThem() {
        Settings s = Settings.load(DEFAULTS, null, Map.of(), Map.of());

        assertThat(s.port("http.port")).isEqualTo(7070);
        assertThat(s.bytes("http.max-body-size", 1, Long.MAX_VALUE)).isEqualTo(64 * 1024);
        assertThat(s.duration("http.idle-timeout", Duration.ZERO)).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.oneOf("mode", Mode.class)).isEqualTo(Mode.STANDALONE);
        s.validate();
    }

    @Test
    void fileThenEnvironmentThenCommandLineEachWin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "http:\n  port: 8000\n  host: 0.0.0.0\n  idle-timeout: 1m\n");

        Settings s = Settings.load(DEFAULTS, file,
                Map.of("GUIDON_HTTP_PORT", "9000", "GUIDON_HTTP_IDLE_TIMEOUT", "5s", "UNRELATED", "x"),
                Map.of("http.port", "9100"));

        assertThat(s.port("http.port")).isEqualTo(9100);
        assertThat(s.duration("http.idle-timeout", Duration.ZERO)).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.string("http.host")).isEqualTo("0.0.0.0");
        assertThat(s.describe().get("http.port")).isEqualTo("9100 (cli)");
        assertThat(s.describe().get("http.idle-timeout")).isEqualTo("5s (env)");
        assertThat(s.describe().get("http.host")).isEqualTo("0.0.0.0 (file)");
    }

    @Test
    void everyProblemIsReportedAtOnceNamingItsSource(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "http:\n  prot: 8000\n");

        Settings s = Settings.load(DEFAULTS, file, Map.of("GUIDON_HTTP_PORT", "seventy"),
                Map.of("http.max-body-size", "lots", "nope.key", "1"));
        s.port("http.port");
        s.bytes("http.max-body-size", 1, Long.MAX_VALUE);
        s.oneOf("mode", Mode.class);

        assertThatThrownBy(s::validate).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).contains("http.prot: unknown setting"))
                .anySatisfy(p -> assertThat(p).contains("nope.key: unknown setting"))
                .anySatisfy(p -> assertThat(p).contains("http.port: must be a whole number").contains("GUIDON_HTTP_PORT"))
                .anySatisfy(p -> assertThat(p).contains("http.max-body-size: must be a size").contains("command line"))
                .hasSize(4));
    }

    @Test
    void secretsAndUrlPasswordsAreMaskedWhenDescribed() {
        Settings s = Settings.load(DEFAULTS, null,
                Map.of("GUIDON_REDIS_URL", "redis://user:hunter2@localhost:6379/0",
                        "GUIDON_CONTROL_PLANE_SIDECAR_KEY", "gsk_secret"),
                Map.of());

        assertThat(s.describe().get("redis.url")).isEqualTo("redis://user:****@localhost:6379/0 (env)");
        assertThat(s.describe().get("control-plane.sidecar-key")).isEqualTo("**** (env)");
        assertThat(String.join(" ", s.describe().values())).doesNotContain("hunter2").doesNotContain("gsk_secret");
    }

    @Test
    void durationsAndSizesAcceptCommonSpellings() {
        assertThat(Settings.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Settings.parseDuration("PT2M")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Settings.parseDuration("2 weeks")).isNull();
        Settings s = Settings.load(DEFAULTS, null, Map.of(), Map.of("http.max-body-size", "1MiB"));
        assertThat(s.bytes("http.max-body-size", 1, Long.MAX_VALUE)).isEqualTo(1024 * 1024);
    }

    @Test
    void aListComesFromAYamlSequenceOrOneCommaSeparatedValue(@TempDir Path dir) throws Exception {
        assertThat(Settings.load(DEFAULTS, null, Map.of(), Map.of()).strings("allowed")).isEmpty();

        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "allowed:\n  - 10.0.0.0/8\n  - ' fd00::/8 '\n");
        assertThat(Settings.load(DEFAULTS, file, Map.of(), Map.of()).strings("allowed"))
                .containsExactly("10.0.0.0/8", "fd00::/8");

        Settings fromEnv = Settings.load(DEFAULTS, file, Map.of("GUIDON_ALLOWED", "10.1.0.0/16, ,192.0.2.1"), Map.of());
        assertThat(fromEnv.strings("allowed")).containsExactly("10.1.0.0/16", "192.0.2.1");
        assertThat(Settings.load(DEFAULTS, null, Map.of(), Map.of("allowed", "")).strings("allowed")).isEmpty();
    }

    @Test
    void aListOfMappingsIsAProblem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "allowed:\n  - range: 10.0.0.0/8\n");
        Settings s = Settings.load(DEFAULTS, file, Map.of(), Map.of());

        assertThat(s.strings("allowed")).isEmpty();
        assertThatThrownBy(s::validate).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                .singleElement().asString().startsWith("allowed: must be a list of plain values")
                .endsWith("(from the config file)"));
    }

    @Test
    void renamedKeysStillWorkInEveryLayerWithAWarning(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "redis:\n  channel-prefix: from-file\n");

        Settings fromFile = Settings.load("config/sidecar.yaml", file, Map.of(), Map.of());
        Settings fromEnv = Settings.load("config/sidecar.yaml", null, Map.of("GUIDON_HTTP_INSTANCES", "3"), Map.of());
        Settings fromCli = Settings.load("config/control-plane.yaml", null, Map.of(),
                Map.of("http.shutdown-timeout", "2s"));

        assertThat(fromFile.string("redis.prefix")).isEqualTo("from-file");
        assertThat(fromFile.warnings()).containsExactly("setting redis.channel-prefix is deprecated (given in "
                + file + "): use redis.prefix (GUIDON_REDIS_PREFIX)");
        assertThat(fromEnv.integer("http.event-loops", 0, 256)).isEqualTo(3);
        assertThat(fromEnv.warnings()).containsExactly("setting http.instances is deprecated (given as "
                + "GUIDON_HTTP_INSTANCES): use http.event-loops (GUIDON_HTTP_EVENT_LOOPS)");
        assertThat(fromCli.duration("shutdown.grace-period", Duration.ZERO)).isEqualTo(Duration.ofSeconds(2));
        assertThat(fromCli.describe().get("shutdown.grace-period")).isEqualTo("2s (cli)");
        assertThat(fromCli.warnings()).singleElement().asString().contains("http.shutdown-timeout is deprecated");
        fromFile.validate();
        fromEnv.validate();
        fromCli.validate();
    }

    @Test
    void theNewNameWinsOverTheOldInOneLayerAndALaterLayerWinsOverEither() {
        Settings sameLayer = Settings.load("config/sidecar.yaml", null, Map.of(),
                orderedMap("redis.prefix", "new", "redis.channel-prefix", "old"));
        Settings laterLayer = Settings.load("config/sidecar.yaml", null, Map.of("GUIDON_REDIS_PREFIX", "env"),
                Map.of("redis.channel-prefix", "cli-old"));

        assertThat(sameLayer.string("redis.prefix")).isEqualTo("new");
        assertThat(laterLayer.string("redis.prefix")).isEqualTo("cli-old");
        assertThat(laterLayer.warnings()).hasSize(1);
    }

    @Test
    void eitherServerTakesTheOtherServersOldNameForTheSameConcept() {
        // The control plane always called it redis.prefix; given the sidecar's old name it means the same thing.
        Settings cp = Settings.load("config/control-plane.yaml", null, Map.of(), Map.of("redis.channel-prefix", "x"));
        Settings sidecar = Settings.load("config/sidecar.yaml", null, Map.of("GUIDON_HTTP_SHUTDOWN_TIMEOUT", "3s"),
                Map.of());

        assertThat(cp.string("redis.prefix")).isEqualTo("x");
        assertThat(cp.warnings()).hasSize(1);
        assertThat(sidecar.string("shutdown.grace-period")).isEqualTo("3s");
        cp.validate();
        sidecar.validate();
    }

    @Test
    void aKeyThatNeverExistedIsStillUnknown() {
        Settings s = Settings.load("config/sidecar.yaml", null, Map.of(), Map.of("redis.channel-prefx", "x"));

        assertThatThrownBy(s::validate).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                .containsExactly("redis.channel-prefx: unknown setting (given on the command line)"));
    }

    @Test
    void anOptionThatWasNotGivenLeavesTheLowerLayersInPlace() {
        java.util.Map<String, String> overrides = new java.util.LinkedHashMap<>();
        overrides.put("http.port", null);

        Settings s = Settings.load(DEFAULTS, null, Map.of("GUIDON_HTTP_PORT", "9000"), overrides);

        assertThat(s.port("http.port")).isEqualTo(9000);
    }

    @Test
    void aMisspeltOldVariableNameIsWarnedWithTheNewName() {
        Settings sidecar = Settings.load("config/sidecar.yaml", null, Map.of(
                "GUIDON_REDIS_CHANNEL_PREFX", "p", "GUIDON_HTTP_INSTANCE", "2"), Map.of());
        Settings controlPlane = Settings.load("config/control-plane.yaml", null, Map.of(
                "GUIDON_HTTP_SHUTDOWN_TIMEOT", "5s"), Map.of());

        assertThat(sidecar.warnings()).filteredOn(w -> w.startsWith("environment variable")).containsExactly(
                "environment variable GUIDON_HTTP_INSTANCE names no setting and is ignored; did you mean "
                        + "GUIDON_HTTP_EVENT_LOOPS (http.event-loops)?",
                "environment variable GUIDON_REDIS_CHANNEL_PREFX names no setting and is ignored; did you mean "
                        + "GUIDON_REDIS_PREFIX (redis.prefix)?");
        assertThat(controlPlane.warnings()).filteredOn(w -> w.startsWith("environment variable")).containsExactly(
                "environment variable GUIDON_HTTP_SHUTDOWN_TIMEOT names no setting and is ignored; did you mean "
                        + "GUIDON_SHUTDOWN_GRACE_PERIOD (shutdown.grace-period)?");
    }

    @Test
    void aMisspeltGuidonVariableIsWarnedOnceWithTheClosestSettingAndOthersAreNot() {
        Settings s = Settings.load("config/sidecar.yaml", null, Map.of(
                "GUIDON_HTTP_PROT", "18006",
                "GUIDON_JAVA_OPTS", "-Xmx1g", "GUIDON_JVM_DIR", "/opt/jdk", "GUIDON_TEST_PG_HOST", "db",
                "GUIDON_LOG_LEVEL", "DEBUG", "GUIDON_KEY", "gdn_x", "GUIDON_URL", "http://localhost:8080",
                // The control plane's setting in an environment shared with a sidecar: no mistake.
                "GUIDON_DATABASE_URL", "postgresql://127.0.0.1/guidon",
                "GUIDON_REDIS_CHANNEL_PREFIX", "p", // a renamed one: its own deprecation warning
                "PATH", "/usr/bin"), Map.of());

        assertThat(s.warnings()).filteredOn(w -> w.startsWith("environment variable")).containsExactly(
                "environment variable GUIDON_HTTP_PROT names no setting and is ignored; did you mean GUIDON_HTTP_PORT"
                        + " (http.port)?");
        assertThat(s.string("http.port")).isEqualTo("7070");
        s.validate();
    }

    @Test
    void aGuidonVariableFarFromEverySettingPointsToTheDocumentedSettings() {
        Settings s = Settings.load("config/control-plane.yaml", null, Map.of("GUIDON_SOMETHING_ELSE_ENTIRELY", "1"),
                Map.of());
        assertThat(s.warnings()).containsExactly("environment variable GUIDON_SOMETHING_ELSE_ENTIRELY names no "
                + "setting and is ignored; see config/*.yaml for the settings (key upper-cased, dots and dashes as "
                + "underscores)");
    }

    private static Map<String, String> orderedMap(String... kv) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
