package io.guidon.controlplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every pair of admin write kinds, run against each other at the same moment on overlapping resources, round after
 * round, with several pairs in flight at once: no answer is a 5xx (no deadlock, no foreign-key violation escapes),
 * every 2xx has exactly its audit entry and every refusal none, each 2xx body is its entry's {@code after}, and
 * replaying the audit log gives exactly what GET shows at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminWriteConcurrencyIT {

    /** Rounds over all 91 pairs (13 kinds, each also against itself). */
    private static final int ROUNDS = 2;
    /** Pairs in flight at once. */
    private static final int PARALLEL_PAIRS = 4;
    private static final String V1 = "/api/v1";
    private static final Map<String, Object> BOOLEAN = Map.of("on", true, "off", false);

    enum Kind {
        FLAG_CREATE, FLAG_UPDATE, FLAG_DELETE, TOGGLE, ROLLOUT, CONFIG_PUT, SEGMENT_CREATE, SEGMENT_UPDATE,
        SEGMENT_DELETE, ENV_CREATE, ENV_DELETE, KEY_CREATE, KEY_REVOKE
    }

    /** One request made and its answer; {@code write}: it asked for a change (its audit entries are checked). */
    record Done(String label, String method, String path, String requestId, boolean write, Resp resp) {
        boolean ok() {
            return resp.status() >= 200 && resp.status() < 300;
        }

        @Override
        public String toString() {
            return label + " " + method + " " + path + " -> " + resp;
        }
    }

    Harness cp;
    String admin;
    final ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();
    final AtomicInteger tags = new AtomicInteger();

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of());
        admin = cp.bootstrap("acme");
        call("setup", "POST", V1 + "/environments", Map.of("key", "e0"), null, true);
        call("setup", "POST", V1 + "/flags", Map.of("key", "t", "variants", BOOLEAN), null, true);
    }

    @AfterAll
    void stop() {
        cp.close();
    }

    private Resp call(String label, String method, String path, Object body, String ifMatch, boolean write) {
        String id = UUID.randomUUID().toString();
        Resp r = ifMatch == null ? cp.call(method, path, admin, body, "X-Request-Id", id)
                : cp.call(method, path, admin, body, "X-Request-Id", id, "If-Match", ifMatch);
        done.add(new Done(label, method, path, id, write, r));
        return r;
    }

    /** Makes what the pair needs; asserts it was made (setup must not fail). */
    private Resp prepare(String method, String path, Object body) {
        Resp r = call("prepare", method, path, body, null, true);
        assertThat(r.status()).as("preparing: " + method + " " + path + " -> " + r).isBetween(200, 299);
        return r;
    }

    /**
     * The resource's ETag now, read just before the write: the other side (and other pairs) may change it meanwhile, and
     * a write made against a stale one is refused with 412, which the checks accept as any refusal. ({@code If-Match:
     * *} is a 428: a change names the version it was made against.)
     */
    private String etag(String path) {
        String etag = cp.get(path, admin).header("ETag");
        return etag == null ? "\"none\"" : etag;
    }

    /** What one side of a pair does, given the pair's tag, target environment and prepared key. */
    private Runnable op(Kind kind, int side, int tag, String env, String keyId) {
        String label = kind + "#" + tag + "." + side;
        String envFlag = V1 + "/environments/" + env + "/flags/t";
        String segments = V1 + "/environments/" + env + "/segments";
        return switch (kind) {
            case FLAG_CREATE -> () -> call(label, "POST", V1 + "/flags",
                    Map.of("key", "c" + tag, "variants", BOOLEAN), null, true);
            case FLAG_UPDATE -> () -> call(label, "PUT", V1 + "/flags/t",
                    Map.of("description", "u" + tag + "." + side, "variants", BOOLEAN), etag(V1 + "/flags/t"),
                    true);
            case FLAG_DELETE -> () -> call(label, "DELETE", V1 + "/flags/d" + tag, null, null, true);
            case TOGGLE -> () -> call(label, "PUT", envFlag + "/enabled", Map.of("enabled", side == 0), null, true);
            case ROLLOUT -> () -> call(label, "PUT", envFlag + "/rollout", Map.of("percentage", 10 + side), null,
                    true);
            case CONFIG_PUT -> () -> call(label, "PUT", envFlag, Map.of("enabled", side == 1, "offVariant", "off",
                    "fallthrough", Map.of("variant", side == 0 ? "on" : "off")), etag(envFlag), true);
            case SEGMENT_CREATE -> () -> call(label, "POST", segments,
                    Map.of("key", "n" + tag, "included", List.of("u" + side)), null, true);
            case SEGMENT_UPDATE -> () -> call(label, "PUT", segments + "/s" + tag,
                    Map.of("included", List.of("w" + side)), etag(segments + "/s" + tag), true);
            case SEGMENT_DELETE -> () -> call(label, "DELETE", segments + "/s" + tag, null, null, true);
            case ENV_CREATE -> () -> call(label, "POST", V1 + "/environments", Map.of("key", "n" + tag), null, true);
            case ENV_DELETE -> () -> call(label, "DELETE", V1 + "/environments/v" + tag, null, null, true);
            case KEY_CREATE -> () -> call(label, "POST", V1 + "/keys",
                    Map.of("name", "s" + tag + "." + side, "role", "sidecar", "environment", env), null, true);
            case KEY_REVOKE -> () -> call(label, "DELETE", V1 + "/keys/" + keyId, null, null, true);
        };
    }

    /** Prepares the pair's resources, runs both sides at the same moment, and removes the environments it made. */
    private void runPair(Kind a, Kind b, ExecutorService sides) throws Exception {
        int tag = tags.incrementAndGet();
        Set<Kind> kinds = EnumSet.of(a, b);
        String env = "e0";
        if (kinds.contains(Kind.ENV_DELETE)) {
            env = "v" + tag;
            prepare("POST", V1 + "/environments", Map.of("key", env));
        }
        if (kinds.contains(Kind.FLAG_DELETE)) {
            prepare("POST", V1 + "/flags", Map.of("key", "d" + tag, "variants", BOOLEAN));
        }
        if (kinds.contains(Kind.SEGMENT_UPDATE) || kinds.contains(Kind.SEGMENT_DELETE)) {
            prepare("POST", V1 + "/environments/" + env + "/segments", Map.of("key", "s" + tag, "included",
                    List.of("u")));
        }
        String keyId = null;
        if (kinds.contains(Kind.KEY_REVOKE)) {
            keyId = prepare("POST", V1 + "/keys", Map.of("name", "r" + tag, "role", "viewer")).json().get("id")
                    .asText();
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        Kind[] pair = {a, b};
        for (int side = 0; side < 2; side++) {
            Runnable r = op(pair[side], side, tag, env, keyId);
            running.add(sides.submit(() -> {
                go.await();
                r.run();
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : running) {
            f.get(60, TimeUnit.SECONDS);
        }
        cleanUp(tag, env);
    }

    /** Revokes the sidecar keys made for the pair's environments and deletes them, so few environments exist. */
    private void cleanUp(int tag, String env) {
        for (String e : List.of(env, "n" + tag)) {
            if (e.equals("e0")) {
                continue;
            }
            for (Done d : done) {
                if (d.label().startsWith(Kind.KEY_CREATE + "#" + tag + ".") && d.ok()
                        && e.equals(d.resp().json().get("environment").asText())) {
                    call("clean-up", "DELETE", V1 + "/keys/" + d.resp().json().get("id").asText(), null, null, true);
                }
            }
            Resp r = call("clean-up", "DELETE", V1 + "/environments/" + e, null, null, true);
            assertThat(r.status()).as("clean-up of " + e + ": " + r).isIn(204, 404);
        }
    }

    @Test
    void everyPairOfWriteKindsRunAtTheSameMomentNeverFailsAndTheAuditLogAndStateAgreeWithTheAnswers()
            throws Exception {
        List<Kind[]> pairs = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            for (Kind a : Kind.values()) {
                for (Kind b : Kind.values()) {
                    if (a.ordinal() <= b.ordinal()) {
                        pairs.add(new Kind[] {a, b});
                    }
                }
            }
        }
        long seed = System.nanoTime();
        Collections.shuffle(pairs, new Random(seed));
        ExecutorService workers = Executors.newFixedThreadPool(PARALLEL_PAIRS);
        ExecutorService sides = Executors.newFixedThreadPool(PARALLEL_PAIRS * 2);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (Kind[] p : pairs) {
                all.add(workers.submit(() -> {
                    runPair(p[0], p[1], sides);
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            workers.shutdownNow();
            sides.shutdownNow();
        }

        List<Done> failed = done.stream().filter(d -> d.resp().status() >= 500).toList();
        assertThat(failed).as("answers with 5xx (shuffle seed " + seed + ")").isEmpty();
        for (Done d : done) {
            assertThat(d.resp().status()).as(d.toString()).isIn(200, 201, 204, 404, 409, 412, 422);
        }
        // Each kind succeeded at least once: the pairs really changed things.
        for (Kind k : Kind.values()) {
            assertThat(done).as(k + " succeeded at least once")
                    .anyMatch(d -> d.label().startsWith(k + "#") && d.ok());
        }

        List<JsonNode> audit = readAll(V1 + "/audit?limit=200");
        Collections.reverse(audit); // oldest first
        auditMatchesAnswers(audit);
        stateMatchesAuditLog(audit);
    }

    @Test
    void aSidecarKeyForAnEnvironmentBeingDeletedIsEither404OrBlocksTheDeletionNever500() throws Exception {
        ExecutorService sides = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                String env = "race" + round;
                prepare("POST", V1 + "/environments", Map.of("key", env));
                CountDownLatch go = new CountDownLatch(1);
                Future<Resp> key = sides.submit(() -> {
                    go.await();
                    return call("race", "POST", V1 + "/keys", Map.of("name", env, "role", "sidecar", "environment",
                            env), null, true);
                });
                Future<Resp> delete = sides.submit(() -> {
                    go.await();
                    return call("race", "DELETE", V1 + "/environments/" + env, null, null, true);
                });
                go.countDown();
                Resp k = key.get(60, TimeUnit.SECONDS);
                Resp d = delete.get(60, TimeUnit.SECONDS);
                if (k.status() == 201) {
                    // The key came first: the deletion saw it and refused, naming why.
                    assertThat(d.status()).as(d.toString()).isEqualTo(409);
                    assertThat(d.json().get("detail").asText()).contains("active sidecar key");
                    call("clean-up", "DELETE", V1 + "/keys/" + k.json().get("id").asText(), null, null, true);
                    assertThat(call("clean-up", "DELETE", V1 + "/environments/" + env, null, null, true).status())
                            .isEqualTo(204);
                } else {
                    // The deletion came first: the key's environment is gone.
                    assertThat(k.status()).as(k.toString()).isEqualTo(404);
                    assertThat(k.json().get("detail").asText()).contains("no environment '" + env + "'");
                    assertThat(d.status()).as(d.toString()).isEqualTo(204);
                }
            }
        } finally {
            sides.shutdownNow();
        }
    }

    private List<JsonNode> readAll(String path) {
        List<JsonNode> items = new ArrayList<>();
        String cursor = null;
        do {
            Resp r = cp.get(path + (cursor == null ? "" : "&cursor=" + cursor), admin);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            r.json().get("items").forEach(items::add);
            JsonNode next = r.json().get("nextCursor");
            cursor = next == null || next.isNull() ? null : next.asText();
        } while (cursor != null);
        return items;
    }

    private void auditMatchesAnswers(List<JsonNode> audit) {
        Map<String, List<JsonNode>> byRequest = new HashMap<>();
        for (JsonNode e : audit) {
            byRequest.computeIfAbsent(e.get("requestId").asText(), x -> new ArrayList<>()).add(e);
        }
        Set<String> answered = new TreeSet<>();
        for (Done d : done) {
            answered.add(d.requestId());
            List<JsonNode> entries = byRequest.getOrDefault(d.requestId(), List.of());
            if (!d.ok()) {
                assertThat(entries).as("a refused request leaves no audit entry: " + d).isEmpty();
                continue;
            }
            if (entries.isEmpty() && d.method().equals("DELETE") && d.path().startsWith(V1 + "/keys/")) {
                // Revoking a revoked key changes nothing and is answered with the key as the other revocation left it.
                JsonNode revokedBy = audit.stream().filter(e -> e.get("action").asText().equals("key.revoke")
                        && e.get("resource").asText().equals(d.resp().json().get("id").asText())).findFirst()
                        .orElseThrow(() -> new AssertionError("a revoke without any key.revoke entry: " + d));
                assertThat(d.resp().json()).as(d.toString()).isEqualTo(revokedBy.get("after"));
                continue;
            }
            assertThat(entries).as("a 2xx change has exactly its audit entry: " + d).hasSize(1);
            JsonNode after = entries.get(0).get("after");
            if (d.resp().status() == 204) {
                assertThat(after.isNull()).as(d.toString()).isTrue();
            } else {
                ObjectNode body = (ObjectNode) d.resp().json();
                if (body.has("role") && body.has("prefix")) {
                    body.remove("key"); // a new API key's secret is answered once and never recorded
                }
                assertThat((JsonNode) body).as("the answer is what the audit entry recorded: " + d).isEqualTo(after);
            }
        }
        for (JsonNode e : audit) {
            String id = e.get("requestId").asText();
            if (!id.startsWith("bootstrap-")) {
                assertThat(answered).as("an audit entry of no request made: " + e).contains(id);
            }
        }
    }

    /** Replays the audit log and compares the result with what the API shows now. */
    private void stateMatchesAuditLog(List<JsonNode> audit) {
        Map<String, JsonNode> envs = new TreeMap<>();
        Map<String, JsonNode> flags = new TreeMap<>();
        Map<String, JsonNode> configs = new TreeMap<>(); // "env/flag" -> last configuration entry, or null: default
        Map<String, JsonNode> segments = new TreeMap<>(); // "env/segment"
        Map<String, JsonNode> keys = new TreeMap<>();
        for (JsonNode e : audit) {
            String action = e.get("action").asText();
            String key = e.get("resource").asText();
            String env = e.get("environment").asText(null);
            JsonNode after = e.get("after");
            switch (action) {
                case "environment.create" -> {
                    envs.put(key, after);
                    flags.keySet().forEach(f -> configs.put(key + "/" + f, null));
                }
                case "environment.update" -> envs.put(key, after);
                case "environment.delete" -> {
                    envs.remove(key);
                    configs.keySet().removeIf(k -> k.startsWith(key + "/"));
                    segments.keySet().removeIf(k -> k.startsWith(key + "/"));
                    keys.values().removeIf(k -> key.equals(k.get("environment").asText(null)));
                }
                case "flag.create" -> {
                    flags.put(key, after);
                    envs.keySet().forEach(x -> configs.put(x + "/" + key, null));
                }
                case "flag.update" -> flags.put(key, after);
                case "flag.delete" -> {
                    flags.remove(key);
                    configs.keySet().removeIf(k -> k.endsWith("/" + key));
                }
                case "flag.enable", "flag.disable", "flag.rollout", "flag.configure" -> configs.put(env + "/" + key,
                        after);
                case "segment.create", "segment.update" -> segments.put(env + "/" + key, after);
                case "segment.delete" -> segments.remove(env + "/" + key);
                case "key.create", "key.revoke" -> keys.put(key, after);
                case "tenant.create" -> {
                }
                default -> throw new AssertionError("an audit action this test does not know: " + e);
            }
        }

        Map<String, JsonNode> envsNow = byKey(readAll(V1 + "/environments?limit=200"), "key");
        assertThat(envsNow.keySet()).isEqualTo(envs.keySet());
        envs.forEach((k, after) -> {
            for (String field : List.of("name", "description", "revision", "createdAt", "updatedAt")) {
                assertThat(envsNow.get(k).get(field)).as("environment " + k + " " + field).isEqualTo(after.get(field));
            }
        });
        Map<String, JsonNode> flagsNow = byKey(readAll(V1 + "/flags?limit=200"), "key");
        assertThat(flagsNow).isEqualTo(flags);
        for (String env : envs.keySet()) {
            Map<String, JsonNode> inEnv = byKey(readAll(V1 + "/environments/" + env + "/flags?limit=200"), "key");
            assertThat(inEnv.keySet()).as("flags in " + env).isEqualTo(flags.keySet());
            inEnv.forEach((f, now) -> {
                JsonNode last = configs.get(env + "/" + f);
                if (last == null) {
                    assertThat(now.get("enabled").asBoolean()).as(env + "/" + f + " is as created").isFalse();
                    assertThat(now.get("revision").asInt()).as(env + "/" + f + " revision").isEqualTo(1);
                } else {
                    for (String field : new String[] {"enabled", "offVariant", "prerequisites", "targets", "rules",
                            "fallthrough", "revision"}) {
                        assertThat(now.get(field)).as(env + "/" + f + " " + field).isEqualTo(last.get(field));
                    }
                }
            });
            Map<String, JsonNode> segmentsNow = byKey(readAll(V1 + "/environments/" + env + "/segments?limit=200"),
                    "key");
            Map<String, JsonNode> expected = new TreeMap<>();
            segments.forEach((k, v) -> {
                if (k.startsWith(env + "/")) {
                    expected.put(k.substring(env.length() + 1), v);
                }
            });
            assertThat(segmentsNow).as("segments of " + env).isEqualTo(expected);
        }
        Map<String, JsonNode> keysNow = byKey(readAll(V1 + "/keys?limit=200"), "id");
        assertThat(keysNow.keySet()).isEqualTo(keys.keySet());
        keys.forEach((id, after) -> {
            ObjectNode now = ((ObjectNode) keysNow.get(id)).deepCopy();
            ObjectNode expected = ((ObjectNode) after).deepCopy();
            now.remove("lastUsedAt"); // the admin key's use is not a change
            expected.remove("lastUsedAt");
            assertThat((JsonNode) now).as("key " + id).isEqualTo(expected);
        });
    }

    private static Map<String, JsonNode> byKey(List<JsonNode> items, String field) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        for (JsonNode i : items) {
            m.put(i.get(field).asText(), i);
        }
        return new TreeMap<>(m);
    }
}
