package io.guidon.openfeature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.ProviderState;
import dev.openfeature.sdk.Reason;
import dev.openfeature.sdk.Structure;
import dev.openfeature.sdk.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider on a flag file, through the real OpenFeature SDK: every type with the variant, reason and metadata
 * the sidecar's OFREP API serves, every error code, the context read from OpenFeature's values, and the provider's
 * life: a changed file is a PROVIDER_CONFIGURATION_CHANGED naming the flags that changed, a broken or missing file
 * keeps the last good flags served (PROVIDER_ERROR, PROVIDER_STALE) until a good one comes (PROVIDER_READY).
 */
class GuidonProviderFileTest {

    private static final EvaluationContext U1 = new ImmutableContext("u1");

    private final OpenFeatureAPI api = OpenFeatureAPI.getInstance();
    private final String domain = "guidon-file-" + UUID.randomUUID();
    private GuidonProvider provider;

    @AfterEach
    void shutdown() {
        if (provider != null) {
            provider.shutdown();
        }
    }

    private Client client(Path file) {
        provider = GuidonProvider.builder().flagFile(file).pollInterval(Duration.ofMillis(20)).build();
        api.setProviderAndWait(domain, provider);
        return api.getClient(domain);
    }

    @Test
    void everyFlagTypeArrivesTypedWithItsVariantReasonAndMetadata(@TempDir Path dir) {
        Client client = client(Recorded.write(dir.resolve("flags.json"), Recorded.resource("openfeature-flags.json")));

        FlagEvaluationDetails<Boolean> bool = client.getBooleanDetails("kill-switch", false, U1);
        FlagEvaluationDetails<String> string = client.getStringDetails("banner", "none",
                new ImmutableContext("u1", Map.of("country", new Value("DE"))));
        FlagEvaluationDetails<Integer> integer = client.getIntegerDetails("page-size", 0, U1);
        FlagEvaluationDetails<Double> floating = client.getDoubleDetails("price-factor", -1.0, U1);
        FlagEvaluationDetails<Double> hundred = client.getDoubleDetails("price-factor", -1.0,
                new ImmutableContext("u1", Map.of("plan", new Value("vip"))));
        FlagEvaluationDetails<Value> object = client.getObjectDetails("layout", new Value("none"), U1);
        FlagEvaluationDetails<Boolean> split = client.getBooleanDetails("gradual", false, U1);
        FlagEvaluationDetails<Boolean> prerequisite = client.getBooleanDetails("needs-kill-switch-off", true, U1);

        assertThat(api.getProviderMetadata(domain).getName()).isEqualTo("guidon");
        assertThat(client.getProviderState()).isEqualTo(ProviderState.READY);
        assertThat(bool.getValue()).isTrue();
        assertThat(bool.getErrorCode()).isNull();
        assertThat(bool.getReason()).isEqualTo(Reason.STATIC.name());
        assertThat(bool.getVariant()).isEqualTo("on");
        assertThat(string.getValue()).isEqualTo("green");
        assertThat(string.getVariant()).isEqualTo("green");
        assertThat(string.getReason()).isEqualTo(Reason.TARGETING_MATCH.name());
        assertThat(string.getFlagMetadata().getString("owner")).isEqualTo("growth");
        assertThat(string.getFlagMetadata().getDouble("weight")).isEqualTo(100.0);
        assertThat(string.getFlagMetadata().getInteger("rank")).isEqualTo(3);
        assertThat(integer.getValue()).isEqualTo(50);
        assertThat(integer.getVariant()).isEqualTo("large");
        assertThat(integer.getErrorCode()).isNull();
        assertThat(floating.getErrorCode()).as(floating.getErrorMessage()).isNull();
        assertThat(floating.getValue()).isEqualTo(2.0);
        assertThat(hundred.getValue()).isEqualTo(100.0);
        assertThat(hundred.getReason()).isEqualTo(Reason.TARGETING_MATCH.name());
        assertThat(object.getErrorCode()).isNull();
        Structure layout = object.getValue().asStructure();
        assertThat(layout.getValue("columns").asInteger()).isEqualTo(3);
        assertThat(layout.getValue("ratio").asDouble()).isEqualTo(1.0);
        assertThat(layout.getValue("tags").asList()).extracting(Value::asString).containsExactly("a", "b");
        assertThat(split.getReason()).isEqualTo(Reason.SPLIT.name());
        assertThat(split.getVariant()).isIn("on", "off");
        assertThat(prerequisite.getValue()).isFalse();
        assertThat(prerequisite.getReason()).isEqualTo(Reason.DISABLED.name());
    }

