package io.guidon.sidecar;

import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Server-Sent Events client on {@code GET /v1/stream} (or another stream, such as OFREP's): parses the stream into events (comment-only blocks, the
 * heartbeats, are counted, not queued) which the JUnit thread takes one at a time with a deadline.
 */
public final class SseStream implements AutoCloseable {

    /** One block of the stream; {@code retry} is set on the block that announces the reconnection delay. */
    public record Event(String id, String event, String data, String retry) {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final AtomicInteger comments = new AtomicInteger();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final StringBuilder pending = new StringBuilder();
    private HttpClientResponse response;

    private SseStream() {
    }

    /** Opens the stream; {@code headers} are name, value pairs (such as Last-Event-ID). */
    public static SseStream open(SidecarFixture sidecar, String... headers) {
        return open(sidecar.client(), sidecar.port(), headers);
    }

    /** Opens the stream of the sidecar on {@code port} of 127.0.0.1 with {@code client}. */
    public static SseStream open(HttpClient client, int port, String... headers) {
        return open(client, new RequestOptions().setHost("127.0.0.1").setPort(port).setURI("/v1/stream"), headers);
    }

    /** Opens the stream at {@code url} (an absolute URL, such as one an OFREP answer names) with {@code client}. */
    public static SseStream openUrl(HttpClient client, String url, String... headers) {
        return open(client, new RequestOptions().setAbsoluteURI(url), headers);
    }

    private static SseStream open(HttpClient client, RequestOptions options, String... headers) {
        SseStream s = new SseStream();
        options.setMethod(HttpMethod.GET);
        for (int i = 0; i < headers.length; i += 2) {
            options.addHeader(headers[i], headers[i + 1]);
        }
        // A response drops data that arrives before its handler is set: the handlers must be set by a callback on
        // send()'s own future, which runs as the response arrives. (One on a future composed from it may be
        // called later, from another context, after the first chunks were dropped.)
        s.response = SidecarFixture.await(client.request(options).compose(req -> req.send().map(resp -> {
            resp.handler(buffer -> s.onData(buffer.toString(StandardCharsets.UTF_8)));
            resp.endHandler(v -> s.ended.complete(null));
            resp.exceptionHandler(e -> s.ended.complete(null));
            return resp;
        })));
        return s;
    }

    private void onData(String text) {
        pending.append(text);
        for (int end = pending.indexOf("\n\n"); end >= 0; end = pending.indexOf("\n\n")) {
            String block = pending.substring(0, end);
            pending.delete(0, end + 2);
            parse(block);
        }
    }

    private void parse(String block) {
        String id = null;
        String event = null;
        String retry = null;
        StringBuilder data = null;
        for (String line : block.split("\n")) {
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1).stripLeading();
            switch (field) {
                case "id" -> id = value;
                case "event" -> event = value;
                case "retry" -> retry = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> throw new AssertionError("unknown SSE field in: " + block);
            }
        }
        if (id == null && event == null && retry == null && data == null) {
            comments.incrementAndGet();
        } else {
            events.add(new Event(id, event, data == null ? null : data.toString(), retry));
        }
    }

    public HttpClientResponse response() {
        return response;
    }

    /** The next event, failing the test if none comes within {@code timeout}. */
    public Event next(Duration timeout) {
        try {
            Event e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (e == null) {
                throw new AssertionError("no SSE event within " + timeout);
            }
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public Event next() {
        return next(Duration.ofSeconds(10));
    }

    /** Events received and not taken yet. */
    public int queued() {
        return events.size();
    }

    /** Comment-only blocks (heartbeats) received so far. */
    public int comments() {
        return comments.get();
    }

    /** Completes when the server ends the stream or the connection closes. */
    public CompletableFuture<Void> ended() {
        return ended;
    }

    @Override
    public void close() {
        response.request().connection().close();
    }
}
