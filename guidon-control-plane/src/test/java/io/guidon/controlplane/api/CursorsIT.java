package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The listings' {@code nextCursor} against a real control plane: accepted unchanged from the tenant it was issued
 * to, refused (400 naming {@code cursor}) from another tenant or changed; and the JSON answers the HTTP server
 * compresses say {@code Vary: Accept-Encoding}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CursorsIT {

    /** Listings with at least two items in each tenant, so that a page of one has a next cursor. */
    static final List<String> LISTINGS = List.of("/api/v1/environments", "/api/v1/flags",
            "/api/v1/environments/production/flags", "/api/v1/environments/production/segments", "/api/v1/keys",
            "/api/v1/audit");

    Harness cp;
    String acme;
    String globex;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of());
        acme = cp.bootstrap("acme");
        globex = cp.bootstrap("globex");
        for (String admin : List.of(acme, globex)) {
            for (String env : List.of("production", "staging")) {
                assertThat(cp.post("/api/v1/environments", admin, Map.of("key", env)).status()).isEqualTo(201);
            }
            for (String flag : List.of("a-flag", "b-flag")) {
                assertThat(cp.post("/api/v1/flags", admin, Map.of("key", flag, "variants",
                        Map.of("on", true, "off", false))).status()).isEqualTo(201);
            }
            for (String segment : List.of("a-seg", "b-seg")) {
                assertThat(cp.post("/api/v1/environments/production/segments", admin, Map.of("key", segment))
                        .status()).isEqualTo(201);
            }
            cp.createKey(admin, "viewer", "viewer", null);
        }
    }

    @AfterAll
    void stop() {
        cp.close();
    }

    String next(String path, String key) {
        Resp r = cp.get(path + "?limit=1", key);
        assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(200);
        String cursor = r.json().get("nextCursor").asText();
        assertThat(cursor).as(path).isNotEmpty();
        return cursor;
    }

    static void refused(String path, Resp r) {
        assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(400);
        assertThat(r.json().get("errors").findValuesAsText("path")).as(path).containsExactly("cursor");
        assertThat(r.json().get("errors").get(0).get("message").asText()).as(path)
                .startsWith("not a cursor this server issued for this key's tenant");
    }

    @Test
    void aListingsCursorWorksForItsTenantOnly() {
        for (String path : LISTINGS) {
            String cursor = next(path, acme);
            Resp own = cp.get(path + "?limit=1&cursor=" + cursor, acme);
            assertThat(own.status()).as(path + ": " + own.body()).isEqualTo(200);
            refused(path, cp.get(path + "?limit=1&cursor=" + cursor, globex));
        }
    }

    @Test
    void aListingsCursorChangedInOneByteIsA400() {
        for (String path : LISTINGS) {
            byte[] token = Base64.getUrlDecoder().decode(next(path, acme));
            for (int at : new int[] {0, 3, token.length / 2, token.length - 1}) {
                byte[] changed = token.clone();
                changed[at] ^= 0x01;
                refused(path, cp.get(path + "?limit=1&cursor="
                        + Base64.getUrlEncoder().withoutPadding().encodeToString(changed), acme));
            }
        }
    }

    @Test
    void anotherReplicaOrARestartKeepsTheKeySoACursorStillWorks() throws Exception {
        String cursor = next("/api/v1/environments", acme);
        try (var c = cp.db.connect(); var st = c.createStatement();
                var rs = st.executeQuery("SELECT count(*), min(octet_length(key)) FROM server_keys")) {
            rs.next();
            assertThat(rs.getInt(1)).as("one key, made once").isEqualTo(1);
            assertThat(rs.getInt(2)).isEqualTo(Cursors.KEY_BYTES);
        }
        try (Harness replica = Harness.start(cp.db, cp.redisPrefix, Map.of())) {
            Resp r = replica.get("/api/v1/environments?limit=1&cursor=" + cursor, acme);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("items").get(0).get("key").asText()).isEqualTo("staging");
            refused("replica", replica.get("/api/v1/environments?limit=1&cursor=" + cursor, globex));
        }
    }

    @Test
    void answersTheServerCompressesVaryByAcceptEncoding() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        for (String accept : List.of("gzip", "identity")) {
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cp.port()
                            + "/api/v1/flags")).header("Authorization", "Bearer " + acme)
                    .header("Accept-Encoding", accept).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Encoding").orElse("identity")).isEqualTo(accept);
            assertThat(r.headers().allValues("Vary")).as(accept).containsExactly("Accept-Encoding");
        }
    }
}
