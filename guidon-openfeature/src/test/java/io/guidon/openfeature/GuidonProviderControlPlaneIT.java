package io.guidon.openfeature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.MutableTrackingEventDetails;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.ProviderState;
import dev.openfeature.sdk.Reason;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import io.guidon.testing.Poll;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The provider straight against a real control plane (in-process, on its own PostgreSQL database and Redis prefix)
 * with a sidecar key: a flag created through the admin API is evaluated in-process; a change made through the admin
 * API arrives as a delta and a PROVIDER_CONFIGURATION_CHANGED; the evaluations come back as the control plane's
 * evaluation counts and exposures of the flag, {@code track} calls as its conversions; a key of another environment
 * is refused; and the last good flags stay served while the control plane is down.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuidonProviderControlPlaneIT {

    private static final String ENV = "/api/v1/environments/production";

    private final OpenFeatureAPI api = OpenFeatureAPI.getInstance();
    private Harness cp;
    private String admin;
    private String sidecarKey;
    private GuidonProvider provider;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of());
        admin = cp.bootstrap("acme");
        assertThat(cp.post("/api/v1/environments", admin, Map.of("key", "production")).status()).isEqualTo(201);
        Resp key = cp.createKey(admin, "in-process provider", "sidecar", "production");
        assertThat(key.status()).as(key.body()).isEqualTo(201);
        sidecarKey = key.json().get("key").asText();
    }

    @AfterAll
    void stop() {
        cp.close();
    }

    @AfterEach
    void shutdown() {
        if (provider != null) {
            provider.shutdown();
            provider = null;
        }
    }

    private Client client(String environment) {
        String domain = "guidon-cp-" + UUID.randomUUID();
        provider = GuidonProvider.builder()
                .controlPlane(URI.create("http://127.0.0.1:" + cp.port()), sidecarKey, environment)
                .pollInterval(Duration.ofMillis(100)).eventFlushInterval(Duration.ofMinutes(5))
                .initTimeout(Duration.ofSeconds(5)).build();
        api.setProviderAndWait(domain, provider);
        return api.getClient(domain);
    }

    private void createFlag(String key, boolean enabled) {
        Resp r = cp.call("POST", "/api/v1/flags", admin, "{\"key\":\"" + key
                + "\",\"variants\":{\"on\":true,\"off\":false}}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String etag = cp.get(ENV + "/flags/" + key, admin).header("ETag");
        Resp put = cp.call("PUT", ENV + "/flags/" + key, admin, "{\"enabled\":" + enabled
                + ",\"offVariant\":\"off\",\"fallthrough\":{\"variant\":\"on\"}}", "If-Match", etag);
        assertThat(put.status()).as(put.body()).isEqualTo(200);
    }

    private JsonNode exposures(String flag) {
        Resp r = cp.get("/api/v1/flags/" + flag + "/exposures?environment=production", admin);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void evaluatesAFlagOfTheAdminApiFollowsItsChangesAndReportsEvaluationsAsASidecarDoes() throws Exception {
        createFlag("new-checkout", true);
        Client client = client("production");
        Recorded events = Recorded.events(client);

        FlagEvaluationDetails<Boolean> on = client.getBooleanDetails("new-checkout", false,
                new ImmutableContext("u1"));
        assertThat(on.getValue()).isTrue();
        assertThat(on.getVariant()).isEqualTo("on");
        assertThat(on.getReason()).isEqualTo(Reason.STATIC.name());
        for (String user : new String[] {"u1", "u2", "u3", "u1"}) {
            assertThat(client.getBooleanValue("new-checkout", false, new ImmutableContext(user))).isTrue();
        }

        int before = events.size();
        long version = provider.version();
        Resp off = cp.call("PUT", ENV + "/flags/new-checkout/enabled", admin, "{\"enabled\":false}");
        assertThat(off.status()).as(off.body()).isEqualTo(200);

        Recorded.Event changed = events.await(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED, before);
        assertThat(changed.details().getFlagsChanged()).containsExactly("new-checkout");
        assertThat(provider.version()).isGreaterThan(version);
        FlagEvaluationDetails<Boolean> disabled = client.getBooleanDetails("new-checkout", true,
                new ImmutableContext("u2"));
        assertThat(disabled.getValue()).isFalse();
        assertThat(disabled.getVariant()).isEqualTo("off");
        assertThat(disabled.getReason()).isEqualTo(Reason.DISABLED.name());
        client.track("checkout-completed", new ImmutableContext("u2"), new MutableTrackingEventDetails(19.99));

        provider.flushEvents();

        JsonNode totals = Poll.until("the control plane's totals of new-checkout", () -> exposures("new-checkout"),
                t -> t.at("/variants/on/evaluations").asLong() == 5 && t.at("/variants/off/evaluations").asLong() == 1);
        // The first exposure of each (flag, variant, targeting key): u1, u2, u3 saw on; u2 saw off.
        assertThat(totals.at("/variants/on/exposures").asLong()).isEqualTo(3);
        assertThat(totals.at("/variants/off/exposures").asLong()).isEqualTo(1);
        try (Connection c = cp.db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT targeting_key, event, value FROM conversion_events")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("u2");
            assertThat(rs.getString(2)).isEqualTo("checkout-completed");
            assertThat(rs.getDouble(3)).isEqualTo(19.99);
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void aNewFlagArrivesAsADeltaAndADeletedOneIsGone() {
        Client client = client(null);
        Recorded events = Recorded.events(client);
        int before = events.size();

        createFlag("late-flag", true);

        Recorded.Event changed = events.await(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED, before);
        assertThat(changed.details().getFlagsChanged()).contains("late-flag");
        Poll.until("late-flag served", () -> client.getBooleanValue("late-flag", false, new ImmutableContext("u")));

        int afterCreate = events.size();
        Resp deleted = cp.delete("/api/v1/flags/late-flag", admin);
        assertThat(deleted.status()).as(deleted.body()).isIn(200, 204);
        events.await(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED, afterCreate);
        Poll.until("late-flag gone", () -> client.getBooleanDetails("late-flag", false, new ImmutableContext("u"))
                .getErrorCode() == dev.openfeature.sdk.ErrorCode.FLAG_NOT_FOUND);
    }

    @Test
    void aControlPlaneBackWithTheSameFlagsIsReadyAgain() throws Exception {
        createFlag("steady-flag", true);
        Harness replica = Harness.start(cp.db, cp.redisPrefix, Map.of());
        int port = replica.port();
        Harness back = null;
        boolean replicaUp = true;
        try {
            String domain = "guidon-cp-" + UUID.randomUUID();
            provider = GuidonProvider.builder()
                    .controlPlane(URI.create("http://127.0.0.1:" + port), sidecarKey, "production")
                    .pollInterval(Duration.ofMillis(100)).timeout(Duration.ofSeconds(1)).build();
            api.setProviderAndWait(domain, provider);
            Client client = api.getClient(domain);
            Recorded events = Recorded.events(client);
            int before = events.size();

            replica.stop();
            replicaUp = false;
            events.await(ProviderEvent.PROVIDER_STALE, before);
            long version = provider.version();
            int afterStale = events.size();
            // Back with no flag changed meanwhile: its answers are 304 Not Modified.
            back = Harness.start(cp.db, cp.redisPrefix, Map.of("http.port", Integer.toString(port)));

            Recorded.Event ready = events.await(ProviderEvent.PROVIDER_READY, afterStale);
            assertThat(ready.details().getMessage()).contains("unchanged");
            assertThat(client.getProviderState()).isEqualTo(ProviderState.READY);
            assertThat(provider.version()).isEqualTo(version);
            assertThat(client.getBooleanValue("steady-flag", false, new ImmutableContext("u1"))).isTrue();
        } finally {
            if (replicaUp) {
                replica.stop();
            }
            if (back != null) {
                back.stop();
            }
        }
    }

    @Test
    void servesTheLastGoodFlagsWhileTheControlPlaneIsDownAndFollowsItWhenItIsBack() throws Exception {
        createFlag("outage-flag", true);
        // A second server on the same database, so that stopping it leaves the other tests theirs.
        Harness replica = Harness.start(cp.db, cp.redisPrefix, Map.of());
        int port = replica.port();
        Harness back = null;
        boolean replicaUp = true;
        try {
            String domain = "guidon-cp-" + UUID.randomUUID();
            provider = GuidonProvider.builder()
                    .controlPlane(URI.create("http://127.0.0.1:" + port), sidecarKey, "production")
                    .pollInterval(Duration.ofMillis(100)).timeout(Duration.ofSeconds(1)).build();
            api.setProviderAndWait(domain, provider);
            Client client = api.getClient(domain);
            Recorded events = Recorded.events(client);
            int before = events.size();

            replica.stop();
            replicaUp = false;

            Recorded.Event stale = events.await(ProviderEvent.PROVIDER_STALE, before);
            assertThat(stale.details().getMessage()).contains("cannot be reached")
                    .contains("serving the last good flags");
            assertThat(client.getProviderState()).isEqualTo(ProviderState.STALE);
            FlagEvaluationDetails<Boolean> served = client.getBooleanDetails("outage-flag", false,
                    new ImmutableContext("u1"));
            assertThat(served.getValue()).isTrue();
            assertThat(served.getErrorCode()).isNull();

            int afterStale = events.size();
            Resp off = cp.call("PUT", ENV + "/flags/outage-flag/enabled", admin, "{\"enabled\":false}");
            assertThat(off.status()).as(off.body()).isEqualTo(200);
            back = Harness.start(cp.db, cp.redisPrefix, Map.of("http.port", Integer.toString(port)));

            events.await(ProviderEvent.PROVIDER_READY, afterStale);
            Poll.until("outage-flag served off", () -> !client.getBooleanValue("outage-flag", true,
                    new ImmutableContext("u1")));
            assertThat(client.getProviderState()).isEqualTo(ProviderState.READY);
        } finally {
            if (replicaUp) {
                replica.stop();
            }
            if (back != null) {
                back.stop();
            }
        }
    }

    @Test
    void aKeyOfAnotherEnvironmentThanTheOneNamedIsRefused() {
        String domain = "guidon-cp-" + UUID.randomUUID();
        provider = GuidonProvider.builder()
                .controlPlane(URI.create("http://127.0.0.1:" + cp.port()), sidecarKey, "staging")
                .pollInterval(Duration.ofMillis(100)).initTimeout(Duration.ofMillis(500)).build();

        assertThatThrownBy(() -> api.setProviderAndWait(domain, provider))
                .hasMessageContaining("the sidecar key is for environment 'production', not 'staging'");
        assertThat(api.getClient(domain).getProviderState()).isEqualTo(ProviderState.ERROR);
    }

    @Test
    void aRevokedOrWrongKeyIsReportedAsRefused() {
        String domain = "guidon-cp-" + UUID.randomUUID();
        provider = GuidonProvider.builder()
                .controlPlane(URI.create("http://127.0.0.1:" + cp.port()), "gdn_not_a_key", null)
                .pollInterval(Duration.ofMillis(100)).initTimeout(Duration.ofMillis(500)).build();

        assertThatThrownBy(() -> api.setProviderAndWait(domain, provider))
                .hasMessageContaining("refused the sidecar key (401)");
    }
}
