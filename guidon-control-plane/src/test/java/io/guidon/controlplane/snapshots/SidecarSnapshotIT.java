package io.guidon.controlplane.snapshots;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import io.guidon.controlplane.RedisSubscriber;
import io.guidon.engine.Compilation;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.testing.Poll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What sidecars get: the full flag document (compiling with the engine), ETags and 304s, deltas since a version,
 * the full document when the change log no longer covers that version, one database read for a burst, a second
 * replica that learns of changes through Redis, and the Redis message published after every kind of change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SidecarSnapshotIT {

    static final Duration WAIT = Duration.ofSeconds(5);

    Harness cp;
    String admin;
    String sidecar;
    RedisSubscriber subscriber;

    @BeforeAll
    void start() throws Exception {
        // A short change log (so that a since older than it is easy to make), and a long staleness bound, so that a
        // second replica can only be up to date through the Redis notifications.
        cp = Harness.start(Map.of("sidecar.change-log-retention", "3", "sidecar.max-staleness", "60s"));
        subscriber = new RedisSubscriber(cp.redisPrefix + ":changes:*");
        admin = cp.bootstrap("acme");
        cp.post("/api/v1/environments", admin, Map.of("key", "production"));
        cp.post("/api/v1/environments", admin, Map.of("key", "staging"));
        sidecar = cp.createKey(admin, "prod sidecar", "sidecar", "production").json().get("key").asText();
        drain();
    }

    @AfterAll
    void stop() throws Exception {
        subscriber.close();
        cp.close();
    }

    private void drain() {
        while (subscriber.poll() != null) {
            // discard notifications of the set-up
        }
    }

    private Resp flags(String query, String... headers) {
        return cp.get("/api/v1/sidecar/flags" + query, sidecar, headers);
    }

    private long version() {
        return cp.get("/api/v1/environments/production", admin).json().get("version").asLong();
    }

    private void createFlag(String key) {
        Resp r = cp.post("/api/v1/flags", admin, Map.of("key", key, "variants", Map.of("on", true, "off", false)));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    @Test
    void theFullDocumentCompilesWithTheEngineAndCarriesItsVersionAsETag() throws Exception {
        createFlag("doc-a");
        cp.post("/api/v1/environments/production/segments", admin, Map.of("key", "doc-seg", "included", List.of("u1")));
        cp.put("/api/v1/environments/production/flags/doc-a", admin, Map.of("enabled", true, "offVariant", "off",
                "rules", List.of(Map.of("id", "seg", "when", Map.of("segment", "doc-seg"), "serve", Map.of("variant", "on"))),
                "fallthrough", Map.of("rollout", Map.of("on", 33.333, "off", 66.667))), "If-Match", "\"1\"");

        Resp r = flags("");

        assertThat(r.status()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("tenant").asText()).isEqualTo("acme");
        assertThat(body.get("environment").asText()).isEqualTo("production");
        assertThat(body.get("full").asBoolean()).isTrue();
        assertThat(body.get("version").asLong()).isEqualTo(version());
        assertThat(r.header("ETag")).isEqualTo("\"" + version() + "\"");
        Compilation compiled = new FlagDocumentCompiler().compile(body.get("document").toString());
        assertThat(compiled.errors()).isEmpty();
        assertThat(compiled.flagSet().flag("doc-a")).isNotNull();
        assertThat(compiled.flagSet().segmentKeys()).contains("doc-seg");
        assertThat(body.get("document").get("flags").get("doc-a").get("fallthrough").get("rollout").get("on").asText())
                .isEqualTo("33.333");

        // Compressed once per version for sidecars that accept gzip: the same document.
        java.net.http.HttpResponse<byte[]> gz = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + cp.port() + "/api/v1/sidecar/flags"))
                .header("Authorization", "Bearer " + sidecar).header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(gz.headers().firstValue("Content-Encoding")).contains("gzip");
        assertThat(new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.body()))
                .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(r.body());

        Resp notModified = flags("", "If-None-Match", r.header("ETag"));
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(notModified.header("ETag")).isEqualTo(r.header("ETag"));
    }

    @Test
    void sinceAVersionTheChangeLogCoversOnlyWhatChangedComesBackDeletionsAsNull() {
        createFlag("delta-a");
        createFlag("delta-gone");
        long since = version();

        cp.put("/api/v1/environments/production/flags/delta-a/enabled", admin, Map.of("enabled", true));
        cp.delete("/api/v1/flags/delta-gone", admin);
        cp.post("/api/v1/environments/production/segments", admin, Map.of("key", "delta-seg"));

        JsonNode delta = flags("?since=" + since).json();
        assertThat(delta.get("full").asBoolean()).isFalse();
        assertThat(delta.get("since").asLong()).isEqualTo(since);
        assertThat(delta.get("version").asLong()).isEqualTo(since + 3);
        JsonNode changed = delta.get("changed");
        assertThat(changed.get("flags").get("delta-a").get("enabled").asBoolean()).isTrue();
        assertThat(changed.get("flags").get("delta-a").get("variants").get("on").asBoolean()).isTrue();
        assertThat(changed.get("flags").get("delta-gone").isNull()).isTrue();
        assertThat(changed.get("flags").size()).isEqualTo(2);
        assertThat(changed.get("segments").has("delta-seg")).isTrue();

        JsonNode nothing = flags("?since=" + (since + 3)).json();
        assertThat(nothing.get("full").asBoolean()).isFalse();
        assertThat(nothing.get("changed").get("flags").size()).isZero();
    }

    @Test
    void aSinceOlderThanTheChangeLogOrInTheFutureGetsTheFullDocumentAndGarbageIs400() {
        long old = version();
        for (int i = 0; i < 4; i++) {
            createFlag("old-" + i);
        }
        long now = version();

        JsonNode tooOld = flags("?since=" + old).json();
        assertThat(tooOld.get("full").asBoolean()).as("retention is 3 entries, 4 changes were made").isTrue();
        assertThat(tooOld.get("document").get("flags").has("old-3")).isTrue();
        assertThat(flags("?since=" + (now - 3)).json().get("full").asBoolean()).isFalse();
        assertThat(flags("?since=" + (now + 10)).json().get("full").asBoolean()).isTrue();
        var banana = flags("?since=banana");
        assertThat(banana.status()).as(banana.body()).isEqualTo(400);
        assertThat(banana.body()).contains("since");
        assertThat(flags("?since=-1").status()).as("versions are never negative").isEqualTo(400);
    }

    @Test
    void repeatedRequestsAreServedFromMemoryAndABurstForANewVersionReadsTheDatabaseOnce() throws Exception {
        flags("");
        double loads = cp.metric("guidon_snapshot_loads_total");
        for (int i = 0; i < 5; i++) {
            assertThat(flags("").status()).isEqualTo(200);
        }
        assertThat(cp.metric("guidon_snapshot_loads_total")).isEqualTo(loads);

        createFlag("burst");
        HttpClient client = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            burst.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cp.port()
                            + "/api/v1/sidecar/flags")).header("Authorization", "Bearer " + sidecar).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> f : burst) {
            HttpResponse<String> r = f.get();
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"burst\"");
        }
        assertThat(cp.metric("guidon_snapshot_loads_total")).isEqualTo(loads + 1);
    }

    @Test
    void aSecondReplicaLearnsOfChangesThroughRedisAtOnce() throws Exception {
        try (Harness replica = Harness.start(cp.db, cp.redisPrefix, Map.of("sidecar.max-staleness", "60s"))) {
            createFlag("replica-before");
            Resp first = replica.get("/api/v1/sidecar/flags", sidecar);
            assertThat(first.body()).contains("replica-before");

            createFlag("replica-after");
            // Replica 2 keeps versions for 60 s; only the notification published by replica 1 can tell it.
            Poll.until("replica 2 serves the new flag", WAIT,
                    () -> replica.get("/api/v1/sidecar/flags", sidecar).body().contains("replica-after"));
        } finally {
            drain();
        }
    }

    @Test
    void everyKindOfChangeIsPublishedOnTheEnvironmentsChannelAfterCommit() throws Exception {
        drain();
        String prod = cp.redisPrefix + ":changes:acme:production";
        String staging = cp.redisPrefix + ":changes:acme:staging";
        String env = "/api/v1/environments/production";

        createFlag("pub");
        assertMessages(Map.of(prod, List.of("pub"), staging, List.of("pub")));

        cp.put(env + "/flags/pub", admin, Map.of("enabled", true, "offVariant", "off",
                "fallthrough", Map.of("variant", "on")), "If-Match", "\"1\"");
        assertMessages(Map.of(prod, List.of("pub")));
        cp.put(env + "/flags/pub/enabled", admin, Map.of("enabled", false));
        assertMessages(Map.of(prod, List.of("pub")));
        cp.put(env + "/flags/pub/rollout", admin, Map.of("percentage", 20));
        assertMessages(Map.of(prod, List.of("pub")));

        cp.post(env + "/segments", admin, Map.of("key", "pub-seg"));
        assertMessages(Map.of(prod, List.of()));
        createFlag("pub-user");
        assertMessages(Map.of(prod, List.of("pub-user"), staging, List.of("pub-user")));
        cp.put(env + "/flags/pub-user", admin, Map.of("enabled", true, "offVariant", "off", "rules",
                List.of(Map.of("id", "s", "when", Map.of("segment", "pub-seg"), "serve", Map.of("variant", "on"))),
                "fallthrough", Map.of("variant", "off")), "If-Match", "\"1\"");
        assertMessages(Map.of(prod, List.of("pub-user")));
        // A segment change names the flags whose evaluation it changes.
        cp.put(env + "/segments/pub-seg", admin, Map.of("included", List.of("u9")), "If-Match", "\"1\"");
        assertMessages(Map.of(prod, List.of("pub-user")));

        cp.put("/api/v1/flags/pub", admin, Map.of("variants", Map.of("on", true, "off", false), "description", "x"),
                "If-Match", "\"1\"");
        assertMessages(Map.of(prod, List.of("pub"), staging, List.of("pub")));
        cp.delete("/api/v1/flags/pub", admin);
        assertMessages(Map.of(prod, List.of("pub"), staging, List.of("pub")));
        cp.put(env + "/flags/pub-user", admin, Map.of("enabled", false, "offVariant", "off",
                "fallthrough", Map.of("variant", "off")), "If-Match", "\"2\"");
        assertMessages(Map.of(prod, List.of("pub-user")));
        cp.delete(env + "/segments/pub-seg", admin);
        assertMessages(Map.of(prod, List.of()));

        // Changes that are not about flags (an environment's name, keys) publish nothing.
        cp.put("/api/v1/environments/staging", admin, Map.of("name", "Staging"), "If-Match", "\"1\"");
        cp.createKey(admin, "quiet", "viewer", null);
        createFlag("marker");
        assertThat(subscriber.next(WAIT).body().get("changed").get(0).asText()).isEqualTo("marker");
        drain();
    }

    /** The next messages are exactly one per channel named, each with the environment's new version. */
    private void assertMessages(Map<String, List<String>> expected) throws Exception {
        Map<String, JsonNode> got = new java.util.HashMap<>();
        for (int i = 0; i < expected.size(); i++) {
            RedisSubscriber.Message m = subscriber.next(WAIT);
            got.put(m.channel(), m.body());
        }
        assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map.Entry<String, List<String>> e : expected.entrySet()) {
            JsonNode body = got.get(e.getKey());
            String envKey = e.getKey().substring(e.getKey().lastIndexOf(':') + 1);
            assertThat(body.get("tenant").asText()).isEqualTo("acme");
            assertThat(body.get("environment").asText()).isEqualTo(envKey);
            assertThat(body.get("version").asLong())
                    .isEqualTo(cp.get("/api/v1/environments/" + envKey, admin).json().get("version").asLong());
            List<String> changed = new ArrayList<>();
            body.get("changed").forEach(c -> changed.add(c.asText()));
            assertThat(changed).as(e.getKey()).containsExactlyElementsOf(e.getValue());
        }
    }
}
