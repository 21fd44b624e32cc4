package io.guidon.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.sidecar.SseStream;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;

/** What system tests expect of a sidecar's {@code /v1/stream}. */
final class Streams {

    private Streams() {
    }

    /** Reads the opening of a new stream (the retry block, then hello) and returns the version it greets with. */
    static long hello(SseStream stream) {
        assertThat(stream.next().retry()).as("the stream opens with its retry delay").isNotNull();
        SseStream.Event hello = stream.next();
        assertThat(hello.event()).isEqualTo("hello");
        return new JsonObject(hello.data()).getLong("version");
    }

    /**
     * Waits for the {@code flags-changed} event of {@code version} (skipping those of earlier versions) and checks
     * that it names {@code flag}.
     */
    static JsonObject changed(SseStream stream, long version, String flag, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isNegative()) {
                throw new AssertionError("no flags-changed event of version " + version + " within " + timeout);
            }
            SseStream.Event e = stream.next(left);
            assertThat(e.event()).as("event %s", e).isEqualTo("flags-changed");
            JsonObject data = new JsonObject(e.data());
            assertThat(data.getString("type")).isEqualTo("flags-changed");
            assertThat(e.id()).as("the event id is the version").isEqualTo(String.valueOf(data.getLong("version")));
            long v = data.getLong("version");
            if (v == version) {
                assertThat(data.getJsonArray("changed").getList()).as("changed flags of %s", e).contains(flag);
                return data;
            }
            assertThat(v).as("versions arrive in order, up to %s", version).isLessThan(version);
        }
    }
}
