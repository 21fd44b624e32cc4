package io.guidon.sidecar.http;

import io.guidon.json.ValueChecks;
import io.guidon.common.ops.ErrorBody;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place errors become responses: {@link SidecarException}s with their status and code, the router's own
 * 404, 405 and 413, and anything unexpected as 500 {@code GENERAL} (logged, details withheld). Every body is
 * {@code {"errorCode", "errorDetails"}} (with {@code key} when a flag was named), on OFREP and native paths alike.
 */
final class ErrorHandler implements Handler<RoutingContext> {

    private static final Logger log = LoggerFactory.getLogger(ErrorHandler.class);

    private final int maxBodyBytes;

    ErrorHandler(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(RoutingContext ctx) {
        handle(ctx, ctx.statusCode());
    }

    /** For {@code router.errorHandler(status, ...)}, which may be called without the status set on the context. */
    Handler<RoutingContext> forStatus(int status) {
        return ctx -> handle(ctx, ctx.statusCode() > 0 ? ctx.statusCode() : status);
    }

    private void handle(RoutingContext ctx, int status) {
        respond(ctx.request(), status, ctx.failure());
    }

    /**
     * Answers {@code request} with the error body of {@code failure} (a {@link SidecarException} brings its own
     * status), or of {@code status} when there is no failure; -1 with a failure that is not a
     * {@link SidecarException} is a 500. Shared by the router's failure handler and {@link EvaluationDispatch}, so
     * an error reads the same whichever served the request.
     */
    void respond(HttpServerRequest request, int status, Throwable failure) {
        HttpServerResponse response = request.response();
        if (response.headWritten()) {
            request.connection().close();
            return;
        }
        String body;
        if (failure instanceof SidecarException e) {
            status = e.status();
            body = JsonText.error(e.errorCode(), e.getMessage(), e.flagKey());
        } else if (status == 404) {
            body = JsonText.error("GENERAL", "no endpoint " + request.path()
                    + "; see the README for the sidecar's API", null);
        } else if (status == 405) {
            body = JsonText.error("GENERAL", "method " + request.method() + " is not allowed on "
                    + request.path(), null);
        } else if (status == 413) {
            body = JsonText.error("GENERAL", "the request body is larger than the limit of " + maxBodyBytes
                    + " bytes (http.max-body-size)", null);
        } else if (status == 417) {
            body = JsonText.error("GENERAL", "the expectation '" + request.getHeader("Expect") + "' is not supported:"
                    + " the only one (RFC 9110 §10.1.1) is 100-continue", null);
        } else if (status == 400 && ErrorBody.routerRefusal(request) != null) {
            body = JsonText.error("GENERAL", ErrorBody.routerRefusal(request), null);
        } else if (status == 400 && failure == null) {
            // The router could not decode the path: name the flag key (OFREP's bodies carry it) as it was sent.
            String path = request.path();
            String key = SidecarRoute.rawFlagKey(path);
            if (path != null && decodes(path)) {
                body = JsonText.error("PARSE_ERROR", "the query string is not valid percent-encoding (such as %20 "
                        + "for a space, %25 for '%'): " + request.query(), key);
            } else {
                body = JsonText.error("PARSE_ERROR", key != null
                        ? "the flag key in the path is not valid percent-encoding (such as %2F for '/'): " + key
                        : "the path is not valid percent-encoding (such as %20 for a space): " + path, key);
            }
        } else if (failure != null && fromHttpDecoder(failure)) {
            // The client's bytes, not a fault of ours (a chunk size that is not hex, a trailer without a colon):
            // Vert.x hands on the decoder's cause rather than a DecoderException. Not an error of the sidecar's log.
            status = 400;
            body = JsonText.error("GENERAL", "malformed request: its body could not be read as HTTP/1.1 sends it ("
                    + ValueChecks.printable(String.valueOf(failure.getMessage()), 100) + ")", null);
        } else if (status >= 400 && status < 500) {
            body = JsonText.error("GENERAL", "malformed request" + (failure instanceof IllegalArgumentException
                    ? ": the path or query string is not valid percent-encoding (such as %20 for a space)"
                    : "; check the encoding of its path and query string"), null);
        } else {
            status = 500;
            log.error("unexpected failure on {} {}", request.method(), request.path(), failure);
            body = JsonText.error("GENERAL", "internal error; the sidecar's log has the details", null);
        }
        if (status == 405) {
            response.putHeader("Allow", SidecarRoute.allowed(request.path()));
        }
        // Also here: the router answers a path it cannot decode before any handler ran.
        response.putHeader(SidecarVerticle.NOSNIFF, "nosniff");
        response.setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }

    /** Whether {@code failure} or a cause of it was thrown by Netty's HTTP message decoder (the client's bytes). */
    static boolean fromHttpDecoder(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.netty.handler.codec.DecoderException) {
                return true;
            }
            for (StackTraceElement frame : t.getStackTrace()) {
                if (frame.getClassName().startsWith("io.netty.handler.codec.http.HttpObjectDecoder")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether {@code raw} is valid percent-encoding of UTF-8 text. */
    static boolean decodes(String raw) {
        try {
            ValueChecks.decodeUriComponent(raw, false);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
