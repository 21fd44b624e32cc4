package io.guidon.controlplane.service;

import static io.vertx.core.Future.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.EnvironmentDocument;
import io.guidon.controlplane.store.DocumentRepository;
import io.guidon.engine.Compilation;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.engine.FlagSet;
import io.guidon.engine.ValidationError;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Environments' documents compiled by the engine, for reading (try it, impact estimates, segment usage), kept per
 * (environment, version) in a small least-recently-used cache. A version is never reused and a document never
 * changes at a version, so an entry is exact for as long as it is kept; a new version is a new entry. Code for a
 * virtual thread; compiling runs on a worker thread, as the write path's does.
 */
final class CompiledDocuments {

    /**
     * An environment's document at {@code version}: as rows ({@code document}), in the flag-document format
     * ({@code json}, what sidecars receive) and compiled ({@code flagSet}). Shared: nothing in it may be changed.
     */
    record Compiled(long environmentId, long version, EnvironmentDocument document, ObjectNode json,
            FlagSet flagSet) {
    }

    private record Key(long environmentId, long version) {
    }

    private final Vertx vertx;
    private final Pool pool;
    private final FlagDocumentCompiler compiler;
    private final Map<Key, Compiled> cache;
    private final AtomicLong loads = new AtomicLong();

    /** @param capacity how many compiled documents to keep (each holds a whole environment's flags) */
    CompiledDocuments(Vertx vertx, Pool pool, FlagDocumentCompiler compiler, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.vertx = vertx;
        this.pool = pool;
        this.compiler = compiler;
        this.cache = new LinkedHashMap<>(capacity * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Compiled> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * {@code env}'s document at the version {@code env} was read at, or (when it moved on meanwhile) at its current
     * one; from the cache when there.
     *
     * @throws DomainException NOT_FOUND when the environment is gone
     */
    Compiled current(long tenantId, Environment env) {
        Compiled hit = cached(new Key(env.id(), env.version()));
        if (hit != null) {
            return hit;
        }
        DocumentRepository.Versioned read = await(DocumentRepository.loadCurrent(pool, tenantId, env.id()));
        if (read == null) {
            throw DomainException.notFound("no environment '" + env.key() + "'");
        }
        Key key = new Key(env.id(), read.version());
        hit = cached(key);
        if (hit != null) {
            return hit;
        }
        loads.incrementAndGet();
        ObjectNode json = read.document().toJson();
        Compilation compiled = await(vertx.executeBlocking(() -> compiler.compile(json), false));
        if (!compiled.ok()) {
            // Every stored document was compiled before it was committed; only an engine with stricter rules than
            // the one that wrote it gets here, and then sidecars refuse the document too.
            ValidationError first = compiled.errors().get(0);
            throw DomainException.conflict("environment '" + env.key() + "' holds a document this engine refuses ("
                    + compiled.errors().size() + " error(s); the first: " + first.where().text() + ": "
                    + first.message() + "); change the flag or segment named to fix it");
        }
        Compiled c = new Compiled(env.id(), read.version(), read.document(), json, compiled.flagSet());
        synchronized (cache) {
            cache.put(key, c);
        }
        return c;
    }

    private Compiled cached(Key key) {
        synchronized (cache) {
            return cache.get(key);
        }
    }

    /** How many documents were read and compiled (for tests of the cache). */
    long loads() {
        return loads.get();
    }
}
