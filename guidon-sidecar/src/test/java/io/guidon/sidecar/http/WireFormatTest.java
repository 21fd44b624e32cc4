package io.guidon.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.sidecar.FlagFiles;
import io.guidon.sidecar.HttpReply;
import io.guidon.sidecar.SidecarFixture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What goes over the wire is exactly what a typed client needs: numbers in their form, only the fields a body may
 * have, no answer for an empty key, validators that follow the content, and requests only from this machine's names.
 */
@ExtendWith(VertxExtension.class)
class WireFormatTest {

    static SidecarFixture sidecar;

    @BeforeAll
    static void start(Vertx vertx, @TempDir Path dir) throws Exception {
        sidecar = SidecarFixture.start(vertx, FlagFiles.install(dir.resolve("flags.json"), "openfeature-flags.json"));
    }

    @AfterAll
    static void stop() {
        sidecar.close();
    }

    private static String raw(HttpReply r, String field) {
        // The text as sent: JsonObject would read 2.0 and 2 alike.
        int at = r.body().indexOf("\"" + field + "\":");
        int from = at + field.length() + 3;
        int to = from;
        int depth = 0;
        while (to < r.body().length()) {
            char c = r.body().charAt(to);
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    break;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                break;
            }
            to++;
        }
        return r.body().substring(from, to);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "{}                                  | 2.0",
        "{\"context\":{\"plan\":\"vip\"}}    | 100.0",
    })
    void aFloatFlagIsWrittenAsADecimalOnEveryEndpoint(String body, String expected) {
        HttpReply single = sidecar.post("/ofrep/v1/evaluate/flags/price-factor", body);
        HttpReply evaluate = sidecar.post("/v1/evaluate", body.equals("{}") ? "{\"flags\":[\"price-factor\"]}"
                : "{\"flags\":[\"price-factor\"]," + body.substring(1));
        HttpReply one = sidecar.get("/v1/flags/price-factor" + (body.contains("vip") ? "?plan=vip" : ""));
        HttpReply user = sidecar.get("/users/u1/flags" + (body.contains("vip") ? "?plan=vip" : ""));
        HttpReply bulk = sidecar.post("/ofrep/v1/evaluate/flags", body);

        assertThat(raw(single, "value")).isEqualTo(expected);
        assertThat(raw(evaluate, "value")).isEqualTo(expected);
        assertThat(raw(one, "value")).isEqualTo(expected);
        assertThat(raw(user, "price-factor")).isEqualTo(expected);
        assertThat(bulk.body()).contains("{\"key\":\"price-factor\",\"value\":" + expected + ",");
    }

    @Test
    void integersStayExactAndObjectsKeepTheirNumbers() {
        HttpReply layout = sidecar.post("/ofrep/v1/evaluate/flags/layout", "{}");
        HttpReply banner = sidecar.post("/ofrep/v1/evaluate/flags/banner", "{}");

        assertThat(raw(sidecar.post("/ofrep/v1/evaluate/flags/page-size", "{}"), "value")).isEqualTo("50");
        assertThat(layout.body()).contains("\"value\":{\"columns\":3,\"ratio\":1.0,\"tags\":[\"a\",\"b\"]}");
        assertThat(banner.body()).contains("\"metadata\":{\"owner\":\"growth\",\"weight\":100.0,\"rank\":3}");
    }

    @ParameterizedTest(name = "orgId={0}")
    @ValueSource(strings = {"1234567890123456789", "9223372036854775807", "-9223372036854775808",
        "9223372036854775808", "123456789012345678901234567890", "0", "-5", "4711", "99999999999999999"})
    void anIntegerInTheQueryBucketsExactlyLikeTheSameIntegerInABody(String orgId) {
        HttpReply get = sidecar.get("/v1/flags/per-org?orgId=" + orgId);
        HttpReply post = sidecar.post("/ofrep/v1/evaluate/flags/per-org", "{\"context\":{\"orgId\":" + orgId + "}}");

        assertThat(get.status()).as(get.body()).isEqualTo(200);
        assertThat(post.status()).as(post.body()).isEqualTo(200);
        assertThat(get.json().getString("reason")).isEqualTo("SPLIT");
        assertThat(get.json().getString("variant")).as(orgId).isEqualTo(post.json().getString("variant"));
    }

    @Test
    void queryAndBodyBucketAlikeForManyIntegers() {
        // The general rule over a spread of magnitudes: a value bucketed from a query equals the body's bucket.
        List<String> values = new ArrayList<>();
        BigInteger v = BigInteger.ONE;
        for (int i = 0; i < 70; i++) {
            values.add(v.toString());
            values.add(v.negate().add(BigInteger.valueOf(i)).toString());
            v = v.multiply(BigInteger.valueOf(3)).add(BigInteger.valueOf(i));
        }
        for (String orgId : values) {
            String get = sidecar.get("/v1/flags/per-org?orgId=" + orgId).json().getString("variant");
            String post = sidecar.post("/ofrep/v1/evaluate/flags/per-org", "{\"context\":{\"orgId\":" + orgId + "}}")
                    .json().getString("variant");
            assertThat(get).as(orgId).isNotNull().isEqualTo(post);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"1e400", "-1e400", "1e-400"})
    void aQueryNumberOutsideTheDoubleRangeIs400NamingTheParameter(String value) {
        HttpReply r = sidecar.get("/v1/flags/banner?score=" + value);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("key")).isEqualTo("banner");
        assertThat(r.json().getString("errorCode")).isEqualTo("INVALID_CONTEXT");
        assertThat(r.json().getString("errorDetails")).contains("query parameter 'score'").contains(value);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "/ofrep/v1/evaluate/flags/banner | {\"targetingKey\":\"u1\"}                       | \"targetingKey\"",
        "/ofrep/v1/evaluate/flags        | {\"targetingKey\":\"u1\",\"country\":\"DE\"}    | \"targetingKey\", \"country\"",
        "/ofrep/v1/evaluate/flags/banner | {\"context\":{},\"flags\":[\"x\"]}              | \"flags\"",
        "/v1/evaluate                    | {\"context\":{},\"explian\":true}               | \"explian\"",
        "/v1/evaluate                    | {\"targetingKey\":\"u1\"}                       | \"targetingKey\"",
    })
    void unknownTopLevelFieldsAre400NamingThem(String path, String body, String named) {
        HttpReply r = sidecar.post(path, body);

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().getString("errorCode")).isEqualTo("PARSE_ERROR");
        assertThat(r.json().getString("errorDetails")).contains(named).contains("allowed: context");
        if (path.endsWith("/banner")) {
            assertThat(r.json().getString("key")).isEqualTo("banner");
        }
    }

    @Test
    void aContextWithoutItsWrapperSaysWhereItGoes() {
        HttpReply r = sidecar.post("/ofrep/v1/evaluate/flags/banner", "{\"targetingKey\":\"u1\"}");

        assertThat(r.json().getString("errorDetails")).isEqualTo("unknown field \"targetingKey\" in the body "
                + "(allowed: context); the evaluation context goes inside \"context\": {\"context\": "
                + "{\"targetingKey\": \"user-1\", ...}}");
    }

    @Test
    void anEmptyFlagKeyIsNotTheBulkAnswer() {
        HttpReply ofrep = sidecar.post("/ofrep/v1/evaluate/flags/", "{\"context\":{\"targetingKey\":\"u1\"}}");
        HttpReply document = sidecar.get("/v1/flags/");

        assertThat(ofrep.status()).isEqualTo(404);
        assertThat(ofrep.json()).isEqualTo(new JsonObject().put("key", "").put("errorCode", "FLAG_NOT_FOUND")
                .put("errorDetails", "the flag key is empty: POST /ofrep/v1/evaluate/flags/{key} evaluates one "
                        + "flag, POST /ofrep/v1/evaluate/flags (no slash) every flag"));
        assertThat(document.status()).isEqualTo(404);
        assertThat(document.json().getString("errorCode")).isEqualTo("FLAG_NOT_FOUND");
    }

    @Test
    void theBulkETagTellsContextsApartAndStaysForTheSameOne() {
        String u1 = sidecar.post("/ofrep/v1/evaluate/flags", "{\"context\":{\"targetingKey\":\"u1\"}}").header("ETag");
        String u2 = sidecar.post("/ofrep/v1/evaluate/flags", "{\"context\":{\"targetingKey\":\"u2\"}}").header("ETag");
        String again = sidecar.post("/ofrep/v1/evaluate/flags", "{\"context\":{\"targetingKey\":\"u1\"}}")
                .header("ETag");

        assertThat(u1).isNotEqualTo(u2).isEqualTo(again);
        assertThat(sidecar.post("/ofrep/v1/evaluate/flags", "{\"context\":{\"targetingKey\":\"u2\"}}",
                "If-None-Match", u1).status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "GET, /v1/flags/banner", "GET, /v1/flags", "GET, /users/u1/flags", "POST, /ofrep/v1/evaluate/flags/banner",
        "POST, /ofrep/v1/evaluate/flags", "POST, /v1/evaluate", "POST, /v1/track", "POST, /v1/exposures", "GET, /ofrep/v1/configuration",
        "GET, /v1/stream", "GET, /nowhere",
    })
    void aRequestNamingAnotherHostIs421(String method, String path) {
        HttpReply r = sidecar.request(HttpMethod.valueOf(method), path, method.equals("POST") ? "{}" : null,
                "Host", "attacker.example:7070", "Content-Type", "application/json");

        assertThat(r.status()).as(r.body()).isEqualTo(421);
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.json().getString("errorDetails")).contains("'attacker.example'").contains("http.allowed-hosts");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "POST, /v1/track", "GET, /v1/flags/banner", "POST, /ofrep/v1/evaluate/flags", "GET, /healthz",
        "GET, /nowhere",
    })
    void aRequestWithTwoHostHeadersIs400(String method, String path) throws Exception {
        // A loopback name first, then another: a check of the first must not let the second through (RFC 9112 §3.2).
        String body = method.equals("POST") ? "{\"targetingKey\":\"u1\",\"event\":\"buy\"}" : "";
        String answer = raw(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n"
                + body);

        assertThat(answer).as(answer).startsWith("HTTP/1.1 400 ");
        JsonObject error = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
        assertThat(error.getString("errorCode")).isEqualTo("GENERAL");
        assertThat(error.getString("errorDetails")).contains("more than one Host header");
    }

    @Test
    void oneHostHeaderOnTheRawWireIsServed() throws Exception {
        String answer = raw("GET /v1/flags/banner HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertThat(answer).as(answer).startsWith("HTTP/1.1 200 ");
    }

    private static String raw(String request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", sidecar.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void ifNoneMatchStarIs412OnTheBulkPostAnd304OnGet() {
        HttpReply post = sidecar.post("/ofrep/v1/evaluate/flags", "{\"context\":{\"targetingKey\":\"u1\"}}",
                "If-None-Match", "*");
        HttpReply listed = sidecar.post("/ofrep/v1/evaluate/flags", "{\"context\":{\"targetingKey\":\"u1\"}}",
                "If-None-Match", "\"other\", *");
        HttpReply get = sidecar.get("/v1/flags", "If-None-Match", "*");
        HttpReply configuration = sidecar.get("/ofrep/v1/configuration", "If-None-Match", "*");

        assertThat(post.status()).as(post.body()).isEqualTo(412);
        assertThat(post.json().getString("errorDetails")).contains("If-None-Match: *");
        assertThat(listed.status()).isEqualTo(412);
        assertThat(get.status()).isEqualTo(304);
        assertThat(configuration.status()).isEqualTo(304);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"localhost", "localhost:7070", "127.0.0.1", "127.0.0.1:1", "[::1]", "[::1]:7070",
        "LOCALHOST"})
    void loopbackNamesWithAnyPortAreServed(String host) {
        HttpReply r = sidecar.get("/v1/flags/banner", "Host", host);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/healthz", "/readyz"})
    void probesAnswerWhateverTheHost(String path) {
        assertThat(sidecar.get(path, "Host", "10.1.2.3:7070").status()).isEqualTo(200);
    }

    @Test
    void configuredHostsAreServed(Vertx vertx, @TempDir Path dir) throws Exception {
        try (SidecarFixture own = SidecarFixture.start(vertx, FlagFiles.install(dir.resolve("f.json"),
                "openfeature-flags.json"), "http.allowed-hosts=flags.internal,[FD00::5]")) {
            assertThat(own.get("/v1/flags/banner", "Host", "flags.internal:7070").status()).isEqualTo(200);
            assertThat(own.get("/v1/flags/banner", "Host", "[fd00::5]:7070").status()).isEqualTo(200);
            assertThat(own.get("/v1/flags/banner", "Host", "other.internal").status()).isEqualTo(421);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "GET, /v1/flags/banner", "GET, /nowhere", "PUT, /v1/track", "POST, /ofrep/v1/evaluate/flags/banner",
        "GET, /healthz", "GET, /ofrep/v1/configuration",
    })
    void everyResponseIsNosniff(String method, String path) {
        HttpReply r = sidecar.request(HttpMethod.valueOf(method), path, method.equals("GET") ? null : "{}",
                "Content-Type", "application/json");

        assertThat(r.header("X-Content-Type-Options")).as(r.toString()).isEqualTo("nosniff");
    }
}
