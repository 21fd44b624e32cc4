package io.guidon.controlplane.domain;

import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * An API key as it is listed, never with its secret (only its hash is stored; the secret is shown once, when the key
 * is created). {@code role} is the role's name as the API writes it ({@code admin}, {@code editor}, {@code viewer},
 * {@code sidecar}); {@code environment} is the key of a sidecar key's environment, null for the other roles;
 * {@code prefix} is the visible part that finds the key's row (12 characters, without {@code gdn_}).
 * {@code revokedAt} and {@code lastUsedAt} are null until the key is revoked or first used.
 */
public record ApiKey(UUID id, String name, String role, String environment, String prefix,
        OffsetDateTime createdAt, OffsetDateTime revokedAt, OffsetDateTime lastUsedAt) {

    /** Where this key stands in a listing: after every key created before it (and, at the same instant, by id). */
    public Position position() {
        return new Position(createdAt, id);
    }

    /**
     * A place in the listing of a tenant's keys, sorted by creation time, then id (stable, unlike a name). Its text,
     * the sort key the page cursor carries, is {@code <created, in microseconds since the epoch>:<id>}:
     * PostgreSQL keeps microseconds, so the text names a key's position exactly.
     */
    public record Position(OffsetDateTime createdAt, UUID id) {

        /** The form of the text this server writes (the id in lower case, as {@link UUID#toString()} writes it). */
        private static final Pattern TEXT = Pattern.compile("\\d{1,19}:[0-9a-f-]{36}");

        /** {@code <epoch micros>:<id>}. */
        public String text() {
            return EpochMicros.of(createdAt) + ":" + id;
        }

        /**
         * The position written by {@link #text()}, in UTC; null when {@code text} is not one (a cursor of another
         * listing, or edited): the caller says so to the client.
         */
        public static Position parse(String text) {
            return EpochMicros.position(text, TEXT, UUID::fromString, Position::new);
        }
    }
}
