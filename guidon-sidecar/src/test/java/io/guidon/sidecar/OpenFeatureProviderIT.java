package io.guidon.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.contrib.providers.ofrep.OfrepProvider;
import dev.openfeature.contrib.providers.ofrep.OfrepProviderOptions;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Reason;
import dev.openfeature.sdk.Structure;
import dev.openfeature.sdk.Value;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official OpenFeature Java SDK with its OFREP provider against a real sidecar over loopback HTTP: every flag
 * type comes back as its Java type with the sidecar's variant and reason, every error code the protocol can carry
 * reaches the client as OpenFeature reports it, and a client polling the bulk endpoint with its ETag sees a flag
 * that changed while the sidecar was down.
 */
@ExtendWith(VertxExtension.class)
class OpenFeatureProviderIT {

    private static final EvaluationContext U1 = new ImmutableContext("u1");

    private final OpenFeatureAPI api = OpenFeatureAPI.getInstance();
    private final String domain = "guidon-" + UUID.randomUUID();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void shutdown() {
        api.shutdown();
    }

    private Client client(SidecarFixture sidecar) {
        api.setProviderAndWait(domain, OfrepProvider.constructProvider(OfrepProviderOptions.builder()
                .baseUrl("http://127.0.0.1:" + sidecar.port()).requestTimeout(Duration.ofSeconds(5)).build()));
        return api.getClient(domain);
    }

    private static SidecarFixture sidecar(Vertx vertx, Path file) throws Exception {
        return SidecarFixture.start(vertx, file);
    }

    @Test
    void everyFlagTypeArrivesTypedWithItsVariantAndReason(Vertx vertx, @TempDir Path dir) throws Exception {
        try (SidecarFixture sidecar = sidecar(vertx, FlagFiles.install(dir.resolve("f.json"), "openfeature-flags.json"))) {
            Client client = client(sidecar);

            FlagEvaluationDetails<Boolean> bool = client.getBooleanDetails("kill-switch", false, U1);
            FlagEvaluationDetails<String> string = client.getStringDetails("banner", "none",
                    new ImmutableContext("u1", Map.of("country", new Value("DE"))));
            FlagEvaluationDetails<Integer> integer = client.getIntegerDetails("page-size", 0, U1);
            FlagEvaluationDetails<Double> floating = client.getDoubleDetails("price-factor", -1.0, U1);
            FlagEvaluationDetails<Double> hundred = client.getDoubleDetails("price-factor", -1.0,
                    new ImmutableContext("u1", Map.of("plan", new Value("vip"))));
            FlagEvaluationDetails<Value> object = client.getObjectDetails("layout", new Value("none"), U1);
            FlagEvaluationDetails<Boolean> split = client.getBooleanDetails("gradual", false, U1);
            FlagEvaluationDetails<Boolean> prerequisite = client.getBooleanDetails("needs-kill-switch-off", true, U1);

            assertThat(bool.getValue()).isTrue();
            assertThat(bool.getErrorCode()).isNull();
            assertThat(bool.getReason()).isEqualTo(Reason.STATIC.name());
            assertThat(bool.getVariant()).isEqualTo("on");
            assertThat(string.getValue()).isEqualTo("green");
            assertThat(string.getReason()).isEqualTo(Reason.TARGETING_MATCH.name());
            assertThat(string.getFlagMetadata().getString("owner")).isEqualTo("growth");
            assertThat(string.getFlagMetadata().getDouble("weight")).isEqualTo(100.0);
            assertThat(string.getFlagMetadata().getInteger("rank")).isEqualTo(3);
            assertThat(integer.getValue()).isEqualTo(50);
            assertThat(integer.getErrorCode()).isNull();
            // 2.0 and 100.0 on the wire: read as doubles, not as the integers 2 and 1E+2 once made them.
            assertThat(floating.getErrorCode()).as(floating.getErrorMessage()).isNull();
            assertThat(floating.getValue()).isEqualTo(2.0);
            assertThat(hundred.getErrorCode()).as(hundred.getErrorMessage()).isNull();
            assertThat(hundred.getValue()).isEqualTo(100.0);
            assertThat(object.getErrorCode()).isNull();
            Structure layout = object.getValue().asStructure();
            assertThat(layout.getValue("columns").asInteger()).isEqualTo(3);
            assertThat(layout.getValue("ratio").asDouble()).isEqualTo(1.0);
            assertThat(layout.getValue("tags").asList()).extracting(Value::asString).containsExactly("a", "b");
            assertThat(split.getReason()).isEqualTo(Reason.SPLIT.name());
            assertThat(prerequisite.getValue()).isFalse();
            assertThat(prerequisite.getReason()).isEqualTo(Reason.DISABLED.name());
        }
    }

