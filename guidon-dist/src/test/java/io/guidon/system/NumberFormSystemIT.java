package io.guidon.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.Harness.Resp;
import io.guidon.testing.Poll;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A float flag made through the control plane is served by a connected sidecar as a float, as the same flag from a
 * file is ({@code 2.0}, {@code 100.0}, {@code 1.0E20}, never {@code 2} or {@code 1E+2}): in the first full document,
 * after a delta (the sidecar re-reads the document it holds), and from the sidecar's disk cache with the control
 * plane down. Integer flags stay integers. Real control plane, PostgreSQL, Redis and sidecar over loopback.
 */
class NumberFormSystemIT extends OneSystemPerClass {


    @Test
    void floatFlagsMadeThroughTheApiAreServedAsFloatsAndIntegerFlagsAsIntegersOnEveryHop() throws Exception {
        create("ratio", "{\"a\":2.0,\"b\":3.0}");
        create("hundred", "{\"a\":100.0,\"b\":1}");
        create("huge", "{\"a\":1e20,\"b\":1}");
        create("count", "{\"a\":2,\"b\":3}");
        long v = system.version();

        try (SidecarNode s = system.connectedSidecar("numbers", v)) {
            assertServed(s, "full document");

            // A delta: the sidecar merges it into the document it holds and compiles the result.
            create("later", "{\"a\":5e-1,\"b\":7}");
            long v2 = system.version();
            Poll.until("the sidecar has version " + v2, Duration.ofSeconds(10),
                    () -> s.health().path("flagSet").path("version").asLong() == v2);
            assertServed(s, "after a delta");
            assertThat(value(s, "later")).isEqualTo("0.5");

            // From the disk cache alone: the control plane is down while the sidecar restarts.
            s.stop();
            system.cp.stop();
            try {
                s.start();
                Poll.until("the restarted sidecar serves from its cache", Duration.ofSeconds(10),
                        () -> s.readyStatus() == 200);
                assertServed(s, "from the cache");
                assertThat(value(s, "later")).isEqualTo("0.5");
            } finally {
                system.cp.restart();
            }
        }
    }

    private static void assertServed(SidecarNode s, String when) {
        assertThat(value(s, "ratio")).as(when).isEqualTo("2.0");
        assertThat(value(s, "hundred")).as(when).isEqualTo("100.0");
        assertThat(value(s, "huge")).as(when).isEqualTo("1.0E20");
        assertThat(value(s, "count")).as(when).isEqualTo("2");
    }

    private static void create(String key, String variants) {
        Resp r = system.api().call("POST", "/api/v1/flags", system.adminKey, "{\"key\":\"" + key
                + "\",\"variants\":" + variants + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    /** The OFREP value of a (disabled, so its off variant 'a') flag exactly as written on the wire. */
    private static String value(SidecarNode s, String flag) {
        Resp r = s.post("/ofrep/v1/evaluate/flags/" + flag, "{\"context\":{\"targetingKey\":\"u\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"value\":([^,}]*)").matcher(r.body());
        assertThat(m.find()).as(r.body()).isTrue();
        return m.group(1);
    }
}
