package io.guidon.controlplane.auth;

import io.guidon.controlplane.domain.DomainException;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an {@code Authorization: Bearer KEY} header into a {@link Principal}, or a
 * {@link DomainException.Kind#UNAUTHENTICATED}.
 *
 * <p>Verified keys are cached by prefix for {@code cacheTtl} so that a sidecar polling every second does not cost
 * a query per request; the hash is still compared (in constant time) on every request. Revoking a key on this
 * replica evicts it at once ({@link #evict}); other replicas drop it within {@code cacheTtl}. Last-used times are
 * kept in memory and written in one batch by {@link #flushLastUsed}, called periodically, so requests never
 * write to the database.
 */
public final class Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

    private record Cached(StoredKey key, long expiresAtNanos) {
    }

    private final ApiKeyStore store;
    private final long ttlNanos;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<UUID, Instant> lastUsed = new ConcurrentHashMap<>();

    public Authenticator(ApiKeyStore store, Duration cacheTtl) {
        this.store = store;
        this.ttlNanos = cacheTtl.toNanos();
    }

    /**
     * The principal of the header's key; fails with an {@link DomainException.Kind#UNAUTHENTICATED} when the key is
     * missing, malformed, unknown or revoked.
     */
    public Future<Principal> authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Future.failedFuture(
                    DomainException.unauthenticated("an API key is required: Authorization: Bearer KEY"));
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Future.failedFuture(DomainException.unauthenticated("use Authorization: Bearer KEY"));
        }
        String key = authorization.substring(7).trim();
        String prefix = ApiKeys.prefixOf(key);
        if (prefix == null) {
            return Future.failedFuture(DomainException.unauthenticated("unknown or revoked API key"));
        }
        long now = System.nanoTime();
        Cached cached = cache.get(prefix);
        Future<StoredKey> found;
        if (cached != null && cached.expiresAtNanos - now > 0) {
            found = Future.succeededFuture(cached.key);
        } else {
            found = store.findByPrefix(prefix).onSuccess(k -> {
                if (k != null && k.revokedAt() == null && ttlNanos > 0) {
                    cache.put(prefix, new Cached(k, System.nanoTime() + ttlNanos));
                } else {
                    cache.remove(prefix);
                }
            });
        }
        return found.compose(k -> {
            if (k == null || k.revokedAt() != null || !ApiKeys.matches(key, k.hash())) {
                return Future.failedFuture(DomainException.unauthenticated("unknown or revoked API key"));
            }
            lastUsed.put(k.id(), Instant.now());
            return Future.succeededFuture(k.principal());
        });
    }

    /** Forgets a cached key at once (after it was revoked here). */
    public void evict(String prefix) {
        cache.remove(prefix);
    }

    /** Writes the last-used times gathered since the last flush. */
    public Future<Void> flushLastUsed() {
        if (lastUsed.isEmpty()) {
            return Future.succeededFuture();
        }
        Map<UUID, Instant> batch = new HashMap<>();
        for (UUID id : lastUsed.keySet()) {
            Instant t = lastUsed.remove(id);
            if (t != null) {
                batch.put(id, t);
            }
        }
        return store.recordLastUsed(batch).onFailure(e -> {
            LOG.warn("could not record last-used times of {} keys: {}", batch.size(), e.getMessage());
            batch.forEach(lastUsed::putIfAbsent);
        });
    }
}
