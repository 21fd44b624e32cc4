package io.guidon.telemetry;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An in-process OTLP logs receiver for tests: a Vert.x HTTP server on 127.0.0.1 (port 0) that accepts
 * {@code POST /v1/logs} (OTLP/HTTP, binary protobuf) and the gRPC method
 * {@code /opentelemetry.proto.collector.logs.v1.LogsService/Export} (HTTP/2 cleartext, prior knowledge), decodes each
 * {@code ExportLogsServiceRequest} with the OTLP protobuf classes, keeps every log record with its resource and
 * scope, and answers success. {@link #failWith} makes it answer an error instead; {@link #close} takes it down.
 */
public final class OtlpReceiver implements AutoCloseable {

    /** One received log record, flattened for assertions. */
    public record Received(Map<String, String> resource, String scope, String eventName, long timeUnixNano,
            Map<String, Object> attributes, String path, Map<String, String> headers) {

        public Object attribute(String name) {
            return attributes.get(name);
        }
    }

    private final Vertx vertx;
    private final boolean ownVertx;
    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private volatile int failStatus;

    private OtlpReceiver(Vertx vertx, boolean ownVertx) throws Exception {
        this.vertx = vertx;
        this.ownVertx = ownVertx;
        this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
                .setHttp2ClearTextEnabled(true))
                .requestHandler(this::handle);
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A receiver on a Vert.x of its own, closed with it. */
    public static OtlpReceiver start() throws Exception {
        return new OtlpReceiver(Vertx.vertx(), true);
    }

    public int port() {
        return server.actualPort();
    }

    /** The base endpoint, as {@code otel.endpoint} takes it. */
    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    /** From now on answer every export with this HTTP status (0: succeed again). */
    public void failWith(int status) {
        failStatus = status;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** The content types of the requests received, in order. */
    public List<String> contentTypes() {
        return List.copyOf(contentTypes);
    }

    /** Waits until a received record matches, or fails naming what arrived. */
    public Received await(Predicate<Received> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Received r : received) {
                if (match.test(r)) {
                    return r;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no matching log record within " + timeout.toMillis() + " ms; received: " + received);
    }

    /** Waits (up to 10 s) for the event of the evaluation whose {@code feature_flag.context.id} is {@code id}. */
    public Received awaitContextId(String id) throws InterruptedException {
        return await(r -> id.equals(r.attribute("feature_flag.context.id")), Duration.ofSeconds(10));
    }

    /**
     * The attributes a successful evaluation's event carries, exactly (no {@code feature_flag.set.id}: add it when the
     * flags have one), as the semantic conventions name them.
     */
    public static Map<String, Object> success(String key, String variant, String reason, String provider,
            String contextId, long version) {
        return Map.of("feature_flag.key", key, "feature_flag.result.variant", variant,
                "feature_flag.result.reason", reason, "feature_flag.provider.name", provider,
                "feature_flag.context.id", contextId, "feature_flag.version", Long.toString(version));
    }

    /** Waits until at least {@code count} records arrived. */
    public List<Received> awaitCount(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && received.size() < count) {
            Thread.sleep(10);
        }
        if (received.size() < count) {
            throw new AssertionError("expected " + count + " log records within " + timeout.toMillis()
                    + " ms, received " + received.size());
        }
        return received();
    }

    private void handle(HttpServerRequest req) {
        boolean grpc = req.path().equals("/opentelemetry.proto.collector.logs.v1.LogsService/Export");
        if (!req.method().name().equals("POST") || !(grpc || req.path().equals("/v1/logs"))) {
            req.response().setStatusCode(404).end();
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
        contentTypes.add(req.getHeader("content-type"));
        req.body().onSuccess(body -> {
            int fail = failStatus;
            if (fail != 0) {
                if (grpc) {
                    req.response().putHeader("content-type", "application/grpc").putTrailer("grpc-status", "14")
                            .putTrailer("grpc-message", "unavailable").end();
                } else {
                    req.response().setStatusCode(fail).end();
                }
                return;
            }
            byte[] bytes = body.getBytes();
            if (grpc) {
                // A gRPC message: compressed flag (1 byte), length (4 bytes, big-endian), then the message.
                bytes = java.util.Arrays.copyOfRange(bytes, 5, bytes.length);
            }
            try {
                record(ExportLogsServiceRequest.parseFrom(bytes), req.path(), headers);
            } catch (InvalidProtocolBufferException e) {
                req.response().setStatusCode(400).end(e.toString());
                return;
            }
            byte[] answer = ExportLogsServiceResponse.getDefaultInstance().toByteArray();
            if (grpc) {
                Buffer frame = Buffer.buffer().appendByte((byte) 0).appendInt(answer.length).appendBytes(answer);
                req.response().putHeader("content-type", "application/grpc").putTrailer("grpc-status", "0")
                        .end(frame);
            } else {
                req.response().putHeader("content-type", "application/x-protobuf").end(Buffer.buffer(answer));
            }
        });
    }

    private void record(ExportLogsServiceRequest request, String path, Map<String, String> headers) {
        for (ResourceLogs rl : request.getResourceLogsList()) {
            Map<String, String> resource = new LinkedHashMap<>();
            for (KeyValue kv : rl.getResource().getAttributesList()) {
                resource.put(kv.getKey(), String.valueOf(plain(kv.getValue())));
            }
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                for (LogRecord lr : sl.getLogRecordsList()) {
                    Map<String, Object> attributes = new LinkedHashMap<>();
                    for (KeyValue kv : lr.getAttributesList()) {
                        attributes.put(kv.getKey(), plain(kv.getValue()));
                    }
                    received.add(new Received(Map.copyOf(resource), sl.getScope().getName(), lr.getEventName(),
                            lr.getTimeUnixNano(), attributes, path, headers));
                }
            }
        }
    }

    private static Object plain(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> v.getBoolValue();
            case INT_VALUE -> v.getIntValue();
            case DOUBLE_VALUE -> v.getDoubleValue();
            default -> v.toString();
        };
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (ownVertx) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

}
