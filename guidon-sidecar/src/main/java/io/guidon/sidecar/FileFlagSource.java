package io.guidon.sidecar;

import io.guidon.engine.Compilation;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.engine.ValidationError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileProps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Standalone mode: serves a flag document from a file and watches it. Every interval it looks at the file's
 * modification time and size (asynchronously); when they change it reads the file, compiles it on a worker
 * thread and publishes it if valid and different. An invalid version is logged with every problem and counted,
 * and the last good set keeps serving. Polling rather than inotify, because it also sees the symlink swaps with
 * which Kubernetes updates mounted ConfigMaps.
 */
public final class FileFlagSource implements FlagSource {

    private static final Logger log = LoggerFactory.getLogger(FileFlagSource.class);

    private final Vertx vertx;
    private final Path file;
    private final Duration interval;
    private final FlagDocumentCompiler compiler;
    private final FlagStore store;
    private final SidecarMetrics metrics;

    private long timerId = -1;
    private boolean checking;
    private long seenModified = Long.MIN_VALUE;
    private long seenSize = -1;
    private byte[] seenContent;
    private boolean reportedMissing;

    public FileFlagSource(Vertx vertx, Path file, Duration interval, FlagDocumentCompiler compiler, FlagStore store,
            SidecarMetrics metrics) {
        this.vertx = vertx;
        this.file = file.toAbsolutePath();
        this.interval = interval;
        this.compiler = compiler;
        this.store = store;
        this.metrics = metrics;
    }

    @Override
    public Future<Void> start() {
        return check().onComplete(ignored -> timerId = vertx.setPeriodic(interval.toMillis(), id -> check()))
                .mapEmpty();
    }

    /** One look at the file; at most one runs at a time. Completes when the look (and any reload) is done. */
    Future<Void> check() {
        if (checking) {
            return Future.succeededFuture();
        }
        checking = true;
        return vertx.fileSystem().props(file.toString())
                .compose(this::readIfChanged, this::missing)
                .eventually(() -> {
                    checking = false;
                    return Future.succeededFuture();
                });
    }

    private Future<Void> missing(Throwable cause) {
        if (!reportedMissing) {
            reportedMissing = true;
            log.warn("cannot read the flag file {}: {}; {} until it can be read", file, cause.getMessage(),
                    store.current() == null ? "not ready" : "the last good flag set keeps serving");
        }
        seenModified = Long.MIN_VALUE;
        return Future.succeededFuture();
    }

    private Future<Void> readIfChanged(FileProps props) {
        reportedMissing = false;
        if (props.lastModifiedTime() == seenModified && props.size() == seenSize) {
            return Future.succeededFuture();
        }
        seenModified = props.lastModifiedTime();
        seenSize = props.size();
        return vertx.fileSystem().readFile(file.toString()).compose(this::load, this::missing);
    }

    private Future<Void> load(Buffer buffer) {
        byte[] content = buffer.getBytes();
        if (seenContent != null && Arrays.equals(content, seenContent)) {
            return Future.succeededFuture();
        }
        seenContent = content;
        return vertx.executeBlocking(() -> compileSafely(compiler, content), false)
                .recover(failure -> Future.succeededFuture(failed(failure)))
                .map(compilation -> {
                    apply(compilation);
                    return (Void) null;
                })
                .recover(failure -> {
                    // Publishing failed after a good compilation (a listener threw): the reload did not happen.
                    metrics.reloadRejected();
                    log.error("rejected {}: publishing it failed", file, failure);
                    return Future.succeededFuture();
                });
    }

    /**
     * Compiles, turning anything thrown (an Error such as StackOverflowError or OutOfMemoryError included) into a
     * rejected compilation, so that no reload is ever dropped without a log line and a {@code rejected} count.
     */
    static Compilation compileSafely(FlagDocumentCompiler compiler, byte[] content) {
        try {
            return compiler.compile(content);
        } catch (Throwable t) {
            return failed(t);
        }
    }

    private static Compilation failed(Throwable t) {
        return new Compilation(null, List.of(new ValidationError("", "the document could not be compiled: " + t)));
    }

    private void apply(Compilation compilation) {
        if (!compilation.ok()) {
            metrics.reloadRejected();
            log.error("rejected {}: {} problem(s); {}", file, compilation.errors().size(),
                    store.current() == null ? "not ready until a valid version is written"
                            : "still serving version " + store.current().version());
            for (ValidationError e : compilation.errors()) {
                log.error("  {}", e);
            }
            return;
        }
        Snapshot s = store.publish(compilation.flagSet(), file.toString());
        if (s != null) {
            metrics.reloadApplied();
            log.info("loaded {} flags from {} as version {}; changed: {}", s.flags().size(), file, s.version(),
                    s.changed().size() > 20 ? s.changed().size() + " flags" : s.changed());
        }
    }

    @Override
    public Future<Void> stop() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        return Future.succeededFuture();
    }

    @Override
    public String describe() {
        return "file " + file;
    }
}
