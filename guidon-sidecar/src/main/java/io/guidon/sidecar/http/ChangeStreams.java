package io.guidon.sidecar.http;

import io.guidon.sidecar.FlagStore;
import io.guidon.sidecar.Snapshot;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Pushes flag changes to applications: Server-Sent Events on {@code GET /v1/stream} and a WebSocket on
 * {@code /ws/flags}, both sending {@code {"type": "flags-changed", "version": N, "changed": [keys]}}. Each event's
 * id is the version, so an EventSource that reconnects sends {@code Last-Event-ID} and is told at once what it
 * missed ({@code "missed": true}); when the history no longer reaches that far, {@code "resync": true} and every
 * flag is listed. OFREP's event stream ({@link #ofrepSse}) rides on the same changes. One instance per verticle: its connections live on that verticle's event loop only.
 */
final class ChangeStreams {

    private final Vertx vertx;
    private final FlagStore store;
    private final Set<HttpServerResponse> sse = new HashSet<>();
    private final Set<HttpServerResponse> ofrep = new HashSet<>();
    private final Set<ServerWebSocket> sockets = new HashSet<>();
    private final long heartbeatTimer;

    ChangeStreams(Vertx vertx, FlagStore store, long heartbeatMillis) {
        this.vertx = vertx;
        this.store = store;
        this.heartbeatTimer = vertx.setPeriodic(heartbeatMillis, id -> heartbeat());
    }

    void sse(RoutingContext ctx) {
        open(ctx, sse, greetingFrame(ctx.request().getHeader("Last-Event-ID")));
    }

    /**
     * {@code GET /ofrep/v1/stream}: OFREP's event stream (open-feature/protocol ADR 0008, "Server-Sent Events for
     * bulk evaluation changes"), which bulk OFREP answers name in {@code eventStreams}. Every published
     * change is one {@code event: message} whose data is {@code {"type":"refetchEvaluation","etag":E,
     * "lastModified":S}} ({@link #refetch}), with the version as its id: the client evaluates again (its
     * {@code If-None-Match} then gets 200 with the new values, since the bulk ETag covers the flags' content). A
     * client that reconnects with a {@code Last-Event-ID} other than the current version hears one such event at
     * once (it missed a change; which flags does not matter to a refetch); otherwise nothing until a change.
     */
    void ofrepSse(RoutingContext ctx) {
        Snapshot now = store.current();
        long last = parseVersion(ctx.request().getHeader("Last-Event-ID"));
        open(ctx, ofrep, now != null && last >= 0 && last != now.version() ? refetch(now) : null);
    }

    private void open(RoutingContext ctx, Set<HttpServerResponse> streams, String first) {
        HttpServerResponse response = ctx.response();
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        if (ctx.request().method() == io.vertx.core.http.HttpMethod.HEAD) {
            // The stream's headers, and no stream: a HEAD answer ends after its headers.
            response.end();
            return;
        }
        response.write("retry: 2000\n\n");
        if (first != null) {
            response.write(first);
        }
        streams.add(response);
        response.closeHandler(v -> streams.remove(response));
        response.exceptionHandler(e -> streams.remove(response));
    }

    /** The frame a new {@code /v1/stream} connection hears first ({@link #greeting}), or {@code null}. */
    private String greetingFrame(String lastEventId) {
        String first = greeting(lastEventId);
        return first == null ? null : sseEvent(store.current().version(), first);
    }

    /**
     * OFREP's refetch signal for {@code s}: the etag is the snapshot's ({@link Snapshot#etag()}: the flags' content
     * hash, version and load time), {@code lastModified} its load time in Unix seconds, as ADR 0008 recommends. A
     * client sends them back as {@code flagConfigEtag} and {@code flagConfigLastModified}, which the sidecar accepts
     * and needs not: it always answers from the set it serves.
     */
    static String refetch(Snapshot s) {
        StringBuilder sb = new StringBuilder(128);
        sb.append("id: ").append(s.version()).append("\nevent: message\ndata: {\"type\":\"refetchEvaluation\",\"etag\":");
        JsonText.string(sb, s.etag());
        return sb.append(",\"lastModified\":").append(s.loadedAt().getEpochSecond()).append("}\n\n").toString();
    }

