package io.guidon.sidecar.http;

import io.guidon.sidecar.FlagStore;
import io.guidon.sidecar.Snapshot;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Small response helpers shared by the sidecar's handlers. */
final class Http {

    private Http() {
    }

    static void json(RoutingContext ctx, int status, CharSequence body) {
        json(ctx.response(), status, body);
    }

    /** {@code body} as the JSON answer with {@code status}. */
    static void json(HttpServerResponse response, int status, CharSequence body) {
        response.setStatusCode(status).putHeader(CONTENT_TYPE, APPLICATION_JSON).end(body.toString());
    }

    /** {@link #json(RoutingContext, int, CharSequence)} of a body already encoded (UTF-8). */
    static void json(RoutingContext ctx, int status, Buffer body) {
        json(ctx.response(), status, body);
    }

    /** {@link #json(HttpServerResponse, int, CharSequence)} of a body already encoded (UTF-8). */
    static void json(HttpServerResponse response, int status, Buffer body) {
        response.setStatusCode(status).putHeader(CONTENT_TYPE, APPLICATION_JSON).end(body);
    }

    /**
     * The header's name and value as Netty {@code AsciiString}s, encoded once rather than per response; the names
     * keep the case the sidecar has always sent.
     */
    private static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("Content-Type");
    private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
    static final CharSequence ETAG = HttpHeaders.createOptimized("ETag");

    /** The snapshot to serve, or a 503 when no flag set has been loaded yet. */
    static Snapshot ready(FlagStore store) {
        Snapshot s = store.current();
        if (s == null) {
            throw new SidecarException(503, "GENERAL", "no flag set is loaded yet; see /readyz");
        }
        return s;
    }

    /**
     * Answers 304 when {@code If-None-Match} lists {@code etag} (or is {@code *} on GET or HEAD); weak tags compare
     * by their value. Returns whether it answered. {@code *} on another method (OFREP's bulk POST) is 412: RFC 9110
     * §13.1.2 allows 304 only for GET and HEAD, and OFREP's polling (ADR 0005) only sends back a tag it received,
     * so a {@code *} is no cache's validation: it asks "only if there is no current answer", and there is one.
     */
    static boolean notModified(RoutingContext ctx, String etag) {
        return notModified(ctx.request(), etag);
    }

    /** {@link #notModified(RoutingContext, String)} of a request the router did not see. */
    static boolean notModified(HttpServerRequest request, String etag) {
        String header = request.getHeader(HttpHeaders.IF_NONE_MATCH);
        if (header == null) {
            return false;
        }
        for (String candidate : header.split(",")) {
            String c = candidate.trim();
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            // The tag as sent with a compressible answer (CodingValidators): the same content.
            c = CodingValidators.withoutSuffix(c);
            if (c.equals("*") && request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
                throw new SidecarException(412, "GENERAL", "If-None-Match: * asks for an answer only when there is "
                        + "none, and there always is one: send the ETag of the previous answer to get 304 until it "
                        + "changes, or no If-None-Match");
            }
            if (c.equals(etag) || c.equals("*")) {
                request.response().setStatusCode(304).putHeader(ETAG, etag).end();
                return true;
            }
        }
        return false;
    }

    /**
     * A body route's check, before the body is read: a body must be {@code application/json} (UTF-8, the only
     * charset JSON has), or 415. A web page can post {@code text/plain} or a form to any address without asking
     * (no CORS preflight), but not JSON; and a body labelled as something else is a client's mistake worth naming.
     * An empty body needs no type.
     */
    static void requireJson(RoutingContext ctx) {
        SidecarException refused = notJson(ctx.request(), ctx.pathParam("key"));
        if (refused != null) {
            ctx.fail(refused);
        } else {
            ctx.next();
        }
    }

