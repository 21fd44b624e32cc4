package io.guidon.sidecar;

import io.guidon.engine.Compilation;
import io.guidon.engine.FlagDocumentCompiler;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.InputStream;

/** The example flags shipped in the jar ({@code config/flags.json}), served when no flag file is configured. */
public final class BundledFlagSource implements FlagSource {

    static final String RESOURCE = "config/flags.json";

    private final FlagDocumentCompiler compiler;
    private final FlagStore store;
    private final SidecarMetrics metrics;

    public BundledFlagSource(FlagDocumentCompiler compiler, FlagStore store, SidecarMetrics metrics) {
        this.compiler = compiler;
        this.store = store;
        this.metrics = metrics;
    }

    @Override
    public Future<Void> start() {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return Future.failedFuture("the jar has no " + RESOURCE);
            }
            Compilation c = compiler.compile(in.readAllBytes());
            if (!c.ok()) {
                return Future.failedFuture("the bundled " + RESOURCE + " is invalid: " + c.errors());
            }
            store.publish(c.flagSet(), describe());
            metrics.reloadApplied();
            return Future.succeededFuture();
        } catch (IOException e) {
            return Future.failedFuture(e);
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
