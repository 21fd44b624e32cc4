package io.guidon.sidecar.http;

import io.guidon.sidecar.FlagStore;
import io.guidon.sidecar.Snapshot;
import io.vertx.ext.web.RoutingContext;

/** Small response helpers shared by the sidecar's handlers. */
final class Http {

    private Http() {
    }

    static void json(RoutingContext ctx, int status, CharSequence body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
    }

    /** The snapshot to serve, or a 503 when no flag set has been loaded yet. */
    static Snapshot ready(FlagStore store) {
        Snapshot s = store.current();
        if (s == null) {
            throw new SidecarException(503, "GENERAL", "no flag set is loaded yet; see /readyz");
        }
        return s;
    }

    /**
     * Answers 304 when {@code If-None-Match} lists {@code etag} (or is {@code *}); weak tags compare by their
     * value. Returns whether it answered.
     */
    static boolean notModified(RoutingContext ctx, String etag) {
        String header = ctx.request().getHeader("If-None-Match");
        if (header == null) {
            return false;
        }
        for (String candidate : header.split(",")) {
            String c = candidate.trim();
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals(etag) || c.equals("*")) {
                ctx.response().setStatusCode(304).putHeader("ETag", etag).end();
                return true;
            }
        }
        return false;
    }
}