    /**
     * {@link #requireJson}'s rule: null when the body's label is acceptable, else the 415 to answer, naming
     * {@code flagKey} (the decoded key of a single-flag evaluation, or null) as OFREP's error bodies do.
     */
    static SidecarException notJson(HttpServerRequest request, String flagKey) {
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null) {
            String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
            if (request.getHeader(HttpHeaders.TRANSFER_ENCODING) == null
                    && (length == null || length.trim().equals("0"))) {
                return null;
            }
            return unsupported(flagKey, "the request has a body but no Content-Type; send it as application/json");
        }
        if (type.equalsIgnoreCase("application/json")) {
            // What nearly every client sends: no parameters to read.
            return null;
        }
        String[] parts = type.split(";");
        if (!parts[0].trim().equalsIgnoreCase("application/json")) {
            return unsupported(flagKey, "Content-Type " + parts[0].trim() + " is not accepted; send the body as "
                    + "application/json");
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                String charset = p.substring(eq + 1).trim().replace("\"", "");
                if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
                    return unsupported(flagKey, "charset " + charset + " is not accepted; JSON is UTF-8 "
                            + "(application/json; charset=utf-8, or no charset)");
                }
            }
        }
        return null;
    }

    /** A 415 naming {@code details}, and the flag key of a single-flag evaluation (OFREP's error bodies carry it). */
    private static SidecarException unsupported(String flagKey, String details) {
        return new SidecarException(415, "PARSE_ERROR", details, flagKey);
    }

    /** Paths that answer whatever the {@code Host}: probes and scrapers reach them by the pod's address. */
    private static final Set<String> ANY_HOST_PATHS = Set.of("/healthz", "/readyz", "/metrics");
    private static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1", "::1");

    /**
     * The first handler of every request: marks every response {@code nosniff}, answers 400 to a request with more
     * than one {@code Host}, and 421 to a request
     * whose {@code Host} is neither a loopback name nor one of {@code allowed} (any port), so that a web page whose
     * own name resolves to this machine (DNS rebinding) cannot use the API from a browser. {@code allowed} holds
     * lower-case names, IPv6 addresses without brackets; "*" allows any.
     */
    static void guard(RoutingContext ctx, Set<String> allowed) {
        SidecarException refused = guard(ctx.request(), allowed);
        if (refused != null) {
            ctx.fail(refused);
        } else {
            ctx.next();
        }
    }

    /**
     * {@link #guard(RoutingContext, Set)}'s rule, for a request the router does not see: marks the response
     * {@code nosniff} and returns null when the request may go on, else the 400 or 421 to answer.
     */
    static SidecarException guard(HttpServerRequest request, Set<String> allowed) {
        request.response().putHeader(NOSNIFF, NOSNIFF_VALUE);
        // RFC 9112 §3.2: a request with more than one Host is 400, on every path and whatever http.allowed-hosts
        // says: checking the first while a proxy or a framework behind it may use the last is how host checks
        // are bypassed.
        if (request.headers().getAll(HttpHeaders.HOST).size() > 1) {
            return new SidecarException(400, "GENERAL", "the request has more than one Host header (RFC 9112 "
                    + "§3.2): send exactly one");
        }
        if (allowed.contains("*") || ANY_HOST_PATHS.contains(request.path())) {
            return null;
        }
        HostAndPort authority = request.authority();
        if (authority == null) {
            if (request.getHeader(HttpHeaders.HOST) != null) {
                // A Host that is not a host and port (RFC 9110 §7.2) must not pass as "no Host": checked on
                // every protocol version, before any allow-list, in the router's own words.
                return new SidecarException(400, "GENERAL", io.guidon.common.ops.ErrorBody.routerRefusal(request));
            }
            // HTTP/1.0 without Host: not a browser, which always names the host.
            return null;
        }
        String host = authority.host().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (LOOPBACK.contains(host) || allowed.contains(host)) {
            return null;
        }
        return new SidecarException(421, "GENERAL", "this sidecar does not answer to the host name '"
                + authority.host() + "' (Host header): use localhost, 127.0.0.1 or [::1], or list the name in the "
                + "setting http.allowed-hosts");
    }

    private static final CharSequence NOSNIFF = HttpHeaders.createOptimized(SidecarVerticle.NOSNIFF);
    private static final CharSequence NOSNIFF_VALUE = HttpHeaders.createOptimized("nosniff");

    /**
     * Refuses a flag key the router decoded with replacement characters because its percent-encoding is not UTF-8
     * ({@code %e0%a4}): 400 naming the key as sent, like a key that does not decode at all.
     */
    static void requireDecodableKey(RoutingContext ctx, String key) {
        requireDecodableKey(ctx.request(), key);
    }

    /** {@link #requireDecodableKey(RoutingContext, String)} of a request the router did not see. */
    static void requireDecodableKey(HttpServerRequest request, String key) {
        if (key.indexOf('\uFFFD') >= 0 && !ErrorHandler.decodes(request.path())) {
            String raw = SidecarRoute.rawFlagKey(request.path());
            throw new SidecarException(400, "PARSE_ERROR", "the flag key in the path is not valid percent-encoding "
                    + "of UTF-8 text: " + raw, raw);
        }
    }
}
