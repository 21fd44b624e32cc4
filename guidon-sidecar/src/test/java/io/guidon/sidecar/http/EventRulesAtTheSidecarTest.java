package io.guidon.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.sidecar.FlagFiles;
import io.guidon.sidecar.HttpReply;
import io.guidon.sidecar.PrometheusText;
import io.guidon.sidecar.SidecarFixture;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The sidecar never records an event the control plane would refuse: {@code POST /v1/track} answers 400 with the
 * reason (and records nothing), and an evaluation whose exposure cannot be recorded is still served, its exposure
 * counted in {@code guidon_events_unrecordable_total{kind="exposure",reason}} instead.
 */
@ExtendWith(VertxExtension.class)
class EventRulesAtTheSidecarTest {

    static SidecarFixture sidecar;

    @BeforeAll
    static void start(Vertx vertx, @TempDir Path dir) throws Exception {
        sidecar = SidecarFixture.start(vertx, FlagFiles.install(dir.resolve("flags.json"), "flags.json"));
    }

    @AfterAll
    static void stop() {
        sidecar.close();
    }

    PrometheusText metrics() {
        return sidecar.metrics();
    }

    @Test
    void aConversionOfTheYear2020Is400AndNotRecorded() {
        HttpReply r = sidecar.post("/v1/track",
                "{\"targetingKey\":\"u\",\"event\":\"buy-2020\",\"timestamp\":\"2020-01-01T00:00:00Z\"}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("errorCode")).isEqualTo("PARSE_ERROR");
        assertThat(r.json().getString("errorDetails")).contains("\"timestamp\" 2020-01-01T00:00:00Z is older than 29"
                + " days").contains("events.max-event-age");
        assertThat(metrics().value("guidon_sink_track_events_total", "event", "buy-2020")).isNull();
    }

    @Test
    void aValueOf1e400Is400AndNotRecorded() {
        HttpReply r = sidecar.post("/v1/track", "{\"targetingKey\":\"u\",\"event\":\"buy-huge\",\"value\":1e400}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("errorCode")).isEqualTo("PARSE_ERROR");
        assertThat(r.json().getString("errorDetails")).contains("value").contains("1e400").contains("outside the range");
        assertThat(metrics().value("guidon_sink_track_events_total", "event", "buy-huge")).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "300-character key | {\"targetingKey\":\"KEY300\",\"event\":\"signup\"} | INVALID_CONTEXT | at most 256 characters, not 300",
        "NUL in the key | {\"targetingKey\":\"a\\u0000b\",\"event\":\"signup\"} | PARSE_ERROR | targetingKey",
        "lone surrogate in the key | {\"targetingKey\":\"a\\ud800\",\"event\":\"signup\"} | PARSE_ERROR | targetingKey",
        "negative overflow | {\"targetingKey\":\"u\",\"event\":\"signup\",\"value\":-1e999} | PARSE_ERROR | outside the range",
        "an hour ahead | {\"targetingKey\":\"u\",\"event\":\"signup\",\"timestamp\":\"AHEAD\"} | PARSE_ERROR | minutes ahead",
        "epoch millis of 1970 | {\"targetingKey\":\"u\",\"event\":\"signup\",\"timestamp\":0} | PARSE_ERROR | older than",
        "beyond epoch millis | {\"targetingKey\":\"u\",\"event\":\"signup\",\"timestamp\":\"+1000000000-01-01T00:00:00Z\"} | PARSE_ERROR | must be an ISO-8601 instant",
    })
    void anEventTheControlPlaneWouldRefuseIs400WithTheReason(String what, String body, String code, String details) {
        HttpReply r = sidecar.post("/v1/track", body.replace("KEY300", "k".repeat(300))
                .replace("AHEAD", Instant.now().plusSeconds(3600).toString()));

        assertThat(r.status()).as(what).isEqualTo(400);
        assertThat(r.json().getString("errorCode")).as(what).isEqualTo(code);
        assertThat(r.json().getString("errorDetails")).as(what).contains(details);
    }

    @Test
    void anEventAtTheEdgesOfTheRulesIsAccepted() {
        HttpReply r = sidecar.post("/v1/track", "{\"targetingKey\":\"" + "k".repeat(256) + "\",\"event\":\""
                + "e".repeat(128) + "\",\"value\":-1.7976931348623157e308,\"timestamp\":\""
                + Instant.now().minusSeconds(28 * 86_400) + "\"}");

        assertThat(r.status()).isEqualTo(202);
    }

    @Test
    void aTargetingKeyIsCountedInCharactersSo200EmojiAreAccepted() {
        // FINDINGS 10: 200 emoji (400 UTF-16 units) were refused as "at most 256 characters, not 400".
        String emoji = "\ud83d\ude00";
        double unrecordable = metrics().count("guidon_events_unrecordable_total", "kind", "exposure", "reason",
                "too-long");

        HttpReply accepted = sidecar.post("/v1/track", "{\"targetingKey\":\"" + emoji.repeat(200)
                + "\",\"event\":\"emoji-200\"}");
        HttpReply edge = sidecar.post("/v1/track", "{\"targetingKey\":\"" + emoji.repeat(256)
                + "\",\"event\":\"emoji-256\"}");
        HttpReply refused = sidecar.post("/v1/track", "{\"targetingKey\":\"" + emoji.repeat(257)
                + "\",\"event\":\"emoji-257\"}");
        HttpReply evaluated = sidecar.post("/ofrep/v1/evaluate/flags/button-color",
                "{\"context\":{\"targetingKey\":\"" + emoji.repeat(256) + "\"}}");
        HttpReply user = sidecar.get("/users/" + "%F0%9F%98%80".repeat(256) + "/flags");

        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        assertThat(edge.status()).as(edge.body()).isEqualTo(202);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().getString("errorDetails")).contains("at most 256 characters, not 257");
        assertThat(evaluated.status()).isEqualTo(200);
        assertThat(user.status()).as(user.body()).isEqualTo(200);
        assertThat(metrics().count("guidon_events_unrecordable_total", "kind", "exposure", "reason", "too-long"))
                .isEqualTo(unrecordable);
    }

