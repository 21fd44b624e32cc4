package io.guidon.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload of the watched flag file, seen over HTTP: a valid version replaces the served one, an invalid one is
 * rejected and counted while the last good set keeps serving, and fixing it applies the next version.
 */
@ExtendWith(VertxExtension.class)
class FileFlagSourceTest {

    @TempDir
    Path dir;
    Path file;
    SidecarFixture sidecar;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        file = FlagFiles.install(dir.resolve("flags.json"), "flags.json");
        sidecar = SidecarFixture.start(vertx, file);
    }

    @AfterEach
    void stop() {
        sidecar.close();
    }

    private PrometheusText metrics() {
        HttpReply r = sidecar.management("/metrics");
        assertThat(r.status()).isEqualTo(200);
        return new PrometheusText(r.body());
    }

    private double rejected() {
        return metrics().value("guidon_flagset_reloads_total", "result", "rejected");
    }

    private HttpReply staticOn() {
        return sidecar.get("/v1/flags/static-on");
    }

    @Test
    void validNewVersionIsServedAsVersion2() {
        HttpReply before = staticOn();

        FlagFiles.install(file, "flags-v2.json");
        HttpReply after = Poll.until("version 2 served", this::staticOn, r -> r.json().getLong("version") == 2);

        assertThat(before.status()).isEqualTo(200);
        assertThat(before.json()).isEqualTo(new JsonObject().put("key", "static-on").put("value", true)
                .put("variant", "on").put("reason", "STATIC").put("version", 1));
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.json()).isEqualTo(new JsonObject().put("key", "static-on").put("value", false)
                .put("variant", "off").put("reason", "STATIC").put("version", 2));
        assertThat(sidecar.post("/ofrep/v1/evaluate/flags/button-color", "{}").json().getString("value"))
                .isEqualTo("blue");
        HttpReply document = sidecar.get("/v1/flags");
        assertThat(document.header("ETag")).matches("\"[A-Za-z0-9_-]{43}\\.2\\.\\d+\"")
                .startsWith("\"" + sidecar.main().store().current().flags().contentHash() + ".");
        assertThat(document.json().getJsonObject("document")).isEqualTo(new JsonObject(
                FlagFiles.resource("flags-v2.json")));
        assertThat(sidecar.get("/readyz").json().getLong("version")).isEqualTo(2);
        PrometheusText m = metrics();
        assertThat(m.value("guidon_flagset_version")).isEqualTo(2.0);
        assertThat(m.value("guidon_flagset_reloads_total", "result", "applied")).isEqualTo(2.0);
        assertThat(m.value("guidon_flagset_reloads_total", "result", "rejected")).isEqualTo(0.0);
    }

    @Test
    void invalidVersionIsRejectedAndCountedWhileTheLastGoodSetServesThenTheFixIsVersion3() {
        FlagFiles.install(file, "flags-v2.json");
        Poll.until("version 2", () -> sidecar.version() == 2);

        FlagFiles.install(file, "flags-invalid.json");
        Poll.until("the rejection counted", () -> rejected() == 1.0);

        HttpReply stillV2 = staticOn();
        assertThat(stillV2.status()).isEqualTo(200);
        assertThat(stillV2.json().getBoolean("value")).isFalse();
        assertThat(stillV2.json().getLong("version")).isEqualTo(2);
        assertThat(sidecar.get("/readyz").status()).isEqualTo(200);
        assertThat(sidecar.get("/v1/flags").json().getJsonObject("document"))
                .isEqualTo(new JsonObject(FlagFiles.resource("flags-v2.json")));
        assertThat(metrics().value("guidon_flagset_version")).isEqualTo(2.0);

        FlagFiles.install(file, "flags-v3.json");
        HttpReply v3 = Poll.until("version 3", () -> sidecar.get("/v1/flags/switched-off"),
                r -> r.json().getLong("version") == 3);

        assertThat(v3.status()).isEqualTo(200);
        assertThat(v3.json()).isEqualTo(new JsonObject().put("key", "switched-off").put("value", true)
                .put("variant", "on").put("reason", "STATIC").put("version", 3));
        assertThat(staticOn().json().getBoolean("value")).isTrue();
        PrometheusText m = metrics();
        assertThat(m.value("guidon_flagset_version")).isEqualTo(3.0);
        assertThat(m.value("guidon_flagset_reloads_total", "result", "rejected")).isEqualTo(1.0);
        assertThat(m.value("guidon_flagset_reloads_total", "result", "applied")).isEqualTo(3.0);
    }

    /** Segments s0 -> s1 -> ... -> s(n-1) and a flag whose rule uses s0: beyond the segment nesting limit. */
    private static String segmentChain(int n) {
        StringBuilder doc = new StringBuilder("{\"segments\":{");
        for (int i = 0; i < n; i++) {
            doc.append(i == 0 ? "" : ",").append("\"s").append(i).append("\":{\"rules\":[")
                    .append(i + 1 < n ? "{\"segment\":\"s" + (i + 1) + "\"}"
                            : "{\"attribute\":\"plan\",\"op\":\"in\",\"values\":[\"pro\"]}")
                    .append("]}");
        }
        return doc.append("},\"flags\":{\"static-on\":{\"enabled\":true,\"variants\":{\"on\":true,\"off\":false},")
                .append("\"offVariant\":\"off\",\"rules\":[{\"id\":\"r\",\"when\":{\"segment\":\"s0\"},")
                .append("\"serve\":{\"variant\":\"off\"}}],\"fallthrough\":{\"variant\":\"off\"}}}}").toString();
    }

    @Test
    void longSegmentChainsAreRejectedAndCountedWhileTheLastGoodSetServes() {
        // Issue 9: a 2,000 chain was applied and then failed every evaluation; a 3,000 chain was dropped without
        // a log line or a count (StackOverflowError in the compiler).
        FlagFiles.write(file, segmentChain(2_000));
        Poll.until("the 2,000 chain rejected", () -> rejected() == 1.0);
        FlagFiles.write(file, segmentChain(3_000));
        Poll.until("the 3,000 chain rejected", () -> rejected() == 2.0);

        HttpReply r = staticOn();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().getBoolean("value")).isTrue();
        assertThat(r.json().getLong("version")).isEqualTo(1);
        assertThat(metrics().value("guidon_flagset_reloads_total", "result", "applied")).isEqualTo(1.0);
    }

    @Test
    void malformedJsonAndEmptyFilesAreRejectedToo() {
        FlagFiles.write(file, "{\"flags\": {");
        Poll.until("the malformed file rejected", () -> rejected() == 1.0);
        FlagFiles.write(file, "");
        Poll.until("the empty file rejected", () -> rejected() == 2.0);

        HttpReply r = staticOn();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().getBoolean("value")).isTrue();
        assertThat(r.json().getLong("version")).isEqualTo(1);
    }

    @Test
    void aDeletedFileKeepsTheLastGoodSetServingUntilItReturns() throws Exception {
        Files.delete(file);
        FlagFiles.install(dir.resolve("elsewhere.json"), "flags.json");
        // A missing file has no event to wait for: keep asking for six watch intervals (50 ms each).
        long until = System.nanoTime() + Duration.ofMillis(300).toNanos();
        int answers = 0;
        while (System.nanoTime() < until) {
            HttpReply r = staticOn();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().getLong("version")).isEqualTo(1);
            assertThat(sidecar.get("/readyz").status()).isEqualTo(200);
            answers++;
        }
        assertThat(answers).isPositive();

        FlagFiles.install(file, "flags-v2.json");

        HttpReply back = Poll.until("version 2", this::staticOn, r -> r.json().getLong("version") == 2);
        assertThat(back.json().getBoolean("value")).isFalse();
        assertThat(rejected()).isZero();
    }

    @Test
    void anInvalidFileAtStartLeavesTheSidecarNotReadyUntilFixed(Vertx vertx) throws Exception {
        Path broken = FlagFiles.install(dir.resolve("broken.json"), "flags-invalid.json");
        try (SidecarFixture notReady = SidecarFixture.start(vertx, broken)) {
            HttpReply ready = notReady.get("/readyz");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().getString("reason")).isEqualTo("no flag set loaded yet");
            assertThat(notReady.metrics()
                    .value("guidon_flagset_reloads_total", "result", "rejected")).isEqualTo(1.0);

            FlagFiles.install(broken, "flags.json");

            HttpReply fixed = Poll.until("ready", () -> notReady.get("/readyz"), r -> r.status() == 200);
            assertThat(fixed.json()).isEqualTo(new JsonObject().put("status", "READY").put("version", 1));
        }
    }
}
