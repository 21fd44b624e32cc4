package io.guidon.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The ceiling of HTTP on this machine for the sidecar's load test (issue 15): a minimal Vert.x server that answers
 * every {@code POST} with a fixed body, read once from a file, so that the sidecar's throughput can be quoted as a
 * ratio to what Vert.x alone reaches with an answer of the same size in the same run. Not shipped; started by
 * {@code benchmarks/run-sidecar-ceiling.sh}.
 *
 * <p>Usage: {@code CeilingServer PORT SINGLE_BODY_FILE BULK_BODY_FILE [EVENT_LOOPS]}. A request to
 * {@code /ofrep/v1/evaluate/flags} gets the bulk body, any other path the single body, both as
 * {@code application/json}; the request body is read in full first, as the sidecar reads it before evaluating.
 * {@code GET /readyz} answers 200 once listening. Event loops default to one per core, the sidecar's default
 * ({@code http.event-loops=0}), one HTTP server each on the same port.
 */
public final class CeilingServer extends VerticleBase {

    private static final String BULK_PATH = "/ofrep/v1/evaluate/flags";

    private final int port;
    private final Buffer single;
    private final Buffer bulk;

    private CeilingServer(int port, Buffer single, Buffer bulk) {
        this.port = port;
        this.single = single;
        this.bulk = bulk;
    }

    @Override
    public Future<?> start() {
        return vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1"))
                .requestHandler(req -> {
                    if ("/readyz".equals(req.path())) {
                        req.response().end("ready");
                        return;
                    }
                    Buffer answer = BULK_PATH.equals(req.path()) ? bulk : single;
                    req.body().onComplete(ar -> req.response()
                            .putHeader("Content-Type", "application/json")
                            .end(answer));
                })
                .listen();
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: CeilingServer PORT SINGLE_BODY_FILE BULK_BODY_FILE [EVENT_LOOPS]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Buffer single = Buffer.buffer(Files.readAllBytes(Path.of(args[1])));
        Buffer bulk = Buffer.buffer(Files.readAllBytes(Path.of(args[2])));
        int loops = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        vertx.deployVerticle(() -> new CeilingServer(port, single, bulk), new DeploymentOptions().setInstances(loops))
                .onSuccess(id -> System.out.printf("ceiling listening on 127.0.0.1:%d with %d event loop(s), "
                        + "single body %d bytes, bulk body %d bytes%n", port, loops, single.length(), bulk.length()))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }
}
