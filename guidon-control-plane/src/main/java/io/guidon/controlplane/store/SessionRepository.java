package io.guidon.controlplane.store;

import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.auth.Session;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.UUID;

/**
 * The {@code ui_sessions} table: SQL and row mapping only. Sessions are found by the SHA-256 of their token; a
 * session is live while it is within its absolute end, within its idle timeout, and (for a key's session) its key
 * is not revoked: the one query says all three, so a revoked key signs its sessions out at once on every replica.
 */
public final class SessionRepository {

    private final Pool pool;

    public SessionRepository(Pool pool) {
        this.pool = pool;
    }

    /** Stores a new session; completes with its row as read back (the database's clock sets its times). */
    public Future<Session> insert(byte[] tokenHash, long tenantId, UUID keyId, String subject, String actorName,
            Role role, String csrfToken, Duration maxAge) {
        return Sql.one(pool, "WITH s AS (INSERT INTO ui_sessions (token_hash, tenant_id, key_id, subject, actor_name,"
                        + " role, csrf_token, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7,"
                        + " now() + $8 * interval '1 millisecond') RETURNING *)"
                        + " SELECT s.*, t.key AS tenant FROM s JOIN tenants t ON t.id = s.tenant_id",
                SessionRepository::session, Buffer.buffer(tokenHash), tenantId, keyId, subject, actorName,
                role.jsonName(), csrfToken, maxAge.toMillis());
    }

    /**
     * The live session of {@code tokenHash}, or null. Marks it seen now when it was last seen more than
     * {@code touchAfter} ago (not on every request: a page makes several).
     */
    public Future<Session> findLive(byte[] tokenHash, Duration idleTimeout, Duration touchAfter) {
        return Sql.one(pool, "WITH live AS (SELECT s.token_hash FROM ui_sessions s"
                        + " LEFT JOIN api_keys k ON k.id = s.key_id"
                        + " WHERE s.token_hash = $1 AND s.expires_at > now()"
                        + " AND s.last_seen_at > now() - $2 * interval '1 millisecond'"
                        + " AND (s.key_id IS NULL OR k.revoked_at IS NULL)),"
                        + " touched AS (UPDATE ui_sessions s SET last_seen_at = now() FROM live"
                        + " WHERE s.token_hash = live.token_hash AND s.last_seen_at < now() - $3 * interval '1 millisecond'"
                        + " RETURNING s.token_hash)"
                        + " SELECT s.*, t.key AS tenant FROM ui_sessions s JOIN live ON live.token_hash = s.token_hash"
                        + " JOIN tenants t ON t.id = s.tenant_id",
                SessionRepository::session, Buffer.buffer(tokenHash), idleTimeout.toMillis(), touchAfter.toMillis());
    }

    /** Ends the session of {@code tokenHash} (nothing when there is none). */
    public Future<Void> delete(byte[] tokenHash) {
        return Sql.query(pool, "DELETE FROM ui_sessions WHERE token_hash = $1", Buffer.buffer(tokenHash)).mapEmpty();
    }

    /** Deletes the sessions past their absolute end or idle for longer than {@code idleTimeout}; their count. */
    public Future<Integer> deleteExpired(Duration idleTimeout) {
        return Sql.query(pool, "DELETE FROM ui_sessions WHERE expires_at <= now()"
                        + " OR last_seen_at <= now() - $1 * interval '1 millisecond'", idleTimeout.toMillis())
                .map(rs -> rs.rowCount());
    }

    /** Marks a form token used; true when this is its first use (false: it was used before). */
    public Future<Boolean> useFormToken(byte[] tokenHash) {
        return Sql.query(pool, "INSERT INTO ui_form_tokens (token_hash) VALUES ($1) ON CONFLICT DO NOTHING",
                Buffer.buffer(tokenHash)).map(rs -> rs.rowCount() == 1);
    }

    /** Forgets a form token's use (its action failed: the same form may be sent again). */
    public Future<Void> releaseFormToken(byte[] tokenHash) {
        return Sql.query(pool, "DELETE FROM ui_form_tokens WHERE token_hash = $1", Buffer.buffer(tokenHash))
                .mapEmpty();
    }

    /** Deletes form tokens used more than a day ago (a form is not resent after that: its page is long gone). */
    public Future<Integer> deleteOldFormTokens() {
        return Sql.query(pool, "DELETE FROM ui_form_tokens WHERE used_at < now() - interval '1 day'")
                .map(rs -> rs.rowCount());
    }

    private static Session session(Row r) {
        return new Session(r.getLong("tenant_id"), r.getString("tenant"), r.getUUID("key_id"), r.getString("subject"),
                r.getString("actor_name"), Role.parse(r.getString("role")), r.getString("csrf_token"),
                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("last_seen_at"),
                r.getOffsetDateTime("expires_at"));
    }

}
