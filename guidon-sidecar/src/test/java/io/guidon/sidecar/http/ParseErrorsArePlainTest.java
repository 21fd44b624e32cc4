package io.guidon.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.sidecar.FlagFiles;
import io.guidon.sidecar.HttpReply;
import io.guidon.sidecar.SidecarFixture;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every body the parser refuses, on every body route, is a 400 that says in plain words what is wrong and where,
 * and never shows the parser's internals (class and setting names, character codes, "Source: REDACTED").
 */
@ExtendWith(VertxExtension.class)
class ParseErrorsArePlainTest {

    private static final List<String> ROUTES = List.of("/ofrep/v1/evaluate/flags/static-on",
            "/ofrep/v1/evaluate/flags", "/v1/evaluate", "/v1/track", "/v1/exposures");
    private static final List<String> BODIES = List.of("{", "{\"context\":", "{\"context\":{}", "[", "{\"a\":}",
            "{a:1}", "{'a':1}", "{\"a\":1,}", "{\"a\":1 \"b\":2}", "tru", "nul", "{\"a\":tru}", "\"\\q\"",
            "{\"a\":\"\\u12\"}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":NaN}", "{\"a\":1}{}", "{} x",
            "{\"a\":1,\"a\":2}", "{\"context\":{\"a\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}}",
            "{\"context\":{\"n\":" + "1".repeat(200) + "}}", "{\"a\":\"" + "x".repeat(9000) + "\"}", "\u00ff\u00fe",
            "/* comment */ {}", "{\"a\":NaN}", "[1,2}", "{\"a\":\"tab\there\"}", "]", "{\"a\":[1,2}", "{\"a\"}");
    private static final List<String> INTERNALS = List.of("`", "Source:", "REDACTED", "com.fasterxml", "jackson",
            "Jackson", "StreamReadConstraints", "(code ", "JsonParser", "Exception", "java.", "Feature", "CTRL-CHAR", "ALLOW_");

    static SidecarFixture sidecar;

    @BeforeAll
    static void start(Vertx vertx, @TempDir Path dir) throws Exception {
        sidecar = SidecarFixture.start(vertx, FlagFiles.install(dir.resolve("flags.json"), "flags.json"));
    }

    @AfterAll
    static void stop() {
        sidecar.close();
    }

    @Test
    void everyRefusedBodyOnEveryRouteIsAPlain400() {
        for (String route : ROUTES) {
            for (String body : BODIES) {
                HttpReply r = sidecar.post(route, body);
                String what = route + " " + (body.length() > 40 ? body.substring(0, 40) + "..." : body);

                assertThat(r.status()).as(what + " -> " + r.body()).isEqualTo(400);
                String details = r.json().getString("errorDetails");
                assertThat(r.json().getString("errorCode")).as(what).isEqualTo("PARSE_ERROR");
                assertThat(details).as(what).startsWith("the body ");
                for (String internal : INTERNALS) {
                    assertThat(details).as(what).doesNotContain(internal);
                }
            }
        }
    }

    @Test
    void aSyntaxErrorSaysWhere() {
        HttpReply r = sidecar.post("/v1/evaluate", "{\"context\":\n  {\"a\": tru}}");

        assertThat(r.json().getString("errorDetails")).isEqualTo("the body is not valid JSON at line 2, column 13: "
                + "'tru' is not a JSON value (values are strings in double quotes, numbers, objects, arrays, true, "
                + "false and null)");
    }
}
