package io.guidon.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.sidecar.FlagFiles;
import io.guidon.sidecar.SidecarFixture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The evaluation routes served before the router ({@link EvaluationDispatch}, ADR 0207) answer exactly as the
 * router does: each request below is sent over a raw socket to a sidecar that serves them through the dispatch
 * (the default) and to one that serves every request through the router (with {@code http.access-log} on), and
 * the two answers must be the same bytes, status line, headers and body.
 */
@ExtendWith(VertxExtension.class)
class EvaluationDispatchTest {

    @Nested
    class WhatItServes {

        @Test
        void postsToTheEvaluationPathsWithAHost() {
            assertThat(EvaluationDispatch.route(HttpMethod.POST, "localhost", "/ofrep/v1/evaluate/flags", null))
                    .isEqualTo(SidecarRoute.OFREP_FLAGS);
            assertThat(EvaluationDispatch.route(HttpMethod.POST, "localhost", "/ofrep/v1/evaluate/flags/a-b_c.d~9",
                    null)).isEqualTo(SidecarRoute.OFREP_FLAG);
            assertThat(EvaluationDispatch.route(HttpMethod.POST, "localhost", "/v1/evaluate", "a=b&c"))
                    .isEqualTo(SidecarRoute.EVALUATE);
        }

        @Test
        void leavesEverythingElseToTheRouter() {
            // Another method, no Host, a query to decode, a key to decode or normalize, another path.
            assertThat(EvaluationDispatch.route(HttpMethod.GET, "localhost", "/ofrep/v1/evaluate/flags", null))
                    .isNull();
            assertThat(EvaluationDispatch.route(HttpMethod.POST, null, "/ofrep/v1/evaluate/flags", null)).isNull();
            assertThat(EvaluationDispatch.route(HttpMethod.POST, "localhost", "/ofrep/v1/evaluate/flags", "a=%41"))
                    .isNull();
            for (String path : new String[] {"/ofrep/v1/evaluate/flags/", "/ofrep/v1/evaluate/flags/a%2Db",
                    "/ofrep/v1/evaluate/flags/a/b", "/ofrep/v1/evaluate/flags/..", "/ofrep/v1/evaluate/flags/.",
                    "/ofrep/v1/evaluate/flags/a b", "/ofrep/v1/evaluate/flags/é", "/OFREP/v1/evaluate/flags",
                    "/v1/evaluate/", "/v1/exposures", "//ofrep/v1/evaluate/flags"}) {
                assertThat(EvaluationDispatch.route(HttpMethod.POST, "localhost", path, null)).as(path).isNull();
            }
        }

        @Test
        void aPlainKeyIsOneSegmentOfUnreservedCharacters() {
            assertThat(EvaluationDispatch.plainKey("/x/..a", 3)).isTrue();
            assertThat(EvaluationDispatch.plainKey("/x/", 3)).isFalse();
            assertThat(EvaluationDispatch.plainKey("/x/a+b", 3)).isFalse();
            assertThat(EvaluationDispatch.plainKey("/x/a:b", 3)).isFalse();
        }
    }

    static SidecarFixture dispatched;
    static SidecarFixture routed;

    @BeforeAll
    static void start(Vertx vertx, @TempDir Path dir) throws Exception {
        Path flags = FlagFiles.install(dir.resolve("flags.json"), "flags.json");
        dispatched = SidecarFixture.start(vertx, flags, "http.max-body-size=1KiB");
        routed = SidecarFixture.start(vertx, flags, "http.max-body-size=1KiB", "http.access-log=true");
    }

    @AfterAll
    static void stop() {
        dispatched.close();
        routed.close();
    }

    private static final String JSON = "Content-Type: application/json\r\n";
    private static final String U1 = "{\"context\":{\"targetingKey\":\"u1\",\"country\":\"US\",\"plan\":\"premium\"}}";

