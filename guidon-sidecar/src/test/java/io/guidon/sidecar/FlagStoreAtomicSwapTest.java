package io.guidon.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.testing.Poll;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers never see a half-applied flag set: while the watched file flips between two documents, concurrent bulk
 * and native evaluations on two event loops must each answer entirely from one document, and a native answer's
 * version must name that same document (publishes alternate, so odd versions are A and even ones are B).
 */
@ExtendWith(VertxExtension.class)
class FlagStoreAtomicSwapTest {

    private static final int FLAGS = 40;
    private static final int FLIPS = 16;
    private static final int LOOPS_PER_ENDPOINT = 2;

    /** Every flag serves {@code value}; document B also has a flag A lacks. */
    private static String document(String value, boolean extraFlag) {
        JsonObject flags = new JsonObject();
        for (int i = 0; i < FLAGS; i++) {
            flags.put(String.format("flag-%02d", i), new JsonObject().put("enabled", true)
                    .put("variants", new JsonObject().put("v", value)).put("offVariant", "v")
                    .put("fallthrough", new JsonObject().put("variant", "v")));
        }
        if (extraFlag) {
            flags.put("only-in-b", new JsonObject().put("enabled", true)
                    .put("variants", new JsonObject().put("v", value)).put("offVariant", "v")
                    .put("fallthrough", new JsonObject().put("variant", "v")));
        }
        return new JsonObject().put("flags", flags).encodePrettily();
    }

    private record Doc(String value, int size) {
    }

    private static final Doc A = new Doc("alpha", FLAGS);
    private static final Doc B = new Doc("bravo-2", FLAGS + 1);

    @Test
    void concurrentEvaluationsAlwaysSeeExactlyOneWholeDocument(Vertx vertx, @TempDir Path dir) throws Exception {
        Path file = FlagFiles.write(dir.resolve("flags.json"), document(A.value, false));
        try (SidecarFixture sidecar = SidecarFixture.start(vertx, file, "http.event-loops=2")) {
            Queue<String> violations = new ConcurrentLinkedQueue<>();
            Set<String> seen = ConcurrentHashMap.newKeySet();
            AtomicInteger answers = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch loopsDone = new CountDownLatch(2 * LOOPS_PER_ENDPOINT);
            for (int i = 0; i < LOOPS_PER_ENDPOINT; i++) {
                loop(sidecar, "/v1/evaluate", stop, loopsDone, body -> checkNative(body, violations, seen, answers));
                loop(sidecar, "/ofrep/v1/evaluate/flags", stop, loopsDone,
                        body -> checkBulk(body, violations, seen, answers));
            }

            for (int flip = 1; flip <= FLIPS; flip++) {
                int before = answers.get();
                Poll.until("answers on version " + flip, () -> answers.get() >= before + 5);
                boolean toB = flip % 2 == 1;
                FlagFiles.write(file, toB ? document(B.value, true) : document(A.value, false));
                long version = flip + 1;
                Poll.until("version " + version, () -> sidecar.version() == version);
            }
            stop.set(true);

            assertThat(loopsDone.await(10, TimeUnit.SECONDS)).as("request loops finished").isTrue();
            assertThat(violations).isEmpty();
            assertThat(answers.get()).isGreaterThan(FLIPS * 5);
            assertThat(seen).contains("native:A", "native:B", "bulk:A", "bulk:B");
            assertThat(sidecar.version()).isEqualTo(FLIPS + 1);
        }
    }

    private interface Check {
        void accept(String body);
    }

    /** Sends requests one after another on the client's event loop until {@code stop}. */
    private static void loop(SidecarFixture sidecar, String uri, AtomicBoolean stop, CountDownLatch done,
            Check check) {
        if (stop.get()) {
            done.countDown();
            return;
        }
        Future<HttpReply> reply = sidecar.send(HttpMethod.POST, uri, "{\"context\":{\"targetingKey\":\"u1\"}}");
        reply.onComplete(ar -> {
            if (ar.failed()) {
                check.accept("request failed: " + ar.cause());
            } else if (ar.result().status() != 200) {
                check.accept("status " + ar.result());
            } else {
                check.accept(ar.result().body());
            }
            loop(sidecar, uri, stop, done, check);
        });
    }

    private static void checkNative(String body, Queue<String> violations, Set<String> seen, AtomicInteger answers) {
        try {
            JsonObject json = new JsonObject(body);
            long version = json.getLong("version");
            Doc expected = version % 2 == 1 ? A : B;
            JsonObject flags = json.getJsonObject("flags");
            Set<String> values = new HashSet<>();
            for (String key : flags.fieldNames()) {
                values.add(flags.getJsonObject(key).getString("value"));
            }
            if (flags.size() != expected.size || !values.equals(Set.of(expected.value))) {
                violations.add("version " + version + " answered " + flags.size() + " flags with values " + values);
            }
            seen.add("native:" + (expected == A ? "A" : "B"));
            answers.incrementAndGet();
        } catch (RuntimeException e) {
            violations.add("unreadable answer " + body + ": " + e);
        }
    }

    private static void checkBulk(String body, Queue<String> violations, Set<String> seen, AtomicInteger answers) {
        try {
            JsonArray flags = new JsonObject(body).getJsonArray("flags");
            Set<String> values = new HashSet<>();
            boolean hasExtra = false;
            for (int i = 0; i < flags.size(); i++) {
                values.add(flags.getJsonObject(i).getString("value"));
                hasExtra |= flags.getJsonObject(i).getString("key").equals("only-in-b");
            }
            Doc doc = values.equals(Set.of(A.value)) ? A : values.equals(Set.of(B.value)) ? B : null;
            if (doc == null || flags.size() != doc.size || hasExtra != (doc == B)) {
                violations.add("bulk answered " + flags.size() + " flags with values " + values
                        + (hasExtra ? " including only-in-b" : ""));
            } else {
                seen.add("bulk:" + (doc == A ? "A" : "B"));
            }
            answers.incrementAndGet();
        } catch (RuntimeException e) {
            violations.add("unreadable answer " + body + ": " + e);
        }
    }
}
