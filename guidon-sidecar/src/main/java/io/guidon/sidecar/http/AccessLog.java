package io.guidon.sidecar.http;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One JSON log line per request on logger {@code guidon.access}, when {@code http.access-log} is on. */
final class AccessLog implements Handler<RoutingContext> {

    private static final Logger log = LoggerFactory.getLogger("guidon.access");

    private final Clock clock;

    AccessLog(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void handle(RoutingContext ctx) {
        long start = System.nanoTime();
        ctx.addBodyEndHandler(v -> log.info("{} {} {}", kv("method", ctx.request().method().name()),
                kv("path", ctx.request().path()), kv("status", ctx.response().getStatusCode()),
                kv("durationMicros", (System.nanoTime() - start) / 1000),
                kv("bytes", ctx.response().bytesWritten()),
                kv("requestId", ctx.request().getHeader("X-Request-Id")),
                kv("remote", ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().host())));
        ctx.next();
    }
}