    @Test
    void errorsAreOpenFeaturesCodesWithTheDefaultValue(@TempDir Path dir) {
        Client client = client(Recorded.write(dir.resolve("flags.json"), Recorded.resource("openfeature-flags.json")));

        FlagEvaluationDetails<Boolean> notFound = client.getBooleanDetails("no-such-flag", true, U1);
        FlagEvaluationDetails<String> wrongType = client.getStringDetails("kill-switch", "default", U1);
        FlagEvaluationDetails<Integer> floatAsInteger = client.getIntegerDetails("price-factor", 7, U1);
        FlagEvaluationDetails<Double> integerAsDouble = client.getDoubleDetails("page-size", 7.5, U1);
        FlagEvaluationDetails<Boolean> stringAsBoolean = client.getBooleanDetails("banner", false, U1);
        FlagEvaluationDetails<Boolean> noKey = client.getBooleanDetails("gradual", true, new ImmutableContext());

        assertThat(notFound.getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
        assertThat(notFound.getValue()).isTrue();
        assertThat(notFound.getReason()).isEqualTo(Reason.ERROR.name());
        assertThat(notFound.getErrorMessage()).contains("no-such-flag");
        assertThat(wrongType.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
        assertThat(wrongType.getValue()).isEqualTo("default");
        assertThat(wrongType.getErrorMessage()).contains("boolean");
        assertThat(floatAsInteger.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
        assertThat(floatAsInteger.getValue()).isEqualTo(7);
        assertThat(integerAsDouble.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
        assertThat(integerAsDouble.getValue()).isEqualTo(7.5);
        assertThat(stringAsBoolean.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
        assertThat(stringAsBoolean.getValue()).isFalse();
        assertThat(noKey.getErrorCode()).isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
        assertThat(noKey.getValue()).isTrue();
        assertThat(noKey.getReason()).isEqualTo(Reason.ERROR.name());
    }

    @Test
    void anObjectEvaluationServesEveryFlagTypeAsAValueAsOfrepDoes(@TempDir Path dir) {
        Client client = client(Recorded.write(dir.resolve("flags.json"), Recorded.resource("openfeature-flags.json")));

        FlagEvaluationDetails<Value> bool = client.getObjectDetails("kill-switch", new Value("x"), U1);
        FlagEvaluationDetails<Value> string = client.getObjectDetails("banner", new Value("x"), U1);
        FlagEvaluationDetails<Value> integer = client.getObjectDetails("page-size", new Value("x"), U1);
        FlagEvaluationDetails<Value> floating = client.getObjectDetails("price-factor", new Value("x"), U1);

        assertThat(bool.getErrorCode()).as(bool.getErrorMessage()).isNull();
        assertThat(bool.getValue().asBoolean()).isTrue();
        assertThat(bool.getVariant()).isEqualTo("on");
        assertThat(bool.getReason()).isEqualTo(Reason.STATIC.name());
        assertThat(string.getErrorCode()).isNull();
        assertThat(string.getValue().asString()).isEqualTo("blue");
        assertThat(string.getFlagMetadata().getString("owner")).isEqualTo("growth");
        assertThat(integer.getErrorCode()).isNull();
        assertThat(integer.getValue().asInteger()).isEqualTo(50);
        assertThat(floating.getErrorCode()).isNull();
        assertThat(floating.getValue().asDouble()).isEqualTo(2.0);
        // One Value per variant, made at load: the same instance for every evaluation.
        assertThat(client.getObjectValue("kill-switch", new Value("x"), U1)).isSameAs(bool.getValue());
    }

    @Test
    void errorAnswersAboutAnExistingFlagCarryItsMetadataAsOfrepDoes(@TempDir Path dir) {
        Recorded.write(dir.resolve("flags.json"), """
                {"flags": {"gradual": {"enabled": true, "variants": {"on": 1, "off": 0}, "offVariant": "off",
                  "metadata": {"owner": "growth"}, "fallthrough": {"rollout": {"on": 50, "off": 50}}}}}""");
        Client client = client(dir.resolve("flags.json"));

        FlagEvaluationDetails<Boolean> mismatch = client.getBooleanDetails("gradual", true, U1);
        FlagEvaluationDetails<Integer> noKey = client.getIntegerDetails("gradual", 7, new ImmutableContext());
        FlagEvaluationDetails<Integer> notFound = client.getIntegerDetails("no-such-flag", 7, U1);

        assertThat(mismatch.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
        assertThat(mismatch.getErrorMessage()).isEqualTo("flag 'gradual' is an integer flag, asked for as boolean");
        assertThat(mismatch.getFlagMetadata().getString("owner")).isEqualTo("growth");
        assertThat(noKey.getErrorCode()).isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
        assertThat(noKey.getFlagMetadata().getString("owner")).isEqualTo("growth");
        assertThat(notFound.getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
        assertThat(notFound.getFlagMetadata().isEmpty()).isTrue();
    }

    @Test
    void aFileThatComesBackUnchangedAfterAnOutageIsReadyAgain(@TempDir Path dir) throws Exception {
        String content = Recorded.resource("openfeature-flags.json");
        Path file = Recorded.write(dir.resolve("flags.json"), content);
        Client client = client(file);
        Recorded events = Recorded.events(client);
        int before = events.size();

        Files.delete(file);
        events.await(ProviderEvent.PROVIDER_STALE, before);
        int afterStale = events.size();
        Recorded.write(file, content);

        events.await(ProviderEvent.PROVIDER_READY, afterStale);
        assertThat(client.getProviderState()).isEqualTo(ProviderState.READY);
        assertThat(events.events.subList(afterStale, events.size())).extracting(Recorded.Event::type)
                .doesNotContain(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED);
    }

    @Test
    void anIntegerBeyondJavasIntIsATypeMismatchForGetIntegerButServedAsAnObject(@TempDir Path dir) {
        Recorded.write(dir.resolve("flags.json"), """
                {"flags": {"big": {"enabled": true, "variants": {"huge": 9007199254740993, "small": 1},
                  "offVariant": "small", "fallthrough": {"variant": "huge"}}}}""");
        Client client = client(dir.resolve("flags.json"));

        FlagEvaluationDetails<Integer> asInteger = client.getIntegerDetails("big", 1, U1);

        assertThat(asInteger.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
        assertThat(asInteger.getErrorMessage()).contains("9007199254740993");
        assertThat(asInteger.getValue()).isEqualTo(1);
        assertThat(asInteger.getErrorMessage()).contains("getObjectValue");
        // What the advice says: the object evaluation holds the exact long (a double would round it to ...992).
        FlagEvaluationDetails<Value> asObject = client.getObjectDetails("big", new Value("x"), U1);
        assertThat(asObject.getErrorCode()).isNull();
        assertThat(asObject.getValue().asObject()).isEqualTo(9007199254740993L);
    }

    @Test
    void everyErrorCodeOfTheEngineIsOneOfOpenFeatures() {
        for (io.guidon.engine.ErrorCode code : io.guidon.engine.ErrorCode.values()) {
            assertThat(ErrorCode.valueOf(code.name()).name()).isEqualTo(code.name());
        }
        for (io.guidon.engine.Reason reason : io.guidon.engine.Reason.values()) {
            assertThat(Reason.valueOf(reason.name()).name()).isEqualTo(reason.name());
        }
    }

    @Test
    void theContextIsReadFromOpenFeaturesValuesLayeredByTheSdk(@TempDir Path dir) {
        Recorded.write(dir.resolve("flags.json"), """
                {"flags": {
                  "by-number": {"enabled": true, "variants": {"yes": true, "no": false}, "offVariant": "no",
                    "rules": [{"id": "many", "when": {"attribute": "searches", "op": "gte", "values": [100]},
                      "serve": {"variant": "yes"}}], "fallthrough": {"variant": "no"}},
                  "by-list": {"enabled": true, "variants": {"yes": true, "no": false}, "offVariant": "no",
                    "rules": [{"id": "roles", "when": {"attribute": "roles", "op": "in", "values": ["admin"]},
                      "serve": {"variant": "yes"}}], "fallthrough": {"variant": "no"}},
                  "by-nested": {"enabled": true, "variants": {"yes": true, "no": false}, "offVariant": "no",
                    "rules": [{"id": "company", "when": {"attribute": "company", "op": "exists"},
                      "serve": {"variant": "yes"}}], "fallthrough": {"variant": "no"}},
                  "by-bool": {"enabled": true, "variants": {"yes": true, "no": false}, "offVariant": "no",
                    "rules": [{"id": "beta", "when": {"attribute": "beta", "op": "in", "values": [true]},
                      "serve": {"variant": "yes"}}], "fallthrough": {"variant": "no"}},
                  "by-key": {"enabled": true, "variants": {"yes": true, "no": false}, "offVariant": "no",
                    "targets": [{"variant": "yes", "values": ["u-7"]}], "fallthrough": {"variant": "no"}}
                }}""");
        Client client = client(dir.resolve("flags.json"));
        // The API's and the client's contexts are layered under the invocation's by the SDK; the provider reads
        // through the layers.
        client.setEvaluationContext(new ImmutableContext(Map.of("searches", new Value(150))));

        FlagEvaluationDetails<Boolean> layered = client.getBooleanDetails("by-number", false, new ImmutableContext("u1"));
        assertThat(layered.getValue()).as(layered.toString()).isTrue();
        assertThat(client.getBooleanValue("by-number", true, new ImmutableContext("u1",
                Map.of("searches", new Value(99))))).isFalse();
        assertThat(client.getBooleanValue("by-list", false, new ImmutableContext("u1",
                Map.of("roles", new Value(List.of(new Value("viewer"), new Value("admin"))))))).isTrue();
        assertThat(client.getBooleanValue("by-nested", false, new ImmutableContext("u1",
                Map.of("company", new Value(new ImmutableStructure(Map.of("country", new Value("DE")))))))).isTrue();
        assertThat(client.getBooleanValue("by-bool", false, new ImmutableContext("u1",
                Map.of("beta", new Value(true))))).isTrue();
        assertThat(client.getBooleanDetails("by-key", false, new ImmutableContext("u-7")).getReason())
                .isEqualTo(Reason.TARGETING_MATCH.name());

        OpenFeatureContext adapter = new OpenFeatureContext(new ImmutableContext("k", Map.of(
                "n", new Value(3), "d", new Value(2.5), "s", new Value("x"),
                "when", new Value(Instant.parse("2025-06-01T12:00:00Z")),
                "list", new Value(List.of(new Value(1), new Value("a"))),
                "obj", new Value(new ImmutableStructure(Map.of("a", new Value(true)))))));
        assertThat(adapter.targetingKey()).isEqualTo("k");
        assertThat(adapter.get("targetingKey")).isEqualTo("k");
        assertThat(adapter.get("n")).isEqualTo(3);
        assertThat(adapter.get("d")).isEqualTo(2.5);
        assertThat(adapter.get("s")).isEqualTo("x");
        assertThat(adapter.get("when")).isEqualTo("2025-06-01T12:00:00Z");
        assertThat(adapter.get("list")).isEqualTo(List.of(1, "a"));
        assertThat(adapter.get("obj")).isEqualTo(Map.of("a", true));
        assertThat(adapter.get("absent")).isNull();
    }

    @Test
    void aChangedFileIsAConfigurationChangeNamingTheFlagsThatChanged(@TempDir Path dir) {
        Path file = Recorded.write(dir.resolve("flags.json"), Recorded.resource("openfeature-flags.json"));
        Client client = client(file);
        Recorded events = Recorded.events(client);
        int before = events.size();

        Recorded.write(file, Recorded.resource("openfeature-flags.json")
                .replace("\"fallthrough\": {\"variant\": \"large\"}", "\"fallthrough\": {\"variant\": \"huge\"}")
                .replace("\"page-size\"", "\"page-size\"").replace("\"small\": 10,", "\"small\": 10, \"medium\": 20,")
                .replace("\"huge\": 9007199254740993}", "\"huge\": 100}"));

        Recorded.Event changed = events.await(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED, before);
        assertThat(changed.details().getFlagsChanged()).containsExactly("page-size");
        assertThat(client.getIntegerValue("page-size", 0, U1)).isEqualTo(100);
        assertThat(client.getBooleanValue("kill-switch", false, U1)).isTrue();
    }

    @Test
    void aBrokenFileKeepsTheLastGoodFlagsServedAndAGoodOneRecovers(@TempDir Path dir) throws Exception {
        Path file = Recorded.write(dir.resolve("flags.json"), Recorded.resource("openfeature-flags.json"));
        Client client = client(file);
        Recorded events = Recorded.events(client);
        int before = events.size();

        Recorded.write(file, "{\"flags\": {\"kill-switch\": {\"enabled\": \"yes\"}}}");
        Recorded.Event error = events.await(ProviderEvent.PROVIDER_ERROR, before);

        assertThat(error.details().getMessage()).contains("does not compile").contains("kill-switch")
                .contains("serving the last good flags");
        assertThat(client.getProviderState()).isEqualTo(ProviderState.ERROR);
        FlagEvaluationDetails<Boolean> served = client.getBooleanDetails("kill-switch", false, U1);
        assertThat(served.getValue()).isTrue();
        assertThat(served.getErrorCode()).isNull();

        int afterError = events.size();
        Files.delete(file);
        Recorded.Event stale = events.await(ProviderEvent.PROVIDER_STALE, afterError);
        assertThat(stale.details().getMessage()).contains("does not exist");
        assertThat(client.getBooleanValue("kill-switch", false, U1)).isTrue();

        int afterStale = events.size();
        Recorded.write(file, Recorded.resource("openfeature-flags.json").replace(
                "\"kill-switch\": {\"enabled\": true", "\"kill-switch\": {\"enabled\": false"));
        events.await(ProviderEvent.PROVIDER_READY, afterStale);
        Recorded.Event changed = events.await(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED, afterStale);
        assertThat(changed.details().getFlagsChanged()).contains("kill-switch", "needs-kill-switch-off");
        assertThat(client.getProviderState()).isEqualTo(ProviderState.READY);
        FlagEvaluationDetails<Boolean> off = client.getBooleanDetails("kill-switch", true, U1);
        assertThat(off.getValue()).isFalse();
        assertThat(off.getReason()).isEqualTo(Reason.DISABLED.name());
    }

    @Test
    void aFileThatIsMissingAtStartFailsInitializationAndIsServedOnceItComes(@TempDir Path dir) {
        Path file = dir.resolve("later.json");
        provider = GuidonProvider.builder().flagFile(file).pollInterval(Duration.ofMillis(20))
                .initTimeout(Duration.ofMillis(300)).build();

        assertThatThrownBy(() -> api.setProviderAndWait(domain, provider)).hasMessageContaining("does not exist");
        Client client = api.getClient(domain);
        assertThat(client.getProviderState()).isEqualTo(ProviderState.ERROR);
        Recorded events = Recorded.events(client);
        int before = events.size();

        Recorded.write(file, Recorded.resource("openfeature-flags.json"));

        events.await(ProviderEvent.PROVIDER_READY, before);
        assertThat(client.getBooleanValue("kill-switch", false, U1)).isTrue();
    }

    @Test
    void aProviderHasOneSource() {
        assertThatThrownBy(() -> GuidonProvider.builder().flagFile(Path.of("a.json"))
                .sidecar(java.net.URI.create("http://127.0.0.1:8080"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> GuidonProvider.builder().build()).hasMessageContaining("choose a source");
    }
}
