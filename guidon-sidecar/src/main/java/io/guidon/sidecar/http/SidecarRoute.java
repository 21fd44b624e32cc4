package io.guidon.sidecar.http;

import io.vertx.core.http.HttpMethod;
import java.util.List;

/**
 * The route table of the sidecar's API port: each route with its path (Vert.x syntax; {@code :key} is the key of
 * the one flag a route is about) and how it is called. {@link SidecarVerticle} binds every route to its handler;
 * what the error answers need to know of the routes is read from here: the methods a path allows ({@code Allow} of
 * a 405) and the flag key a path names (OFREP's error bodies carry it). The management port's routes
 * ({@code /metrics}, and {@code /healthz}, {@code /readyz} again) are {@link OpsApi}'s and {@code SidecarMain}'s.
 */
enum SidecarRoute {

    /** OFREP: evaluate one flag. */
    OFREP_FLAG(Call.EVALUATION, "/ofrep/v1/evaluate/flags/:key"),
    /** OFREP: evaluate every flag (bulk). */
    OFREP_FLAGS(Call.EVALUATION, "/ofrep/v1/evaluate/flags"),
    /** OFREP: what this provider supports (polling interval, caching). */
    OFREP_CONFIGURATION(Call.READ, "/ofrep/v1/configuration"),
    /** OFREP: the event stream OFREP answers name in {@code eventStreams} (refetch signals, Server-Sent Events). */
    OFREP_STREAM(Call.READ, "/ofrep/v1/stream"),
    /** Native: evaluate flags for a context. */
    EVALUATE(Call.EVALUATION, "/v1/evaluate"),
    /** Native: one flag's definition. */
    FLAG(Call.READ, "/v1/flags/:key"),
    /** Native: the whole flag document. */
    FLAGS(Call.READ, "/v1/flags"),
    /** Native: every flag evaluated for a user. */
    USER_FLAGS(Call.READ, "/users/:userId/flags"),
    /** Native: report flags read after a bulk fetch, recorded as exposures (ADR 0203). */
    EXPOSURES(Call.EVALUATION, "/v1/exposures"),
    /** Native: record a conversion ({@code track}). */
    TRACK(Call.EVALUATION, "/v1/track"),
    /** Server-sent events of flag changes. */
    STREAM(Call.READ, "/v1/stream"),
    /** Flag changes over a WebSocket. */
    WEB_SOCKET(Call.READ, "/ws/flags"),
    /** The process answers. */
    HEALTH(Call.READ, "/healthz"),
    /** A flag set is loaded and the sidecar is not draining. */
    READY(Call.READ, "/readyz");

    /** How a route is called. */
    enum Call {
        /**
         * POST with a JSON body (labelled so, or 415; read within {@code http.max-body-size}, or 413): an
         * evaluation, or an event that goes with one.
         */
        EVALUATION(List.of(HttpMethod.POST)),
        /** GET, and HEAD (the GET handler's headers, no body). */
        READ(List.of(HttpMethod.GET, HttpMethod.HEAD));

        private final List<HttpMethod> methods;

        Call(List<HttpMethod> methods) {
            this.methods = methods;
        }
    }

    /** A path parameter naming one flag. */
    private static final String FLAG_KEY = ":key";

    private final Call call;
    private final String path;

    SidecarRoute(Call call, String path) {
        this.call = call;
        this.path = path;
    }

    Call call() {
        return call;
    }

    String path() {
        return path;
    }

    /** The methods this route answers, in the order {@code Allow} lists them. */
    List<HttpMethod> methods() {
        return call.methods;
    }

    /**
     * Whether {@code requestPath} (as sent, not decoded) is this route's: the same segments, a parameter matching
     * any non-empty segment, and one trailing slash ignored as Vert.x does.
     */
    boolean matches(String requestPath) {
        if (requestPath == null) {
            return false;
        }
        String have = requestPath.length() > 1 && requestPath.endsWith("/")
                ? requestPath.substring(0, requestPath.length() - 1) : requestPath;
        String[] want = path.split("/", -1);
        String[] got = have.split("/", -1);
        if (want.length != got.length) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            if (want[i].startsWith(":") ? got[i].isEmpty() : !want[i].equals(got[i])) {
                return false;
            }
        }
        return true;
    }

    /** The path before the flag key, for a route about one flag ({@code /v1/flags/}); null for the others. */
    String flagKeyPrefix() {
        return path.endsWith("/" + FLAG_KEY) ? path.substring(0, path.length() - FLAG_KEY.length()) : null;
    }

    /** The methods the table allows on {@code requestPath}, for {@code Allow}: {@code POST}, or {@code GET, HEAD}. */
    static String allowed(String requestPath) {
        java.util.Set<String> methods = new java.util.LinkedHashSet<>();
        for (SidecarRoute r : values()) {
            if (r.matches(requestPath)) {
                r.methods().forEach(m -> methods.add(m.name()));
            }
        }
        // Not reached for a path outside the table (the router answers 404 there); the reads' methods, as ever.
        return methods.isEmpty() ? "GET, HEAD" : String.join(", ", methods);
    }

    /**
     * The flag key {@code requestPath} names, as sent (undecoded), when it is the path of a route about one flag;
     * null for other paths.
     */
    static String rawFlagKey(String requestPath) {
        if (requestPath == null) {
            return null;
        }
        for (SidecarRoute r : values()) {
            String prefix = r.flagKeyPrefix();
            if (prefix != null && requestPath.startsWith(prefix) && requestPath.length() > prefix.length()) {
                return requestPath.substring(prefix.length());
            }
        }
        return null;
    }
}