    /**
     * A request: the status it must get, its request line, its headers after the request line (each ending in CRLF;
     * Host: localhost is added) and its body.
     */
    record Case(String name, int status, String requestLine, String headers, String body) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        String big = "{\"context\":{\"targetingKey\":\"" + "x".repeat(1100) + "\"}}";
        List<Case> c = new ArrayList<>();
        c.add(new Case("bulk", 200, "POST /ofrep/v1/evaluate/flags", JSON, U1));
        c.add(new Case("bulk, If-None-Match *", 412, "POST /ofrep/v1/evaluate/flags",
                JSON + "If-None-Match: *\r\n", U1));
        c.add(new Case("bulk, a query OFREP's refetch adds", 200, "POST /ofrep/v1/evaluate/flags?flagConfigEtag=abc",
                JSON, U1));
        c.add(new Case("bulk, empty body", 200, "POST /ofrep/v1/evaluate/flags", "", ""));
        c.add(new Case("bulk, unknown field", 400, "POST /ofrep/v1/evaluate/flags", JSON, "{\"targetingKey\":\"u1\"}"));
        c.add(new Case("bulk, charset utf-8", 200, "POST /ofrep/v1/evaluate/flags",
                "Content-Type: application/json; charset=UTF-8\r\n", U1));
        c.add(new Case("single", 200, "POST /ofrep/v1/evaluate/flags/premium-feature", JSON, U1));
        c.add(new Case("single, not found", 404, "POST /ofrep/v1/evaluate/flags/no-such-flag", JSON, U1));
        c.add(new Case("single, malformed JSON", 400, "POST /ofrep/v1/evaluate/flags/static-on", JSON,
                "{\"context\":"));
        c.add(new Case("single, not an object", 400, "POST /ofrep/v1/evaluate/flags/static-on", JSON, "[1]"));
        c.add(new Case("single, targeting key a number", 400, "POST /ofrep/v1/evaluate/flags/static-on", JSON,
                "{\"context\":{\"targetingKey\":5}}"));
        c.add(new Case("single, NUL in a value", 400, "POST /ofrep/v1/evaluate/flags/static-on", JSON,
                "{\"context\":{\"targetingKey\":\"a\\u0000b\"}}"));
        c.add(new Case("single, text/plain", 415, "POST /ofrep/v1/evaluate/flags/static-on",
                "Content-Type: text/plain\r\n", U1));
        c.add(new Case("single, latin-1", 415, "POST /ofrep/v1/evaluate/flags/static-on",
                "Content-Type: application/json; charset=ISO-8859-1\r\n", U1));
        c.add(new Case("single, a body without a type", 415, "POST /ofrep/v1/evaluate/flags/static-on", "", U1));
        c.add(new Case("single, a host not allowed", 421, "POST /ofrep/v1/evaluate/flags/static-on",
                JSON + "X-Host: evil.example\r\n", U1));
        for (String host : List.of("evil.com:abc", "localhost:abc", "127.0.0.1:99999", "a b", "[::1", "::1",
                "user@localhost")) {
            c.add(new Case("single, a Host that is not a host: " + host, 400,
                    "POST /ofrep/v1/evaluate/flags/static-on", JSON + "X-Host: " + host + "\r\n", U1));
            c.add(new Case("bulk, a Host that is not a host: " + host, 400, "POST /ofrep/v1/evaluate/flags",
                    JSON + "X-Host: " + host + "\r\n", U1));
        }
        c.add(new Case("bulk, Expect: 100-continue", 100, "POST /ofrep/v1/evaluate/flags",
                JSON + "Expect: 100-continue\r\n", U1));
        c.add(new Case("single, an expectation not supported", 417, "POST /ofrep/v1/evaluate/flags/static-on",
                JSON + "Expect: foo\r\n", U1));
        c.add(new Case("native, an expectation not supported", 417, "POST /v1/evaluate",
                JSON + "Expect: foo\r\n", "{\"context\":{}}"));
        c.add(new Case("single, two Host headers", 400, "POST /ofrep/v1/evaluate/flags/static-on",
                JSON + "Host: localhost\r\n", U1));
        c.add(new Case("single, over the body limit by Content-Length", 413, "POST /ofrep/v1/evaluate/flags/static-on",
                JSON, big));
        c.add(new Case("bulk, over the body limit, chunked", 413, "POST /ofrep/v1/evaluate/flags",
                JSON + "Transfer-Encoding: chunked\r\n", big));
        c.add(new Case("bulk, within the limit, chunked", 200, "POST /ofrep/v1/evaluate/flags",
                JSON + "Transfer-Encoding: chunked\r\n", U1));
        c.add(new Case("single, a percent-encoded key (the router's)", 200, "POST /ofrep/v1/evaluate/flags/static%2Don",
                JSON, U1));
        c.add(new Case("bulk, a trailing slash (the router's)", 404, "POST /ofrep/v1/evaluate/flags/", JSON, U1));
        c.add(new Case("bulk, a dot segment as the key (the router's)", 404, "POST /ofrep/v1/evaluate/flags/.",
                JSON, U1));
        c.add(new Case("bulk, an encoded dot segment as the key (the router's)", 404,
                "POST /ofrep/v1/evaluate/flags/%2e", JSON, U1));
        c.add(new Case("bulk, GET (the router's 405)", 405, "GET /ofrep/v1/evaluate/flags", "", ""));
        c.add(new Case("native evaluate", 200, "POST /v1/evaluate", JSON,
                "{\"context\":{\"targetingKey\":\"u1\"},\"flags\":[\"static-on\",\"nope\"],\"explain\":true}"));
        c.add(new Case("native evaluate, flags not an array", 400, "POST /v1/evaluate", JSON,
                "{\"context\":{},\"flags\":5}"));
        return c;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersAsTheRouterDoes(Case c) throws IOException {
        String viaDispatch = exchange(dispatched.port(), c);
        String viaRouter = exchange(routed.port(), c);

        assertThat(viaDispatch).isEqualTo(viaRouter);
        assertThat(viaDispatch).startsWith("HTTP/1.1 " + c.status() + " ")
                .contains("X-Content-Type-Options: nosniff");
    }

