package io.guidon.controlplane.auth;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A signed-in admin UI session (ADR 0112): who it acts as and until when. {@code keyId} is the API key it was
 * started with (null for a future single-sign-on subject, then {@code subject} names it); {@code csrfToken} is the
 * synchronizer token every state-changing request of the session must carry. The session's own token is never
 * held here: only the cookie has it, and the store keeps its SHA-256.
 */
public record Session(long tenantId, String tenantKey, UUID keyId, String subject, String actorName, Role role,
        String csrfToken, OffsetDateTime createdAt, OffsetDateTime lastSeenAt, OffsetDateTime expiresAt) {

    /** The principal the session's requests act as: its role, in its tenant, for no single environment. */
    public Principal principal() {
        return new Principal(keyId, actorName, role, tenantId, tenantKey, null, null);
    }
}
