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
 * flag is listed. One instance per verticle: its connections live on that verticle's event loop only.
 */
final class ChangeStreams {

    private final Vertx vertx;
    private final FlagStore store;
    private final Set<HttpServerResponse> sse = new HashSet<>();
    private final Set<ServerWebSocket> sockets = new HashSet<>();
    private final long heartbeatTimer;

    ChangeStreams(Vertx vertx, FlagStore store, long heartbeatMillis) {
        this.vertx = vertx;
        this.store = store;
        this.heartbeatTimer = vertx.setPeriodic(heartbeatMillis, id -> heartbeat());
    }

    void sse(RoutingContext ctx) {
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
        String first = greeting(ctx.request().getHeader("Last-Event-ID"));
        if (first != null) {
            response.write(sseEvent(store.current().version(), first));
        }
        sse.add(response);
        response.closeHandler(v -> sse.remove(response));
        response.exceptionHandler(e -> sse.remove(response));
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
        String frame = sseEvent(version, eventJson);
        for (HttpServerResponse r : List.copyOf(sse)) {
            if (r.writeQueueFull()) {
                // A client that does not read loses its stream; it reconnects with Last-Event-ID and catches up.
                r.reset();
                sse.remove(r);
            } else {
                r.write(frame);
            }
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
        for (HttpServerResponse r : List.copyOf(sse)) {
            if (!r.writeQueueFull()) {
                r.write(": ping\n\n");
            }
        }
        for (ServerWebSocket ws : List.copyOf(sockets)) {
            ws.writePing(io.vertx.core.buffer.Buffer.buffer("ping"));
        }
    }

    int connections() {
        return sse.size() + sockets.size();
    }

    /** Ends every stream (for shutdown): clients see the end and reconnect elsewhere or later. */
    void closeAll() {
        vertx.cancelTimer(heartbeatTimer);
        for (HttpServerResponse r : List.copyOf(sse)) {
            r.end();
        }
        sse.clear();
        for (ServerWebSocket ws : List.copyOf(sockets)) {
            ws.close((short) 1001, "sidecar shutting down");
        }
        sockets.clear();
    }
}