    @Test
    void bulkAnswers304ToItsOwnETagAsTheRouterDoes() throws IOException {
        Case bulk = new Case("bulk", 200, "POST /ofrep/v1/evaluate/flags", JSON, U1);
        String first = exchange(dispatched.port(), bulk);
        Matcher etag = Pattern.compile("(?i)\r\netag: (\"[^\"]+\")").matcher(first);
        assertThat(etag.find()).as(first).isTrue();
        Case again = new Case("again", 304, bulk.requestLine(), JSON + "If-None-Match: " + etag.group(1) + "\r\n", U1);

        String viaDispatch = exchange(dispatched.port(), again);

        assertThat(viaDispatch).startsWith("HTTP/1.1 304 ");
        assertThat(viaDispatch).isEqualTo(exchange(routed.port(), again));
        assertThat(first).isEqualTo(exchange(routed.port(), bulk));
        // Header names in the case the sidecar has always sent them.
        assertThat(first).contains("\r\nContent-Type: application/json\r\n").contains("\r\nETag: \"");
    }

    @Test
    void theBulkETagNamesTheAddressTheAnswerNamesItsStreamAt() throws IOException {
        Case viaName = new Case("by name", 200, "POST /ofrep/v1/evaluate/flags", JSON + "X-Host: localhost\r\n", U1);
        Case viaAddress = new Case("by address", 200, "POST /ofrep/v1/evaluate/flags", JSON
                + "X-Host: 127.0.0.1\r\n", U1);
        String byName = exchange(dispatched.port(), viaName);
        String byAddress = exchange(dispatched.port(), viaAddress);
        Matcher nameTag = Pattern.compile("\r\nETag: (\"[^\"]+\")").matcher(byName);
        Matcher addressTag = Pattern.compile("\r\nETag: (\"[^\"]+\")").matcher(byAddress);
        assertThat(nameTag.find() && addressTag.find()).isTrue();

        assertThat(byName).contains("\"url\":\"http://localhost/ofrep/v1/stream\"");
        assertThat(byAddress).contains("\"url\":\"http://127.0.0.1/ofrep/v1/stream\"");
        assertThat(nameTag.group(1)).isNotEqualTo(addressTag.group(1));
        // One address's tag does not make the other's answer (another body) a 304.
        Case stale = new Case("other's tag", 200, viaAddress.requestLine(), viaAddress.headers() + "If-None-Match: "
                + nameTag.group(1) + "\r\n", U1);
        assertThat(exchange(dispatched.port(), stale)).startsWith("HTTP/1.1 200 ");
        assertThat(exchange(routed.port(), stale)).startsWith("HTTP/1.1 200 ");
    }

