package io.guidon.common.ops;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/**
 * How a server writes an error it answers outside its API's own handlers (the management port's 404 and 405, and
 * requests the HTTP server or the router refuse before any route runs), in the shape of that server's API: the
 * control plane's RFC 9457 problem ({@code application/problem+json}: {@code type}, {@code title}, {@code status},
 * {@code detail}), the sidecar's {@code {"errorCode":"GENERAL","errorDetails"}}. Every such answer carries
 * {@code X-Content-Type-Options: nosniff}.
 */
public enum ErrorBody {
    /** The control plane's shape. */
    PROBLEM,
    /** The sidecar's shape (OFREP's error body). */
    OFREP;

    /**
     * Where every problem {@code type} of the control plane starts, on its API and its management port alike
     * ({@code https://guidon.io/problems/not-found}): RFC 9457 types are URIs, and one client compares them.
     */
    public static final String PROBLEM_TYPE_BASE = "https://guidon.io/problems/";

    /** Writes {@code status} with {@code detail} and ends {@code res} (nothing when it has already started). */
    public void write(HttpServerResponse res, int status, String detail) {
        if (res.headWritten()) {
            return;
        }
        String text = new String(JsonStringEncoder.getInstance().quoteAsString(detail));
        String body;
        if (this == PROBLEM) {
            body = "{\"type\":\"" + PROBLEM_TYPE_BASE + type(status) + "\",\"title\":\"" + title(status)
                    + "\",\"status\":" + status
                    + ",\"detail\":\"" + text + "\"}";
            res.putHeader("Content-Type", "application/problem+json");
        } else {
            body = "{\"errorCode\":\"GENERAL\",\"errorDetails\":\"" + text + "\"}";
            res.putHeader("Content-Type", "application/json");
        }
        res.putHeader("X-Content-Type-Options", "nosniff").setStatusCode(status).end(body);
    }

    /**
     * For {@code HttpServer.invalidRequestHandler}: what the HTTP decoder refused, before any route, answered in
     * this shape instead of Vert.x's empty body (414 for a request line longer than the server's limit, 431 for
     * headers, 400 else), then the connection is closed (it cannot carry another request).
     */
    public Handler<HttpServerRequest> invalidRequests() {
        return request -> {
            Throwable cause = request.decoderResult() == null ? null : request.decoderResult().cause();
            int status;
            String detail;
            if (cause instanceof TooLongHttpLineException) {
                status = 414;
                detail = "the request line (method, URL and version) is longer than this server accepts (4096 "
                        + "bytes); send long contexts in a POST body";
            } else if (cause instanceof TooLongHttpHeaderException) {
                status = 431;
                detail = "the request's headers are larger than this server accepts (8192 bytes)";
            } else {
                status = 400;
                detail = "not a valid HTTP/1.1 request" + (cause == null || cause.getMessage() == null ? ""
                        : ": " + cause.getMessage());
            }
            HttpServerResponse res = request.response().putHeader("Connection", "close");
            write(res, status, detail);
            request.connection().close();
        };
    }

    /**
     * What the router refused a request for before any route ran, when it is not the path's encoding: an HTTP/1.1
     * request without {@code Host}, or a path that does not start with '/'; null for anything else.
     */
    public static String routerRefusal(HttpServerRequest request) {
        if (request.version() == HttpVersion.HTTP_1_1 && request.getHeader("Host") == null) {
            return "the request has no Host header, which HTTP/1.1 requires (Host: name[:port])";
        }
        String host = request.getHeader("Host");
        if (host != null && request.authority() == null) {
            return "the Host header is not a host name or address with an optional port (Host: name[:port]): '"
                    + (host.length() > 100 ? host.substring(0, 100) + "..." : host) + "'";
        }
        String path = request.path();
        if (path == null || !path.startsWith("/")) {
            return "the request target must be a path starting with '/', not " + (path == null || path.isEmpty()
                    ? "nothing" : "'" + (path.length() > 100 ? path.substring(0, 100) + "..." : path) + "'");
        }
        return null;
    }

    private static String type(int status) {
        return switch (status) {
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 414 -> "uri-too-long";
            case 431 -> "headers-too-large";
            case 500 -> "internal";
            default -> status >= 500 ? "unavailable" : "malformed-request";
        };
    }

    private static String title(int status) {
        return switch (status) {
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 414 -> "URI too long";
            case 431 -> "Request header fields too large";
            case 500 -> "Internal server error";
            default -> status >= 500 ? "Service unavailable" : "Malformed request";
        };
    }
}
