package io.guidon.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.guidon.sidecar.FlagFiles;
import io.guidon.sidecar.HttpReply;
import io.guidon.sidecar.SidecarFixture;
import io.guidon.testing.Poll;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * The routes as a whole, with small configured limits: bodies are JSON whatever their Content-Type says, every
 * limit is enforced and named, wrong methods and unknown paths get a body, and no request gets a 500.
 */
@ExtendWith(VertxExtension.class)
class SidecarVerticleTest {

    static SidecarFixture sidecar;

    @BeforeAll
    static void start(Vertx vertx, @TempDir Path dir) throws Exception {
        sidecar = SidecarFixture.start(vertx, FlagFiles.install(dir.resolve("flags.json"), "flags.json"),
                "http.max-body-size=2KiB", "http.max-json-depth=4", "http.max-json-elements=10",
                "http.max-string-length=64");
    }

    @AfterAll
    static void stop() {
        sidecar.close();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "/ofrep/v1/evaluate/flags/static-on | text/plain",
        "/ofrep/v1/evaluate/flags | application/x-www-form-urlencoded",
        "/v1/evaluate | multipart/form-data; boundary=XyZ",
        "/v1/track | text/plain;charset=UTF-8",
        "/v1/track | application/x-www-form-urlencoded",
        "/v1/exposures | text/plain",
        "/v1/evaluate | application/xml",
        "/ofrep/v1/evaluate/flags/static-on | application/json; charset=iso-8859-1",
    })
    void everyBodyRouteRefusesBodiesThatAreNotLabelledJsonWith415(String path, String type) {
        // A web page can send text/plain, forms and multipart anywhere without a CORS preflight; JSON it cannot.
        HttpReply r = sidecar.post(path, "{\"targetingKey\":\"u1\",\"event\":\"buy\"}", "Content-Type", type);

        assertThat(r.status()).as(r.body()).isEqualTo(415);
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        assertThat(r.json().getString("errorCode")).isEqualTo("PARSE_ERROR");
        assertThat(r.json().getString("errorDetails")).contains("application/json");
    }

    @Test
    void theSingleFlag415NamesTheKeyAndTheBulkOneNone() {
        HttpReply single = sidecar.post("/ofrep/v1/evaluate/flags/static-on", "{}", "Content-Type",
                "application/json; charset=latin1");
        HttpReply bulk = sidecar.post("/ofrep/v1/evaluate/flags", "{}", "Content-Type", "text/plain");

        assertThat(single.status()).as(single.body()).isEqualTo(415);
        assertThat(single.json().getString("key")).isEqualTo("static-on");
        assertThat(single.json().getString("errorDetails")).contains("charset latin1");
        assertThat(bulk.status()).isEqualTo(415);
        assertThat(bulk.json().containsKey("key")).isFalse();
    }

    @Test
    void aBodyWithoutContentTypeIs415ButAnEmptyOneNeedsNone() {
        HttpReply untyped = SidecarFixture.await(sidecar.client().request(HttpMethod.POST, "/v1/track")
                .compose(req -> {
                    // The body is read from response()'s own future, set up before sending: the sidecar answers
                    // before it reads the body, and a body() asked for after send() completes may miss the end.
                    Future<HttpReply> reply = req.response().compose(resp -> resp.body()
                            .map(b -> new HttpReply(resp.statusCode(), resp.headers(), b.toString())));
                    req.end("{\"targetingKey\":\"u1\",\"event\":\"buy\"}");
                    return reply;
                }));
        HttpReply empty = sidecar.post("/ofrep/v1/evaluate/flags/static-on", null);

        assertThat(untyped.status()).as(untyped.body()).isEqualTo(415);
        assertThat(untyped.json().getString("errorDetails")).contains("no Content-Type");
        assertThat(empty.status()).as(empty.body()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"application/json", "application/json; charset=utf-8",
        "Application/JSON;charset=\"UTF-8\""})
    void jsonWithOrWithoutAUtf8CharsetIsAccepted(String type) {
        HttpReply r = sidecar.post("/ofrep/v1/evaluate/flags/premium-feature",
                "{\"context\":{\"targetingKey\":\"100%\",\"country\":\"US\",\"plan\":\"premium\"}}",
                "Content-Type", type);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().getString("reason")).isEqualTo("TARGETING_MATCH");
    }

    @Test
    void jsonBodyOverOneKiBIsRead() {
        StringBuilder context = new StringBuilder("{\"targetingKey\":\"u1\"");
        String value = '"' + "v".repeat(60) + '"';
        for (int i = 0; i < 9; i++) {
            context.append(",\"attribute").append(i).append("\":[").append(value).append(',').append(value)
                    .append(',').append(value).append(']');
        }
        String body = "{\"context\":" + context + "}}";
        assertThat(body.length()).isBetween(1024, 2048);

        HttpReply r = sidecar.post("/ofrep/v1/evaluate/flags/static-on", body);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().getBoolean("value")).isTrue();
    }

    @Test
    void bodyOverTheConfiguredLimitIs413NamingIt() {
        HttpReply r = sidecar.post("/v1/evaluate", "{\"context\":{\"pad\":\"" + "x".repeat(3000) + "\"}}");

        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().getString("errorCode")).isEqualTo("GENERAL");
        assertThat(r.json().getString("errorDetails"))
                .isEqualTo("the request body is larger than the limit of 2048 bytes (http.max-body-size)");
    }

    @Test
    void chunkedBodyOverTheLimitIs413Too() {
        HttpReply r = SidecarFixture.await(sidecar.client().request(HttpMethod.POST, "/v1/track")
                .compose(req -> {
                    // Reading the body straight from response()'s own future, set up before the server can answer.
                    Future<HttpReply> reply = req.response().compose(resp -> resp.body()
                            .map(b -> new HttpReply(resp.statusCode(), resp.headers(), b.toString())));
                    req.setChunked(true);
                    req.putHeader("Content-Type", "application/json");
                    for (int i = 0; i < 5; i++) {
                        req.write("{\"pad\":\"" + "x".repeat(1000) + "\"}");
                    }
                    req.end();
                    return reply;
                }));

        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().getString("errorDetails")).contains("2048 bytes");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "too deep | {\"context\":{\"a\":[[[[1]]]]}} | context.a[0][0] nests arrays and objects deeper than 4 levels, the limit",
        "too many entries | {\"context\":{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8,\"i\":9,\"j\":10,\"k\":11}} | context has more than 10 entries, the limit",
        "too long an array | {\"context\":{\"ids\":[1,2,3,4,5,6,7,8,9,10,11,12]}} | context.ids has more than 10 elements, the limit",
        "too long a string | {\"context\":{\"targetingKey\":\"uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu\"}} | context.targetingKey holds a string longer than 64 characters, the limit",
        "too long a number | {\"context\":{\"n\":11111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111}} | context.n holds a number longer than 100 characters, the limit",
    })
    void configuredJsonLimitsAre400NamingTheLimit(String what, String body, String details) {
        HttpReply r = sidecar.post("/ofrep/v1/evaluate/flags/static-on", body, "Content-Type", "application/json");

        assertThat(r.status()).as(what).isEqualTo(400);
        assertThat(r.json().getString("key")).isEqualTo("static-on");
        assertThat(r.json().getString("errorCode")).isEqualTo("PARSE_ERROR");
        assertThat(r.json().getString("errorDetails")).as(what).isEqualTo("the body exceeds a limit: " + details);
    }

    @Test
    void duplicateKeysAreRejected() {
        HttpReply r = sidecar.post("/ofrep/v1/evaluate/flags/static-on",
                "{\"context\":{\"targetingKey\":\"a\",\"targetingKey\":\"b\"}}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("errorCode")).isEqualTo("PARSE_ERROR");
        assertThat(r.json().getString("errorDetails")).isEqualTo("the body is not valid JSON at line 1, column 46: "
                + "the field \"targetingKey\" appears twice in one object");
    }

    @Test
    void trailingGarbageIsRejected() {
        HttpReply r = sidecar.post("/ofrep/v1/evaluate/flags/static-on", "{} {}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("errorCode")).isEqualTo("PARSE_ERROR");
        assertThat(r.json().getString("errorDetails")).isEqualTo("the body is not valid JSON at line 1, column 4: "
                + "there is more after the JSON value");
    }

    @Test
    void badPercentEncodingInThePathIs400NamingTheKeyAsSent() {
        HttpReply one = sidecar.get("/v1/flags/%zz");
        HttpReply ofrep = sidecar.post("/ofrep/v1/evaluate/flags/%e0%a4", "{}");

        assertThat(one.status()).as(one.body()).isEqualTo(400);
        assertThat(one.json().getString("errorCode")).isEqualTo("PARSE_ERROR");
        assertThat(one.json().getString("key")).isEqualTo("%zz");
        assertThat(one.json().getString("errorDetails")).contains("flag key in the path");
        assertThat(ofrep.status()).as(ofrep.body()).isEqualTo(400);
        assertThat(ofrep.header("Content-Type")).isEqualTo("application/json");
        assertThat(ofrep.json().getString("key")).isEqualTo("%e0%a4");
        assertThat(ofrep.json().getString("errorCode")).isEqualTo("PARSE_ERROR");
    }

    @Test
    void badPercentEncodingInTheQueryIs400SayingSo() {
        HttpReply one = sidecar.get("/v1/flags/premium-feature?targetingKey=u1&country=%zz");
        HttpReply user = sidecar.get("/users/u1/flags?country=%e");

        assertThat(one.status()).as(one.body()).isEqualTo(400);
        assertThat(one.json().getString("errorCode")).isEqualTo("PARSE_ERROR");
        assertThat(one.json().getString("key")).isEqualTo("premium-feature");
        assertThat(one.json().getString("errorDetails")).contains("query string");
        assertThat(user.status()).as(user.body()).isEqualTo(400);
        assertThat(user.json().getString("errorDetails")).contains("query string");
    }

    @Test
    void aNulInAFlagKeyIs400NotA500() {
        HttpReply issueExample = sidecar.get("/v1/flags/x%00?attr=%ED%A0%80");
        HttpReply ofrep = sidecar.post("/ofrep/v1/evaluate/flags/x%00", "{}");
        HttpReply user = sidecar.get("/users/u%00/flags");

        for (HttpReply r : new HttpReply[] {issueExample, ofrep, user}) {
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().getString("errorCode")).isEqualTo("PARSE_ERROR");
            assertThat(r.json().getString("errorDetails")).contains("path segment").contains("U+0000");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "NUL in a value | /v1/flags/static-on?attr=a%00 | INVALID_CONTEXT | 'attr' contains U+0000",
        "NUL in a name | /users/u1/flags?a%00=1 | INVALID_CONTEXT | name 'a\\u0000' contains U+0000",
        "a number beyond the double range | /v1/flags/static-on?n=1e400 | INVALID_CONTEXT | 'n': 1e400 is outside the range of a 64-bit floating-point number",
        "a number that would round to zero | /users/u1/flags?n=-1e-400 | INVALID_CONTEXT | 'n': -1e-400 is too small for a 64-bit floating-point number: it would become 0",
        "a surrogate as CESU-8 bytes | /v1/flags/static-on?attr=%ED%A0%80 | PARSE_ERROR | the query string is not valid percent-encoding (such as %20 for a space, %25 for '%'): 'attr=%ED%A0%80': the percent-encoded bytes are not UTF-8",
        "bytes that are not UTF-8 | /v1/flags/static-on?attr=%C0%80 | PARSE_ERROR | 'attr=%C0%80': the percent-encoded bytes are not UTF-8",
    })
    void queryTextNoContextCanHoldIs400NamingTheParameter(String what, String uri, String code, String details) {
        HttpReply r = sidecar.get(uri);

        assertThat(r.status()).as(what + ": " + r.body()).isEqualTo(400);
        assertThat(r.json().getString("errorCode")).as(what).isEqualTo(code);
        assertThat(r.json().getString("errorDetails")).as(what).contains(details);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "NUL | {\"context\":{\"targetingKey\":\"u\",\"a\":\"x\\u0000\"}} | context.a contains U+0000",
        "lone surrogate | {\"context\":{\"targetingKey\":\"\\ud800\"}} | context.targetingKey contains an unpaired UTF-16 surrogate U+D800",
        "NUL in a name | {\"context\":{\"\\u0000\":1}} | context has a field name",
        "1e400 | {\"context\":{\"n\":1e400}} | context.n 1e400 is outside the range of numbers",
        "-1e400 | {\"context\":{\"n\":[-1e400]}} | context.n[0] -1e400 is outside the range of numbers",
        "1e-400 | {\"context\":{\"n\":1e-400}} | context.n 1e-400 is too close to zero",
    })
    void bodyValuesNoContextCanHoldAre400NamingTheirPath(String what, String body, String details) {
        HttpReply r = sidecar.post("/ofrep/v1/evaluate/flags/static-on", body, "Content-Type", "application/json");

        assertThat(r.status()).as(what + ": " + r.body()).isEqualTo(400);
        assertThat(r.json().getString("errorCode")).as(what).isEqualTo("PARSE_ERROR");
        assertThat(r.json().getString("errorDetails")).as(what).contains(details);
    }

    @Test
    void everyResponseSaysNosniff() {
        HttpReply ok = sidecar.get("/healthz");
        HttpReply evaluated = sidecar.post("/ofrep/v1/evaluate/flags/static-on", "{}");
        HttpReply notFound = sidecar.get("/v2/flags");
        HttpReply wrongMethod = sidecar.request(HttpMethod.DELETE, "/v1/flags", null);
        HttpReply undecodable = sidecar.get("/v1/flags/%zz");
        HttpReply tooLarge = sidecar.post("/v1/evaluate", "{\"pad\":\"" + "x".repeat(3000) + "\"}");

        for (HttpReply r : new HttpReply[] {ok, evaluated, notFound, wrongMethod, undecodable, tooLarge}) {
            assertThat(r.header("X-Content-Type-Options")).as(r.status() + " " + r.body()).isEqualTo("nosniff");
        }
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(undecodable.status()).isEqualTo(400);
    }

    @ParameterizedTest(name = "{0} {1} -> Allow: {2}")
    @CsvSource({
        "GET, /v1/evaluate, POST",
        "PUT, /v1/track, POST",
        "DELETE, /ofrep/v1/evaluate/flags, POST",
        "POST, /v1/flags/static-on, 'GET, HEAD'",
        "POST, /v1/flags, 'GET, HEAD'",
        "DELETE, /users/u1/flags, 'GET, HEAD'",
        "POST, /healthz, 'GET, HEAD'",
        "POST, /readyz, 'GET, HEAD'",
        "POST, /v1/stream, 'GET, HEAD'",
    })
    void everyEndpointAnswersAWrongMethodWith405AndAllow(String method, String path, String allow) {
        HttpReply r = sidecar.request(HttpMethod.valueOf(method), path, method.equals("GET") ? null : "{}");

        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Allow")).isEqualTo(allow);
        assertThat(r.json().getString("errorDetails")).isEqualTo("method " + method + " is not allowed on " + path);
    }

    @ParameterizedTest(name = "HEAD {0}")
    @CsvSource({
        "/ofrep/v1/configuration",
        "/v1/flags/static-on",
        "/v1/flags/no-such-flag",
        "/v1/flags",
        "/users/u1/flags",
        "/healthz",
        "/readyz",
        "/ws/flags",
    })
    void headOnEveryGetRouteAnswersLikeGetWithoutABody(String path) {
        HttpReply get = sidecar.get(path);
        HttpReply head = sidecar.request(HttpMethod.HEAD, path, null);

        assertThat(head.status()).as(head.toString()).isEqualTo(get.status());
        assertThat(head.body()).isEmpty();
        for (String name : new String[] {"Content-Type", "ETag", "Cache-Control", "X-Content-Type-Options"}) {
            assertThat(head.header(name)).as(name).isEqualTo(get.header(name));
        }
        // RFC 9110 §8.6: a HEAD answer MAY carry Content-Length (Vert.x leaves it out); if it does, GET's.
        assertThat(head.header("Content-Length")).isIn(null, get.header("Content-Length"));
    }

    @Test
    void headOnTheEventStreamAnswersItsHeadersAndEnds() {
        HttpReply head = sidecar.request(HttpMethod.HEAD, "/v1/stream", null);

        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Content-Type")).isEqualTo("text/event-stream");
        assertThat(head.body()).isEmpty();
    }

    @Test
    void unknownPathIs404WithABody() {
        HttpReply r = sidecar.get("/v2/flags");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        assertThat(r.json().getString("errorCode")).isEqualTo("GENERAL");
        assertThat(r.json().getString("errorDetails")).isEqualTo("no endpoint /v2/flags; see the README for the "
                + "sidecar's API");
    }

    @Test
    void largeResponsesAreCompressedForClientsThatAcceptIt() {
        HttpReply r = sidecar.get("/v1/flags", "Accept-Encoding", "gzip");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(r.body()).isNotEmpty();
    }

    @Test
    void accessLogWritesOneLinePerRequestWhenOn(Vertx vertx, @TempDir Path dir) throws Exception {
        Logger access = (Logger) LoggerFactory.getLogger("guidon.access");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        access.addAppender(lines);
        try (SidecarFixture logged = SidecarFixture.start(vertx,
                FlagFiles.install(dir.resolve("flags.json"), "flags.json"), "http.access-log=true")) {
            HttpReply ok = logged.post("/ofrep/v1/evaluate/flags/static-on", "{}", "X-Request-Id", "req-1");
            HttpReply missing = logged.get("/nowhere");

            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.json().getBoolean("value")).isTrue();
            assertThat(missing.status()).isEqualTo(404);
            Poll.until("two access log lines", () -> lines.list.size() >= 2);
            assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                    "method=POST path=/ofrep/v1/evaluate/flags/static-on status=200",
                    "method=GET path=/nowhere status=404");
            assertThat(lines.list.get(0).getArgumentArray()).extracting(Object::toString)
                    .contains("requestId=req-1");
        } finally {
            access.detachAppender(lines);
        }
    }
}
