package io.guidon.sidecar.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Locale;

/**
 * With {@code http.compression} on, the server's request handler in front of the others: every answer says
 * {@code Vary: Accept-Encoding} (its coding depends on that header: a cache must not serve a gzip answer to a client
 * that did not ask for one), and an answer's strong ETag gets the suffix {@value #SUFFIX} when the request accepts a
 * coding the server may apply, since RFC 9110 §8.8.3 asks a strong validator to differ between content codings of
 * the same content (as Apache's mod_deflate does). The handlers compute and compare the unsuffixed tag:
 * {@link Http#notModified} takes the suffixed one back as the same. An answer below the compression threshold keeps
 * its identity coding under the suffixed tag: two tags for one representation cost a cache only a refetch.
 */
final class CodingValidators implements Handler<HttpServerRequest> {

    /** What a strong ETag of an answer that may be compressed ends with, inside its quotes. */
    static final String SUFFIX = "-z";

    /** Header names in the case the sidecar sends them (Vert.x's constants are lower case). */
    private static final CharSequence VARY = HttpHeaders.createOptimized("Vary");
    private static final CharSequence ACCEPT_ENCODING = HttpHeaders.createOptimized("Accept-Encoding");

    private final Handler<HttpServerRequest> next;

    CodingValidators(Handler<HttpServerRequest> next) {
        this.next = next;
    }

    @Override
    public void handle(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        response.putHeader(VARY, ACCEPT_ENCODING);
        if (acceptsCoding(request.getHeader(HttpHeaders.ACCEPT_ENCODING))) {
            response.headersEndHandler(v -> {
                String etag = response.headers().get(Http.ETAG);
                if (etag != null && !etag.startsWith("W/") && etag.length() >= 2 && etag.endsWith("\"")) {
                    response.putHeader(Http.ETAG, etag.substring(0, etag.length() - 1) + SUFFIX + "\"");
                }
            });
        }
        next.handle(request);
    }

    /**
     * Whether {@code acceptEncoding} names gzip or deflate (the codings the server applies) with a weight above 0
     * (RFC 9110 §12.5.3); coding names compared without regard to case.
     */
    static boolean acceptsCoding(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.split(",")) {
            String[] fields = part.split(";");
            String coding = fields[0].trim().toLowerCase(Locale.ROOT);
            if (!coding.equals("gzip") && !coding.equals("x-gzip") && !coding.equals("deflate")) {
                continue;
            }
            boolean zero = false;
            for (int i = 1; i < fields.length; i++) {
                String f = fields[i].trim().toLowerCase(Locale.ROOT).replace(" ", "");
                if (f.startsWith("q=")) {
                    zero = f.substring(2).matches("0(\\.0{0,3})?");
                }
            }
            if (!zero) {
                return true;
            }
        }
        return false;
    }

    /** {@code candidate} (an If-None-Match entry, quoted) without the suffix this handler adds. */
    static String withoutSuffix(String candidate) {
        return candidate.endsWith(SUFFIX + "\"") ? candidate.substring(0, candidate.length() - SUFFIX.length() - 1)
                + "\"" : candidate;
    }
}
