package io.guidon.controlplane.service;

import io.guidon.controlplane.auth.Principal;
import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.auth.Session;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.store.SessionRepository;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * The admin UI's server-side sessions (ADR 0112). A session is started for an identity already verified by the
 * caller (today an API key of the tenant; an OIDC sign-in would be another way to get a {@link Principal}) and is
 * then known by a random 256-bit token that only the browser's cookie holds. It ends at sign-out, after
 * {@code idleTimeout} without a request, at {@code maxAge} after it started whatever happens, and at once when
 * its key is revoked. Sequential code for a virtual thread: each method awaits its statement.
 */
public final class SessionService {

    /** A started session and its token (for the cookie; never stored, never logged). */
    public record Started(Session session, String token) {
    }

    private static final Base64.Encoder TOKENS = Base64.getUrlEncoder().withoutPadding();
    /** A session is marked seen at most this often: its idle end is exact to within this. */
    private static final Duration TOUCH_AFTER = Duration.ofSeconds(30);

    private final SessionRepository sessions;
    private final Duration idleTimeout;
    private final Duration maxAge;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param idleTimeout a session ends after this long without a request
     * @param maxAge a session ends this long after it started, however active
     */
    public SessionService(SessionRepository sessions, Duration idleTimeout, Duration maxAge) {
        this.sessions = sessions;
        this.idleTimeout = idleTimeout;
        this.maxAge = maxAge;
    }

    /**
     * Starts a session for {@code principal}. Fails with {@link DomainException.Kind#FORBIDDEN} for a sidecar key:
     * its role is for fetching flags, not for people.
     */
    public Started start(Principal principal) {
        if (principal.role() == Role.SIDECAR) {
            throw DomainException.forbidden("a sidecar key cannot sign in to the admin UI: use an admin, editor or"
                    + " viewer key of the tenant");
        }
        String token = newToken();
        Session session = sessions.insert(hash(token), principal.tenantId(), principal.keyId(), null,
                principal.keyName(), principal.role(), newToken(), maxAge).await();
        return new Started(session, token);
    }

    /** The live session whose token is {@code token}, if any (a null, malformed or ended token has none). */
    public Optional<Session> find(String token) {
        if (token == null || token.isEmpty() || token.length() > 100) {
            return Optional.empty();
        }
        return Optional.ofNullable(sessions.findLive(hash(token), idleTimeout, TOUCH_AFTER).await());
    }

    /** Ends the session of {@code token}; nothing when it has ended already. */
    public void end(String token) {
        if (token != null && !token.isEmpty() && token.length() <= 100) {
            sessions.delete(hash(token)).await();
        }
    }

    /** Deletes ended sessions and old form tokens (a periodic clean-up: an ended session is refused anyway). */
    public int purge() {
        sessions.deleteOldFormTokens().await();
        return sessions.deleteExpired(idleTimeout).await();
    }

    /**
     * Marks the one-time token of a form used, on every replica at once; true on its first use. A null, empty or
     * overlong token is never a first use: no form of ours sends one.
     */
    public boolean firstUseOfForm(String token) {
        if (token == null || token.isEmpty() || token.length() > 100) {
            return false;
        }
        return sessions.useFormToken(hash(token)).await();
    }

    /** Forgets a form token's use, when the action it was sent for failed and may be tried again. */
    public void releaseForm(String token) {
        if (token != null && !token.isEmpty() && token.length() <= 100) {
            sessions.releaseFormToken(hash(token)).await();
        }
    }

    /** A new random token: 256 bits, base64url. */
    public String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return TOKENS.encodeToString(bytes);
    }

    /**
     * Whether {@code presented} is the session's CSRF token, compared in constant time (its length leaks nothing:
     * every token has the same).
     */
    public static boolean csrfMatches(Session session, String presented) {
        return presented != null && MessageDigest.isEqual(session.csrfToken().getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
