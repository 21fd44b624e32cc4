package io.guidon.sidecar;

import io.guidon.engine.Compilation;
import io.guidon.engine.FlagDocumentCompiler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;

/** The example flags shipped in the jar ({@code config/flags.json}), served when no flag file is configured. */
public final class BundledFlagSource implements FlagSource {

    static final String RESOURCE = "config/flags.json";

    private final Vertx vertx;
    private final FlagDocumentCompiler compiler;
    private final FlagStore store;
    private final SidecarMetrics metrics;

    public BundledFlagSource(Vertx vertx, FlagDocumentCompiler compiler, FlagStore store, SidecarMetrics metrics) {
        this.vertx = vertx;
        this.compiler = compiler;
        this.store = store;
        this.metrics = metrics;
    }

    @Override
    public Future<Void> start() {
        return vertx.executeBlocking(this::load, false);
    }

    private Void load() throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("the jar has no " + RESOURCE);
            }
            Compilation c = compiler.compile(in.readAllBytes());
            if (!c.ok()) {
                throw new IOException("the bundled " + RESOURCE + " is invalid: " + c.errors());
            }
            store.publish(c.flagSet(), describe());
            metrics.reloadApplied();
            return null;
        }
    }

    @Override
    public Future<Void> stop() {
        return Future.succeededFuture();
    }

    @Override
    public String describe() {
        return "bundled example " + RESOURCE;
    }
}