    @Test
    void anEvaluationForA300CharacterKeyIsServedAndItsExposureCountedAsUnrecordable() {
        double before = metrics().count("guidon_events_unrecordable_total", "kind", "exposure", "reason", "too-long");
        double served = metrics().count("guidon_evaluations_total", "flag", "button-color", "variant", "green");
        double exposed = metrics().count("guidon_sink_exposures_total", "flag", "button-color", "variant", "green");

        HttpReply single = sidecar.get("/v1/flags/button-color?targetingKey=" + "k".repeat(300));
        HttpReply ofrep = sidecar.post("/ofrep/v1/evaluate/flags/button-color",
                "{\"context\":{\"targetingKey\":\"" + "k".repeat(300) + "\"}}");

        assertThat(single.status()).isEqualTo(200);
        assertThat(single.json().getString("value")).isEqualTo("green");
        assertThat(ofrep.status()).isEqualTo(200);
        assertThat(ofrep.json().getString("value")).isEqualTo("green");
        PrometheusText after = metrics();
        assertThat(after.count("guidon_events_unrecordable_total", "kind", "exposure", "reason", "too-long"))
                .isEqualTo(before + 2);
        // The evaluations themselves are still counted per flag and variant; no exposure is.
        assertThat(after.count("guidon_evaluations_total", "flag", "button-color", "variant", "green"))
                .isEqualTo(served + 2);
        assertThat(after.count("guidon_sink_exposures_total", "flag", "button-color", "variant", "green"))
                .isEqualTo(exposed);
    }

    @Test
    void anEvaluationForAKeyWithALoneSurrogateIsRefusedAtTheEdgeAndRecordsNothing() {
        // Text no store can hold is refused where the body is read (BoundedJson), before an exposure could exist;
        // EventRules refuses it again for exposures that do not come through HTTP.
        double exposures = sidecar.metrics().count("guidon_sink_exposures_total", "flag", "static-on", "variant", "on");

        HttpReply r = sidecar.post("/ofrep/v1/evaluate/flags/static-on", "{\"context\":{\"targetingKey\":\"\\ud800\"}}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("errorCode")).isEqualTo("PARSE_ERROR");
        assertThat(r.json().getString("errorDetails")).contains("context.targetingKey").contains("surrogate");
        assertThat(sidecar.metrics().count("guidon_sink_exposures_total", "flag", "static-on", "variant", "on"))
                .isEqualTo(exposures);
    }

    @Test
    void anOrdinaryEvaluationIsNotUnrecordable() {
        double before = metrics().samples("guidon_events_unrecordable_total").stream()
                .mapToDouble(PrometheusText.Sample::value).sum();

        assertThat(sidecar.get("/v1/flags/button-color?targetingKey=user-1").status()).isEqualTo(200);

        assertThat(metrics().samples("guidon_events_unrecordable_total").stream()
                .mapToDouble(PrometheusText.Sample::value).sum()).isEqualTo(before);
    }
}
