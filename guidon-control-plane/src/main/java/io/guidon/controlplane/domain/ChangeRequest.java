package io.guidon.controlplane.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A change kept until enough other people approved it (docs/adr/0115-approvals.md): the exact action (its stored,
 * order-preserving JSON: a {@link ProposedChange}'s form, or {@code schedule.create}, or another kind registered by
 * the service), its SHA-256 (the hash approvals are given to), the document version of each environment it is based
 * on ({@code baseVersions}: applying needs them unchanged), who proposed it, its status and its approvals, live and
 * withdrawn. Times are PostgreSQL's; fields of a state the request is not in are null.
 */
public record ChangeRequest(long id, String environment, String resourceType, String resourceKey, ObjectNode action,
        String sha256, Map<String, Long> baseVersions, String title, String description, Status status, By author,
        OffsetDateTime createdAt, OffsetDateTime updatedAt, OffsetDateTime appliedAt, By appliedBy,
        Long appliedVersion, String bypassReason, OffsetDateTime closedAt, String closedBy,
        List<Approval> approvals) {

    public ChangeRequest {
        baseVersions = Map.copyOf(baseVersions);
        approvals = List.copyOf(approvals);
    }

    /** The action's kind ({@code flag.toggle}, {@code schedule.create}, ...). */
    public String kind() {
        return action.path("kind").asText();
    }

    /** Where a request is: open until applied, withdrawn by its author or closed by someone else (all final). */
    public enum Status {
        OPEN, APPLIED, WITHDRAWN, CLOSED;

        /** {@code open}, {@code applied}, ... */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The status named {@code name}, or null. */
        public static Status parse(String name) {
            for (Status s : values()) {
                if (s.jsonName().equals(name)) {
                    return s;
                }
            }
            return null;
        }
    }

    /** A key that did something to a request, and its name then (null key: a session without one). */
    public record By(UUID keyId, String name) {
    }

    /**
     * One approval: by whom, of which hash, when; {@code withdrawnAt} when it was withdrawn (by its approver, an
     * edit or a rebase); {@code keyRevoked} when the approver's key is revoked now (it then does not count).
     */
    public record Approval(By by, String sha256, OffsetDateTime approvedAt, OffsetDateTime withdrawnAt,
            boolean keyRevoked) {

        /** Whether it counts towards applying a request whose change hashes to {@code current}. */
        public boolean counts(String current) {
            return withdrawnAt == null && !keyRevoked && sha256.equals(current);
        }
    }

    /** The approvals that count now: live, of the current hash, from keys not revoked. */
    public long validApprovals() {
        return approvals.stream().filter(a -> a.counts(sha256)).count();
    }

    /** Lowercase hex SHA-256 of an action's stored form (the text kept in the {@code json} column). */
    public static String sha256(ObjectNode action) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(StoredJson.write(action).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
