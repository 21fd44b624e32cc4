package io.guidon.controlplane.auth;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Where keys are looked up for authentication. {@link #findByPrefix} returns the key with that visible prefix
 * (revoked ones too, so the caller can tell), or null; {@link #recordLastUsed} writes a batch of last-used times
 * (never earlier than what is stored).
 */
public interface ApiKeyStore {

    Future<StoredKey> findByPrefix(String prefix);

    Future<Void> recordLastUsed(Map<UUID, Instant> lastUsed);
}