    void webSocket(RoutingContext ctx) {
        if (!ctx.request().headers().contains("Upgrade", "websocket", true)) {
            throw new SidecarException(400, "GENERAL", "/ws/flags is a WebSocket: connect with an Upgrade: websocket "
                    + "request (or use the Server-Sent Events stream at /v1/stream)");
        }
        String last = ctx.request().getHeader("Last-Event-ID");
        if (last == null) {
            last = ctx.request().getParam("lastEventId");
        }
        String lastSeen = last;
        ctx.request().toWebSocket().onSuccess(ws -> {
            String first = greeting(lastSeen);
            if (first != null) {
                ws.writeTextMessage(first);
            }
            sockets.add(ws);
            ws.closeHandler(v -> sockets.remove(ws));
            ws.exceptionHandler(e -> sockets.remove(ws));
            // The socket is for pushes; whatever a client sends is read and dropped so it cannot pile up.
            ws.handler(buffer -> { });
        });
    }

    /**
     * What a new connection hears first: what it missed since {@code lastEventId}, or a {@code hello} with the
     * current version; nothing before any flag set is loaded.
     */
    private String greeting(String lastEventId) {
        Snapshot now = store.current();
        if (now == null) {
            return null;
        }
        long last = parseVersion(lastEventId);
        if (last < 0 || last == now.version()) {
            return "{\"type\":\"hello\",\"version\":" + now.version() + "}";
        }
        Set<String> missed = store.changedSince(last);
        if (missed == null) {
            return event(now.version(), now.flags().flags().stream().map(f -> f.key()).toList(), "\"resync\":true");
        }
        return event(now.version(), List.copyOf(missed), "\"missed\":true");
    }

    private static long parseVersion(String id) {
        if (id == null || id.isEmpty() || id.length() > 18) {
            return -1;
        }
        for (int i = 0; i < id.length(); i++) {
            if (id.charAt(i) < '0' || id.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(id);
    }

    /** Sends a published change to every connection of this event loop. */
    void publish(long version, String eventJson) {
        write(sse, sseEvent(version, eventJson));
        Snapshot now = store.current();
        if (now != null) {
            write(ofrep, refetch(now));
        }
        for (ServerWebSocket ws : List.copyOf(sockets)) {
            if (ws.writeQueueFull()) {
                ws.close((short) 1008, "not reading");
                sockets.remove(ws);
            } else {
                ws.writeTextMessage(eventJson);
            }
        }
    }

    private static void write(Set<HttpServerResponse> streams, String frame) {
        for (HttpServerResponse r : List.copyOf(streams)) {
            if (r.writeQueueFull()) {
                // A client that does not read loses its stream; it reconnects with Last-Event-ID and catches up.
                r.reset();
                streams.remove(r);
            } else {
                r.write(frame);
            }
        }
    }

    static String event(long version, List<String> changed, String extra) {
        StringBuilder sb = new StringBuilder(64 + changed.size() * 24);
        sb.append("{\"type\":\"flags-changed\",\"version\":").append(version).append(",\"changed\":[");
        for (int i = 0; i < changed.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            JsonText.string(sb, changed.get(i));
        }
        sb.append(']');
        if (extra != null) {
            sb.append(',').append(extra);
        }
        return sb.append('}').toString();
    }

    private static String sseEvent(long version, String json) {
        return "id: " + version + "\nevent: " + (json.startsWith("{\"type\":\"hello\"") ? "hello" : "flags-changed")
                + "\ndata: " + json + "\n\n";
    }

    private void heartbeat() {
        for (Set<HttpServerResponse> streams : List.of(sse, ofrep)) {
            for (HttpServerResponse r : List.copyOf(streams)) {
                if (!r.writeQueueFull()) {
                    r.write(": ping\n\n");
                }
            }
        }
        for (ServerWebSocket ws : List.copyOf(sockets)) {
            ws.writePing(io.vertx.core.buffer.Buffer.buffer("ping"));
        }
    }

    int connections() {
        return sse.size() + ofrep.size() + sockets.size();
    }

    /** Ends every stream (for shutdown): clients see the end and reconnect elsewhere or later. */
    void closeAll() {
        vertx.cancelTimer(heartbeatTimer);
        for (Set<HttpServerResponse> streams : List.of(sse, ofrep)) {
            for (HttpServerResponse r : List.copyOf(streams)) {
                r.end();
            }
            streams.clear();
        }
        for (ServerWebSocket ws : List.copyOf(sockets)) {
            ws.close((short) 1001, "sidecar shutting down");
        }
        sockets.clear();
    }
}
