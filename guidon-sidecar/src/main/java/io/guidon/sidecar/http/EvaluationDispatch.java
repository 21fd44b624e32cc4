package io.guidon.sidecar.http;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.Set;

/**
 * The HTTP server's request handler (ADR 0207): the evaluation routes a client calls per request (OFREP's single and
 * bulk evaluations, native {@code POST /v1/evaluate}) are served here, without Vert.x Web's router, routing
 * context, request wrapper and body handler; every other request, and every evaluation request that is not plainly
 * one of those (another method, a percent-encoded or unusual path, a query string to check, no {@code Host}),
 * goes to the router as before.
 *
 * <p>The edge checks are the router's own rules, called from here in the router's order: {@link Http#guard}
 * ({@code nosniff}, one {@code Host}, the allowed hosts), {@link Requests#checkUri} (only plain paths and queries
 * come here, which it passes), the route, {@link Http#notJson} (415), the body limit ({@code http.max-body-size}:
 * 413 from {@code Content-Length} before reading, or as soon as the bytes read exceed it, like Vert.x Web's
 * {@code BodyHandler}), then the same handler methods of {@link OfrepApi} and {@link NativeApi}; errors are answered
 * by the same {@link ErrorHandler#respond}. So a request gets the same answer, byte for byte, whichever path
 * served it ({@code EvaluationDispatchTest} compares both).
 *
 * <p>One instance per event loop (not thread-safe state: none; each request's body has its own reader).
 */
final class EvaluationDispatch implements Handler<HttpServerRequest> {

    private static final String BULK = SidecarRoute.OFREP_FLAGS.path();
    private static final String SINGLE_PREFIX = SidecarRoute.OFREP_FLAG.flagKeyPrefix();
    private static final String EVALUATE = SidecarRoute.EVALUATE.path();

    private final Handler<HttpServerRequest> router;
    private final OfrepApi ofrep;
    private final NativeApi api;
    private final Set<String> hosts;
    private final int maxBodyBytes;
    private final ErrorHandler errors;

    /**
     * @param router what serves every other request
     * @param hosts the allowed hosts, as {@link Http#guard} takes them
     * @param maxBodyBytes {@code http.max-body-size}
     */
    EvaluationDispatch(Handler<HttpServerRequest> router, OfrepApi ofrep, NativeApi api, Set<String> hosts,
            int maxBodyBytes, ErrorHandler errors) {
        this.router = router;
        this.ofrep = ofrep;
        this.api = api;
        this.hosts = hosts;
        this.maxBodyBytes = maxBodyBytes;
        this.errors = errors;
    }

    @Override
    public void handle(HttpServerRequest request) {
        SidecarRoute route = route(request.method(), request.getHeader(HttpHeaders.HOST), request.path(),
                request.query());
        // An expectation (RFC 9110 §10.1.1: 100-continue, answered by the router's body handler, or one it refuses
        // with 417) and a Host that does not parse (refused by the router before any route) are the router's.
        if (route != null && (request.authority() == null || request.headers().contains(HttpHeaders.EXPECT))) {
            route = null;
        }
        if (route == null) {
            router.handle(request);
            return;
        }
        String key = route == SidecarRoute.OFREP_FLAG ? request.path().substring(SINGLE_PREFIX.length()) : null;
        SidecarException refused = Http.guard(request, hosts);
        if (refused == null) {
            // What the router tells the HTTP metrics when it reaches the route: its path is the "route" label.
            request.routed(route.path());
            refused = Http.notJson(request, key);
        }
        if (refused != null) {
            errors.respond(request, -1, refused);
            return;
        }
        if (declaredLength(request) > maxBodyBytes) {
            errors.respond(request, 413, null);
            return;
        }
        Body body = new Body(request, route, key);
        request.handler(body);
        request.endHandler(body::end);
        request.exceptionHandler(body::failed);
    }

    /**
     * The evaluation route this dispatch serves a request to, or null for the router: a POST with a {@code Host}
     * (without one, HTTP/1.1 is refused by the router itself, before any route) to exactly one of the evaluation
     * paths, a single flag's key being {@link #plainKey plain}, and a query string, if any, that
     * {@link Requests#checkUri} would pass without decoding (percent-encoding to check and name in an error goes to
     * the router).
     */
    static SidecarRoute route(HttpMethod method, String host, String path, String query) {
        if (method != HttpMethod.POST || host == null || path == null
                || (query != null && !Requests.plain(query))) {
            return null;
        }
        if (path.equals(BULK)) {
            return SidecarRoute.OFREP_FLAGS;
        }
        if (path.equals(EVALUATE)) {
            return SidecarRoute.EVALUATE;
        }
        if (path.startsWith(SINGLE_PREFIX) && plainKey(path, SINGLE_PREFIX.length())) {
            return SidecarRoute.OFREP_FLAG;
        }
        return null;
    }

    /**
     * Whether {@code path} from {@code from} is one path segment of unreserved characters (RFC 3986 §2.3: letters,
     * digits, {@code -._~}), other than {@code .} and {@code ..}: such a key decodes and normalizes to itself, so
     * it is the key the router would have given. Anything else goes to the router, which decodes and checks it.
     */
    static boolean plainKey(String path, int from) {
        int n = path.length();
        if (from >= n) {
            return false;
        }
        for (int i = from; i < n; i++) {
            char c = path.charAt(i);
            boolean unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~';
            if (!unreserved) {
                return false;
            }
        }
        String key = path.substring(from);
        return !key.equals(".") && !key.equals("..");
    }

    /** {@code Content-Length} as a number, -1 when absent or not one (as Vert.x Web's body handler reads it). */
    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** One request's body, read within the limit, then handed to the route's handler. */
    private final class Body implements Handler<Buffer> {
        private final HttpServerRequest request;
        private final SidecarRoute route;
        private final String key;
        private Buffer bytes;
        private boolean copied;
        private long received;
        private boolean done;

        Body(HttpServerRequest request, SidecarRoute route, String key) {
            this.request = request;
            this.route = route;
            this.key = key;
        }

        @Override
        public void handle(Buffer chunk) {
            if (done) {
                return;
            }
            received += chunk.length();
            if (received > maxBodyBytes) {
                done = true;
                errors.respond(request, 413, null);
                return;
            }
            if (bytes == null) {
                // Nearly always the whole body: kept as it came (Vert.x hands out buffers of its own).
                bytes = chunk;
            } else {
                if (!copied) {
                    bytes = Buffer.buffer((int) Math.min(maxBodyBytes, 2 * received)).appendBuffer(bytes);
                    copied = true;
                }
                bytes.appendBuffer(chunk);
            }
        }

        void end(Void ignored) {
            if (done) {
                return;
            }
            done = true;
            try {
                switch (route) {
                    case OFREP_FLAGS -> ofrep.bulk(request, bytes);
                    case OFREP_FLAG -> ofrep.single(request, key, bytes);
                    case EVALUATE -> api.evaluate(request, bytes == null ? new byte[0] : bytes.getBytes());
                    default -> throw new IllegalStateException("not an evaluation route: " + route);
                }
            } catch (RuntimeException e) {
                // As the router does with a handler's exception: a SidecarException's own answer, else a 500.
                errors.respond(request, -1, e);
            }
        }

        /** The request failed while its body was read; as Vert.x Web's body handler answers it. */
        void failed(Throwable t) {
            if (done) {
                return;
            }
            done = true;
            int status = -1;
            if (t instanceof DecoderException) {
                status = t.getCause() instanceof TooLongFrameException ? 413 : 400;
            }
            errors.respond(request, status, t);
        }
    }
}
