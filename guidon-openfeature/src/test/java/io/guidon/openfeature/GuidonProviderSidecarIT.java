package io.guidon.openfeature;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.MutableTrackingEventDetails;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.ProviderState;
import dev.openfeature.sdk.Value;
import io.guidon.common.config.Settings;
import io.guidon.sidecar.SidecarConfig;
import io.guidon.sidecar.SidecarMain;
import io.guidon.testing.Poll;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider against a real sidecar ({@link SidecarMain} in-process on a free loopback port, serving a flag file):
 * it evaluates in-process exactly what the sidecar's OFREP API answers for the same contexts, follows a change
 * through the sidecar's change stream (the poll interval is far too long to explain it), sends {@code track} events
 * to {@code POST /v1/track}, and keeps serving the last good flags while the sidecar is down (PROVIDER_STALE), then
 * follows the sidecar again once it is back (PROVIDER_READY).
 */
class GuidonProviderSidecarIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EvaluationContext U1 = new ImmutableContext("u1");

    private final OpenFeatureAPI api = OpenFeatureAPI.getInstance();
    private final String domain = "guidon-sidecar-" + UUID.randomUUID();
    private final HttpClient http = HttpClient.newHttpClient();
    private GuidonProvider provider;
    private SidecarMain sidecar;

    @AfterEach
    void stop() throws Exception {
        if (provider != null) {
            provider.shutdown();
        }
        if (sidecar != null) {
            sidecar.shutdown(Duration.ofSeconds(10));
        }
    }

    static SidecarMain sidecar(Path flags, int port) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("http.port", Integer.toString(port));
        o.put("http.event-loops", "1");
        o.put("management.port", "0");
        o.put("flags.file", flags.toString());
        o.put("flags.watch-interval", "50ms");
        o.put("shutdown.grace-period", "1s");
        SidecarMain main = new SidecarMain(SidecarConfig.from(Settings.load(SidecarConfig.DEFAULTS, null, Map.of(),
                o)), Clock.systemUTC());
        main.start().toCompletionStage().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
        return main;
    }

    private Client client(Duration poll) {
        provider = GuidonProvider.builder().sidecar(URI.create("http://127.0.0.1:" + sidecar.port()))
                .pollInterval(poll).eventFlushInterval(Duration.ofMillis(100)).build();
        api.setProviderAndWait(domain, provider);
        return api.getClient(domain);
    }

    private JsonNode ofrep(String key, String contextJson) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.port()
                + "/ofrep/v1/evaluate/flags/" + key)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"context\":" + contextJson + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    @Test
    void evaluatesInProcessWhatTheSidecarsOfrepApiAnswers(@TempDir Path dir) throws Exception {
        Path file = Recorded.write(dir.resolve("flags.json"), Recorded.resource("openfeature-flags.json"));
        sidecar = sidecar(file, 0);
        Client client = client(Duration.ofMinutes(5));

        Map<String, EvaluationContext> contexts = new LinkedHashMap<>();
        contexts.put("{\"targetingKey\":\"u1\"}", U1);
        contexts.put("{\"targetingKey\":\"u2\",\"country\":\"DE\",\"plan\":\"vip\"}", new ImmutableContext("u2",
                Map.of("country", new Value("DE"), "plan", new Value("vip"))));
        contexts.put("{\"targetingKey\":\"u3\",\"orgId\":\"acme\"}", new ImmutableContext("u3",
                Map.of("orgId", new Value("acme"))));
        contexts.put("{}", new ImmutableContext());
        for (Map.Entry<String, EvaluationContext> c : contexts.entrySet()) {
            for (String key : List.of("kill-switch", "banner", "page-size", "price-factor", "layout", "gradual",
                    "per-org", "needs-kill-switch-off", "no-such-flag")) {
                JsonNode remote = ofrep(key, c.getKey());
                FlagEvaluationDetails<Value> local = client.getObjectDetails(key, new Value(), c.getValue());
                String where = key + " for " + c.getKey() + ": sidecar " + remote + ", provider " + local;
                if (remote.has("errorCode")) {
                    assertThat(local.getErrorCode()).as(where).isNotNull();
                    assertThat(local.getErrorCode().name()).as(where).isEqualTo(remote.get("errorCode").asText());
                    continue;
                }
                // An object evaluation serves every flag, as OFREP does.
                assertThat(local.getErrorCode()).as(where).isNull();
                assertThat(local.getVariant()).as(where).isEqualTo(remote.get("variant").asText());
                // Typed evaluations: the value and its Java type as the sidecar's JSON gives them.
                JsonNode value = remote.get("value");
                FlagEvaluationDetails<?> typed = value.isBoolean() ? client.getBooleanDetails(key, false, c.getValue())
                        : value.isTextual() ? client.getStringDetails(key, "", c.getValue())
                        : value.isIntegralNumber() && value.canConvertToInt()
                                ? client.getIntegerDetails(key, 0, c.getValue())
                        : value.isNumber() && !value.isIntegralNumber() ? client.getDoubleDetails(key, 0.0, c.getValue())
                        : local;
                assertThat(typed.getErrorCode()).as(where).isNull();
                assertThat(typed.getVariant()).as(where).isEqualTo(remote.get("variant").asText());
                assertThat(typed.getReason()).as(where).isEqualTo(remote.get("reason").asText());
                assertThat((JsonNode) JSON.valueToTree(typed.getValue() instanceof Value v ? v.asStructure().asObjectMap()
                        : typed.getValue())).as(where).isEqualTo(value);
                assertThat((JsonNode) JSON.valueToTree(typed.getFlagMetadata().asUnmodifiableMap())).as(where)
                        .isEqualTo(remote.get("metadata"));
            }
        }
    }

    @Test
    void followsAChangeThroughTheSidecarsChangeStreamAndSendsTrackEvents(@TempDir Path dir) throws Exception {
        Path file = Recorded.write(dir.resolve("flags.json"), Recorded.resource("openfeature-flags.json"));
        sidecar = sidecar(file, 0);
        Client client = client(Duration.ofMinutes(5));
        Recorded events = Recorded.events(client);
        int before = events.size();
        long version = provider.version();
        assertThat(client.getStringValue("banner", "none", U1)).isEqualTo("blue");

        Recorded.write(file, Recorded.resource("openfeature-flags.json").replace(
                "\"fallthrough\": {\"variant\": \"blue\"}", "\"fallthrough\": {\"variant\": \"green\"}"));

        Recorded.Event changed = events.await(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED, before);
        assertThat(changed.details().getFlagsChanged()).containsExactly("banner");
        assertThat(provider.version()).isGreaterThan(version);
        assertThat(client.getStringValue("banner", "none", U1)).isEqualTo("green");

        client.track("checkout-completed", new ImmutableContext("u1"), new MutableTrackingEventDetails(42.5));
        client.track("checkout-completed", new ImmutableContext("u2"));
        Poll.until("the sidecar counted both track events", Duration.ofSeconds(10), () -> {
            Counter c = sidecar.registry().find("guidon.sink.track.events").tag("event", "checkout-completed")
                    .counter();
            return c != null && c.count() == 2.0;
        });
    }

    @Test
    void aSidecarReachableAgainWithTheSameFlagsIsReadyAgain(@TempDir Path dir) throws Exception {
        // An outage of the network, not of the sidecar: afterwards it answers 304 to the ETag held (no new set).
        Path file = Recorded.write(dir.resolve("flags.json"), Recorded.resource("openfeature-flags.json"));
        sidecar = sidecar(file, 0);
        try (CuttableRelay relay = new CuttableRelay(sidecar.port())) {
            provider = GuidonProvider.builder().sidecar(URI.create("http://127.0.0.1:" + relay.port()))
                    .pollInterval(Duration.ofMillis(200)).timeout(Duration.ofSeconds(1)).build();
            api.setProviderAndWait(domain, provider);
            Client client = api.getClient(domain);
            long version = provider.version();
            Recorded events = Recorded.events(client);
            int before = events.size();

            relay.cut();
            events.await(ProviderEvent.PROVIDER_STALE, before);
            assertThat(client.getProviderState()).isEqualTo(ProviderState.STALE);
            int afterStale = events.size();
            relay.restore();

            Recorded.Event ready = events.await(ProviderEvent.PROVIDER_READY, afterStale);
            assertThat(ready.details().getMessage()).contains("unchanged");
            assertThat(client.getProviderState()).isEqualTo(ProviderState.READY);
            assertThat(provider.version()).isEqualTo(version);
            assertThat(client.getStringValue("banner", "none", U1)).isEqualTo("blue");
        }
    }

    @Test
    void servesTheLastGoodFlagsWhileTheSidecarIsDownAndFollowsItWhenItIsBack(@TempDir Path dir) throws Exception {
        Path file = Recorded.write(dir.resolve("flags.json"), Recorded.resource("openfeature-flags.json"));
        sidecar = sidecar(file, 0);
        int port = sidecar.port();
        Client client = client(Duration.ofMillis(200));
        Recorded events = Recorded.events(client);
        int before = events.size();

        sidecar.shutdown(Duration.ofSeconds(10));
        sidecar = null;

        Recorded.Event stale = events.await(ProviderEvent.PROVIDER_STALE, before);
        assertThat(stale.details().getMessage()).contains("cannot be reached").contains("serving the last good flags");
        assertThat(client.getProviderState()).isEqualTo(ProviderState.STALE);
        FlagEvaluationDetails<String> served = client.getStringDetails("banner", "none", U1);
        assertThat(served.getValue()).isEqualTo("blue");
        assertThat(served.getErrorCode()).isNull();

        int afterStale = events.size();
        Recorded.write(file, Recorded.resource("openfeature-flags.json").replace(
                "\"fallthrough\": {\"variant\": \"blue\"}", "\"fallthrough\": {\"variant\": \"green\"}"));
        sidecar = sidecar(file, port);

        events.await(ProviderEvent.PROVIDER_READY, afterStale);
        events.await(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED, afterStale);
        assertThat(client.getProviderState()).isEqualTo(ProviderState.READY);
        assertThat(client.getStringValue("banner", "none", U1)).isEqualTo("green");
    }
}
