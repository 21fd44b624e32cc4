package io.guidon.controlplane.snapshots;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import io.guidon.protocol.ClientIdentity;
import io.guidon.testing.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Which sidecars fetched an environment's flags, over HTTP against a real PostgreSQL: every answered fetch of
 * {@code GET /api/v1/sidecar/flags} (a whole document, a delta or a 304) is noted with the version the instance then
 * holds, its User-Agent, key and address, and shows in {@code GET /api/v1/environments/{env}/sidecars} after the next
 * write, last seen first; instances without an id are told apart by address; the listing is the tenant's own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SidecarSightingsIT {

    Harness cp;
    String admin;
    String prodSidecar;
    String stagingSidecar;
    String sidecarUserAgent = ClientIdentity.userAgent(ClientIdentity.SIDECAR);

    @BeforeAll
    void start() throws Exception {
        // Written every 200 ms: the tests either wait for the periodic write or ask for one.
        cp = Harness.start(Map.of("sidecar.sightings-flush-interval", "200ms"));
        admin = cp.bootstrap("acme");
        cp.post("/api/v1/environments", admin, Map.of("key", "production", "protected", true));
        cp.post("/api/v1/environments", admin, Map.of("key", "staging"));
        cp.post("/api/v1/flags", admin, Map.of("key", "checkout", "variants", Map.of("on", true, "off", false)));
        prodSidecar = cp.createKey(admin, "prod sidecar", "sidecar", "production").json().get("key").asText();
        stagingSidecar = cp.createKey(admin, "staging sidecar", "sidecar", "staging").json().get("key").asText();
    }

    @AfterAll
    void stop() {
        cp.close();
    }

    private void flush() throws Exception {
        cp.running.sightings().flush().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private long version(String env) {
        return cp.get("/api/v1/environments/" + env, admin).json().get("version").asLong();
    }

    private Resp fetch(String key, String query, String... headers) {
        return cp.get("/api/v1/sidecar/flags" + query, key, headers);
    }

    private Map<String, JsonNode> sidecars(String env) {
        Resp r = cp.get("/api/v1/environments/" + env + "/sidecars", admin);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        Map<String, JsonNode> byInstance = new HashMap<>();
        r.json().get("items").forEach(i -> byInstance.put(i.get("instance").asText(), i));
        return byInstance;
    }

    @Test
    void aFetchShowsTheInstanceWithTheVersionItHoldsItsUserAgentKeyAndTimes() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        Resp full = fetch(prodSidecar, "", ClientIdentity.INSTANCE_HEADER, "pod-full", "User-Agent", sidecarUserAgent);
        assertThat(full.status()).isEqualTo(200);

        // The periodic write, not one the test asks for.
        Poll.until("the sighting is written", Duration.ofSeconds(10), () -> sidecars("production")
                .containsKey("pod-full"));

        JsonNode s = sidecars("production").get("pod-full");
        assertThat(s.get("environment").asText()).isEqualTo("production");
        assertThat(s.get("version").asLong()).isEqualTo(version("production"));
        assertThat(s.get("environmentVersion").asLong()).isEqualTo(version("production"));
        assertThat(s.get("userAgent").asText()).isEqualTo(sidecarUserAgent).startsWith("guidon-sidecar/");
        assertThat(s.get("keyName").asText()).isEqualTo("prod sidecar");
        assertThat(s.get("keyId").asText()).isEqualTo(cp.get("/api/v1/keys?limit=200", admin).json().get("items")
                .findParents("name").stream().filter(k -> k.get("name").asText().equals("prod sidecar")).findFirst()
                .orElseThrow().get("id").asText());
        assertThat(s.get("address").asText()).isEqualTo("127.0.0.1");
        Instant first = Instant.parse(s.get("firstSeen").asText());
        assertThat(first).isAfter(before).isBeforeOrEqualTo(Instant.parse(s.get("lastSeen").asText()));
        // Only the environment the key is bound to.
        assertThat(sidecars("staging")).doesNotContainKey("pod-full");
    }

    @Test
    void aSidecarBehindAChangeIsSeenBehindThenCaughtUpWhetherByDeltaOrBy304() throws Exception {
        long held = version("staging");
        fetch(stagingSidecar, "", ClientIdentity.INSTANCE_HEADER, "pod-lag", "User-Agent", sidecarUserAgent);
        flush();
        Instant firstSeen = Instant.parse(sidecars("staging").get("pod-lag").get("firstSeen").asText());

        cp.put("/api/v1/environments/staging/flags/checkout/enabled", admin, Map.of("enabled", true));
        long now = version("staging");
        assertThat(now).isGreaterThan(held);
        JsonNode behind = sidecars("staging").get("pod-lag");
        assertThat(behind.get("version").asLong()).isEqualTo(held);
        assertThat(behind.get("environmentVersion").asLong()).isEqualTo(now);

        Resp delta = fetch(stagingSidecar, "?since=" + held, ClientIdentity.INSTANCE_HEADER, "pod-lag",
                "User-Agent", sidecarUserAgent, "If-None-Match", "\"" + held + "\"");
        assertThat(delta.status()).isEqualTo(200);
        assertThat(delta.json().get("full").asBoolean()).isFalse();
        flush();
        JsonNode caughtUp = sidecars("staging").get("pod-lag");
        assertThat(caughtUp.get("version").asLong()).isEqualTo(now);
        assertThat(Instant.parse(caughtUp.get("firstSeen").asText())).isEqualTo(firstSeen);

        // A 304: the version named in If-None-Match is the one held.
        Resp notModified = fetch(stagingSidecar, "?since=" + now, ClientIdentity.INSTANCE_HEADER, "pod-304",
                "User-Agent", "guidon-openfeature/9.9.9", "If-None-Match", "\"" + now + "\"");
        assertThat(notModified.status()).isEqualTo(304);
        flush();
        JsonNode confirmed = sidecars("staging").get("pod-304");
        assertThat(confirmed.get("version").asLong()).isEqualTo(now);
        assertThat(confirmed.get("userAgent").asText()).isEqualTo("guidon-openfeature/9.9.9");
    }

    @Test
    void anInstanceWithoutAnIdIsNamedByItsAddressAndTheListIsLastSeenFirst() throws Exception {
        cp.post("/api/v1/environments", admin, Map.of("key", "anon"));
        String key = cp.createKey(admin, "anon sidecar", "sidecar", "anon").json().get("key").asText();
        fetch(key, "", ClientIdentity.INSTANCE_HEADER, "older", "User-Agent", "curl/8");
        flush();
        Thread.sleep(20);
        // No header, then a header that is no instance id: both are the address.
        fetch(key, "");
        fetch(key, "", ClientIdentity.INSTANCE_HEADER, "not an id <b>");
        flush();

        Resp r = cp.get("/api/v1/environments/anon/sidecars", admin);
        JsonNode items = r.json().get("items");
        assertThat(r.json().get("total").asInt()).isEqualTo(2);
        assertThat(items.get(0).get("instance").asText()).isEqualTo("127.0.0.1");
        assertThat(items.get(0).get("userAgent").asText()).startsWith("Java-http-client/");
        assertThat(items.get(1).get("instance").asText()).isEqualTo("older");
        assertThat(r.body()).doesNotContain("<b>");

        JsonNode limited = cp.get("/api/v1/environments/anon/sidecars?limit=1", admin).json();
        assertThat(limited.get("items")).hasSize(1);
        assertThat(limited.get("total").asInt()).isEqualTo(2);
        assertThat(limited.get("limit").asInt()).isEqualTo(1);
    }

    @Test
    void theListingIsForViewersOfTheTenantAndNamesAnUnknownEnvironment() throws Exception {
        fetch(prodSidecar, "", ClientIdentity.INSTANCE_HEADER, "pod-viewed");
        flush();
        String viewer = cp.createKey(admin, "a viewer", "viewer", null).json().get("key").asText();

        assertThat(cp.get("/api/v1/environments/production/sidecars", viewer).json().toString())
                .contains("pod-viewed");
        assertThat(cp.get("/api/v1/environments/production/sidecars", prodSidecar).status()).isEqualTo(403);
        Resp unknown = cp.get("/api/v1/environments/nowhere/sidecars", admin);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("detail").asText()).contains("nowhere");

        String other = cp.bootstrap("globex");
        cp.post("/api/v1/environments", other, Map.of("key", "production"));
        Resp theirs = cp.get("/api/v1/environments/production/sidecars", other);
        assertThat(theirs.status()).isEqualTo(200);
        assertThat(theirs.json().get("total").asInt()).isZero();
    }

    @Test
    void theSightingsOfADeletedEnvironmentAreGoneAndLateOnesAreLeftOut() throws Exception {
        cp.post("/api/v1/environments", admin, Map.of("key", "doomed"));
        JsonNode created = cp.createKey(admin, "doomed sidecar", "sidecar", "doomed").json();
        fetch(created.get("key").asText(), "", ClientIdentity.INSTANCE_HEADER, "pod-doomed");
        flush();
        assertThat(sidecars("doomed")).containsKey("pod-doomed");

        // Noted, then the environment goes before the write.
        fetch(created.get("key").asText(), "", ClientIdentity.INSTANCE_HEADER, "pod-late");
        cp.delete("/api/v1/keys/" + created.get("id").asText(), admin);
        assertThat(cp.delete("/api/v1/environments/doomed", admin).status()).isEqualTo(204);
        flush();

        assertThat(cp.get("/api/v1/environments/doomed/sidecars", admin).status()).isEqualTo(404);
        // The write did not fail for it: the late sighting was left out.
        assertThat(cp.metric("guidon_sidecar_sightings_flush_failures_total")).isZero();
        try (java.sql.Connection c = cp.db.connect(); java.sql.ResultSet rs = c.createStatement().executeQuery(
                "SELECT count(*) FROM sidecar_sightings WHERE instance = 'pod-late'")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
        assertThat(cp.metric("guidon_sidecar_sightings_pending")).isZero();
    }

    @Test
    void theTenantWideListingHoldsEveryEnvironmentsInstancesLastSeenFirst() throws Exception {
        fetch(prodSidecar, "", ClientIdentity.INSTANCE_HEADER, "wide-prod");
        flush();
        Thread.sleep(20);
        fetch(stagingSidecar, "", ClientIdentity.INSTANCE_HEADER, "wide-staging");
        flush();
        long tenant;
        try (java.sql.Connection c = cp.db.connect(); java.sql.ResultSet rs = c.createStatement().executeQuery(
                "SELECT id FROM tenants WHERE key = 'acme'")) {
            rs.next();
            tenant = rs.getLong(1);
        }
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        io.vertx.sqlclient.Pool pool = io.guidon.controlplane.ControlPlaneMain.pool(vertx,
                io.guidon.controlplane.ControlPlaneConfig.load(null, Map.of(), Harness.settings(cp.db, "unused",
                        Map.of())).config().database());
        try {
            io.guidon.controlplane.store.PgSightingLog log = new io.guidon.controlplane.store.PgSightingLog(pool);
            java.util.List<io.guidon.controlplane.domain.SidecarSighting> all = log.list(tenant, null, 100)
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            long total = log.count(tenant, null).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertThat(all).extracting(io.guidon.controlplane.domain.SidecarSighting::instance)
                    .contains("wide-prod", "wide-staging");
            assertThat(all.get(0).instance()).isEqualTo("wide-staging");
            assertThat(all.get(0).environment()).isEqualTo("staging");
            assertThat(all).extracting(io.guidon.controlplane.domain.SidecarSighting::lastSeen)
                    .isSortedAccordingTo(java.util.Comparator.reverseOrder());
            assertThat(total).isEqualTo(all.size());
            assertThat(all).extracting(io.guidon.controlplane.domain.SidecarSighting::environment)
                    .contains("production", "staging");
        } finally {
            pool.close();
            vertx.close();
        }
    }
}