    @Test
    void aCompressedAnswerHasItsOwnStrongETagAndEveryAnswerVariesOnAcceptEncoding() throws IOException {
        Case identity = new Case("identity", 200, "POST /ofrep/v1/evaluate/flags", JSON, U1);
        Case gzip = new Case("gzip", 200, "POST /ofrep/v1/evaluate/flags", JSON + "Accept-Encoding: GZIP, br\r\n", U1);
        String plain = exchange(dispatched.port(), identity);
        String coded = exchange(dispatched.port(), gzip);
        Matcher plainTag = Pattern.compile("\r\nETag: (\"[^\"]+\")").matcher(plain);
        Matcher codedTag = Pattern.compile("\r\nETag: (\"[^\"]+\")").matcher(coded);
        assertThat(plainTag.find() && codedTag.find()).isTrue();

        assertThat(plain).contains("\r\nVary: Accept-Encoding\r\n");
        assertThat(coded).contains("\r\nVary: Accept-Encoding\r\n");
        assertThat(codedTag.group(1)).isEqualTo(plainTag.group(1).replaceAll("\"$", "-z\""));
        // Either tag is the same content: 304 whichever the client kept, each with the tag of its own coding.
        for (String kept : List.of(plainTag.group(1), codedTag.group(1))) {
            String again = exchange(dispatched.port(), new Case("again", 304, gzip.requestLine(), gzip.headers()
                    + "If-None-Match: " + kept + "\r\n", U1));
            assertThat(again).startsWith("HTTP/1.1 304 ").contains("\r\nETag: " + codedTag.group(1) + "\r\n");
            String plainAgain = exchange(routed.port(), new Case("again", 304, identity.requestLine(),
                    identity.headers() + "If-None-Match: " + kept + "\r\n", U1));
            assertThat(plainAgain).startsWith("HTTP/1.1 304 ").contains("\r\nETag: " + plainTag.group(1) + "\r\n");
        }
        assertThat(CodingValidators.acceptsCoding("gzip;q=0, deflate;q=0.000")).isFalse();
        assertThat(CodingValidators.acceptsCoding("br, x-gzip;q=0.5")).isTrue();
        assertThat(CodingValidators.acceptsCoding("identity")).isFalse();
        assertThat(CodingValidators.acceptsCoding(null)).isFalse();
    }

    /** Sends {@code c} on a new connection (closed after the answer) and returns the whole answer as text. */
    private static String exchange(int port, Case c) throws IOException {
        StringBuilder head = new StringBuilder(c.requestLine()).append(" HTTP/1.1\r\n");
        // "X-Host" stands for the Host of a case about the host check; every other case names localhost.
        String headers = c.headers();
        if (headers.contains("X-Host: ")) {
            headers = headers.replace("X-Host: ", "Host: ");
        } else {
            head.append("Host: localhost\r\n");
        }
        head.append(headers).append("Connection: close\r\n");
        byte[] body = c.body().getBytes(StandardCharsets.UTF_8);
        boolean chunked = headers.contains("Transfer-Encoding: chunked");
        if (!chunked && body.length > 0) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) SidecarFixture.TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            try {
                if (chunked) {
                    // In chunks of 100 bytes, as a streaming client sends them.
                    for (int i = 0; i < body.length; i += 100) {
                        int n = Math.min(100, body.length - i);
                        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(body, i, n);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } else {
                    out.write(body);
                }
                out.flush();
            } catch (IOException answeredEarly) {
                // The server may answer (413) and close before the whole body is sent; its answer is read below.
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    answer.write(buf, 0, n);
                }
            } catch (IOException reset) {
                // A reset after the answer (the server closed with unread bytes): what arrived is the answer.
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }
}
