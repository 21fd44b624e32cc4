package io.guidon.sidecar.connected;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.protocol.events.EventBatch;
import io.guidon.protocol.events.EventBatchAnswer;
import io.guidon.protocol.events.EventBatchDecoder;
import io.guidon.protocol.snapshots.FullSnapshot;
import io.guidon.protocol.snapshots.SnapshotCodec;
import io.guidon.protocol.snapshots.SnapshotDelta;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * A small control plane over loopback implementing the sidecar's two contracts:
 * {@code GET /api/v1/sidecar/flags[?since=V]} (full documents, deltas computed from its version history, 304) and
 * {@code POST /api/v1/events} (gzipped JSON batches, each batch id stored once). Its flag document, version and
 * failure modes are switched by the test; it records every request. Thread-safe: the server's event loop and
 * the test thread both use it.
 *
 * <p>Every message is written and read with the protocol module's codecs, as the real control plane does: the
 * answers by {@link SnapshotCodec} and {@link EventBatchAnswer}, the batches by {@link EventBatchDecoder} (with no
 * time window: a test's clock is its own), so a batch the real control plane would refuse whole is refused here.
 */
final class FakeControlPlane {

    static final String KEY = "gsk_test_key";
    static final String TENANT = "acme";
    static final String ENVIRONMENT = "prod";

    /** One flags request as the server saw it, and what it answered. */
    record FlagsCall(Long since, String ifNoneMatch, String answer, long version) {
    }

    /** One stored event batch: as decoded, and its JSON as sent (for what the tests check of the form). */
    record Batch(String batchId, JsonNode body, EventBatch batch) {
        List<String> conversionEvents() {
            return batch.conversions().stream().map(EventBatch.Conversion::event).toList();
        }

        long countTotal() {
            return batch.counts().stream().mapToLong(EventBatch.Count::count).sum();
        }

        int events() {
            return batch.events();
        }
    }

    private static final EventBatchDecoder DECODER = new EventBatchDecoder(new EventBatchDecoder.Limits(64 << 20,
            100_000));

    private final Vertx vertx;
    private final ObjectMapper mapper = Docs.COMPILER.mapper();
    private HttpServer server;
    private int port;

    // ---- flags state, guarded by this
    private final TreeMap<Long, ObjectNode> history = new TreeMap<>();
    private long version;
    private boolean deltas = true;
    private int flagsStatus = 200;
    private boolean hold;
    private final Deque<HttpServerRequest> held = new ArrayDeque<>();
    private final Deque<Function<Long, ObjectNode>> scripted = new ArrayDeque<>();
    private final List<FlagsCall> flagCalls = new ArrayList<>();
    private int flagArrivals;

    // ---- events state, guarded by this
    private Function<Batch, Integer> eventsStatus = b -> 202;
    private Function<Batch, String> eventsBody = null;
    private final List<Batch> batches = new ArrayList<>();
    private final List<Batch> accepted = new ArrayList<>();
    private final Set<String> batchIds = new HashSet<>();
    private final AtomicInteger eventPosts = new AtomicInteger();
    private final AtomicInteger duplicatePosts = new AtomicInteger();
    private final List<Integer> eventAnswers = new ArrayList<>();
    private boolean holdEvents;
    private final Deque<Runnable> heldEvents = new ArrayDeque<>();

    FakeControlPlane(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Listens on a free port of 127.0.0.1. */
    FakeControlPlane start() throws Exception {
        return start(0);
    }

    FakeControlPlane start(int port) throws Exception {
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)
                .setDecompressionSupported(false));
        server.requestHandler(this::handle);
        Await.result(server.listen());
        this.port = server.actualPort();
        return this;
    }

    /** Stops listening (and closes open connections); {@link #start(int)} with {@link #port()} brings it back. */
    void stop() throws Exception {
        if (server != null) {
            Await.result(server.close());
            server = null;
        }
    }

    void close() throws Exception {
        releaseAll();
        releaseEvents();
        stop();
    }

    int port() {
        return port;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    // ---- the flag document

    /** Makes {@code document} the next version and returns that version. */
    synchronized long publish(ObjectNode document) {
        version++;
        history.put(version, document.deepCopy());
        return version;
    }

    synchronized long version() {
        return version;
    }

    /** Whether {@code ?since=} is answered with deltas (else always with the full document). */
    synchronized void deltas(boolean on) {
        deltas = on;
    }

    /** The status flag requests get (200: the contract; anything else: that status with an error body). */
    synchronized void flagsStatus(int status) {
        flagsStatus = status;
    }

    /** While on, flag requests wait until released. */
    synchronized void hold(boolean on) {
        hold = on;
    }

    synchronized int heldCount() {
        return held.size();
    }

    /** Answers the oldest held flag request. */
    void releaseOne() {
        HttpServerRequest r;
        synchronized (this) {
            r = held.pollFirst();
        }
        if (r != null) {
            answerFlags(r);
        }
    }

    /** Stops holding and answers every held request. */
    void releaseAll() {
        List<HttpServerRequest> all;
        synchronized (this) {
            hold = false;
            all = new ArrayList<>(held);
            held.clear();
        }
        for (HttpServerRequest r : all) {
            answerFlags(r);
        }
    }

    /** The next flag request is answered with this body (given the request's since, or null), whatever it asked. */
    synchronized void script(Function<Long, ObjectNode> body) {
        scripted.addLast(body);
    }

    synchronized List<FlagsCall> flagCalls() {
        return List.copyOf(flagCalls);
    }

    /** Flag requests that reached the server, answered or held. */
    synchronized int flagRequests() {
        return flagArrivals;
    }

    /** The full answer for the current version. */
    synchronized FullSnapshot full() {
        return new FullSnapshot(TENANT, ENVIRONMENT, version, history.get(version).deepCopy());
    }

    /** The delta answer from {@code since} to the current version (whatever the history says). */
    synchronized SnapshotDelta delta(long since, ObjectNode from) {
        ObjectNode to = history.get(version);
        return new SnapshotDelta(TENANT, ENVIRONMENT, version, since, diff(from.path("flags"), to.path("flags")),
                diff(from.path("segments"), to.path("segments")));
    }

    /** The full response body for the current version, as a tree a test may change. */
    synchronized ObjectNode fullBody() {
        return tree(SnapshotCodec.encode(full()));
    }

    /** A delta body from {@code since} to the current version, as a tree a test may change. */
    synchronized ObjectNode deltaBody(long since, ObjectNode from) {
        return tree(SnapshotCodec.encode(delta(since, from)));
    }

    private static ObjectNode tree(byte[] json) {
        try {
            return (ObjectNode) SnapshotCodec.mapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    synchronized ObjectNode documentAt(long v) {
        return history.get(v).deepCopy();
    }

    private Map<String, JsonNode> diff(JsonNode from, JsonNode to) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = to.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().equals(from.get(e.getKey()))) {
                out.put(e.getKey(), e.getValue().deepCopy());
            }
        }
        for (Iterator<String> it = from.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!to.has(k)) {
                out.put(k, mapper.nullNode());
            }
        }
        return out;
    }

    // ---- events

    /** Decides the status of each event post (the batch is stored only on 2xx). */
    synchronized void eventsStatus(Function<Batch, Integer> status) {
        eventsStatus = status;
    }

    /** While on, event posts wait (their bodies read) until released. */
    /** The body of a 2xx answer to a batch (such as one that lists rejected events). */
    synchronized void eventsBody(Function<Batch, String> body) {
        eventsBody = body;
    }

    synchronized void holdEvents(boolean on) {
        holdEvents = on;
    }

    synchronized int heldEvents() {
        return heldEvents.size();
    }

    /** Stops holding event posts and answers the held ones. */
    void releaseEvents() {
        List<Runnable> all;
        synchronized (this) {
            holdEvents = false;
            all = new ArrayList<>(heldEvents);
            heldEvents.clear();
        }
        all.forEach(Runnable::run);
    }

    /** Stored batches in the order they were first accepted. */
    synchronized List<Batch> batches() {
        return List.copyOf(batches);
    }

    /** Every post answered 2xx, duplicates included, in order. */
    synchronized List<Batch> accepted() {
        return List.copyOf(accepted);
    }

    int eventPosts() {
        return eventPosts.get();
    }

    int duplicatePosts() {
        return duplicatePosts.get();
    }

    synchronized List<Integer> eventAnswers() {
        return List.copyOf(eventAnswers);
    }

    /** Conversion event names of every stored batch, in order. */
    synchronized List<String> conversionEvents() {
        List<String> out = new ArrayList<>();
        for (Batch b : batches) {
            out.addAll(b.conversionEvents());
        }
        return out;
    }

    // ---- HTTP

    private void handle(HttpServerRequest request) {
        boolean events = request.path().equals("/api/v1/events");
        if (!("Bearer " + KEY).equals(request.getHeader("Authorization"))) {
            if (events) {
                eventPosts.incrementAndGet();
                synchronized (this) {
                    eventAnswers.add(401);
                }
            }
            request.response().setStatusCode(401).end("{\"error\":\"unauthorized\"}");
            return;
        }
        if (request.path().equals("/api/v1/sidecar/flags") && request.method().name().equals("GET")) {
            synchronized (this) {
                flagArrivals++;
                if (hold) {
                    request.pause();
                    held.addLast(request);
                    return;
                }
            }
            answerFlags(request);
        } else if (events && request.method().name().equals("POST")) {
            eventPosts.incrementAndGet();
            request.body().onSuccess(body -> {
                synchronized (this) {
                    if (holdEvents) {
                        heldEvents.addLast(() -> answerEvents(request, body));
                        return;
                    }
                }
                answerEvents(request, body);
            });
        } else {
            request.response().setStatusCode(404).end();
        }
    }

    private void answerFlags(HttpServerRequest request) {
        String sinceParam = request.getParam("since");
        Long since = sinceParam == null ? null : Long.valueOf(sinceParam);
        int status;
        Buffer body;
        String answer;
        long v;
        synchronized (this) {
            v = version;
            Function<Long, ObjectNode> script = scripted.pollFirst();
            if (script != null) {
                ObjectNode b = script.apply(since);
                status = 200;
                body = Buffer.buffer(b.toString());
                answer = "scripted";
                v = b.path("version").asLong();
            } else if (flagsStatus != 200) {
                status = flagsStatus;
                body = Buffer.buffer("{\"error\":\"unavailable\"}");
                answer = String.valueOf(flagsStatus);
            } else if (version == 0) {
                status = 404;
                body = Buffer.buffer("{\"error\":\"no flags\"}");
                answer = "404";
            } else if (since != null && since == version) {
                status = 304;
                body = null;
                answer = "304";
            } else if (since != null && deltas && since < version && history.containsKey(since)) {
                status = 200;
                body = Buffer.buffer(SnapshotCodec.encode(delta(since, history.get(since))));
                answer = "delta";
            } else {
                status = 200;
                body = Buffer.buffer(SnapshotCodec.encode(full()));
                answer = "full";
            }
            flagCalls.add(new FlagsCall(since, request.getHeader("If-None-Match"), answer, v));
        }
        var response = request.response().setStatusCode(status).putHeader("ETag", "\"" + v + "\"");
        if (body == null) {
            response.end();
        } else {
            response.putHeader("Content-Type", "application/json").end(body);
        }
    }

    private void answerEvents(HttpServerRequest request, Buffer raw) {
        Batch batch;
        try {
            byte[] bytes = raw.getBytes();
            if ("gzip".equalsIgnoreCase(request.getHeader("Content-Encoding"))) {
                try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                    bytes = in.readAllBytes();
                }
            }
            EventBatchDecoder.Result read = DECODER.decode(bytes, false, request.getHeader("Idempotency-Key"),
                    Instant.MIN, Instant.MAX);
            if (read.refused()) {
                throw new IllegalArgumentException("not a batch: " + read.summary());
            }
            batch = new Batch(read.batch().batchId().toString(), mapper.readTree(bytes), read.batch());
        } catch (Exception e) {
            synchronized (this) {
                eventAnswers.add(400);
            }
            request.response().setStatusCode(400).end("{\"error\":\"malformed batch\"}");
            return;
        }
        int status;
        String answer;
        synchronized (this) {
            status = eventsStatus.apply(batch);
            boolean duplicate = batchIds.contains(batch.batchId());
            answer = status / 100 != 2 ? "{\"error\":\"no\"}" : eventsBody != null ? eventsBody.apply(batch)
                    : new String(new EventBatchAnswer(batch.batch().batchId(), duplicate, batch.events(), List.of(), 0,
                            0, 0).encode(), java.nio.charset.StandardCharsets.UTF_8);
            eventAnswers.add(status);
            if (status / 100 == 2) {
                accepted.add(batch);
                if (batchIds.add(batch.batchId())) {
                    batches.add(batch);
                } else {
                    duplicatePosts.incrementAndGet();
                }
            }
        }
        request.response().setStatusCode(status).end(answer);
    }
}