    @Test
    void everyErrorCodeReachesTheClient(Vertx vertx, @TempDir Path dir) throws Exception {
        try (SidecarFixture sidecar = sidecar(vertx, FlagFiles.install(dir.resolve("f.json"), "openfeature-flags.json"))) {
            Client client = client(sidecar);

            FlagEvaluationDetails<Boolean> notFound = client.getBooleanDetails("no-such-flag", true, U1);
            FlagEvaluationDetails<String> wrongType = client.getStringDetails("kill-switch", "default", U1);
            FlagEvaluationDetails<Integer> floatAsInteger = client.getIntegerDetails("price-factor", 7, U1);
            FlagEvaluationDetails<Boolean> noKey = client.getBooleanDetails("gradual", true, new ImmutableContext());
            FlagEvaluationDetails<Boolean> tooLarge = client.getBooleanDetails("kill-switch", false,
                    new ImmutableContext("u1", Map.of("pad", new Value("x".repeat(10_000)))));

            assertThat(notFound.getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
            assertThat(notFound.getValue()).isTrue();
            assertThat(wrongType.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
            assertThat(wrongType.getValue()).isEqualTo("default");
            assertThat(floatAsInteger.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
            // This provider reports every 400 as INVALID_CONTEXT; the body it was sent says which (checked below).
            assertThat(noKey.getErrorCode()).isEqualTo(ErrorCode.INVALID_CONTEXT);
            assertThat(noKey.getValue()).isTrue();
            assertThat(tooLarge.getErrorCode()).isEqualTo(ErrorCode.INVALID_CONTEXT);

            assertThat(post(sidecar, "/ofrep/v1/evaluate/flags/gradual", "{\"context\":{}}").getString("errorCode"))
                    .isEqualTo("TARGETING_KEY_MISSING");
            assertThat(post(sidecar, "/ofrep/v1/evaluate/flags/gradual", "{\"context\":[]}").getString("errorCode"))
                    .isEqualTo("INVALID_CONTEXT");
            assertThat(post(sidecar, "/ofrep/v1/evaluate/flags/gradual", "{\"context\":").getString("errorCode"))
                    .isEqualTo("PARSE_ERROR");
        }
    }

    @Test
    void aSidecarWithoutFlagsIsAGeneralError(Vertx vertx, @TempDir Path dir) throws Exception {
        try (SidecarFixture sidecar = sidecar(vertx, dir.resolve("not-yet.json"))) {
            Client client = client(sidecar);

            FlagEvaluationDetails<Boolean> r = client.getBooleanDetails("kill-switch", true, U1);

            assertThat(r.getErrorCode()).isEqualTo(ErrorCode.GENERAL);
            assertThat(r.getValue()).isTrue();
            assertThat(post(sidecar, "/ofrep/v1/evaluate/flags/kill-switch", "{}").getString("errorCode"))
                    .isEqualTo("GENERAL");
        }
    }

    @Test
    void aBulkPollerSeesAFlagThatChangedWhileTheSidecarWasDown(Vertx vertx, @TempDir Path dir) throws Exception {
        Path file = FlagFiles.install(dir.resolve("f.json"), "openfeature-flags.json");
        String body = "{\"context\":{\"targetingKey\":\"u1\"}}";
        String etag;
        int port;
        try (SidecarFixture first = sidecar(vertx, file)) {
            port = first.port();
            HttpResponse<String> r = bulk(first, body, null);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(value(r, "kill-switch")).isEqualTo(true);
            etag = r.headers().firstValue("ETag").orElseThrow();
            assertThat(bulk(first, body, etag).statusCode()).isEqualTo(304);
        }
        // The same content after a restart at the same address: still 304 (the validator is the content's and the
        // answer's, which names the stream at the address asked, not the process's).
        try (SidecarFixture same = SidecarFixture.start(vertx, file, "http.port=" + port)) {
            assertThat(bulk(same, body, etag).statusCode()).isEqualTo(304);
        }
        // The kill switch is turned off while no sidecar runs; the new one starts at version 1 again.
        Files.writeString(file, FlagFiles.resource("openfeature-flags-v2.json"));
        try (SidecarFixture second = sidecar(vertx, file)) {
            assertThat(second.version()).isEqualTo(1);
            HttpResponse<String> r = bulk(second, body, etag);

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(value(r, "kill-switch")).isEqualTo(false);
            assertThat(value(r, "price-factor")).isEqualTo(0.5);
            assertThat(r.headers().firstValue("ETag").orElseThrow()).isNotEqualTo(etag);
            // And the OpenFeature client sees it too.
            assertThat(client(second).getBooleanValue("kill-switch", true, U1)).isFalse();
        }
    }

    private HttpResponse<String> bulk(SidecarFixture sidecar, String body, String etag) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.port()
                + "/ofrep/v1/evaluate/flags")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(5));
        if (etag != null) {
            b.header("If-None-Match", etag);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Object value(HttpResponse<String> r, String key) {
        JsonArray flags = new JsonObject(r.body()).getJsonArray("flags");
        for (int i = 0; i < flags.size(); i++) {
            if (flags.getJsonObject(i).getString("key").equals(key)) {
                return flags.getJsonObject(i).getValue("value");
            }
        }
        throw new AssertionError("no flag " + key + " in " + r.body());
    }

    private JsonObject post(SidecarFixture sidecar, String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.port()
                + path)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return new JsonObject(r.body());
    }
}
